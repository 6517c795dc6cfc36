"""The ``craftpath`` command.

Offline commands (``verify``, ``eligibility``, ``code-occupations``) need no database and run
the engines directly; everything else is a Django management command run with the project's
settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# craftpath subcommand -> Django management command
DJANGO_COMMANDS = {
    "setup": "setup",
    "demo": "demo",
    "serve": "serve",
    "import": "import_members",
    "generate": "generate_demo",
    "advance": "advance",
    "match": "match",
    "whatif": "whatif",
    "occupations": "occupations",
    "import-certificates": "import_legacy_certificates",
    "import-scores": "import_assessment_scores",
    "publish-results": "publish_assessment_results",
    "rotate-issuer-key": "rotate_issuer_key",
    "rotate-keys": "rotate_keys",
    "manage": None,  # pass-through: craftpath manage <django command> ...
}

USAGE = """用法 / usage: craftpath COMMAND [options]

  demo               准备数据库、生成演示联合会并启动 / set up, seed the demo federation and serve on 127.0.0.1:8000
  serve              启动服务 / serve the site
  setup              建库并加载参考数据 / migrate and load reference data
  import FILE        导入会员 (XLSX/CSV) / import members
  generate           生成演示或基准数据 / generate demo or benchmark data
  occupations        职业分类维护 / add or correct occupations
  advance            批量晋级评估 / batch advancement run (--as-of DATE --out FILE)
  whatif             规则调整模拟 / compare a proposed rulebook file (--replace FILE=NEW)
  match              批量岗位匹配 / batch job matching (--out FILE)
  import-certificates 导入历史证书 / import legacy certificate records
  import-scores      导入评价成绩 / import assessment scores (EVENT FILE --as STAFF)
  publish-results    公布评价结果并发证 / publish results and issue certificates
  rotate-issuer-key  轮换发证机构签名密钥 / rotate an issuing organisation's signing key
  rotate-keys        轮换个人信息加密密钥 / re-seal personal data under the newest key
  eligibility CASE   单个案例评估（离线）/ evaluate one case file (offline)
  verify FILE        验证证书（离线）/ verify a certificate (offline)
  code-occupations F 职业编码（离线）/ code job titles to occupations (offline)
  manage ...         Django 管理命令 / any Django management command
"""


def _offline(name: str) -> Callable[[list[str]], int] | None:
    if name == "verify":
        from craftpath.engines.credentials.command import run_verify

        return run_verify
    if name == "eligibility":
        from craftpath.engines.ladder.command import run_eligibility

        return run_eligibility
    if name == "code-occupations":
        from craftpath.engines.coder.command import run_code_occupations

        return run_code_occupations
    return None


# Batch commands allocate and free a partition's worth of columns over and over. Polars'
# allocator (jemalloc) hands freed pages back to the system within seconds by default, so every
# partition faults its memory in again; keeping freed pages for a minute made a 10M-member
# `advance` run about 6% faster and halved its system time. Read when Polars loads, so it is set
# before anything imports it; an explicit setting in the environment wins.
BATCH_COMMANDS = {"advance", "match", "whatif", "generate", "code-occupations"}
BATCH_ALLOCATOR = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:60000,muzzy_decay_ms:60000")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name in BATCH_COMMANDS and "polars" not in sys.modules:
        os.environ.setdefault(*BATCH_ALLOCATOR)
    offline = _offline(name)
    if offline is not None:
        return offline(rest)
    if name not in DJANGO_COMMANDS:
        print(f"未知命令 / unknown command: {name}\n\n{USAGE}", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.site.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    command = DJANGO_COMMANDS[name]
    execute_from_command_line(["craftpath", *([command] if command else []), *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
