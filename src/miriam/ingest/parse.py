"""Parsing one answer according to its scale in the codebook.

Each parser takes the raw cell and returns (value, problem): value is the canonical value or
None; problem is None for a clean value, "missing" for an empty or "n.v.t." answer (with its
reason: `blank` or `not_applicable`), and otherwise a short code of why the value was rejected.
The row is kept either way (policy: docs/stages/ingest.md); only the register number and the
OCMW decide whether a row is usable.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import pandas as pd
from babel import Locale

from miriam.ingest.readers import normalise_header as normalise

# ASCII digits only (\d also matches other scripts' digits). A sign is allowed: "-1" is a
# whole number, rejected as out of range (fix: it was rejected as not a whole number).
_INT = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]+(?:\.[0-9]+)?$")
_DATETIME = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII
)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$", re.ASCII)
# Plausible years for this programme's dates (births, submissions, stops). Fix: a typo such as
# 0991 or 9991 was accepted and then crashed ingest (outside pandas' datetime64[ns] range).
_YEARS = (1900, 2100)
_EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug folded in)


@dataclass(frozen=True)
class Parsed:
    value: object
    problem: str | None = None
    expected: str | None = None
    reason: str | None = None  # why a value is missing: "blank" or "not_applicable"


# A missing value keeps its reason: an empty cell is not the same answer as "n.v.t.".
MISSING = Parsed(None, "missing", reason="blank")
NOT_APPLICABLE = Parsed(None, "missing", reason="not_applicable")


def is_missing(raw: object, missing_tokens: frozenset[str]) -> bool:
    return _is_blank(raw) or normalise(raw) in missing_tokens


def missing(raw: object, missing_tokens: frozenset[str]) -> Parsed | None:
    """MISSING for an empty cell, NOT_APPLICABLE for a missing-value token ("nvt", "sans
    objet"), None for an answer."""
    if _is_blank(raw):
        return MISSING
    if normalise(raw) in missing_tokens:
        return NOT_APPLICABLE
    return None


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, float) and pd.isna(raw)) or normalise(raw) == ""


def parse_score(raw: str, lo: float, hi: float, decimal_comma: bool = True) -> Parsed:
    """A whole number in [lo, hi]. Never rounded: "7,5" and "7.5" are rejected.

    `decimal_comma` (config `parsing.decimal_comma`): true reads "7,5" as the number 7.5, so it
    is rejected as `not_a_whole_number`; false treats the comma as no decimal separator, so
    "7,5" is `not_a_number`.
    """
    text = str(raw).strip()
    expected = f"a whole number from {lo:g} to {hi:g}"
    if not _INT.match(text):
        if not decimal_comma and "," in text and _DECIMAL.match(text.replace(",", ".")):
            return Parsed(None, "not_a_number", expected + " (a comma is not a decimal separator)")
        return Parsed(None, "not_a_whole_number", expected)
    if len(text.lstrip("+-0")) > 15:  # fix: int() raises on > 4300 digits; no scale is that wide
        return Parsed(None, "out_of_range", expected)
    value = int(text)
    if not lo <= value <= hi:
        return Parsed(None, "out_of_range", expected)
    return Parsed(value)


def parse_category(raw: str, labels: dict[str, str], scale_codes: list[str]) -> Parsed:
    key = normalise(raw)
    if key in labels:
        return Parsed(labels[key])
    return Parsed(None, "unknown_category", "one of " + " / ".join(scale_codes))


