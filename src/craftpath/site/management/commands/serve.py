"""``craftpath serve``: the site behind a real multi-threaded WSGI server (waitress).

Pure Python, so it runs anywhere the project does, on SQLite with no configuration. Static
files are served by WhiteNoise (already in the middleware). Binds to 127.0.0.1 by default; put
a TLS-terminating reverse proxy in front for anything but a single machine.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动服务 / serve the site with waitress on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")

    def handle(self, *args: Any, **options: Any) -> None:
        from pathlib import Path

        from django.conf import settings
        from django.core.wsgi import get_wsgi_application
        from waitress import serve  # type: ignore[import-untyped]  # no stubs shipped

        # WhiteNoise serves from the app folders (WHITENOISE_USE_FINDERS) and warns when
        # STATIC_ROOT is missing, as it is before any collectstatic.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        application = get_wsgi_application()
        host, port = options["host"], options["port"]
        self.stdout.write(f"craftpath 已启动 / serving on http://{host}:{port}/  (Ctrl+C 停止 / to stop)")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=options["threads"], ident="craftpath")
