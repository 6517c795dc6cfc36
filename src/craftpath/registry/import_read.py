"""Reading member import files (XLSX via python-calamine, CSV with encoding detection).

The reader never writes anything. It turns a file into :class:`Table` objects whose rows can be
iterated again and again (each pass re-reads the file, so memory stays bounded), or into one
:class:`~craftpath.core.problems.Problem` saying why the file cannot be used.
"""

from __future__ import annotations

import codecs
import csv
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from craftpath.core.problems import Problem
from craftpath.registry import import_format as fmt

Row = tuple[int, dict[str, Any]]  # (row number as Excel shows it, {column key: value})
HEADER_SEARCH_ROWS = 10
log = logging.getLogger(__name__)
SNIFF_BYTES = 256 * 1024
_GBK_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "hz_gb_2312", "euc_cn", "iso2022_cn"}


class FileProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Table:
    kind: str
    sheet: str  # as the user sees it: the sheet name, or "CSV" plus the table
    headers: dict[str, str]  # column key -> header text as written in the file
    estimate: int  # data rows expected (progress only)
    _rows: Callable[[], Iterator[Row]] = field(repr=False)

    def rows(self) -> Iterator[Row]:
        return self._rows()


@dataclass
class ParsedFile:
    tables: list[Table]
    pre_problems: list[tuple[str, int, str, Any, Problem]] = field(default_factory=list)
    encoding: str = ""


def human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def open_import_file(path: Path, file_name: str = "") -> ParsedFile:
    """Check size and format and find the tables; raises :class:`FileProblem`."""
    size = os.path.getsize(path)
    limit = int(settings.IMPORT_MAX_BYTES)
    if size > limit:
        raise FileProblem(Problem("file.too_large", {"limit": human_bytes(limit)}, "file"))
    if size == 0:
        raise FileProblem(Problem("file.empty", {}, "file"))
    name = (file_name or path.name).lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    is_zip, is_ole = head.startswith(b"PK\x03\x04"), head.startswith(b"\xd0\xcf\x11\xe0")
    workbook = name.endswith((".xlsx", ".xlsm", ".xls")) or is_zip or is_ole
    parsed = _open_workbook(path) if workbook else _open_csv(path)
    if not parsed.pre_problems and not any(t.estimate for t in parsed.tables):
        raise FileProblem(Problem("file.empty", {}, "file"))
    return parsed


# --- XLSX -------------------------------------------------------------------------------------


def _open_workbook(path: Path) -> ParsedFile:
    try:
        return _open_with_calamine(path)
    except FileProblem:
        raise
    except Exception as exc:  # calamine raises several error types; openpyxl gets a second chance
        log.info("calamine could not read the workbook (%s); trying openpyxl", type(exc).__name__)
    try:
        return _open_with_openpyxl(path)
    except FileProblem:
        raise
    except Exception:
        raise FileProblem(Problem("file.format", {}, "file")) from None


def _header_map(rows: list[list[Any]]) -> tuple[int, dict[int, str], dict[str, str]] | None:
    """Find the header row among the first rows: the one naming the most known columns."""
    best: tuple[int, dict[int, str], dict[str, str]] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        positions: dict[int, str] = {}
        headers: dict[str, str] = {}
        for col, cell in enumerate(row):
            key = fmt.column_key(cell)
            if key and key not in headers:
                positions[col] = key
                headers[key] = str(cell).strip()
        if len(headers) >= 2 and (best is None or len(headers) > len(best[2])):
            best = (index, positions, headers)
    return best


