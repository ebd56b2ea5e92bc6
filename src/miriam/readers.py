"""Reading raw exports as delivered: CSV (`,` or `;`, UTF-8 with or without BOM, or
Windows-1252) and XLSX (header on any row, dates as text or Excel serials).

The reader returns every cell as text (or a datetime for XLSX date cells) plus the row number a
spreadsheet would show, and checks the file against its declaration in the cohort config:
a mismatch stops the run with a message naming the file and what was expected.
"""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from datetime import datetime
from pathlib import Path

import pandas as pd

from miriam.config import Export
from miriam.errors import InputError

HEADER_SEARCH_ROWS = 15  # title rows above the header occur; the header is within the first rows


def normalise_header(text: object) -> str:
    """Case-, accent- and whitespace-insensitive form of a header (line breaks included)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("’", "'").replace("‘", "'")
    return " ".join(plain.casefold().split())


def read_export(export: Export, root: Path, known_headers: set[str]) -> tuple[pd.DataFrame, int]:
    """Read an export into a frame of raw cells (columns = headers as in the file).

    Returns the frame, with a `_row` column holding spreadsheet row numbers, and the row number
    of the header. `known_headers` (normalised) is used to find the header row below any title
    rows: it is the first row in which most cells are known headers.
    """
    path = root / export.path
    if not path.exists():
        raise InputError("export not found", file=export.path, hint="check `exports` in the cohort config")
    if export.format == "csv":
        rows = _csv_rows(path, export)
    else:
        rows = _xlsx_rows(path, export)
    try:
        header_index = _find_header(rows, known_headers, export)
    except InputError:
        if export.format == "csv":
            _refuse_other_delimiter(path, export, known_headers)
        raise
    header = [str(h).strip() if h is not None else "" for h in rows[header_index]]
    body = rows[header_index + 1 :]
    width = len(header)
    records = [list(r[:width]) + [None] * (width - len(r)) for r in body]
    frame = pd.DataFrame(records, columns=_unique(header), dtype=object)
    frame["_row"] = range(header_index + 2, header_index + 2 + len(body))
    return frame, header_index + 1


def _unique(header: list[str]) -> list[str]:
    """Disambiguate empty or repeated header cells so pandas keeps every column."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        name = h or f"(empty header, column {i + 1})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _csv_rows(path: Path, export: Export) -> list[list[str]]:
    data = path.read_bytes()
    text = _decode(data, export)
    delimiter = export.delimiter or ","
    first_lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    if first_lines and not any(delimiter in line for line in first_lines):
        found = next((d for d in (";", ",", "\t") if any(d in ln for ln in first_lines)), None)
        raise InputError(
            f"no '{delimiter}' separator found" + (f" (the file seems to use '{found}')" if found else ""),
            file=export.path,
            expected=f"a CSV separated by '{delimiter}' as declared",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [row for row in reader]
    except csv.Error as error:
        raise InputError(f"not a readable CSV ({error})", file=export.path) from None


def _refuse_other_delimiter(path: Path, export: Export, known: set[str]) -> None:
    """Fix: a ';' file declared ',' passed the separator check above (its quoted answers such
    as "Arabisch, Nederlands" contain commas) and then failed as "not an export". When the
    header is found with another separator, say so."""
    text = _decode(path.read_bytes(), export)
    declared = export.delimiter or ","
    for other in (";", ",", "\t"):
        if other == declared:
            continue
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=other)
            head = list(itertools.islice(reader, HEADER_SEARCH_ROWS))
            _find_header(head, known, export)
        except (csv.Error, InputError):
            continue
        shown = "\\t" if other == "\t" else other
        raise InputError(
            f"no header row found with the declared separator '{declared}'; the file uses '{shown}'",
            file=export.path,
            expected=f"a CSV separated by '{declared}' as declared; declare `delimiter: \"{shown}\"`",
        )


def _decode(data: bytes, export: Export) -> str:
    """Decode with the declared encoding; refuse a file that is evidently in another one."""
    declared = (export.encoding or "utf-8").lower()
    if declared in ("utf-8", "utf-8-sig"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InputError(
                f"not valid UTF-8 (byte 0x{data[error.start]:02x}); the file looks re-saved by Excel",
                file=export.path,
                row=line,
                expected="UTF-8 as declared; declare `encoding: cp1252` if it was saved on Windows",
            ) from None
    # Windows-1252 decodes any byte sequence, so a UTF-8 file declared cp1252 would be read as
    # mojibake without complaint: detect that case explicitly.
    if data.startswith(b"\xef\xbb\xbf") or _is_utf8_with_non_ascii(data):
        raise InputError(
            "the file is UTF-8, not Windows-1252",
            file=export.path,
            expected="Windows-1252 as declared; declare `encoding: utf-8`",
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InputError(f"byte 0x{data[error.start]:02x} is not Windows-1252", file=export.path) from None


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(b > 127 for b in data)


def _xlsx_rows(path: Path, export: Export) -> list[list[object]]:
    from openpyxl import load_workbook  # imported here: only XLSX exports need it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not XLSX
        raise InputError(
            f"cannot be opened as XLSX ({type(error).__name__})",
            file=export.path,
            expected="an .xlsx workbook as declared (format: xlsx)",
        ) from None
    try:
        if export.sheet and export.sheet not in workbook.sheetnames:
            raise InputError(
                f"no worksheet '{export.sheet}'",
                file=export.path,
                expected="one of " + ", ".join(workbook.sheetnames),
            )
        sheet = workbook[export.sheet] if export.sheet else workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: object) -> object:
    """Keep datetimes (Excel date cells) as such; turn numbers into their shortest text."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _find_header(rows: list[list[object]], known: set[str], export: Export) -> int:
    best, best_hits = None, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [normalise_header(c) for c in row if c not in (None, "")]
        hits = sum(c in known for c in cells)
        if cells and hits > best_hits and hits >= max(3, len(cells) // 2):
            best, best_hits = i, hits
            break
    if best is None:
        raise InputError(
            f"no header row with the form's questions found in the first {HEADER_SEARCH_ROWS} rows",
            file=export.path,
            expected="an export of the MIRIAM form (is this the right file?)",
        )
    return best
