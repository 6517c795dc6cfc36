"""Helpers for tests of two people acting at once (real threads, real database connections)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from craftpath.core.problems import ProblemError


def while_first_is_open(first: Callable[[], Any], second: Callable[[], Any]) -> list[str]:
    """Run ``second`` in another connection while ``first``'s transaction is still open, then commit it.

    Returns what ``second`` ended with: "ok" or the codes of the problems it raised; any other
    exception (an IntegrityError, say) fails the test. Needs ``django_db(transaction=True)``.
    """
    started = threading.Event()
    outcome: list[str] = []
    errors: list[BaseException] = []

    def run_second() -> None:
        try:
            started.wait(timeout=10)
            try:
                second()
                outcome.append("ok")
            except ProblemError as exc:
                outcome.extend(p.code for p in exc.problems)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run_second)
    thread.start()
    with transaction.atomic():
        first()
        started.set()
        time.sleep(0.5)  # the second is now waiting on the first's rows
    thread.join(timeout=60)
    assert not errors, errors
    return outcome
