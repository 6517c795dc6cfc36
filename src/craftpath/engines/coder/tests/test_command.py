"""The ``code-occupations`` command: encodings, formats, order and blank lines."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from craftpath.engines.coder import command, run_code_occupations


def test_gbk_file_to_csv(tmp_path: Path) -> None:
    src = tmp_path / "titles.txt"
    src.write_bytes("電焊工\n\n会计\n😀\n".encode("gb18030"))
    out = tmp_path / "out.csv"
    assert run_code_occupations([str(src), "--k", "3", "--out", str(out), "--no-embeddings"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [r["input"] for r in rows] == ["電焊工", "", "会计", "😀"]
    assert [r["line"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["code_1"] == "6-18-02-04"
    assert rows[1]["no_confident_code"] == "True"
    assert rows[1]["code_1"] == ""
    assert rows[2]["no_confident_code"] == "False"
    assert rows[3]["no_confident_code"] == "True"


def test_gbk_plain(tmp_path: Path) -> None:
    src = tmp_path / "gbk.txt"
    src.write_bytes("焊工\n美容师\n".encode("gbk"))
    out = tmp_path / "o.jsonl"
    assert run_code_occupations([str(src), "--format", "jsonl", "--out", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r["input"] for r in recs] == ["焊工", "美容师"]
    assert recs[0]["codes"][0]["code"] == "6-18-02-04"
    assert len(recs[0]["codes"]) == 5


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = "焊工\r\n\r\n美容师\r\n".encode()

    class _Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", _Stdin)
    assert run_code_occupations(["-", "--format", "jsonl", "--k", "2", "--no-embeddings"]) == 0
    recs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["line"] for r in recs] == [1, 2, 3]
    assert recs[1]["no_confident_code"] is True
    assert recs[1]["codes"] == []
    assert len(recs[2]["codes"]) == 2


def test_missing_file(tmp_path: Path) -> None:
    assert run_code_occupations([str(tmp_path / "nope.txt")]) == 1


def test_missing_file_says_so_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_code_occupations([str(tmp_path / "nope.txt"), "--no-embeddings"]) == 1
    err = capsys.readouterr().err
    assert "无法读取文件" in err
    assert "cannot read" in err


def test_binary_file_is_refused_not_coded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a spreadsheet passed by mistake: coding its bytes would give rows of replacement characters
    src = tmp_path / "titles.xlsx"
    src.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4)
    out = tmp_path / "out.csv"
    assert run_code_occupations([str(src), "--out", str(out), "--no-embeddings"]) == 1
    err = capsys.readouterr().err
    assert "不是文本文件" in err
    assert "not a text file" in err
    assert not out.exists()


def test_utf16_text_from_notepad(tmp_path: Path) -> None:
    src = tmp_path / "titles.txt"
    src.write_bytes("焊工\r\n美容师\r\n".encode("utf-16"))  # with its byte-order mark
    out = tmp_path / "out.csv"
    assert run_code_occupations([str(src), "--k", "1", "--out", str(out), "--no-embeddings"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [r["input"] for r in rows] == ["焊工", "美容师"]
    assert rows[0]["code_1"] == "6-18-02-04"


def test_evidence_only_when_asked(tmp_path: Path) -> None:
    src = tmp_path / "titles.txt"
    src.write_text("焊工\nwelder\n", encoding="utf-8")
    plain, rich = tmp_path / "plain.jsonl", tmp_path / "rich.jsonl"
    assert (
        run_code_occupations([str(src), "--format", "jsonl", "--k", "2", "--out", str(plain), "--no-embeddings"]) == 0
    )
    args = [str(src), "--format", "jsonl", "--k", "2", "--out", str(rich), "--no-embeddings", "--evidence"]
    assert run_code_occupations(args) == 0
    bare = [json.loads(x) for x in plain.read_text("utf-8").splitlines()]
    full = [json.loads(x) for x in rich.read_text("utf-8").splitlines()]
    assert all("evidence" not in c for r in bare for c in r["codes"])
    assert full[0]["codes"][0]["evidence"].startswith("exact name")
    assert full[1]["codes"][0]["evidence"].startswith("English 'welder' = 焊工")
    # the codes and scores are the same either way
    assert [[(c["code"], c["score"]) for c in r["codes"]] for r in bare] == [
        [(c["code"], c["score"]) for c in r["codes"]] for r in full
    ]
    out = tmp_path / "rich.csv"
    assert run_code_occupations([str(src), "--k", "2", "--out", str(out), "--no-embeddings", "--evidence"]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert rows[0]["evidence_1"].startswith("exact name")
    bare_csv = tmp_path / "plain.csv"
    assert run_code_occupations([str(src), "--k", "2", "--out", str(bare_csv), "--no-embeddings"]) == 0
    assert "evidence_1" not in bare_csv.read_text("utf-8").splitlines()[0]


def test_written_piece_by_piece_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    titles = ["焊工", "", "会计", "電焊工", "😀", "美容师", "软件工程师"]
    src = tmp_path / "titles.txt"
    src.write_text("\n".join(titles) + "\n", encoding="utf-8")
    whole, pieced = tmp_path / "whole.jsonl", tmp_path / "pieced.jsonl"
    argv = ["--format", "jsonl", "--k", "2", "--no-embeddings", "--workers", "1"]
    assert run_code_occupations([str(src), *argv, "--out", str(whole)]) == 0
    monkeypatch.setattr(command, "_PIECE", 3)  # three pieces: 3 + 3 + 1 lines
    assert run_code_occupations([str(src), *argv, "--out", str(pieced)]) == 0
    assert pieced.read_text("utf-8") == whole.read_text("utf-8")
    recs = [json.loads(x) for x in pieced.read_text("utf-8").splitlines()]
    assert [r["line"] for r in recs] == list(range(1, 8))
    assert [r["input"] for r in recs] == titles
    assert recs[0]["codes"][0]["code"] == "6-18-02-04"  # 焊工, in the first piece
    assert recs[1]["codes"] == []  # the blank line keeps its place


def test_output_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "codes.csv"
    target.write_text("an earlier result\n", encoding="utf-8")
    target.chmod(0o640)

    def interrupted_run() -> None:
        with command._output(str(target)) as fh:
            fh.write("half of a new result\n")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_run()
    assert target.read_text("utf-8") == "an earlier result\n"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.csv"]  # no temporary file left
    with command._output(str(target)) as fh:
        fh.write("the new result\n")
    assert target.read_text("utf-8") == "the new result\n"
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions


def test_unwritable_output_is_reported_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "titles.txt"
    src.write_text("焊工\n", encoding="utf-8")
    out = tmp_path / "no-such-folder" / "codes.csv"
    assert run_code_occupations([str(src), "--out", str(out), "--no-embeddings"]) == 1
    err = capsys.readouterr().err
    assert "无法写入" in err
    assert "cannot write" in err
    assert not out.parent.exists()


def test_a_stopped_run_leaves_the_earlier_result_and_no_partial_file(tmp_path: Path) -> None:
    # A real `kill` (SIGTERM) of the command while it codes on two workers.
    src = tmp_path / "titles.txt"
    src.write_text("\n".join(f"焊工{i}" for i in range(6000)) + "\n", encoding="utf-8")
    target = tmp_path / "codes.csv"
    target.write_text("an earlier result\n", encoding="utf-8")
    argv = [sys.executable, "-m", "craftpath.cli", "code-occupations", str(src), "--no-embeddings"]
    proc = subprocess.Popen([*argv, "--workers", "2", "--out", str(target)], stderr=subprocess.PIPE, text=True)  # noqa: S603
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".coding-*.part")) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the command ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 128 + signal.SIGTERM
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert f"已终止，未写出 {target}" in err
    assert f"stopped: {target} was not written" in err
    assert target.read_text("utf-8") == "an earlier result\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codes.csv", "titles.txt"]
