"""Two staff acting on the same seeker at once (PostgreSQL: row locks; SQLite: one writer at a time)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from craftpath.core.problems import ProblemError
from craftpath.jobs.actions import do_refer, do_register_seeker
from craftpath.jobs.models import JobSeeker, Placement
from craftpath.registry.models import Member
from tests.jobs.conftest import Market


def _while_first_is_open(first: Callable[[], Any], second: Callable[[], Any]) -> list[str]:
    """Run ``second`` in another connection while ``first``'s transaction is still open, then commit it.

    Returns what ``second`` ended with: "ok" or the codes of the problems it raised.
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


@pytest.mark.django_db(transaction=True)
def test_two_staff_refer_and_register_at_once(market: Market) -> None:
    cast = market.cast
    outcome = _while_first_is_open(
        lambda: do_refer(cast.staff_a, market.seeker_a, market.turner_a),
        lambda: do_refer(cast.province, market.seeker_a, market.turner_a),
    )
    assert outcome == ["jobs.already_referred"]
    assert Placement.objects.filter(seeker=market.seeker_a).count() == 1

    Member.objects.filter(pk=market.colleague.pk).update(consent_job_matching=True)
    colleague = Member.objects.get(pk=market.colleague.pk)
    outcome = _while_first_is_open(
        lambda: do_register_seeker(cast.staff_a, colleague), lambda: do_register_seeker(cast.province, colleague)
    )
    assert outcome == ["jobs.seeker_exists"]
    assert JobSeeker.objects.filter(member=colleague).count() == 1
