"""Who gets which page: the cross-tree matrix. Forbidden and missing are both 404."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from craftpath.core.models import AuditEvent

from .conftest import USERS

pytestmark = pytest.mark.django_db

ALL = set(USERS)
ADMINS = {"sysadmin", "secadmin", "auditor"}


def _statuses(world: Any, client_for: Callable[..., Any], method: str, url: str, data: Any = None) -> dict[str, int]:
    out = {}
    for name in USERS:
        client = client_for(getattr(world, name))
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        out[name] = response.status_code
    return out


def _expect(ok: set[str]) -> dict[str, int]:
    return {name: (200 if name in ok else 404) for name in USERS}


PAGES: list[tuple[str, str, Callable[[Any], str], dict[str, str] | None, set[str]]] = [
    ("member list", "get", lambda w: reverse("registry:list"), None, {"province", "staff_a", "staff_b", "hr_a"}),
    ("register member", "get", lambda w: reverse("registry:create"), None, {"province", "staff_a", "staff_b"}),
    (
        "member page MA",
        "get",
        lambda w: reverse("registry:detail", args=[w.ma.public_id]),
        None,
        {"province", "staff_a", "member_a", "hr_a"},
    ),
    (
        "member page MB",
        "get",
        lambda w: reverse("registry:detail", args=[w.mb.public_id]),
        None,
        {"province", "staff_b", "member_b"},
    ),
    ("edit MA", "get", lambda w: reverse("registry:edit", args=[w.ma.public_id]), None, {"province", "staff_a"}),
    ("edit MB", "get", lambda w: reverse("registry:edit", args=[w.mb.public_id]), None, {"province", "staff_b"}),
    (
        "reveal MA",
        "post",
        lambda w: reverse("registry:reveal", args=[w.ma.public_id]),
        {"purpose": "verify_identity"},
        {"province", "staff_a", "member_a"},
    ),
    (
        "reveal MB",
        "post",
        lambda w: reverse("registry:reveal", args=[w.mb.public_id]),
        {"purpose": "verify_identity"},
        {"province", "staff_b", "member_b"},
    ),
    (
        "org page A",
        "get",
        lambda w: reverse("orgs:detail", args=[w.union_a.code]),
        None,
        {"province", "staff_a"} | ADMINS,
    ),
    (
        "org page B",
        "get",
        lambda w: reverse("orgs:detail", args=[w.union_b.code]),
        None,
        {"province", "staff_b"} | ADMINS,
    ),
    ("org tree", "get", lambda w: reverse("orgs:tree"), None, {"province", "staff_a", "staff_b"} | ADMINS),
    ("occupations", "get", lambda w: reverse("taxonomy:list"), None, ALL),
    ("occupation", "get", lambda w: reverse("taxonomy:detail", args=["6-31-01-03"]), None, ALL),
]


@pytest.mark.parametrize(("label", "method", "url", "data", "ok"), PAGES, ids=[p[0] for p in PAGES])
def test_who_gets_each_page(
    world: Any, client_for: Any, label: str, method: str, url: Callable[[Any], str], data: Any, ok: set[str]
) -> None:
    assert _statuses(world, client_for, method, url(world), data) == _expect(ok)


MISSING: list[tuple[str, str]] = [
    ("registry:detail", "get"),
    ("registry:edit", "get"),
    ("registry:reveal", "post"),
    ("registry:add_certificate", "post"),
    ("registry:add_history", "post"),
    ("registry:add_diploma", "post"),
]


@pytest.mark.parametrize(("name", "method"), MISSING)
def test_missing_member_is_404_like_forbidden(world: Any, client_for: Any, name: str, method: str) -> None:
    url = reverse(name, args=[uuid.uuid4()])
    client = client_for(world.province)
    response = client.post(url, {}) if method == "post" else client.get(url)
    assert response.status_code == 404
    # and a member in the other district looks exactly the same to SB
    other = reverse(name, args=[world.ma.public_id])
    client_b = client_for(world.staff_b)
    response_b = client_b.post(other, {}) if method == "post" else client_b.get(other)
    assert response_b.status_code == 404
    assert _main(response_b.content) == _main(response.content)


def _main(html: bytes) -> bytes:
    text = html.decode()
    return text[text.index("<main") : text.index("</main>")].encode()


def test_missing_organisation_and_occupation_are_404(world: Any, client_for: Any) -> None:
    client = client_for(world.province)
    assert client.get(reverse("orgs:detail", args=["NO-SUCH-ORG"])).status_code == 404
    assert client.get(reverse("taxonomy:detail", args=["9-99-99-99"])).status_code == 404


@pytest.mark.parametrize("name", ["registry:add_certificate", "registry:add_history", "registry:add_diploma"])
def test_only_staff_over_the_member_may_add(world: Any, client_for: Any, name: str) -> None:
    url = reverse(name, args=[world.ma.public_id])
    statuses = _statuses(world, client_for, "post", url, {})
    # staff over MA get the page back with problems; everyone else 404
    assert {n for n, s in statuses.items() if s != 404} == {"province", "staff_a"}


def test_reveal_writes_a_view_pii_event_and_shows_the_number(world: Any, client_for: Any) -> None:
    before = AuditEvent.objects.filter(kind="view_pii").count()
    response = client_for(world.staff_a).post(
        reverse("registry:reveal", args=[world.ma.public_id]), {"purpose": "contact_member"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.filter(kind="view_pii").latest("at")
    assert AuditEvent.objects.filter(kind="view_pii").count() == before + 1
    assert event.actor == world.staff_a
    assert event.object_id == str(world.ma.public_id)
    assert event.note == "contact_member"
    assert b"13800000001" in response.content  # the full phone, this once
    assert world.ma.id_masked.encode() not in response.content


def test_reveal_by_get_is_refused(world: Any, client_for: Any) -> None:
    response = client_for(world.staff_a).get(reverse("registry:reveal", args=[world.ma.public_id]))
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(kind="view_pii").exists()


def test_hr_sees_consenting_employee_without_reveal_button(world: Any, client_for: Any) -> None:
    client = client_for(world.hr_a)
    page = client.get(reverse("registry:detail", args=[world.ma.public_id])).content.decode()
    assert world.ma.id_masked in page
    assert reverse("registry:reveal", args=[world.ma.public_id]) not in page
    assert reverse("registry:edit", args=[world.ma.public_id]) not in page
    listing = client.get(reverse("registry:list")).content.decode()
    assert world.ma.name in listing
    assert world.ma_colleague_no_consent.name not in listing  # no consent, not listed
    assert client.get(reverse("registry:detail", args=[world.ma_colleague_no_consent.public_id])).status_code == 404


def test_lists_show_only_the_subtree(world: Any, client_for: Any) -> None:
    a = client_for(world.staff_a).get(reverse("registry:list")).content.decode()
    b = client_for(world.staff_b).get(reverse("registry:list")).content.decode()
    p = client_for(world.province).get(reverse("registry:list")).content.decode()
    assert world.ma.name in a
    assert world.mb.name not in a
    assert world.mb.name in b
    assert world.ma.name not in b
    assert world.ma.name in p
    assert world.mb.name in p


def test_no_plain_id_or_phone_on_ordinary_pages(world: Any, client_for: Any) -> None:
    client = client_for(world.province)
    for url in (
        reverse("registry:list"),
        reverse("registry:detail", args=[world.ma.public_id]),
        reverse("registry:edit", args=[world.ma.public_id]),
        reverse("dashboard"),
    ):
        html = client.get(url, follow=True).content.decode()
        assert "13800000001" not in html
        assert world.ma.reveal_id_number() not in html
