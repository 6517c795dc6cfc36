"""PDF certificate: render, extract, verify; fonts embedded; QR payload."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from craftpath.engines.credentials import (
    Ed25519KeyPair,
    MalformedCredential,
    TrustedIssuers,
    VerdictCode,
    decode_qr_payload,
    extract_credential_from_pdf,
    render_certificate_pdf,
    verify_pdf,
)
from craftpath.engines.credentials.pdf import qr_payload_for

from .conftest import NOW, status_lists


@pytest.fixture(scope="module")
def pdf_bytes(issuer_key: Ed25519KeyPair) -> bytes:
    from craftpath.engines.credentials import add_proof

    from .conftest import make_certificate

    return render_certificate_pdf(add_proof(make_certificate(), issuer_key, created="2026-11-20T08:00:00Z"))


def test_pdf_round_trip(
    pdf_bytes: bytes, signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair
) -> None:
    assert pdf_bytes.startswith(b"%PDF-")
    assert extract_credential_from_pdf(pdf_bytes) == signed
    verdict = verify_pdf(
        pdf_bytes, trusted_issuers=TrustedIssuers.from_json(trust), status_lists=status_lists(issuer_key), now=NOW
    )
    assert verdict.code is VerdictCode.VALID, verdict.en


def test_pdf_text_and_fonts(pdf_bytes: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    text = reader.pages[0].extract_text()
    for needle in (
        "技 能 等 级 证 书",
        "330106********123X",
        "维修电工",
        "6-31-01-03",
        "技师",
        "杭州市总工会",
        "S3301202611000123",
        "2026-11-20",
    ):
        assert needle in text, needle
    resources: Any = reader.pages[0]["/Resources"]
    fonts = resources["/Font"]
    assert fonts, "no fonts"
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor")
        assert descriptor is not None, font
        assert "/FontFile2" in descriptor.get_object(), "font not embedded"
    assert len(pdf_bytes) < 200_000


def test_qr_holds_full_credential(signed: dict[str, Any]) -> None:
    payload, full = qr_payload_for(signed)
    assert full
    assert decode_qr_payload(payload) == signed
    with pytest.raises(MalformedCredential):
        decode_qr_payload("VC1:!!")
    with pytest.raises(MalformedCredential):
        decode_qr_payload("hello")


def test_oversized_credential_falls_back_to_reference(signed: dict[str, Any]) -> None:
    import os

    signed["padding"] = os.urandom(4000).hex()
    payload, full = qr_payload_for(signed)
    assert not full
    assert payload == "VCREF:urn:craftpath:certificate:S3301202611000123|S3301202611000123"
    pdf = render_certificate_pdf(signed)
    assert extract_credential_from_pdf(pdf) == signed


def test_pdf_without_credential_is_malformed() -> None:
    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(100, 100, "no credential here")
    c.save()
    verdict = verify_pdf(buf.getvalue(), trusted_issuers=[], now=NOW)
    assert verdict.code is VerdictCode.MALFORMED
    assert "no embedded credential" in verdict.en
    assert "没有嵌入的凭证" in verdict.zh
    for junk in (b"", b"%PDF-1.4 garbage", b"not a pdf", b"%PDF-" + bytes(5000)):
        assert verify_pdf(junk, trusted_issuers=[], now=NOW).code is VerdictCode.MALFORMED


def test_characters_outside_the_font_are_refused(issuer_key: Ed25519KeyPair) -> None:
    from pathlib import Path

    from craftpath.engines.credentials import add_proof

    from .conftest import make_certificate

    cert = add_proof(make_certificate(holder_name="张玥"), issuer_key, created="2026-11-20T08:00:00Z")
    with pytest.raises(ValueError, match="玥"):
        render_certificate_pdf(cert)
    full = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if full.exists():  # Debian fonts-wqy-microhei, when installed
        pdf = render_certificate_pdf(cert, font_path=full)
        assert extract_credential_from_pdf(pdf) == cert
