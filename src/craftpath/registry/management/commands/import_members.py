"""``craftpath import FILE``: import members with histories, diplomas and certificates.

Exit status: 0 all rows imported (or unchanged); 1 some rows had problems (or, with
``--all-or-nothing``, nothing was imported); 2 the file could not be used at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from craftpath.accounts.models import User
from craftpath.orgs.models import Organisation
from craftpath.registry.import_report import report_summary, write_report
from craftpath.registry.importing import ImportOptions, ImportResult, create_batch, run_import
from craftpath.registry.models import ImportBatch


class Command(BaseCommand):
    help = "导入会员（XLSX/CSV）/ Import members, occupation histories, diplomas and certificates from XLSX or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument(
            "--union-scope", metavar="ORG_CODE", help="import into this organisation's subtree (as the system)"
        )
        who.add_argument(
            "--as", dest="as_user", metavar="USERNAME", help="import as this union staff user (their subtree)"
        )
        parser.add_argument("--all-or-nothing", action="store_true", help="import nothing if any row has a problem")
        parser.add_argument("--report", type=Path, help="write the per-row report to this .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--chunk-size", type=int, default=5000)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (for logs)")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"找不到文件 / no such file: {path}", returncode=2)
        actor: User | None = None
        if opts["as_user"]:
            actor = User.objects.filter(username=opts["as_user"], is_active=True).select_related("org").first()
            if actor is None or actor.role != User.Role.UNION_STAFF or actor.org is None:
                raise CommandError("该用户不是工会工作人员 / that user is not active union staff", returncode=2)
            org = actor.org
        else:
            found = Organisation.objects.filter(code=opts["union_scope"]).first()
            if found is None:
                raise CommandError(f"找不到工会组织 / no organisation with code {opts['union_scope']}", returncode=2)
            org = found
        options = ImportOptions(
            all_or_nothing=opts["all_or_nothing"], dry_run=opts["dry_run"], chunk_size=opts["chunk_size"]
        )
        batch: ImportBatch | None = None
        if not options.dry_run:
            batch = create_batch(
                actor=actor, org=org, path=path, file_name=path.name, all_or_nothing=options.all_or_nothing
            )
        result = self._run(path, actor, org, options, batch, show_progress=not opts["no_progress"])
        self._summary(result, options)
        if opts["report"]:
            summary = report_summary(
                file_name=path.name,
                status=result.status,
                rows_total=result.rows_total,
                counts=result.counts,
                all_or_nothing=options.all_or_nothing,
                dry_run=options.dry_run,
            )
            write_report(opts["report"], summary, result.problems)
            self.stdout.write(f"报告 / report: {opts['report']}")
        if result.file_problem is not None:
            raise CommandError(str(result.file_problem), returncode=2)
        if result.failed:
            raise CommandError(f"{result.failed} 行有问题 / rows with problems", returncode=1)

    def _run(
        self,
        path: Path,
        actor: User | None,
        org: Organisation,
        options: ImportOptions,
        batch: ImportBatch | None,
        *,
        show_progress: bool,
    ) -> ImportResult:
        if not show_progress:
            return run_import(path, actor=actor, scope_org=org, options=options, batch=batch, file_name=path.name)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("导入 importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task("rows", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return run_import(
                path, actor=actor, scope_org=org, options=options, batch=batch, file_name=path.name, progress=progress
            )

    def _summary(self, result: ImportResult, options: ImportOptions) -> None:
        c = result.counts
        if result.file_problem is not None:
            self.stdout.write(
                f"文件无法导入：{result.file_problem.zh}\nThe file cannot be imported: {result.file_problem.en}"
            )
            return
        mode = "试运行，未写入任何数据 / dry run, nothing written\n" if options.dry_run else ""
        self.stdout.write(
            f"{mode}共 {result.rows_total} 行：新增 {c['created']}，更新 {c['updated']}，"
            f"未变 {c['unchanged']}，有问题 {c['failed']}。\n"
            f"{result.rows_total} rows: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{c['failed']} with problems."
        )
        for kind, counts in result.per_table.items():
            self.stdout.write(f"  {kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        if result.notice is not None:
            self.stdout.write(f"{result.notice.zh}\n{result.notice.en}")
        shown = [p for p in result.problems if p.get("row")][:20]
        for p in shown:
            self.stdout.write(
                f"  {p['sheet']} 第{p['row']}行 row {p['row']} [{p['column']}] {p['value']}: {p['zh']} / {p['en']}"
            )
        if result.problem_rows > len(shown):
            self.stdout.write("  …（完整列表见 --report / full list with --report）")