def _sheet_table(
    kind: str, sheet: str, first_rows: list[list[Any]], height: int, row_source: Callable[[], Iterator[list[Any]]]
) -> Table:
    found = _header_map(first_rows)
    if found is None:
        spec = fmt.TABLES[kind]
        missing = ", ".join(fmt.COLUMNS[k].header for k in spec.required)
        raise FileProblem(Problem("file.columns", {"value": f"{sheet}: {missing}"}, "file"))
    header_index, positions, headers = found
    _require(kind, sheet, headers)

    def rows() -> Iterator[Row]:
        for index, raw in enumerate(row_source()):
            if index <= header_index:
                continue
            values = {key: fmt.cell_value(raw[col]) if col < len(raw) else "" for col, key in positions.items()}
            if any(v != "" for v in values.values()):
                yield index + 1, values

    return Table(kind, sheet, headers, max(0, height - header_index - 1), rows)


def _require(kind: str, sheet: str, headers: dict[str, str]) -> None:
    missing = [fmt.COLUMNS[k].header for k in fmt.TABLES[kind].required if k not in headers]
    if missing:
        raise FileProblem(Problem("file.columns", {"value": f"{sheet}: {', '.join(missing)}"}, "file"))


def _open_with_calamine(path: Path) -> ParsedFile:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    tables: list[Table] = []
    for sheet_name in book.sheet_names:
        kind = fmt.table_kind(sheet_name)
        if kind is None or any(t.kind == kind for t in tables):
            continue
        sheet = book.get_sheet_by_name(sheet_name)
        offset = sheet.start[1] if sheet.start else 0

        def source(name: str = sheet_name, offset: int = offset) -> Iterator[list[Any]]:
            # Columns before the first used one are not in calamine's range; pad them back.
            for raw in book.get_sheet_by_name(name).iter_rows():
                yield [None] * offset + list(raw)

        first = []
        for i, raw in enumerate(sheet.iter_rows()):
            if i >= HEADER_SEARCH_ROWS:
                break
            first.append([None] * offset + list(raw))
        rows_from_top = (sheet.end[0] + 1) if sheet.end else 0
        tables.append(_sheet_table(kind, sheet_name, first, rows_from_top, source))
        del sheet
    if not tables:
        if not book.sheet_names:
            raise FileProblem(Problem("file.format", {}, "file"))
        raise FileProblem(Problem("file.columns", {"value": "会员 Members"}, "file"))
    _order(tables)
    return ParsedFile(tables)


