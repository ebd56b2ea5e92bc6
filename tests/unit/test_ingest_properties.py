"""Property-based tests of ingest's entry points that the CSV and parser properties do not
cover: the XLSX reader (arbitrary cells written with openpyxl) and ValueParser (any cell, any
variable of either codebook): a correct result or a MiriamError, never another exception."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd
import pytest
from helpers import CONFIG_PATH, WIDE_INSTRUMENT_PATH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miriam import config as miriam_config
from miriam import ingest
from miriam.config import Export
from miriam.errors import MiriamError
from miriam.ingest.readers import normalise_header, read_export

HEADER = [
    "Antwoord ID",
    "Datum ingediend",
    "Taal formulier",
    "OCMW",
    "Rijksregisternummer",
    "Financiële situatie (0-10)",
]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20).filter(
    lambda t: not t.startswith("=")  # openpyxl would store it as a formula
)
CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.booleans(),
    st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


def _as_read(value: object) -> object:
    """What the reader promises for a cell: text, except datetimes (Excel date cells)."""
    if value is None or isinstance(value, datetime):
        return value
    if value == "":
        return None  # openpyxl does not store an empty text cell
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    titles=st.lists(st.lists(CELL, min_size=1, max_size=3), max_size=3),
    with_header=st.booleans(),
    body=st.lists(st.lists(CELL, max_size=8), max_size=4),
)
def test_arbitrary_xlsx_cells_read_correctly_or_raise_miriam_errors(tmp_path, titles, with_header, body):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in titles + ([HEADER] if with_header else []) + body:
        sheet.append(row)
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    export = Export(path="x.xlsx", wave="baseline", language="nl", format="xlsx")
    known = {normalise_header(h) for h in HEADER}
    try:
        frame, header_row = read_export(export, tmp_path, known)
    except MiriamError as error:
        assert "x.xlsx" in str(error)
        assert not with_header  # with the header row, the file is an export and must be read
        return
    assert with_header  # arbitrary cells are never taken for the form's header row
    assert header_row == len(titles) + 1
    assert list(frame.columns[:6]) == HEADER
    assert frame["_row"].tolist() == list(range(header_row + 1, header_row + 1 + len(frame)))
    # Empty rows at the end are not stored in the workbook: they may be absent, nothing else.
    assert all(all(c is None for c in cells) for cells in body[len(frame) :])
    for i in range(len(frame)):
        cells = body[i][:6]
        expected = [_as_read(c) for c in cells] + [None] * (6 - len(cells))
        got = frame.iloc[i, :6].tolist()
        assert all(_same(a, b) for a, b in zip(got, expected, strict=True)), (got, expected)


def _same(got: object, expected: object) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        try:  # a float's text may differ in its last digit after the round trip through XML
            return math.isclose(float(got), float(expected), rel_tol=1e-12) or got == expected
        except ValueError:
            return got == expected
    return got == expected


# --- ValueParser: every variable kind, any cell ----------------------------------------------------


@pytest.fixture(scope="module")
def parsing() -> dict:
    return miriam_config.load_config(CONFIG_PATH)["parsing"]


@pytest.fixture(scope="module")
def wide():
    return miriam_config.load_instrument(WIDE_INSTRUMENT_PATH)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_value_parser_is_total(data, instrument, wide, reference, parsing):
    codebook, lang = data.draw(st.sampled_from([(instrument, "nl"), (instrument, "fr"), (wide, "codes")]))
    variable = data.draw(st.sampled_from(list(codebook.variables.values())))
    raw = data.draw(
        st.one_of(CELL, st.just(float("nan")), st.sampled_from(["nvt", "Sans objet", " ", "7,5"]))
    )
    decimal_comma = data.draw(st.booleans())
    resolver = ingest.OcmwResolver.from_reference(reference, parsing["ocmw_name_prefixes"])
    parser = ingest.ValueParser(lang, parsing["missing_tokens"], resolver, decimal_comma=decimal_comma)
    parsed = parser.parse(variable, raw)
    assert (parsed.value is None) != (parsed.problem is None)
    if parsed.problem == "missing":
        assert parsed.reason in {"blank", "not_applicable"}
    elif parsed.problem is not None:
        assert parsed.reason is None and parsed.expected
    elif variable.kind in ("score", "integer"):
        assert isinstance(parsed.value, int)
        assert variable.scale["min"] <= parsed.value <= variable.scale["max"]
    elif variable.kind == "category":
        assert parsed.value in {str(c["code"]) for c in variable.scale["categories"]}
    elif variable.kind in ("datetime", "date"):
        assert isinstance(parsed.value, datetime) and pd.Timestamp(parsed.value).year >= 1900
