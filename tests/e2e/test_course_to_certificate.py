"""Course → enrolment → completion → assessment → scores → publish → signed certificate →
offline ``craftpath verify`` → the member's new grade, as the advancement engine sees it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from craftpath.engines.credentials import run_verify
from craftpath.engines.ladder import evaluate
from craftpath.engines.rules import load_rulebook
from craftpath.registry.frames import inputs_for_members
from craftpath.registry.models import Certificate, Member
from tests.conftest import Cast
from tests.credentials.factories import WELDER, client_for, welder_career

pytestmark = pytest.mark.django_db


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content.decode()[:500]
    return response.json()


def test_course_to_verified_certificate(
    cast: Cast, tmp_path: Path, django_db_blocker: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    welder_career(cast.staff_a, cast.ma)  # welder since 2010, 初级工 2012: may apply for 中级工
    staff, member = client_for(cast.staff_a), client_for(cast.member_a)
    post: Any = lambda client, url, data=None: client.post(url, data or {}, content_type="application/json")  # noqa: E731

    # Training: a course towards 中级工, the member enrols and completes it.
    provider = _ok(post(staff, "/api/training/providers", {"name": "玄武职工学校", "org_code": "T-XW"}), 201)
    course = _ok(
        post(
            staff,
            "/api/training/courses",
            {
                "provider_id": provider["public_id"],
                "title": "焊工中级培训",
                "occupation_code": WELDER,
                "target_grade": 2,
                "tasks": [0, 4],
                "hours": 80,
                "theory_hours": 24,
                "capacity": 20,
                "region_code": "320102",
            },
        ),
        201,
    )
    found = _ok(member.get("/api/training/courses", {"occupation": WELDER, "grade": 2, "region": "320100"}))
    assert [c["public_id"] for c in found] == [course["public_id"]]
    enrolment = _ok(post(member, f"/api/training/courses/{course['public_id']}/enrolments"), 201)
    assert enrolment["status"] == "enrolled"
    done = _ok(
        post(staff, f"/api/training/enrolments/{enrolment['public_id']}/complete", {"completed_on": "2026-01-05"})
    )
    assert done["status"] == "completed"

    # Assessment: an authorised body, an event with the default 30/70 weights.
    body = _ok(post(staff, "/api/assessment/bodies", {"name": "玄武职业技能评价中心"}), 201)
    _ok(
        post(
            staff,
            f"/api/assessment/bodies/{body['public_id']}/authorisations",
            {"occupation_code": WELDER, "grade": 2, "valid_from": "2020-01-01"},
        ),
        201,
    )
    event = _ok(
        post(
            staff,
            "/api/assessment/events",
            {"body_id": body["public_id"], "occupation_code": WELDER, "grade": 2, "held_on": "2026-01-10"},
        ),
        201,
    )
    assert event["theory_weight"] == "0.300"
    assert "source" in event["parameters"]["theory_weight"]

    # Registration checks eligibility with the advancement engine and stores the trace.
    candidate = _ok(post(member, f"/api/assessment/events/{event['public_id']}/candidates"), 201)
    assert candidate["eligible"] is True
    assert candidate["route"]
    assert candidate["trace"]

    # Scores, then publication: the pass is certified at once.
    scored = _ok(
        post(staff, f"/api/assessment/candidates/{candidate['public_id']}/scores", {"theory": "72", "practice": "88"})
    )
    assert scored["passed"] is True
    assert scored["total_score"] == "83.20"
    published = _ok(post(staff, f"/api/assessment/events/{event['public_id']}/publish"))
    credential_id = published[0]["credential_id"]
    assert credential_id

    # The member downloads the signed JSON; the public trust list and status lists are saved too.
    signed = member.get(f"/credentials/{credential_id}/json")
    assert signed.status_code == 200
    cert_path = tmp_path / "certificate.json"
    cert_path.write_bytes(signed.content)
    document = json.loads(signed.content)
    trust_path = tmp_path / "trust.json"
    trust_path.write_bytes(client_for(cast.member_a).get("/credentials/trust.json").content)
    status_paths = []
    for entry in document["credentialStatus"]:
        path = "/" + entry["statusListCredential"].split("/", 3)[3]
        status_file = tmp_path / f"{entry['statusPurpose']}.json"
        status_file.write_bytes(client_for(cast.member_a).get(path).content)
        status_paths.append(str(status_file))

    # Offline: `craftpath verify` with no database at all.
    with django_db_blocker.block():
        # Without the status lists the verifier cannot tell revocation offline: "undecided" (3).
        assert run_verify([str(cert_path)]) == 3
        assert run_verify([str(cert_path), "--status-list", *status_paths]) == 0
        full = [str(cert_path), "--trusted", str(trust_path), "--require-trusted", "--status-list", *status_paths]
        assert run_verify(full) == 0
        out = capsys.readouterr().out
        assert "有效" in out or "valid" in out
        text = signed.content.decode("utf-8")
        tampered = tmp_path / "tampered.json"
        tampered.write_text(text.replace("张三", "张王", 1), encoding="utf-8")
        assert run_verify([str(tampered)]) != 0
        assert run_verify([str(tampered), "--trusted", str(trust_path), "--status-list", *status_paths]) != 0

    # The member's grade in the occupation is now 中级工, and the engine sees it.
    held = Certificate.objects.filter(member=cast.ma, occupation_id=WELDER).order_by("-grade").first()
    assert held is not None
    assert held.grade == 2
    assert held.how == "assessment"
    result = evaluate(
        inputs_for_members(Member.objects.filter(pk=cast.ma.pk)), load_rulebook(), dt.date.today(), on_bad_input="flag"
    )
    welder = result.filter(pl.col("occupation_code") == WELDER)
    assert welder["current_grade"].unique().to_list() == [2]
    assert welder["target_grade"].min() == 3
