"""``manage.py rotate_issuer_key ORG_CODE``: new signing key; the old one stays trusted for its certificates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craftpath.credentials.actions import do_rotate_issuer_key
from craftpath.orgs.models import Organisation


class Command(BaseCommand):
    help = "Rotate an organisation's certificate signing key (old certificates remain verifiable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_code")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(code=options["org_code"]).first()
        if org is None:
            raise CommandError(f"no organisation with code {options['org_code']}")
        key = do_rotate_issuer_key(None, org)
        self.stdout.write(f"new issuer {key.did}")
