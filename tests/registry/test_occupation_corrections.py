"""Local corrections to the classification survive re-syncing the shipped file."""

from __future__ import annotations

from typing import Any

import pytest

from craftpath.core.models import AuditEvent
from craftpath.core.problems import ProblemError
from craftpath.taxonomy.actions import apply_corrections_csv, do_add_occupation, do_correct_occupation
from craftpath.taxonomy.loader import sync_occupations
from craftpath.taxonomy.models import Occupation

pytestmark = pytest.mark.django_db


def test_correction_survives_resync(reference_data: Any) -> None:
    do_correct_occupation(None, "6-18-02-04", {"aliases": ["焊工", "电焊工", "氩弧焊工"]})
    sync_occupations()
    welder = Occupation.objects.get(code="6-18-02-04")
    assert "电焊工" in welder.aliases
    assert welder.locally_modified
    assert "dianhangong" in welder.search_text
    assert AuditEvent.objects.filter(action="correct_occupation", object_id="6-18-02-04").exists()


def test_add_needs_a_real_parent_group(reference_data: Any) -> None:
    added = do_add_occupation(None, code="6-18-02-99", name="激光焊接操作员（地方）")
    assert added.origin == "local"
    assert added.parent_code == "6-18-02-00"
    with pytest.raises(ProblemError) as err:
        do_add_occupation(None, code="6-99-02-01", name="x")
    assert err.value.problems[0].code == "occupation.unknown"
    with pytest.raises(ProblemError):
        do_add_occupation(None, code="6-18-02-99", name="again")


def test_csv_is_all_or_nothing(reference_data: Any) -> None:
    text = "code,name,aliases,grades\n6-18-02-04,,电焊工|焊工,\n6-18-02-98,新职业,,\n6-18-02-97,另一职业,,6|7\n"
    problems = apply_corrections_csv(None, text)
    assert [row for row, _ in problems] == [4]  # posts without 高级技师 are refused
    assert not Occupation.objects.filter(code="6-18-02-98").exists()
    assert "电焊工" not in Occupation.objects.get(code="6-18-02-04").aliases
