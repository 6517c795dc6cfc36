"""The cast for the page tests: the shared federation (P, SA, SB, MA, MB, HR, three admins)
from ``tests/conftest.py``, plus a certificate for MA so grades show, and signed-in clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from craftpath.accounts.models import User
from craftpath.registry.actions import do_add_certificate, do_add_history

ELECTRICIAN = "6-31-01-03"  # 电工

# Who is in the cast, by the names the matrix uses.
USERS = ("province", "staff_a", "staff_b", "member_a", "member_b", "hr_a", "sysadmin", "secadmin", "auditor")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def world(cast: Any) -> Any:
    """The shared cast, with MA holding an electrician certificate and history."""
    do_add_history(
        cast.staff_a,
        cast.ma,
        {"occupation_code": ELECTRICIAN, "start": "2012-03-01", "employer_name": "玄武精密机械厂"},
    )
    do_add_certificate(
        cast.staff_a,
        cast.ma,
        {
            "occupation_code": ELECTRICIAN,
            "grade": "2",
            "issuer": "南京市职业技能鉴定中心",
            "number": "T-0001",
            "issued_on": dt.date(2015, 6, 1).isoformat(),
            "how": "assessment",
        },
    )
    cast.ma.refresh_from_db()
    return cast


@pytest.fixture
def client_for() -> Callable[..., Client]:
    def make(user: User, lang: str = "zh-hans") -> Client:
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        return client

    return make
