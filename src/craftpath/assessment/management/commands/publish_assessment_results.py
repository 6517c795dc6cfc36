"""``manage.py publish_assessment_results EVENT_ID --as USERNAME``: publish and certify every pass."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craftpath.accounts.models import User
from craftpath.assessment.access import access_event_by_public_id
from craftpath.assessment.actions import do_publish_results
from craftpath.core.problems import NotFoundOrForbidden, ProblemError


class Command(BaseCommand):
    help = "Publish an assessment's results; each pass is issued a signed certificate at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("event")
        parser.add_argument("--as", dest="username", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["username"], role="union_staff").first()
        if actor is None:
            raise CommandError("没有该工会工作人员账号 / no union staff account with that username")
        try:
            event = access_event_by_public_id(actor, options["event"], manage=True)
            passed = do_publish_results(actor, event)
        except NotFoundOrForbidden:
            raise CommandError("找不到该评价活动，或您无权管理 / no such event, or you may not manage it") from None
        except ProblemError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"published · {len(passed)} certificates issued · appeals until {event.appeal_until}")
