from __future__ import annotations

from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    # No other installed app uses the label "credentials" (checked against INSTALLED_APPS).
    name = "craftpath.credentials"
    label = "credentials"
    verbose_name = "Verifiable certificates"