def _open_with_openpyxl(path: Path) -> ParsedFile:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    tables: list[Table] = []
    try:
        for ws in book.worksheets:
            kind = fmt.table_kind(ws.title)
            if kind is None or any(t.kind == kind for t in tables):
                continue

            def source(title: str = ws.title) -> Iterator[list[Any]]:
                # Read-only worksheets skip nothing: row 1 is always the first row yielded.
                again = openpyxl.load_workbook(path, read_only=True, data_only=True)
                try:
                    for raw in again[title].iter_rows(values_only=True):
                        yield list(raw)
                finally:
                    again.close()

            first = [list(r) for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
            tables.append(_sheet_table(kind, ws.title, first, ws.max_row or 0, source))
    finally:
        book.close()
    if not tables:
        raise FileProblem(Problem("file.columns", {"value": "会员 Members"}, "file"))
    _order(tables)
    return ParsedFile(tables)


def _order(tables: list[Table]) -> None:
    tables.sort(key=lambda t: fmt.KINDS.index(t.kind))


# --- CSV --------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else what charset-normalizer finds.

    Chinese Excel saves "CSV" as GBK; any GBK-family guess is read as GB18030, its superset.
    The whole file is decoded once with the chosen codec so a bad byte deep in the file is
    caught before anything is imported.
    """
    with open(path, "rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif b"\x00" in sample:
        raise FileProblem(Problem("file.format", {}, "file"))
    else:
        candidates = ["utf-8"]
        from charset_normalizer import from_bytes

        matches = from_bytes(sample)
        names = [m.encoding.lower() for m in matches]
        if any(n in _GBK_FAMILY for n in names) or not names:
            candidates.append("gb18030")
        best = matches.best()
        if best is not None and best.encoding.lower() not in _GBK_FAMILY:
            candidates.append(best.encoding)
        if "gb18030" not in candidates:
            candidates.append("gb18030")
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise FileProblem(Problem("file.encoding", {}, "file"))


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                text = decoder.decode(block)
                if "\x00" in text:
                    return False
            decoder.decode(b"", final=True)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _open_csv(path: Path) -> ParsedFile:
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        first_line = fh.readline()
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "，")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","

    def records() -> Iterator[tuple[int, list[str]]]:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                for record in reader:
                    yield reader.line_num, record
            except csv.Error:
                raise FileProblem(Problem("file.format", {}, "file")) from None

    header: list[str] | None = None
    header_line = 0
    for line, record in records():
        if any(c.strip() for c in record):
            header, header_line = record, line
            break
    if header is None:
        raise FileProblem(Problem("file.empty", {}, "file"))
    positions: dict[int, str] = {}
    headers: dict[str, str] = {}
    for col, cell in enumerate(header):
        key = fmt.column_key(cell)
        if key and key not in headers:
            positions[col] = key
            headers[key] = cell.strip()
    if len(headers) < 2:
        raise FileProblem(
            Problem(
                "file.columns",
                {"value": ", ".join(fmt.COLUMNS[k].header for k in fmt.TABLES[fmt.MEMBERS].required)},
                "file",
            )
        )

    type_col = next((col for col, key in positions.items() if key == "record_type"), -1)
    kinds: dict[str, str | None] = {}  # raw record_type cell -> table kind (a handful of spellings)

    def kind_of(raw: str) -> str | None:
        if raw not in kinds:
            kinds[raw] = fmt.table_kind(raw)
        return kinds[raw]

    def all_rows(only: str | None = None) -> Iterator[Row]:
        for line, record in records():
            if line <= header_line:
                continue
            if only is not None and kind_of(record[type_col] if type_col < len(record) else "") != only:
                continue  # another table's row: skip it before converting every cell
            values = {key: fmt.cell_value(record[col]) if col < len(record) else "" for col, key in positions.items()}
            if any(v != "" for v in values.values()):
                yield line, values

    parsed = ParsedFile([], encoding=encoding)
    if "record_type" not in headers:
        kind = fmt.infer_kind(set(headers))
        _require(kind, "CSV", headers)
        total = sum(1 for _ in all_rows())
        parsed.tables.append(Table(kind, "CSV", headers, total, all_rows))
        return parsed

    per_kind: dict[str, int] = {}
    for line, values in all_rows():
        kind_or_none = kind_of(str(values.get("record_type") or ""))
        if kind_or_none is None:
            value = values.get("record_type", "")
            parsed.pre_problems.append(
                ("CSV", line, "record_type", value, Problem("import.record_type", {"value": value}, "record_type"))
            )
            continue
        per_kind[kind_or_none] = per_kind.get(kind_or_none, 0) + 1
    for kind in fmt.KINDS:
        if not per_kind.get(kind):
            continue
        sheet = f"CSV {fmt.TABLES[kind].sheet_name}"
        _require(kind, sheet, headers)

        def rows(kind: str = kind) -> Iterator[Row]:
            return all_rows(kind)

        parsed.tables.append(Table(kind, sheet, headers, per_kind[kind], rows))
    if not parsed.tables and parsed.pre_problems:
        # Every row has an unknown record type: report them, there is nothing else to do.
        parsed.tables.append(Table(fmt.MEMBERS, "CSV", headers, 0, lambda: iter(())))
    return parsed


def read_all(path: Path, file_name: str = "") -> dict[str, list[Row]]:
    """Every row of every table, in memory; for tests and small files."""
    parsed = open_import_file(path, file_name)
    return {t.kind: list(t.rows()) for t in parsed.tables}


__all__ = ["FileProblem", "ParsedFile", "Table", "detect_encoding", "human_bytes", "open_import_file", "read_all"]
