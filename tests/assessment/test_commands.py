"""Batch score entry and publication from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from craftpath.assessment.actions import do_register_candidate
from craftpath.credentials.models import IssuedCredential
from tests.conftest import Cast
from tests.credentials.factories import welder_career, welding_event

pytestmark = pytest.mark.django_db


def test_scores_from_a_sheet_then_publish(cast: Cast, tmp_path: Path) -> None:
    event = welding_event(cast)
    welder_career(cast.staff_a, cast.ma)
    welder_career(cast.staff_a, cast.ma_colleague_no_consent)
    do_register_candidate(cast.staff_a, event, cast.ma)
    do_register_candidate(cast.staff_a, event, cast.ma_colleague_no_consent)
    sheet = tmp_path / "scores.csv"
    sheet.write_text(
        "身份证号,理论成绩,实操成绩\n"
        f"{cast.ma.reveal_id_number()},75,90\n"
        f"{cast.ma_colleague_no_consent.reveal_id_number()},40,70\n"
        f"{cast.mb.reveal_id_number()},80,80\n"
        f"{cast.ma.reveal_id_number()[:-1]}0,80,80\n"
        f"{cast.ma.reveal_id_number()},120,80\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    args = [str(event.public_id), str(sheet), "--as", "staff_a", "--report", str(report)]
    call_command("import_assessment_scores", *args)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["saved"] == 2
    assert data["failed"] == 3
    codes = [p["code"] for p in data["problems"]]
    assert "assessment.not_candidate" in codes
    assert "assessment.score_range" in codes
    with pytest.raises(CommandError):
        call_command("publish_assessment_results", str(event.public_id), "--as", "staff_b")
    call_command("publish_assessment_results", str(event.public_id), "--as", "staff_a")
    assert IssuedCredential.objects.filter(member=cast.ma).count() == 1
    assert not IssuedCredential.objects.filter(member=cast.ma_colleague_no_consent).exists()
