"""Signed certificates: issuing, access, status lists, revocation, suspension, rotation, verify page."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from craftpath.core.models import AuditEvent
from craftpath.core.problems import NotFoundOrForbidden
from craftpath.credentials import queries
from craftpath.credentials.actions import (
    do_issue_certificate,
    do_revoke_credential,
    do_rotate_issuer_key,
    do_suspend_credential,
    do_unsuspend_credential,
    key_pair,
)
from craftpath.credentials.models import IssuedCredential, IssuerKey
from craftpath.engines.credentials import render_certificate_pdf
from craftpath.registry.models import Certificate
from tests.conftest import Cast
from tests.credentials.factories import WELDER, client_for, welder_career

pytestmark = pytest.mark.django_db


def _issue(cast: Cast, member: Any = None, staff: Any = None, grade: int = 2) -> IssuedCredential:
    member = member or cast.ma
    staff = staff or cast.staff_a
    return do_issue_certificate(staff, member, org=staff.org, occupation_code=WELDER, grade=grade)


def _verdict(credential: IssuedCredential | str | bytes) -> Any:
    data = credential.document if isinstance(credential, IssuedCredential) else credential
    return queries.verify_upload(data if isinstance(data, bytes) else data.encode(), now=timezone.now())


def test_issue_creates_signed_credential_and_registry_certificate(cast: Cast) -> None:
    welder_career(cast.staff_a, cast.ma)
    issued = _issue(cast)
    cert = Certificate.objects.get(pk=issued.certificate_id)
    assert (cert.how, cert.number, cert.grade, cert.occupation_id) == ("assessment", issued.number, 2, WELDER)
    doc = json.loads(issued.document)
    assert doc["issuer"]["id"] == issued.key.did
    assert issued.key.did.startswith("did:key:z6Mk")
    assert doc["credentialSubject"]["maskedId"] == cast.ma.id_masked
    verdict = _verdict(issued)
    assert verdict.code == "valid"
    assert verdict.issuer_trusted
    assert verdict.crypto_valid
    event = AuditEvent.objects.get(action="issue_certificate", object_id=issued.number)
    assert event.after is not None
    assert event.after["grade"] == 2
    # The sealed secret never appears in the audit trail.
    secret = key_pair(issued.key).secret_key_multibase()
    assert not AuditEvent.objects.filter(after__icontains=secret).exists()
    assert secret not in issued.key.secret_sealed


def test_access_to_certificates(cast: Cast) -> None:
    issued = _issue(cast)
    other = _issue(cast, member=cast.mb, staff=cast.staff_b)
    with pytest.raises(NotFoundOrForbidden):
        _issue(cast, member=cast.ma, staff=cast.staff_b)
    with pytest.raises(NotFoundOrForbidden):
        do_revoke_credential(cast.staff_b, issued, reason="wrong subtree")
    url = f"/api/credentials/{issued.public_id}"
    assert client_for(cast.staff_b).get(url).status_code == 404
    assert client_for(cast.member_b).get(url).status_code == 404
    assert client_for(cast.hr_a).get(url).status_code == 404
    assert client_for(cast.member_a).get(url).status_code == 200
    assert client_for(cast.province).get(url).status_code == 200
    assert [c["number"] for c in client_for(cast.member_a).get("/api/credentials").json()] == [issued.number]
    assert (
        client_for(cast.staff_b).post(f"{url}/revoke", {"reason": "x"}, content_type="application/json").status_code
        == 404
    )
    response = client_for(cast.staff_b).post(
        "/api/credentials/issue",
        {"member_id": str(cast.ma.public_id), "occupation_code": WELDER, "grade": 2},
        content_type="application/json",
    )
    assert response.status_code == 404
    # PDF: the member and staff over them; not the other district, not anonymous.
    pdf_url = f"/credentials/{issued.public_id}/pdf"
    pdf = client_for(cast.member_a).get(pdf_url)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client_for(cast.staff_a).get(pdf_url).status_code == 200
    assert client_for(cast.member_b).get(pdf_url).status_code == 404
    assert client_for(cast.staff_b).get(pdf_url).status_code == 404
    assert Client().get(pdf_url).status_code == 302
    page = client_for(cast.member_b).get("/credentials/").content.decode()
    assert other.number in page
    assert issued.number not in page


def test_revocation_shows_in_verify_and_status_list(cast: Cast) -> None:
    issued = _issue(cast)
    status_url = f"/credentials/status/{issued.key.public_id}/revocation.json"
    first = Client().get(status_url)
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public")
    etag = first["ETag"]
    assert Client().get(status_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    response = client_for(cast.staff_a).post(
        f"/api/credentials/{issued.public_id}/revoke", {"reason": "证书信息有误"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert not Certificate.objects.filter(number=issued.number).exists()  # no longer counts for advancement
    kept = Certificate.all_objects.get(number=issued.number)  # but the record is kept, marked revoked
    assert kept.revoked_on is not None
    assert kept.revoked_reason == "证书信息有误"
    from craftpath.registry.frames import inputs_for_members
    from craftpath.registry.models import Member

    frames = inputs_for_members(Member.objects.filter(pk=kept.member_id))
    assert issued.number not in frames.certificates.columns  # sanity: frames carry no numbers
    assert frames.certificates.filter(frames.certificates["grade"] == kept.grade).height == 0
    again = Client().get(status_url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag
    verdict = _verdict(issued)
    assert verdict.code == "revoked"
    assert verdict.crypto_valid
    api = Client().post("/api/credentials/verify", {"credential": issued.document}, content_type="application/json")
    assert api.status_code == 200
    assert api.json()["code"] == "revoked"
    assert AuditEvent.objects.filter(action="revoke_certificate", object_id=issued.number).exists()


def test_suspension_and_unsuspension(cast: Cast) -> None:
    issued = _issue(cast)
    do_suspend_credential(cast.staff_a, issued, reason="核查中")
    assert _verdict(issued).code == "suspended"
    do_unsuspend_credential(cast.staff_a, issued, reason="核查完毕")
    assert _verdict(issued).code == "valid"
    actions = list(AuditEvent.objects.filter(object_id=issued.number).values_list("action", flat=True))
    assert {"suspend_certificate", "unsuspend_certificate"} <= set(actions)


def test_key_rotation_keeps_old_certificates_verifiable(cast: Cast) -> None:
    old = _issue(cast)
    new_key = do_rotate_issuer_key(cast.staff_a, cast.district_a)
    old_key = IssuerKey.objects.get(pk=old.key_id)
    assert old_key.state == "retired"
    assert new_key.state == "active"
    assert new_key.did != old_key.did
    newer = _issue(cast, member=cast.ma_colleague_no_consent)
    assert newer.key_id == new_key.pk
    assert _verdict(old).code == "valid"
    assert _verdict(newer).code == "valid"
    # A retired key still signs its own status list, so its certificates can still be revoked.
    do_revoke_credential(cast.staff_a, old, reason="rotation test")
    assert _verdict(old).code == "revoked"
    assert _verdict(newer).code == "valid"
    trust = Client().get("/credentials/trust.json").json()
    assert {i["id"] for i in trust["issuers"]} >= {old_key.did, new_key.did}


def test_verify_page_anonymous(cast: Cast) -> None:
    issued = _issue(cast)
    anonymous = Client()
    assert anonymous.get("/verify/").status_code == 200
    pasted = anonymous.post("/verify/", {"credential": issued.document})
    assert pasted.status_code == 200
    assert "valid" in pasted.content.decode()
    pdf = render_certificate_pdf(json.loads(issued.document))
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = anonymous.post("/verify/", {"file": SimpleUploadedFile("c.pdf", pdf, "application/pdf")})
    assert uploaded.status_code == 200
    assert "签名" in uploaded.content.decode()
    assert queries.verify_upload(pdf, now=timezone.now()).code == "valid"

    tampered = issued.document.replace(cast.ma.name, "张五", 1)
    bad = anonymous.post("/verify/", {"file": SimpleUploadedFile("c.json", tampered.encode(), "application/json")})
    assert bad.status_code == 200
    assert "tampered" in bad.content.decode()

    blank_pdf = render_certificate_pdf(json.loads(issued.document))
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(blank_pdf)).pages:
        writer.add_page(page)
    stripped = io.BytesIO()
    writer.write(stripped)
    no_cred = anonymous.post("/verify/", {"file": SimpleUploadedFile("x.pdf", stripped.getvalue(), "application/pdf")})
    assert no_cred.status_code == 200
    assert "malformed" in no_cred.content.decode()

    huge = anonymous.post(
        "/verify/", {"file": SimpleUploadedFile("big.json", b"{" * (6 * 1024 * 1024), "application/json")}
    )
    assert huge.status_code == 200
    assert "malformed" in huge.content.decode()
    huge_paste = anonymous.post("/verify/", {"credential": "{" * (11 * 1024 * 1024)})
    assert huge_paste.status_code == 200
    assert "malformed" in huge_paste.content.decode()
    for junk in (b"", b"not json", b"%PDF-1.7 broken", b"[1,2]", b'{"a":1,"a":2}', b"\xff\xfe\x00"):
        response = anonymous.post("/verify/", {"file": SimpleUploadedFile("j", junk or b" ", "application/json")})
        assert response.status_code == 200


def test_issue_checks_the_registry_rules(cast: Cast) -> None:
    from craftpath.core.problems import ProblemError

    with pytest.raises(ProblemError) as err:
        do_issue_certificate(cast.staff_a, cast.ma, org=cast.district_a, occupation_code=WELDER, grade=6)
    assert err.value.problems[0].code == "grade.post_by_exam"
    with pytest.raises(ProblemError):
        do_issue_certificate(
            cast.staff_a, cast.ma, org=cast.district_a, occupation_code=WELDER, grade=2, issued_on=dt.date(2999, 1, 1)
        )
    assert not IssuedCredential.objects.exists()


def test_key_api(cast: Cast) -> None:
    _issue(cast)
    staff = client_for(cast.staff_a)
    keys = staff.get("/api/credentials/keys").json()
    assert [k["state"] for k in keys] == ["active"]
    assert client_for(cast.staff_b).get("/api/credentials/keys").json() == []
    assert (
        client_for(cast.member_a).post("/api/credentials/keys/rotate", {}, content_type="application/json").status_code
        == 404
    )
    denied = client_for(cast.staff_b).post(
        "/api/credentials/keys/rotate", {"org_code": "T-XW"}, content_type="application/json"
    )
    assert denied.status_code == 404
    rotated = staff.post("/api/credentials/keys/rotate", {}, content_type="application/json")
    assert rotated.status_code == 201
    states = sorted(k["state"] for k in staff.get("/api/credentials/keys").json())
    assert states == ["active", "retired"]
    assert AuditEvent.objects.filter(action="rotate_issuer_key").exists()
