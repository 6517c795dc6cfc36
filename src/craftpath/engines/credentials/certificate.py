"""Skill-grade certificates (技能等级证书) as Open Badges 3.0 / VC 2.0 credentials.

The credential is an ``OpenBadgeCredential``: the issuer is a ``Profile``, the subject an
``AchievementSubject`` whose ``achievement`` is the grade in an occupation. The craftpath
fields (masked ID, grade in Chinese/English/rank, occupation code, certificate number) sit
beside ``achievement`` in the subject; JCS signs them without any JSON-LD processing, and the
VC 2.0 context's ``@vocab`` keeps them well-defined for JSON-LD consumers too.

Examples:
    >>> import datetime as dt
    >>> cert = build_skill_certificate(
    ...     certificate_number="S000012345", holder_name="张三",
    ...     holder_id_masked="110105********002X", grade=3, occupation_code="6-31-01-03",
    ...     occupation_name="电工", issuer_id="did:web:gh.acftu.example", issuer_name="某市总工会",
    ...     issue_date=dt.date(2026, 11, 20))
    >>> cert["type"], cert["credentialSubject"]["grade"]["zh"]
    (['VerifiableCredential', 'OpenBadgeCredential'], '高级工')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from craftpath.engines.codes import mask_resident_id
from craftpath.engines.grades import Grade

from .proofs import format_datetime
from .status import status_entry

__all__ = [
    "ALLOWED_CONTEXTS",
    "CERTIFICATE_TYPES",
    "OB3_CONTEXT",
    "VC_V2_CONTEXT",
    "build_skill_certificate",
    "certificate_summary",
    "mask_resident_id",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Context URLs a verifier accepts. JCS needs no context resolution, so nothing is fetched:
# a credential that names any other context is reported ``unsupported``.
ALLOWED_CONTEXTS = frozenset(
    {
        VC_V2_CONTEXT,
        "https://www.w3.org/ns/credentials/examples/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        OB3_CONTEXT,
        "https://w3id.org/security/data-integrity/v2",
    }
)
CERTIFICATE_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
_UNMASKED_ID = re.compile(r"^\d{17}[\dXx]$")


def build_skill_certificate(
    *,
    certificate_number: str,
    holder_name: str,
    holder_id_masked: str,
    grade: Grade | int,
    occupation_code: str,
    occupation_name: str,
    issuer_id: str,
    issuer_name: str,
    issue_date: dt.date,
    valid_from: dt.datetime | dt.date | None = None,
    valid_until: dt.datetime | dt.date | None = None,
    credential_id: str | None = None,
    status_index: int | None = None,
    revocation_list_url: str | None = None,
    suspension_list_url: str | None = None,
    extra_status: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Build the unsigned certificate credential; sign it with :func:`add_proof`.

    Args:
        certificate_number: 证书编号.
        holder_name: 姓名.
        holder_id_masked: masked resident ID (see :func:`mask_resident_id`); a full 18-character
            ID is refused so that it can never end up in a certificate.
        grade: :class:`~craftpath.engines.grades.Grade` or its rank 0-7.
        occupation_code: 职业编码 (e.g. ``6-31-01-03``).
        occupation_name: 职业名称.
        issuer_id: issuer DID (``did:web:…`` or ``did:key:…``).
        issuer_name: 发证机构 name.
        issue_date: 发证日期.
        valid_from: defaults to the issue date at 00:00 UTC.
        valid_until: optional expiry.
        credential_id: defaults to ``urn:craftpath:certificate:<number>``.
        status_index: this certificate's index in the status lists.
        revocation_list_url: status list credential URL for revocation.
        suspension_list_url: status list credential URL for suspension.
        extra_status: further ``credentialStatus`` entries, added as given.

    Raises:
        ValueError: unmasked ID, unknown grade, empty required field, status URL without index.
    """
    if _UNMASKED_ID.match(holder_id_masked.strip()):
        raise ValueError("holder_id_masked looks like a full resident ID; mask it first")
    for name, value in (
        ("certificate_number", certificate_number),
        ("holder_name", holder_name),
        ("occupation_code", occupation_code),
        ("occupation_name", occupation_name),
        ("issuer_id", issuer_id),
        ("issuer_name", issuer_name),
    ):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} is required")
    g = Grade(int(grade))
    achievement_name = f"{occupation_name}（{g.zh}）"
    national = f"国家职业资格{g.national_label}" if g.national_label else g.zh
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "name": holder_name,
        "maskedId": holder_id_masked,
        "certificateNumber": certificate_number,
        "grade": {"rank": g.value, "zh": g.zh, "en": g.en},
        "occupation": {"code": occupation_code, "name": occupation_name},
        "issueDate": issue_date.isoformat(),
        "issuerName": issuer_name,
        "achievement": {
            "id": f"urn:craftpath:achievement:{occupation_code}:{g.value}",
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": achievement_name,
            "description": f"{occupation_name} 职业技能等级：{g.zh}（{g.en}）",
            "criteria": {"narrative": f"通过{occupation_name}{national}技能等级认定"},
        },
    }
    if g.national_level is not None:
        subject["grade"]["nationalLevel"] = g.national_level
    doc: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT, OB3_CONTEXT],
        "id": credential_id or f"urn:craftpath:certificate:{certificate_number}",
        "type": list(CERTIFICATE_TYPES),
        "name": "技能等级证书 Skill Grade Certificate",
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": format_datetime(valid_from if valid_from is not None else issue_date),
    }
    if valid_until is not None:
        doc["validUntil"] = format_datetime(valid_until)
    doc["credentialSubject"] = subject
    statuses: list[dict[str, Any]] = []
    for url, purpose in ((revocation_list_url, "revocation"), (suspension_list_url, "suspension")):
        if url is None:
            continue
        if status_index is None:
            raise ValueError("status_index is required with a status list URL")
        statuses.append(status_entry(url, status_index, purpose))
    statuses.extend(dict(s) for s in extra_status)
    if statuses:
        doc["credentialStatus"] = statuses
    return doc