def parse_datetime(raw: object, decimal_comma: bool = True) -> Parsed:
    """dd/mm/yyyy [hh:mm[:ss]], ISO, an Excel serial number, or an Excel date cell.

    A serial with a decimal comma ("45244,4375", Excel on a Belgian machine) is read only with
    `decimal_comma` (config `parsing.decimal_comma`)."""
    expected = "a date dd/mm/yyyy (hh:mm)"
    if isinstance(raw, datetime):  # an XLSX date cell: its serial may be a hair off, too
        return _plausible(_nearest_second(raw), expected)
    text = str(raw).strip()
    try:
        if m := _DATETIME.match(text):
            d, mo, y, h, mi, s = m.groups()
            when = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
            return _plausible(when, expected)
        if m := _ISO.match(text):
            y, mo, d, h, mi, s = m.groups()
            when = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
            return _plausible(when, expected)
        if not text.isascii():  # fix: float() also reads other scripts' digits
            raise ValueError(text)
        serial = float(text.replace(",", ".") if decimal_comma else text)
    except ValueError:
        return Parsed(None, "not_a_date", expected)
    if 20000 < serial < 80000:  # 1954..2119: plausible Excel serials for this programme
        # Rounded to the nearest second: a serial is a binary fraction of a day, so 10:32:00
        # comes out as 10:31:59.99998; truncating made such submissions one second early.
        return Parsed(_EXCEL_EPOCH + timedelta(seconds=round(serial * 86400)))
    return Parsed(None, "not_a_date", expected)


def _nearest_second(when: datetime) -> datetime:
    whole = when.replace(microsecond=0)
    return whole + timedelta(seconds=1) if when.microsecond >= 500_000 else whole


def _plausible(when: datetime, expected: str) -> Parsed:
    if not _YEARS[0] <= when.year <= _YEARS[1]:
        return Parsed(None, "not_a_date", expected)
    return Parsed(when)


def parse_year_list(raw: str, first: int = 1950, last: int = 2035) -> Parsed:
    parts = [p for p in re.split(r"[,;/ ]+", str(raw).strip()) if p]
    # fix: isdigit() accepts '²' (int() then raised) and huge digit strings (int() raises
    # beyond 4300 digits): only four ASCII digits make a year.
    year = re.compile(r"[0-9]{4}")
    if not parts or not all(year.fullmatch(p) and first <= int(p) <= last for p in parts):
        return Parsed(None, "not_a_year_list", f"years {first}-{last} separated by commas")
    return Parsed("|".join(sorted(parts)))


def parse_country(raw: str, names: dict[str, str]) -> Parsed:
    """One country (the country of birth). Fix: it went through parse_name_list, so "Marokko,
    België" became a list of two countries; a woman has one country of birth, and which one
    was meant cannot be guessed."""
    if (whole := normalise(raw)) in names:
        return Parsed(names[whole])
    several = parse_name_list(raw, names, "country")
    if several.problem is None and "|" in str(several.value):
        return Parsed(None, "not_a_single_country", "one country name (the country of birth)")
    return several


def parse_name_list(raw: str, names: dict[str, str], what: str) -> Parsed:
    # fix: a whole known name first, so that "Bosnië en Herzegovina" or "Trinidad en Tobago"
    # is not split at its ' en ' into two unknown names.
    if (whole := normalise(raw)) in names:
        return Parsed(names[whole])
    codes = []
    for part in re.split(r"[,;/]| en | et ", str(raw)):
        key = normalise(part)
        if not key:
            continue
        if key not in names:
            close = difflib.get_close_matches(key, list(names), n=3)
            return Parsed(
                None,
                f"unknown_{what}",
                "a known name" + (f" (closest: {', '.join(close)})" if close else ""),
            )
        codes.append(names[key])
    if not codes:
        return MISSING
    return Parsed("|".join(sorted(set(codes))))


@cache
def country_names(lang: str) -> dict[str, str]:
    """Normalised country names in `lang` (Babel/CLDR, plus CLDR's short and variant forms)."""
    return _babel_names(Locale.parse(lang).territories, only_countries=True)


@cache
def language_names(lang: str) -> dict[str, str]:
    """Normalised language names in `lang` (Babel/CLDR)."""
    return _babel_names(Locale.parse(lang).languages, only_countries=False)


def _babel_names(table: dict[str, str], *, only_countries: bool) -> dict[str, str]:
    names: dict[str, str] = {}
    for code, name in table.items():
        base = code.split("-alt-")[0]
        if only_countries and not (len(base) == 2 and base.isalpha()):
            continue  # skip continents and regions (numeric codes)
        names.setdefault(normalise(name), base.upper() if only_countries else base)
    return names
