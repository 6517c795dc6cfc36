"""Requests the API refuses before any action runs answer in both languages, like every other refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from craftpath.ladders.models import EligibilityRun
from craftpath.registry.models import Member
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def _by_field(response: Any) -> dict[str, dict[str, str]]:
    assert response.status_code == 422
    problems = response.json()["problems"]
    for p in problems:
        assert set(p) == {"code", "field", "message_zh", "message_en"}
        assert p["message_zh"]
        assert p["message_en"]
        assert p["message_zh"] != p["message_en"]
    return {p["field"]: p for p in problems}


def test_bad_date_and_number_name_the_field_in_both_languages(cast: Cast) -> None:
    response = _post(_client(cast.staff_a), "/api/ladders/runs", {"as_of": "2026-13-01", "horizon_days": "half a year"})
    problems = _by_field(response)
    assert problems["as_of"]["code"] == "request.date"
    assert "2026-13-01" in problems["as_of"]["message_zh"]
    assert "2026-01-31" in problems["as_of"]["message_en"]
    assert problems["horizon_days"]["code"] == "request.number"
    assert "half a year" in problems["horizon_days"]["message_en"]
    assert EligibilityRun.objects.count() == 0


def test_missing_field_and_broken_json(cast: Cast) -> None:
    client = _client(cast.staff_a)
    missing = _by_field(_post(client, "/api/ladders/runs", {"horizon_days": 30}))
    assert missing["as_of"]["code"] == "request.missing"
    assert "as_of" in missing["as_of"]["message_zh"]
    broken = _post(client, "/api/ladders/runs", '{"as_of": "2026-01-31",')
    assert broken.status_code == 400
    assert [p["code"] for p in broken.json()["problems"]] == ["request.json"]
    assert "JSON" in broken.json()["problems"][0]["message_zh"]
    assert EligibilityRun.objects.count() == 0


def test_a_refused_id_number_is_not_echoed(cast: Cast) -> None:
    before = Member.objects.count()
    body = {"name": "张三", "id_number": 110101199001011234, "employment_form": "x", "union_code": "y"}
    response = _post(_client(cast.staff_a), "/api/members", body)
    problems = _by_field(response)
    assert "110101199001011234" not in response.content.decode()
    assert problems["id_number"]["code"] == "request.invalid"
    assert Member.objects.count() == before


def test_query_parameter_of_the_wrong_type(cast: Cast) -> None:
    response = _client(cast.staff_a).get("/api/members", {"limit": "many"})
    problems = _by_field(response)
    assert problems["limit"]["code"] == "request.number"
