"""``craftpath demo``: set up the database, seed the demo federation once, print the demo
sign-ins and serve on 127.0.0.1:8000."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from craftpath.accounts.models import User
from craftpath.credentials.actions import Award, issue_batch
from craftpath.ladders.actions import do_start_eligibility_run, execute_run
from craftpath.orgs.models import Organisation
from craftpath.registry.models import Certificate, Member
from craftpath.site.demo import DEMO_USERS
from craftpath.site.management.commands.generate_demo import print_summary, run_with_progress

WARNING = (
    "注意：以上为公开的演示账号和密码，仅用于演示数据，切勿用于含真实会员数据的系统。\n"
    "WARNING: these are published demo credentials for demo data only. Never use them on a "
    "system that holds real members' data."
)


class Command(BaseCommand):
    help = "准备数据库、生成演示联合会并启动 / set up, seed the demo federation and serve on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=20_000, help="members to generate (default 20000)")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument("--no-serve", action="store_true", help="prepare and print the sign-ins, do not serve")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("setup", stdout=self.stdout)
        if Member.objects.exists():
            self.stdout.write(
                "数据库中已有会员，跳过生成演示数据 / the database already has members; not generating demo data"
            )
        else:
            self.stdout.write(f"正在生成演示联合会（{options['size']:,} 名会员）/ generating the demo federation …")
            result = run_with_progress(
                options["size"], options["seed"], "default", 20_000, quiet=options["no_progress"]
            )
            print_summary(result, self.stdout.write)
            self.first_advancement_run()
            self.first_signed_certificates()
        url = f"http://{options['host']}:{options['port']}/"
        self.print_logins(url)
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"], stdout=self.stdout)

    def first_advancement_run(self) -> None:
        """Evaluate the demo federation once so the staff eligibility lists have something to show."""
        root = Organisation.objects.filter(parent__isnull=True).order_by("id").first()
        if root is None:
            return
        self.stdout.write("正在评估晋级条件 / evaluating advancement for every member …")
        run = do_start_eligibility_run(None, root, timezone.localdate(), background=False)
        run = execute_run(run.pk)
        self.stdout.write(
            f"现在可申报 {run.eligible_now:,} 人，半年内 {run.eligible_soon:,} 人 / "
            f"{run.eligible_now:,} may apply now, {run.eligible_soon:,} within 6 months"
        )

    def first_signed_certificates(self, count: int = 200) -> None:
        """Re-issue the newest certificate of the demo members and some others as signed credentials.

        The generator writes plain registry certificates; here the newest one of each chosen member
        is replaced by the same grade, occupation and date issued by the demo province as a signed,
        offline-verifiable credential, so the certificate pages and ``craftpath verify`` have
        something real to show.
        """
        issuer = Organisation.objects.filter(level="provincial").order_by("id").first()
        if issuer is None:
            return
        chosen = list(Member.objects.filter(user__isnull=False).values_list("id", flat=True))
        chosen += list(
            Member.objects.exclude(id__in=chosen)
            .filter(certificates__isnull=False)
            .distinct()
            .order_by("id")
            .values_list("id", flat=True)[: max(0, count - len(chosen))]
        )
        awards = []
        with transaction.atomic():
            for member in Member.objects.filter(id__in=chosen):
                newest = (
                    Certificate.objects.filter(member=member, grade__lte=5).order_by("-issued_on", "-grade").first()
                )
                if newest is None:
                    continue
                awards.append(Award(member, newest.occupation_id, newest.grade, newest.issued_on))
                newest.delete()
            issue_batch(None, issuer, awards, source="demo")
        self.stdout.write(f"已签发 {len(awards)} 张可验证证书 / issued {len(awards)} signed certificates")

    def print_logins(self, url: str) -> None:
        present = set(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list("username", flat=True)
        )
        if not present:
            self.stdout.write(f"打开 / open {url}")
            return
        width = max(len(u.username) for u in DEMO_USERS)
        lines = ["", f"演示账号 / demo sign-ins at {url}accounts/login/", ""]
        for u in DEMO_USERS:
            if u.username in present:
                lines.append(f"  {u.username:<{width}}  {u.password:<22}  {u.what}")
        lines += ["", WARNING, ""]
        self.stdout.write("\n".join(lines))
