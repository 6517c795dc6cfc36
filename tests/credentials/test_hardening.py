"""Certificates under bad input and concurrent issuing: clear refusals, no 500s, downloads audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from craftpath.core.models import AuditEvent
from craftpath.credentials.actions import do_issue_certificate
from craftpath.credentials.models import IssuedCredential, IssuerKey
from craftpath.registry.models import Certificate, Member
from tests.concurrency import while_first_is_open
from tests.conftest import Cast
from tests.credentials.factories import WELDER, client_for


def _api(user: Any) -> Client:
    client = client_for(user)
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("valid_until", ["2024-01-01", "2025-01-01"])
def test_a_certificate_cannot_expire_before_it_is_issued(cast: Cast, valid_until: str) -> None:
    response = _api(cast.staff_a).post(
        "/api/credentials/issue",
        {
            "member_id": str(cast.ma.public_id),
            "occupation_code": WELDER,
            "grade": 2,
            "issued_on": "2025-01-01",
            "valid_until": valid_until,
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content[:300]
    problem = response.json()["problems"][0]
    assert (problem["code"], problem["field"]) == ("credential.valid_until", "valid_until")
    assert valid_until in problem["message_zh"]
    assert "2025-01-01" in problem["message_en"]
    assert not IssuedCredential.objects.exists()
    assert not Certificate.objects.filter(member=cast.ma).exists()


@pytest.mark.django_db
def test_pdf_of_a_name_outside_the_font_says_so_instead_of_failing(cast: Cast) -> None:
    Member.objects.filter(pk=cast.ma.pk).update(name="张玥")
    member = Member.objects.get(pk=cast.ma.pk)
    issued = do_issue_certificate(cast.staff_a, member, org=cast.district_a, occupation_code=WELDER, grade=2)
    client = _api(cast.member_a)
    response = client.get(f"/credentials/{issued.public_id}/pdf")
    assert response.status_code == 302
    assert response["Location"] == f"/credentials/{issued.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "玥" in page
    assert "JSON" in page
    assert not AuditEvent.objects.filter(action="download_certificate_pdf").exists()  # nothing was exported
    assert client.get(f"/credentials/{issued.public_id}/json").status_code == 200


@pytest.mark.django_db
def test_json_download_is_audited_like_the_pdf(cast: Cast) -> None:
    issued = do_issue_certificate(cast.staff_a, cast.ma, org=cast.district_a, occupation_code=WELDER, grade=2)
    assert client_for(cast.province).get(f"/credentials/{issued.public_id}/json").status_code == 200
    event = AuditEvent.objects.get(action="download_certificate_json")
    assert (event.actor, event.kind, event.object_id) == (cast.province, "export", issued.number)
    assert event.org_path == cast.ma.org_path


@pytest.mark.django_db(transaction=True)
def test_two_first_certificates_of_an_organisation_at_once(cast: Cast) -> None:
    outcome = while_first_is_open(
        lambda: do_issue_certificate(cast.staff_a, cast.ma, org=cast.district_a, occupation_code=WELDER, grade=2),
        lambda: do_issue_certificate(
            cast.province, cast.ma_colleague_no_consent, org=cast.district_a, occupation_code=WELDER, grade=2
        ),
    )
    assert outcome == ["ok"]
    assert IssuerKey.objects.filter(org=cast.district_a).count() == 1
    assert sorted(IssuedCredential.objects.values_list("status_index", flat=True)) == [0, 1]
