"""Start-up checks: refuse to run production with missing or unsafe configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_configuration(app_configs: Any, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    production = settings.ENVIRONMENT == "production"
    if production and not settings.SECRET_KEY:
        problems.append(Error("CRAFTPATH_SECRET_KEY is not set.", id="craftpath.E001"))
    keys = [k for k in settings.FIELD_ENCRYPTION_KEYS if k]
    if not keys:
        problems.append(
            Error(
                "CRAFTPATH_FIELD_KEYS is not set; personal data cannot be encrypted.",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                id="craftpath.E002",
            )
        )
    elif any(len(k) < 32 for k in keys):
        problems.append(Error("Each CRAFTPATH_FIELD_KEYS key must be at least 32 characters.", id="craftpath.E003"))
    if production and settings.DEBUG:
        problems.append(Error("CRAFTPATH_DEBUG must be off in production.", id="craftpath.E004"))
    if production and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning("Production is running on SQLite; set DATABASE_URL to PostgreSQL.", id="craftpath.W001")
        )
    return problems
