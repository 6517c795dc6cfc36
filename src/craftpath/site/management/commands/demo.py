"""``craftpath demo``: set up the database, seed the demo federation once, print the demo
sign-ins and serve on 127.0.0.1:8000."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from craftpath.accounts.models import User
from craftpath.credentials.actions import Award, issue_batch
from craftpath.engines.grades import Grade
from craftpath.jobs.actions import do_create_opening
from craftpath.ladders.actions import do_start_eligibility_run, execute_run
from craftpath.orgs.models import Organisation
from craftpath.registry.models import Certificate, Member, OccupationHistory
from craftpath.site.demo import DEMO_USERS
from craftpath.site.demo_jobs import register_demo_job_seekers
from craftpath.site.management.commands.generate_demo import print_summary, run_with_progress
from craftpath.taxonomy.models import Occupation
from craftpath.training.actions import do_create_course, do_create_provider

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
            self.first_courses_and_openings()
            self.first_job_seekers()
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

    def first_courses_and_openings(self, occupations: int = 12) -> None:
        """Courses and job openings in the demo's most common occupations, posted by the province.

        Deterministic: the same demo data always gets the same courses and openings.
        """
        actor = User.objects.filter(username="demo-province").select_related("org").first()
        if actor is None or actor.org is None:
            return
        today = timezone.localdate()
        common: list[str] = [
            str(c)
            for c in (
                OccupationHistory.objects.values("occupation_id")
                .annotate(n=Count("id"))
                .order_by("-n", "occupation_id")
                .values_list("occupation_id", flat=True)[:occupations]
            )
        ]
        # The demo members' own occupations get courses at every grade too, so that signing in as one
        # shows a gap plan with courses (and the value-of-time trade-off) rather than "no course yet".
        own = [
            str(c)
            for c in OccupationHistory.objects.filter(member__user__username__in=["demo-member1", "demo-member2"])
            .order_by("occupation_id")
            .values_list("occupation_id", flat=True)
            .distinct()
            if c not in common
        ]
        provider = do_create_provider(actor, name="江苏省职业技能培训中心（演示）", org=actor.org)
        cities = list(Organisation.objects.filter(level="city", path__startswith=actor.org.path).order_by("code"))
        courses = 0
        for n, code in enumerate([*common, *own]):
            occupation = Occupation.objects.get(code=code)
            tasks = len(occupation.tasks or [])
            offered = (1, 2, 3, 4, 5) if code in own else (2, 3, 4)
            grades = [g for g in offered if g in (occupation.grades or [])]
            for grade in grades:
                half = max(1, tasks // 2)
                for part, indices in enumerate((range(half), range(half, tasks))):
                    if not indices:
                        continue
                    hours = 40 + 20 * grade + 8 * part
                    do_create_course(
                        actor,
                        provider,
                        {
                            "title": f"{Grade(grade).zh}培训（{part + 1}）",
                            "occupation_code": code,
                            "target_grade": grade,
                            "tasks": list(indices),
                            "hours": hours,
                            "theory_hours": hours * 3 // 10,
                            "mode": "mixed",
                            "cost": 600 + 300 * grade + 100 * part,
                            "subsidy": (600 + 300 * grade + 100 * part) // 2,
                            "capacity": 30,
                            "region_code": cities[n % len(cities)].region_id if cities else "",
                            "location": "演示培训基地",
                        },
                    )
                    courses += 1
        unions = list(
            Organisation.objects.filter(level="grassroots", kind="enterprise", path__startswith=actor.org.path)
            .select_related("region")
            .order_by("code")[:40]
        )
        openings = 0
        for n, union in enumerate(unions):
            employer = union.employers.order_by("credit_code").first()
            for k in range(2):
                if not common:
                    break
                wanted = common[(n + k) % len(common)]
                name = Occupation.objects.get(code=wanted).name
                grade = 1 + (n + k) % 4
                do_create_opening(
                    actor,
                    {
                        "title": f"招聘{name}（{Grade(grade).zh}及以上）",
                        "description": "演示岗位 / demo opening",
                        "occupation_code": wanted,
                        "required_grade": grade,
                        "region_code": union.region_id,
                        "pay_min": 4500 + 500 * grade,
                        "pay_max": 6500 + 800 * grade,
                        "expires_on": (today + dt.timedelta(days=60 + n)).isoformat(),
                        "union_code": union.code,
                        "employer_credit_code": employer.credit_code if employer else "",
                    },
                )
                openings += 1
        self.stdout.write(
            f"已发布 {courses} 门课程、{openings} 个岗位 / posted {courses} courses and {openings} job openings"
        )

    def first_job_seekers(self) -> None:
        """Consenting job seekers (demo-member1 among them) and referrals at each step."""
        done = register_demo_job_seekers(timezone.localdate())
        names = {"referred": "已推荐", "interviewed": "已面试", "hired": "已录用", "not_hired": "未录用"}
        zh = "、".join(f"{names[step]} {done.referrals.get(step, 0)}" for step in names)
        en = ", ".join(f"{done.referrals.get(step, 0)} {step.replace('_', ' ')}" for step in names)
        self.stdout.write(
            f"已登记 {done.seekers} 名求职会员，推荐 {sum(done.referrals.values())} 次（{zh}）/ "
            f"registered {done.seekers} job seekers and {sum(done.referrals.values())} referrals ({en})"
        )

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
