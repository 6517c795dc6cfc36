"""Printable PDF certificate in Chinese, carrying its credential for offline verification.

The PDF (reportlab) uses the WenQuanYi Micro Hei subset shipped in ``craftpath/data/fonts``
(GB2312 hanzi, ASCII and common full-width punctuation; Apache-2.0), embedded as a font subset
so the certificate prints the same everywhere. The signed credential travels twice:

* as an embedded file ``credential.json`` (the exact JSON), which
  :func:`extract_credential_from_pdf` reads back for offline verification;
* in the QR code, as ``VC1:`` + Base45 of the zlib-compressed JCS form (RFC 9285 Base45, a
  preset zlib dictionary of common credential strings). The QR holds the full signed credential
  whenever it fits in QR version 30 (ECC level M); otherwise it holds ``VCREF:`` + the credential
  id and certificate number, and the embedded file is the only verifiable copy.

Examples:
    >>> decode_qr_payload(encode_qr_payload({"a": "证书"}))
    {'a': '证书'}
    >>> b45encode(b"AB"), b45decode("BB8")
    ('BB8', b'AB')
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import qrcode
import qrcode.constants
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .certificate import certificate_summary
from .errors import MalformedCredential
from .jcs import canonicalize
from .verify import MAX_CREDENTIAL_BYTES, parse_credential_json

__all__ = [
    "ATTACHMENT_NAME",
    "b45decode",
    "b45encode",
    "decode_qr_payload",
    "encode_qr_payload",
    "extract_credential_from_pdf",
    "missing_glyphs",
    "qr_payload_for",
    "render_certificate_pdf",
]

ATTACHMENT_NAME = "credential.json"
FONT_NAME = "WQYMicroHei-GB2312"
FONT_PATH = Path(__file__).resolve().parents[2] / "data" / "fonts" / "wqy-microhei-gb2312.ttf"
QR_PREFIX = "VC1:"
QR_REF_PREFIX = "VCREF:"
MAX_QR_VERSION = 30
MAX_PDF_BYTES = 20_000_000
_VALUE_WIDTH = 320.0
_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_INDEX = {c: i for i, c in enumerate(_B45)}
# Preset dictionary: strings most certificates contain. Changing it needs a new prefix.
_ZDICT = (
    '"proofValue":"z"verificationMethod":"did:key:z6Mk"proofPurpose":"assertionMethod"'
    '"cryptosuite":"eddsa-jcs-2022","type":"DataIntegrityProof"},"created":"'
    '"statusListCredential":"statusListIndex":"statusPurpose":"suspension"},{"id":"'
    '"statusPurpose":"revocation","type":"BitstringStatusListEntry"},"credentialStatus":[{'
    '"achievementType":"Certificate","criteria":{"narrative":"通过技能等级认定"},'
    '"description":"职业技能等级：","id":"urn:craftpath:achievement:","name":"'
    '"type":["Achievement"]},"certificateNumber":"grade":{"en":"nationalLevel":"rank":'
    '"zh":"高级工"},"issueDate":"issuerName":"总工会","maskedId":"********",'
    '"occupation":{"code":"6-"name":"type":["AchievementSubject"]},"description":'
    '"id":"urn:craftpath:certificate:","issuer":{"id":"did:web:","name":"'
    '"type":["Profile"]},"name":"技能等级证书 Skill Grade Certificate",'
    '"type":["VerifiableCredential","OpenBadgeCredential"],"validFrom":"validUntil":"'
    'T00:00:00Z","@context":["https://www.w3.org/ns/credentials/v2",'
    '"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"achievement":{'
).encode()


def b45encode(data: bytes) -> str:
    """RFC 9285 Base45 encoding (QR alphanumeric alphabet)."""
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = divmod(n, 45 * 45)
        e, d = divmod(n, 45)
        out.append(_B45[d] + _B45[e] + _B45[c])
    if len(data) % 2:
        e, d = divmod(data[-1], 45)
        out.append(_B45[d] + _B45[e])
    return "".join(out)


def b45decode(text: str) -> bytes:
    """RFC 9285 Base45 decoding.

    Raises:
        ValueError: invalid characters or length.
    """
    try:
        values = [_B45_INDEX[c] for c in text]
    except KeyError as exc:
        raise ValueError("invalid Base45 character") from exc
    if len(values) % 3 == 1:
        raise ValueError("invalid Base45 length")
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            if n > 0xFFFF:
                raise ValueError("invalid Base45 triple")
            out += n.to_bytes(2, "big")
        else:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise ValueError("invalid Base45 pair")
            out.append(n)
    return bytes(out)


def encode_qr_payload(credential: Mapping[str, Any]) -> str:
    """``VC1:`` + Base45(zlib(JCS(credential), preset dictionary))."""
    packer = zlib.compressobj(level=9, zdict=_ZDICT)
    packed = packer.compress(canonicalize(dict(credential))) + packer.flush()
    return QR_PREFIX + b45encode(packed)


def decode_qr_payload(payload: str) -> dict[str, Any]:
    """Decode a ``VC1:`` QR payload back into the credential.

    Raises:
        MalformedCredential: not a ``VC1:`` payload, bad Base45/zlib/JSON, or too large.
    """
    if not isinstance(payload, str) or not payload.startswith(QR_PREFIX):
        raise MalformedCredential("二维码内容不是 VC1 凭证", "QR payload is not a VC1 credential")
    try:
        inflater = zlib.decompressobj(zdict=_ZDICT)
        raw = inflater.decompress(b45decode(payload[len(QR_PREFIX) :]), MAX_CREDENTIAL_BYTES + 1)
    except (ValueError, zlib.error) as exc:
        raise MalformedCredential(f"二维码内容无法解码：{exc}", f"QR payload cannot be decoded: {exc}") from exc
    return parse_credential_json(raw)


def qr_payload_for(credential: Mapping[str, Any]) -> tuple[str, bool]:
    """The QR text and whether it holds the full credential (else a ``VCREF:`` reference)."""
    payload = encode_qr_payload(credential)
    if _qr(payload) is not None:
        return payload, True
    summary = certificate_summary(credential)
    ref = f"{QR_REF_PREFIX}{summary['credential_id']}|{summary['certificate_number']}"
    return ref, False


def _qr(payload: str) -> list[list[bool]] | None:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload, optimize=0)
    try:
        qr.make(fit=True)
    except (ValueError, qrcode.exceptions.DataOverflowError):
        return None
    if qr.version is None or qr.version > MAX_QR_VERSION:
        return None
    return [list(row) for row in qr.get_matrix()]


_FONTS: dict[str, tuple[str, frozenset[int]]] = {}


def _font(path: Path | str | None = None) -> tuple[str, frozenset[int]]:
    """Register the font once; return its reportlab name and the code points it covers."""
    key = str(path or FONT_PATH)
    if key not in _FONTS:
        name = FONT_NAME if path is None else f"CertFont{len(_FONTS)}"
        font = TTFont(name, key, subfontIndex=0)
        pdfmetrics.registerFont(font)
        _FONTS[key] = (name, frozenset(font.face.charToGlyph))
    return _FONTS[key]


def missing_glyphs(text: str, font_path: Path | str | None = None) -> str:
    """Characters of ``text`` that the certificate font cannot draw (sorted, unique).

    Examples:
        >>> missing_glyphs("张玥")
        '玥'
    """
    covered = _font(font_path)[1]
    return "".join(sorted({ch for ch in text if ord(ch) not in covered and not ch.isspace()}))


def _credential_bytes(credential: Mapping[str, Any]) -> bytes:
    return json.dumps(credential, ensure_ascii=False, indent=2).encode("utf-8")


def render_certificate_pdf(
    credential: Mapping[str, Any],
    *,
    verify_hint: str = "离线验证：craftpath verify 本文件.pdf",
    font_path: Path | str | None = None,
) -> bytes:
    """Render a signed certificate credential as a one-page A4 PDF.

    Args:
        credential: the signed credential (see ``build_skill_certificate`` and ``add_proof``).
        verify_hint: one line printed under the QR code.
        font_path: a TrueType font (``.ttf``, or face 0 of a ``.ttc``) to use instead of the
            shipped GB2312 subset, for names with characters outside GB2312.

    Returns:
        PDF bytes with the credential embedded as ``credential.json``.

    Raises:
        ValueError: some text has characters the font cannot draw (a name would print
            wrongly); the message lists them. Pass a fuller ``font_path``.
    """
    s = certificate_summary(credential)
    font, _ = _font(font_path)
    missing = missing_glyphs("".join(s.values()) + verify_hint, font_path)
    if missing:
        raise ValueError(f"the certificate font has no glyph for {missing!r}; pass font_path= a fuller font")
    width, height = landscape(A4)
    buf = io.BytesIO()
    c = Canvas(
        buf,
        pagesize=(width, height),
        invariant=True,
        pageCompression=1,
        initialFontName=font,
        initialFontSize=12,
    )
    c.setTitle(f"技能等级证书 {s['certificate_number']}")
    c.setAuthor(s["issuer_name"])
    c.setSubject("Skill Grade Certificate (W3C Verifiable Credential, Open Badges 3.0)")

    red = colors.HexColor("#9b1c1c")
    c.setStrokeColor(red)
    c.setLineWidth(3)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(0.8)
    c.rect(32, 32, width - 64, height - 64)

    c.setFillColor(red)
    c.setFont(font, 34)
    c.drawCentredString(width / 2, height - 100, "技 能 等 级 证 书")
    c.setFont(font, 13)
    c.drawCentredString(width / 2, height - 122, "Skill Grade Certificate")

    c.setFillColor(colors.black)
    rows = [
        ("姓名", "Name", s["holder_name"]),
        ("身份证号", "ID (masked)", s["masked_id"]),
        ("职业（工种）", "Occupation", f"{s['occupation_name']}  {s['occupation_code']}"),
        ("技能等级", "Grade", f"{s['grade_zh']}  {s['grade_en']}"),
        ("证书编号", "Certificate No.", s["certificate_number"]),
        ("发证机构", "Issuer", s["issuer_name"]),
        ("发证日期", "Issue date", s["issue_date"]),
    ]
    if s["valid_until"]:
        rows.append(("有效期至", "Valid until", s["valid_until"][:10]))
    y = height - 175
    for zh, en, value in rows:
        c.setFont(font, 14)
        c.drawString(80, y, zh)
        c.setFont(font, 8)
        c.setFillColor(colors.dimgray)
        c.drawString(80, y - 11, en)
        c.setFillColor(colors.black)
        size_pt = 15.0
        while size_pt > 7 and pdfmetrics.stringWidth(value, font, size_pt) > _VALUE_WIDTH:
            size_pt -= 0.5  # shrink long names to stay clear of the QR code
        c.setFont(font, size_pt)
        c.drawString(200, y, value)
        c.setStrokeColor(colors.lightgrey)
        c.setLineWidth(0.5)
        c.line(200, y - 5, 520, y - 5)
        y -= 40

    payload, full = qr_payload_for(credential)
    matrix = _qr(payload) or []
    size = 220.0
    x0, y0 = width - 80 - size, 110.0
    if matrix:
        cell = size / len(matrix)
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(matrix):
            for col, dark in enumerate(row):
                if dark:
                    path.rect(x0 + col * cell, y0 + size - (r + 1) * cell, cell, cell)
        c.drawPath(path, stroke=0, fill=1)
    c.setFont(font, 9)
    c.setFillColor(colors.dimgray)
    note = "二维码含完整签名凭证" if full else "完整签名凭证见 PDF 附件 credential.json"
    c.drawCentredString(x0 + size / 2, y0 - 16, note)
    c.drawCentredString(x0 + size / 2, y0 - 30, verify_hint)
    c.setFont(font, 7)
    c.drawString(80, 60, f"凭证编号 Credential ID: {s['credential_id']}")
    c.drawString(80, 50, f"签发者 Issuer DID: {s['issuer_id']}")
    c.showPage()
    c.save()

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.add_attachment(ATTACHMENT_NAME, _credential_bytes(credential))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract_credential_from_pdf(data: bytes, *, max_bytes: int = MAX_PDF_BYTES) -> dict[str, Any]:
    """Read the embedded ``credential.json`` back from a certificate PDF (offline).

    Raises:
        MalformedCredential: not a PDF, too large, or no (valid) embedded credential.
    """
    if not isinstance(data, bytes | bytearray) or not bytes(data[:1024]).lstrip().startswith(b"%PDF-"):
        raise MalformedCredential("不是 PDF 文件", "not a PDF file")
    if len(data) > max_bytes:
        raise MalformedCredential("PDF 文件过大", "PDF file is too large")
    try:
        attachments = PdfReader(io.BytesIO(bytes(data))).attachments
        blobs = attachments.get(ATTACHMENT_NAME)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise MalformedCredential(f"PDF 无法读取：{exc}", f"PDF cannot be read: {exc}") from exc
    if not blobs:
        raise MalformedCredential(
            "PDF 中没有嵌入的凭证（credential.json）",
            "the PDF has no embedded credential (credential.json)",
        )
    return parse_credential_json(blobs[0])
