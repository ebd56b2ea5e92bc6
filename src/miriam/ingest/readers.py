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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from miriam.config import Export
from miriam.errors import InputError

# Title rows above the header occur (an export re-saved by hand may carry a dozen or more); the
# header row is searched in the first rows only, so that a data row is never taken for it.
HEADER_SEARCH_ROWS = 50
MIN_KNOWN_HEADERS = 3  # without header sets: a header row has at least this many known headers


@dataclass(frozen=True)
class HeaderSet:
    """The headers of one form (a language and a wave), normalised: a row is that form's header
    row when it holds the `anchor` (the response id) and at least half of `required`.

    Fix: the rule used to be "most cells of the row are known headers", which failed as soon
    as the platform added more unknown columns than the form has questions.
    """

    required: frozenset[str]
    anchor: str | None = None

    def matches(self, cells: set[str]) -> bool:
        if self.anchor is not None and self.anchor not in cells:
            return False
        return bool(self.required) and 2 * len(cells & self.required) >= len(self.required)


def normalise_header(text: object) -> str:
    """Case-, accent- and whitespace-insensitive form of a header (line breaks included)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("’", "'").replace("‘", "'")
    return " ".join(plain.casefold().split())


def read_export(
    export: Export,
    root: Path,
    known_headers: set[str],
    header_sets: list[HeaderSet] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Read an export into a frame of raw cells (columns = headers as in the file).

    Returns the frame, with a `_row` column holding spreadsheet row numbers, and the row number
    of the header. The header row is the first of the first HEADER_SEARCH_ROWS rows that
    matches one of `header_sets` (ingest passes one per form language and wave); without
    header sets, the first row with at least MIN_KNOWN_HEADERS of `known_headers` (normalised).
    Unknown columns never count against a row, however many the platform adds.
    """
    path = root / export.path
    if not path.exists():
        raise InputError("export not found", file=export.path, hint="check `exports` in the cohort config")
    if export.format == "csv":
        rows = _csv_rows(path, export)
    else:
        rows = _xlsx_rows(path, export)
    try:
        header_index = _find_header(rows, known_headers, export, header_sets)
    except InputError:
        if export.format == "csv":
            _refuse_other_delimiter(path, export, known_headers, header_sets)
        if not export.header_row:
            raise
        header_index = None
    if export.header_row:  # an optional override in the cohort config; checked, never blind
        header_index = _declared_header(rows, known_headers, export, header_sets, header_index)
    raw_header = ["" if h is None else str(h) for h in rows[header_index]]
    _refuse_repeated_questions(raw_header, known_headers, export)
    header = [h.strip() for h in raw_header]
    body = rows[header_index + 1 :]
    width = len(header)
    if export.format == "csv":
        _refuse_ragged_rows(body, width, header_index + 2, export)
    records = [list(r[:width]) + [None] * (width - len(r)) for r in body]
    frame = pd.DataFrame(records, columns=_unique(header), dtype=object)
    frame["_row"] = range(header_index + 2, header_index + 2 + len(body))
    return frame, header_index + 1


def _refuse_repeated_questions(header: list[str], known: set[str], export: Export) -> None:
    """Two header cells that are the same question once case, accents and spaces are ignored
    ('OCMW' and 'ocmw '): a form has one column per question, and which of the two holds the
    answers cannot be guessed (the last one used to win silently)."""
    first: dict[str, int] = {}
    for i, text in enumerate(header):
        key = normalise_header(text)
        if key not in known:
            continue  # repeated unknown platform columns are ignored anyway (with a warning)
        if key in first:
            j = first[key]
            raise InputError(
                f"two columns for one question: '{header[j]}' (column {j + 1}) and '{text}' "
                f"(column {i + 1}) are the same header once case, accents and spaces are ignored",
                file=export.path,
                expected="one column per question (remove or rename one of them in a copy of the export)",
            )
        first[key] = i


def _refuse_ragged_rows(body: list[list[object]], width: int, first_row: int, export: Export) -> None:
    """A CSV data row must have as many cells as the header: an unquoted comma (or ';') in an
    answer shifts every following cell into the wrong column, so cutting or padding the row
    would read answers under the wrong questions. A blank row (e.g. the last one) is fine."""
    for offset, cells in enumerate(body):
        if len(cells) != width and any(str(c).strip() for c in cells):
            raise InputError(
                f"{len(cells)} cells in this row, but {width} in the header row (an unquoted "
                f"'{export.delimiter or ','}' inside an answer?)",
                file=export.path,
                row=first_row + offset,
                expected=f"{width} cells per row, as many as headers",
            )


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


def _refuse_other_delimiter(
    path: Path, export: Export, known: set[str], header_sets: list[HeaderSet] | None
) -> None:
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
            _find_header(head, known, export, header_sets)
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


def _declared_header(
    rows: list[list[object]],
    known: set[str],
    export: Export,
    header_sets: list[HeaderSet] | None,
    found: int | None,
) -> int:
    """The header row given as `header_row` (1 = the first row), when it holds a header."""
    index = int(export.header_row) - 1
    cells = {normalise_header(c) for c in rows[index] if c not in (None, "")} if index < len(rows) else set()
    if (header_sets and any(form.matches(cells) for form in header_sets)) or len(
        cells & known
    ) >= MIN_KNOWN_HEADERS:
        return index
    auto = f"; the header was found automatically on row {found + 1}" if found is not None else ""
    raise InputError(
        f"row {export.header_row} (`header_row` in the cohort config) is not the form's header row{auto}",
        file=export.path,
        row=export.header_row,
        expected="the row of the question texts, or no `header_row` at all (it is found automatically)",
    )


def _find_header(
    rows: list[list[object]], known: set[str], export: Export, header_sets: list[HeaderSet] | None = None
) -> int:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = {normalise_header(c) for c in row if c not in (None, "")}
        if header_sets:
            if any(form.matches(cells) for form in header_sets):
                return i
        elif len(cells & known) >= MIN_KNOWN_HEADERS:
            return i
    raise InputError(
        f"no header row with the form's questions found in the first {HEADER_SEARCH_ROWS} rows",
        file=export.path,
        expected="an export of the MIRIAM form (is this the right file?)",
        hint=_closest_form(rows[:HEADER_SEARCH_ROWS], header_sets),
    )


def _closest_form(
    rows: list[list[object]], header_sets: list[HeaderSet] | None, shown: int = 12
) -> str | None:
    """For the row and form that come closest: the expected columns it lacks, each with the
    row's closest cells (issue 14: a renamed column said only "no header row found")."""
    import difflib

    if not header_sets:
        return None
    best = None
    for i, row in enumerate(rows):
        cells = {normalise_header(c): str(c) for c in row if c not in (None, "")}
        for form in header_sets:
            wanted = set(form.required) | ({form.anchor} if form.anchor else set())
            score = len(wanted & set(cells))
            if score and (best is None or score > best[0]):
                best = (score, i, cells, wanted)
    if best is None:
        return None
    _, i, cells, wanted = best
    missing = sorted(wanted - set(cells))
    unused = {n: c for n, c in cells.items() if n not in wanted}
    lines = []
    for name in missing[:shown]:
        close = difflib.get_close_matches(name, list(unused), n=3, cutoff=0.5)
        lines.append(f"'{name}': " + (", ".join(f"'{unused[c]}'" for c in close) or "nothing close"))
    if len(missing) > shown:
        lines.append(f"... and {len(missing) - shown} more")
    return (
        f"row {i + 1} comes closest; expected columns not found there (and the closest present): "
        + "; ".join(lines)
    )
