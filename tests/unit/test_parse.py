"""miriam.ingest.parse: one answer -> (value, problem), per scale."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miriam.ingest import parse
from miriam.ingest.readers import normalise_header

MISSING_TOKENS = frozenset(normalise_header(t) for t in ["", "nvt", "n.v.t.", "sans objet", "-"])


# --- scores -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, value", [("0", 0), ("7", 7), (" 10 ", 10), ("+3", 3), ("07", 7)])
def test_score_accepts_whole_numbers_in_range(raw, value):
    assert parse.parse_score(raw, 0, 10) == parse.Parsed(value)


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("7,5", "not_a_whole_number"),  # decimal comma: rejected, never rounded
        ("7.5", "not_a_whole_number"),
        ("10/10", "not_a_whole_number"),  # a fraction typed instead of the score
        ("zeven", "not_a_whole_number"),
        ("-1", "out_of_range"),  # a whole number below the scale (issue 17), not a fraction
        ("-12", "out_of_range"),
        ("11", "out_of_range"),
        ("100", "out_of_range"),
    ],
)
def test_score_rejections_name_the_problem_and_the_expectation(raw, problem):
    parsed = parse.parse_score(raw, 0, 10)
    assert parsed.value is None
    assert parsed.problem == problem
    assert parsed.expected == "a whole number from 0 to 10"


@pytest.mark.parametrize(
    "raw, decimal_comma, problem",
    [
        ("7,5", True, "not_a_whole_number"),  # read as 7.5 (the default)
        ("7,5", False, "not_a_number"),  # a comma is no decimal separator
        ("7.5", False, "not_a_whole_number"),
        ("10/10", False, "not_a_whole_number"),
    ],
)
def test_decimal_comma_rule(raw, decimal_comma, problem):
    assert parse.parse_score(raw, 0, 10, decimal_comma).problem == problem


def test_excel_serial_with_a_decimal_comma_needs_the_rule():
    assert parse.parse_datetime("45244,4375", decimal_comma=True).value == datetime(2023, 11, 14, 10, 30)
    assert parse.parse_datetime("45244,4375", decimal_comma=False).problem == "not_a_date"
    assert parse.parse_datetime("45244.4375", decimal_comma=False).value == datetime(2023, 11, 14, 10, 30)


@pytest.mark.parametrize(
    "raw, reason",
    [(None, "blank"), ("", "blank"), ("  ", "blank"), (float("nan"), "blank")]
    + [("nvt", "not_applicable"), ("N.V.T.", "not_applicable"), (" sans  objet ", "not_applicable")],
)
def test_missing_values_keep_their_reason(raw, reason):
    parsed = parse.missing(raw, MISSING_TOKENS)
    assert (parsed.value, parsed.problem, parsed.reason) == (None, "missing", reason)


def test_an_answer_is_not_missing():
    assert parse.missing("7", MISSING_TOKENS) is None


def test_score_with_thousands_of_digits_is_out_of_range_not_a_crash():
    # int() refuses strings of more than 4300 digits (CPython's int_max_str_digits)
    parsed = parse.parse_score("9" * 5000, 0, 10)
    assert parsed.value is None and parsed.problem == "out_of_range"


@pytest.mark.parametrize("raw", [None, "", "  ", "nvt", "NVT", "n.v.t.", "Sans objet", " sans  objet "])
def test_missing_tokens_are_missing_not_rejected(raw):
    assert parse.is_missing(raw, MISSING_TOKENS)


@pytest.mark.parametrize("raw", ["0", "7,5", "Nee", "nvt 5"])
def test_real_answers_are_not_missing(raw):
    assert not parse.is_missing(raw, MISSING_TOKENS)


def test_nan_cell_is_missing():
    assert parse.is_missing(float("nan"), MISSING_TOKENS)


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, value",
    [
        ("14/11/2023 10:32", datetime(2023, 11, 14, 10, 32)),
        ("14/11/2023", datetime(2023, 11, 14)),
        ("4/1/2024 9:05", datetime(2024, 1, 4, 9, 5)),
        ("14-11-2023 10:32:15", datetime(2023, 11, 14, 10, 32, 15)),
        ("2023-11-14 10:32", datetime(2023, 11, 14, 10, 32)),
        ("2023-11-14", datetime(2023, 11, 14)),
        # Excel serial numbers (a CSV re-saved by Excel): day 45244 is 14/11/2023
        ("45244", datetime(2023, 11, 14)),
        ("45244,4375", datetime(2023, 11, 14, 10, 30)),
        ("45244.4375", datetime(2023, 11, 14, 10, 30)),
        ("33311", datetime(1991, 3, 14)),  # a birth date as a serial
        # a serial is a binary fraction of a day: 10:32:00 is 45244.43888888889, which is
        # 10:31:59.99999 when truncated (issue 17: 11 of 77 submissions one second early)
        ("45244.43888888889", datetime(2023, 11, 14, 10, 32)),
        ("45244,43888888889", datetime(2023, 11, 14, 10, 32)),
        (datetime(2023, 11, 14, 10, 31, 59, 999_990), datetime(2023, 11, 14, 10, 32)),  # XLSX cell
        (datetime(2023, 11, 14, 10, 32), datetime(2023, 11, 14, 10, 32)),  # an XLSX date cell
    ],
)
def test_dates(raw, value):
    assert parse.parse_datetime(raw) == parse.Parsed(value)


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/2024",  # no such day
        "14/13/2023",  # day and month mixed up beyond repair
        "14/11/23",  # two-digit year: ambiguous century
        "gisteren",
        "12345",  # a number, but not a plausible Excel serial for this programme
        "14/11/2023 25:00",
        "14/03/0991",  # a typo in the year: must not reach pandas' nanosecond range
        "14/03/9991",
    ],
)
def test_bad_dates_are_rejected(raw):
    parsed = parse.parse_datetime(raw)
    assert parsed.value is None
    assert parsed.problem == "not_a_date"
    assert "dd/mm/yyyy" in parsed.expected


# --- lists and names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, value",
    [
        ("2016, 2021", "2016|2021"),
        ("2021;2016", "2016|2021"),
        ("2019", "2019"),
        ("2020 2020", "2020|2020"),  # twins
    ],
)
def test_year_lists(raw, value):
    assert parse.parse_year_list(raw) == parse.Parsed(value)


@pytest.mark.parametrize("raw", ["2016, twee", "1890", "2016,,2050", "2²", "1" * 5000, "٢٠١٦"])
def test_bad_year_lists(raw):
    parsed = parse.parse_year_list(raw)
    assert parsed.value is None and parsed.problem == "not_a_year_list"
    assert "separated by commas" in parsed.expected


@pytest.mark.parametrize(
    "lang, raw, code",
    [
        ("nl", "Marokko", "MA"),
        ("nl", "België", "BE"),
        ("nl", "belgie", "BE"),  # accents and case do not matter
        ("fr", "Belgique", "BE"),
        ("fr", "Guinée", "GN"),
        ("nl", "Congo-Kinshasa", "CD"),
        ("fr", "Maroc", "MA"),
        ("nl", "Bosnië en Herzegovina", "BA"),  # ' en ' inside one country's name
        ("nl", "Trinidad en Tobago", "TT"),
        ("fr", "Trinité-et-Tobago", "TT"),
    ],
)
def test_country_names_in_both_languages(lang, raw, code):
    assert parse.parse_name_list(raw, parse.country_names(lang), "country") == parse.Parsed(code)


@pytest.mark.parametrize("raw", ["Marokko, België", "Marokko en België", "Marokko/Turkije"])
def test_several_birth_countries_are_rejected(raw):
    parsed = parse.parse_country(raw, parse.country_names("nl"))
    assert parsed.value is None and parsed.problem == "not_a_single_country"
    assert parsed.expected == "one country name (the country of birth)"


@pytest.mark.parametrize(
    "raw, code", [("Marokko", "MA"), ("Bosnië en Herzegovina", "BA"), ("marokko ", "MA")]
)
def test_one_birth_country(raw, code):
    assert parse.parse_country(raw, parse.country_names("nl")) == parse.Parsed(code)


def test_unknown_country_lists_the_closest_names():
    parsed = parse.parse_name_list("Marokkko", parse.country_names("nl"), "country")
    assert parsed.value is None
    assert parsed.problem == "unknown_country"
    assert "closest: marokko" in parsed.expected


def test_country_name_of_the_other_language_is_unknown():
    # No guessing across languages: the FR form writes French names.
    assert parse.parse_name_list("Marokko", parse.country_names("fr"), "country").problem == "unknown_country"


@pytest.mark.parametrize(
    "lang, raw, codes",
    [
        ("nl", "Arabisch, Nederlands", "ar|nl"),
        ("nl", "Nederlands en Frans", "fr|nl"),
        ("fr", "Français, Peul", "ff|fr"),
        ("fr", "Arabe et français", "ar|fr"),
        ("nl", "Nederlands, nederlands", "nl"),
    ],
)
def test_language_lists(lang, raw, codes):
    assert parse.parse_name_list(raw, parse.language_names(lang), "language") == parse.Parsed(codes)


def test_unknown_language_is_rejected_with_closest():
    parsed = parse.parse_name_list("Nederlands, Arabiesch", parse.language_names("nl"), "language")
    assert parsed.problem == "unknown_language" and "closest: arabisch" in parsed.expected


def test_empty_name_list_is_missing():
    assert parse.parse_name_list(" , ", parse.language_names("nl"), "language") == parse.MISSING


def test_category_labels_and_unknown_label():
    labels = {"ja": "yes", "nee": "no"}
    assert parse.parse_category(" JA ", labels, ["Ja", "Nee"]) == parse.Parsed("yes")
    parsed = parse.parse_category("Misschien", labels, ["Ja", "Nee"])
    assert parsed.problem == "unknown_category" and parsed.expected == "one of Ja / Nee"


# --- property-based: never raises, value xor problem ---------------------------------------

TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789,./-: ²٣\t\n", max_size=25),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2})?", fullmatch=True),
)


def _well_formed(parsed: parse.Parsed) -> bool:
    return (parsed.value is None) != (parsed.problem is None)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_parse_score_total(raw):
    parsed = parse.parse_score(raw, 0, 10)
    assert _well_formed(parsed)
    if parsed.problem is None:
        assert isinstance(parsed.value, int) and 0 <= parsed.value <= 10
    else:
        assert parsed.problem in {"not_a_whole_number", "out_of_range"}


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_parse_datetime_total(raw):
    parsed = parse.parse_datetime(raw)
    assert _well_formed(parsed)
    if parsed.problem is None:
        assert isinstance(parsed.value, datetime)
        assert 1900 <= parsed.value.year <= 2200  # storable as datetime64[ns] downstream
    else:
        assert parsed.problem == "not_a_date"


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_parse_year_list_total(raw):
    parsed = parse.parse_year_list(raw)
    assert _well_formed(parsed)
    if parsed.problem is None:
        years = parsed.value.split("|")
        assert all(y.isascii() and y.isdigit() and 1950 <= int(y) <= 2035 for y in years)
    else:
        assert parsed.problem == "not_a_year_list"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_parse_name_list_total(raw):
    parsed = parse.parse_name_list(raw, parse.country_names("nl"), "country")
    assert parsed.problem in {None, "missing", "unknown_country"}
