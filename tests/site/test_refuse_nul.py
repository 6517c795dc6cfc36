"""A NUL character anywhere in a request is refused at once, in both languages, and nothing is written."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from craftpath.registry.models import Member
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

MESSAGE_ZH = "空字符"
MESSAGE_EN = "NUL character"


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_search_box_with_a_nul_is_refused_on_the_page(cast: Cast) -> None:
    response = _client(cast.member_a).get("/training/", {"occupation": "6-18\x00"})
    assert response.status_code == 400
    html = response.content.decode()
    assert MESSAGE_ZH in html
    assert MESSAGE_EN in html
    assert _client(cast.member_a).get("/training/", {"occupation": "6-18"}).status_code == 200


def test_json_value_with_a_nul_is_refused_by_the_api(cast: Cast) -> None:
    before = Member.objects.count()
    body = {"name": "张\u0000三", "id_number": "x", "employment_form": "employee", "union_code": "T-XW-001"}
    response = _client(cast.staff_a).post("/api/members", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    (problem,) = response.json()["problems"]
    assert problem["code"] == "request.nul"
    assert MESSAGE_ZH in problem["message_zh"]
    assert MESSAGE_EN in problem["message_en"]
    assert Member.objects.count() == before


def test_form_field_with_a_nul_is_refused(cast: Cast) -> None:
    response = Client().post(reverse("accounts:login"), {"username": "staff_a\x00", "password": "x"})
    assert response.status_code == 400
    assert MESSAGE_EN in response.content.decode()


def test_uploaded_files_may_hold_nul_bytes() -> None:
    # A workbook is binary: the file part of a form is left to the importers.
    upload = io.BytesIO(b"PK\x03\x04\x00\x00binary")
    upload.name = "members.xlsx"
    response = Client().post(reverse("accounts:login"), {"username": "nobody", "password": "x", "file": upload})
    assert response.status_code == 200
