from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="craftpath API", version="1")
