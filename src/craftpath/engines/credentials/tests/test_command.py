"""``craftpath verify``: output and exit statuses."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from craftpath.engines.credentials import Ed25519KeyPair, render_certificate_pdf, run_verify

from .conftest import INDEX, VECTORS, status_lists

NOW_ARG = ["--now", "2027-03-01T12:00:00Z"]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_verify(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path, signed: dict[str, Any], trust: dict[str, Any], issuer_key: Ed25519KeyPair) -> dict[str, str]:
    def write(name: str, value: Any) -> str:
        path = tmp_path / name
        path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        return str(path)

    lists = status_lists(issuer_key)
    revoked = status_lists(issuer_key, revoked=(INDEX,))
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(render_certificate_pdf(signed))
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["grade"]["rank"] = 7
    return {
        "cert": write("cert.json", signed),
        "tampered": write("tampered.json", tampered),
        "trust": write("trust.json", trust),
        "rev": write("rev.json", lists[0]),
        "sus": write("sus.json", lists[1]),
        "rev_set": write("rev_set.json", revoked[0]),
        "pdf": str(pdf),
    }


def test_w3c_vector_exits_zero_and_says_untrusted() -> None:
    code, out, _ = _run([str(VECTORS / "signedJCS.json"), *NOW_ARG])
    assert code == 0
    assert "unknown_issuer" in out
    assert "not on the trusted list" in out
    assert "不在信任列表" in out
    assert "signature valid: yes" in out
    assert "签名有效：是" in out


def test_w3c_vector_json_output() -> None:
    code, out, _ = _run([str(VECTORS / "signedJCS.json"), "--json", *NOW_ARG])
    data = json.loads(out)
    assert code == 0 == data["exitStatus"]
    assert data["verdict"] == "unknown_issuer"
    assert data["cryptoValid"] is True
    assert data["issuerTrusted"] is False
    code, _, _ = _run([str(VECTORS / "signedJCS.json"), "--require-trusted", *NOW_ARG])
    assert code == 1


def test_valid_trusted(files: dict[str, str]) -> None:
    argv = [files["cert"], "--trusted", files["trust"], "--status-list", files["rev"], files["sus"], *NOW_ARG]
    code, out, _ = _run(argv)
    assert code == 0, out
    assert out.startswith("结论：valid")
    code, out, _ = _run([*argv, "--lang", "en"])
    assert out.startswith("Verdict: valid")
    assert "结论" not in out


def test_pdf_input(files: dict[str, str]) -> None:
    code, out, _ = _run(
        [
            files["pdf"],
            "--trusted",
            files["trust"],
            "--status-list",
            files["rev"],
            "--status-list",
            files["sus"],
            *NOW_ARG,
        ]
    )
    assert code == 0, out


def test_invalid_exit_one(files: dict[str, str], tmp_path: Path) -> None:
    base = ["--trusted", files["trust"], "--status-list", files["rev_set"], files["sus"], *NOW_ARG]
    code, out, _ = _run([files["cert"], *base])
    assert code == 1
    assert "revoked" in out
    code, out, _ = _run([files["tampered"], *base])
    assert code == 1
    assert "tampered" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, out, _ = _run([str(bad)])
    assert code == 1
    assert "malformed" in out
    empty_pdf = tmp_path / "empty.pdf"
    empty_pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    code, out, _ = _run([str(empty_pdf), "--json"])
    assert code == 1
    assert json.loads(out)["verdict"] == "malformed"


def test_status_unavailable_exit_three(files: dict[str, str]) -> None:
    code, out, _ = _run([files["cert"], "--trusted", files["trust"], *NOW_ARG])
    assert code == 3
    assert "status_unavailable" in out


@pytest.mark.parametrize(
    "argv",
    [[], ["--bogus"], ["/nonexistent.json"], ["x.json", "--lang", "fr"], ["x.json", "--now", "2027-01-01"]],
)
def test_usage_errors(argv: list[str]) -> None:
    code, _, err = _run(argv)
    assert code == 2
    assert "usage" in err


def test_bad_trust_file(files: dict[str, str]) -> None:
    code, _, err = _run([files["cert"], "--trusted", files["cert"]])
    assert code == 2
    assert "trust list" in err


def test_help() -> None:
    code, out, _ = _run(["--help"])
    assert code == 0
    assert "--trusted" in out