def certificate_summary(credential: Mapping[str, Any]) -> dict[str, str]:
    """Flat, display-ready fields of a certificate (empty strings where absent). Never raises.

    Examples:
        >>> certificate_summary({"credentialSubject": {"name": "张三"}})["holder_name"]
        '张三'
    """
    out = {
        k: ""
        for k in (
            "holder_name",
            "masked_id",
            "certificate_number",
            "grade_zh",
            "grade_en",
            "grade_rank",
            "occupation_code",
            "occupation_name",
            "issue_date",
            "issuer_name",
            "issuer_id",
            "valid_from",
            "valid_until",
            "credential_id",
        )
    }
    if not isinstance(credential, Mapping):
        return out
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    grade = subject.get("grade")
    grade = grade if isinstance(grade, Mapping) else {}
    occupation = subject.get("occupation")
    occupation = occupation if isinstance(occupation, Mapping) else {}
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    issuer_name = issuer.get("name") if isinstance(issuer, Mapping) else None
    values = {
        "holder_name": subject.get("name"),
        "masked_id": subject.get("maskedId"),
        "certificate_number": subject.get("certificateNumber"),
        "grade_zh": grade.get("zh"),
        "grade_en": grade.get("en"),
        "grade_rank": grade.get("rank"),
        "occupation_code": occupation.get("code"),
        "occupation_name": occupation.get("name"),
        "issue_date": subject.get("issueDate"),
        "issuer_name": subject.get("issuerName") or issuer_name,
        "issuer_id": issuer_id,
        "valid_from": credential.get("validFrom"),
        "valid_until": credential.get("validUntil"),
        "credential_id": credential.get("id"),
    }
    for key, value in values.items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            out[key] = str(value)
    return out
