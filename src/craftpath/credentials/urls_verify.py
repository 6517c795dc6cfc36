"""The public verification page, mounted at ``/verify/`` (no account needed)."""

from __future__ import annotations

from django.urls import path

from craftpath.credentials import views

app_name = "verify"
urlpatterns = [path("", views.verify_page, name="page")]
