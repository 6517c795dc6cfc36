"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download browsers here; it uses ``/usr/bin/chromium`` (CI installs the
``chromium`` and ``fonts-noto-cjk`` packages). Without it these tests are skipped, saying why.
Screenshots go to ``var/screenshots/`` (not committed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary blocking calls, so Django's async guard is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Counts are cached by organisation path; a flushed database can reuse a path.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CRAFTPATH_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and CRAFTPATH_REQUIRE_BROWSER is set (CI must run the browser tests)")
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """Pages in a fresh context (own cookies); the UI language follows Accept-Language zh-CN."""
    contexts = []

    def make(locale: str = "zh-CN", width: int = 1280, height: int = 900) -> Any:
        context = chromium.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
