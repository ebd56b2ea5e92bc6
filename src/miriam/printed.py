"""How published numbers are rounded, and which units are reported in which language: one
definition for the text (miriam.report) and the charts (miriam.figures), so that a chart and
the sentence beside it print the same number. Light on purpose (no jinja2, no plotnine):
both stages import it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from miriam.vocab import LANGUAGES

_ONE = Decimal("0.1")


def is_missing(value: Any) -> bool:
    """None, NA or NaN; any other value (text included) is present."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def round1(value: Any) -> Decimal:
    """Half up to one decimal from the shortest repr: 5.25 -> 5.3, and -0.04 -> 0.0 (no "-0,0")."""
    rounded = Decimal(repr(float(value))).quantize(_ONE, rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else Decimal("0.0")


def round_int(value: Any) -> int:
    """Half up to a whole number (a printed percentage): 42.5 -> 43."""
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def printed_diff(baseline: Any, endline: Any, diff: Any = math.nan) -> float:
    """The difference a reader can check: printed end minus printed begin (each rounded to one
    decimal), so that "5,0 -> 5,7" reads "+0,7". The exact mean difference is in the
    statistical annex. `diff` when a mean is missing."""
    if is_missing(baseline) or is_missing(endline):
        return math.nan if is_missing(diff) else float(diff)
    return float(round1(endline) - round1(baseline))


def printed_pp(begin: Any, end: Any, change: Any = math.nan) -> float:
    """A change in percentage points from the printed percentages: 43 % -> 29 % is -14."""
    if is_missing(begin) or is_missing(end):
        return math.nan if is_missing(change) else float(change)
    return float(round_int(end) - round_int(begin))


def unit_languages(row: pd.Series | Mapping) -> list[str]:
    """The languages a unit is reported in (its `languages`, "nl|fr"); both when not given."""
    value = row.get("languages")
    if is_missing(value) or not str(value).strip():
        return list(LANGUAGES)
    return [lang for lang in str(value).split("|") if lang in LANGUAGES]


def is_published(row: pd.Series | Mapping) -> bool:
    value = row.get("published", True)
    return False if is_missing(value) else bool(value)
