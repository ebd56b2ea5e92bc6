"""How a reader sees a number: ONE rounding rule and ONE formatter for every table, sentence,
chart and alternative text, so that a chart and the sentence beside it print the same number
with the same signs; and which units are reported in which language. Light on purpose (Babel,
no jinja2, no plotnine): the disclosure, figures and report stages all import it.

- :func:`round_half_up` is the rounding rule: half up (away from zero at the half), decided on
  the number as written (its shortest repr), never on its binary value: 4.25 -> 4.3,
  0.05 -> 0.1, -0.05 -> -0.1. :func:`round1` and :func:`round_int` are its one-decimal and
  whole-number cases (the default precision).
- :class:`Fmt` formats for one language (Babel's ``nl_BE`` / ``fr_BE``: decimal comma, digit
  groups) at a cohort's published precision (``precision: {mean, pct}``: one decimal for means
  and whole percentages unless the cohort asks for more), prints a negative number with a real
  minus sign (U+2212, never the hyphen-minus) and a missing one as an en dash.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from miriam.vocab import LANGUAGES, LOCALES

#: The minus sign of every printed negative number.
MINUS = "\u2212"
#: The space before % in a percent pattern: no-break in both languages, narrow in French
#: (Babel's fr_BE default has a wide one; the brief and French typography want U+202F).
PERCENT_SPACE = {"nl": "\u00a0", "fr": "\u202f"}
MISSING = "–"


def is_missing(value: Any) -> bool:
    """None, NA or NaN; any other value (text included) is present."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --- the rounding rule ------------------------------------------------------------------------


def _quantize(value: Any, places: int) -> Decimal:
    """`value` half up to `places` decimals, from its shortest repr; never a negative zero."""
    written = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    rounded = written.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else abs(rounded)


def round_half_up(value: Any, places: int = 1) -> Any:
    """THE rounding rule of every published number: half up at `places` decimals, decided on
    the number as written (4.25 -> 4.3, 0.05 -> 0.1, -0.05 -> -0.1, 2.675 -> 2.68), where
    round() and pandas would round the binary value half to even (4.2, 0.1, -0.1, 2.67).
    A float; missing stays NaN; a Series is rounded element-wise (a float64 Series back)."""
    if isinstance(value, pd.Series):
        return value.map(lambda v: round_half_up(v, places)).astype("float64")
    if is_missing(value):
        return math.nan
    return float(_quantize(value, places))


def rounded(value: Any, places: int) -> Decimal:
    """Half up at `places` decimals, as the number is printed (a Decimal: printed numbers are
    compared exactly): rounded(5.255, 2) -> 5.26. :func:`round1` is its one-decimal case."""
    return _quantize(value, places)


def round1(value: Any) -> Decimal:
    """Half up to one decimal: 5.25 -> 5.3, and -0.04 -> 0.0 (no "-0,0")."""
    return _quantize(value, 1)


def round_int(value: Any) -> int:
    """Half up to a whole number (a printed percentage): 42.5 -> 43."""
    return int(_quantize(value, 0))


def printed_diff(baseline: Any, endline: Any, diff: Any = math.nan, places: int = 1) -> float:
    """The difference every table, sentence and chart prints: the exact mean difference
    (the published ``mean_diff``, rounded once at `places`, the means' decimals), never the
    difference of the rounded means. Begin and end are rounded on their own, so "5,0 -> 5,7"
    may print "+0,6" (exact means 4.96 and 5.64); the report says so in a note where it
    happens. End minus begin only when no mean difference is given."""
    if not is_missing(diff):
        return float(_quantize(diff, places))
    if is_missing(baseline) or is_missing(endline):
        return math.nan
    return float(_quantize(endline, places) - _quantize(baseline, places))


def printed_pp(begin: Any, end: Any, change: Any = math.nan, places: int = 0) -> float:
    """A change in percentage points from the printed percentages (`places`: their
    decimals): 43 % -> 29 % is -14."""
    if is_missing(begin) or is_missing(end):
        return math.nan if is_missing(change) else float(change)
    return float(_quantize(end, places) - _quantize(begin, places))


# --- the formatter ----------------------------------------------------------------------------


def _minus(text: str) -> str:
    """A real minus sign (U+2212) for a negative number, not the hyphen-minus."""
    return MINUS + text[1:] if text.startswith("-") else text


def _digits(places: int) -> str:
    """A Babel pattern's number at `places` decimals: "0" (0), "0.0" (1), "0.00" (2) ..."""
    return "0." + "0" * places if places else "0"


def _signed(rounded: Decimal, places: int) -> str:
    """The pattern of a signed change: "+0.0;-0.0", and no sign for zero ("0.0")."""
    digits = _digits(places)
    return digits if rounded == 0 else f"+{digits};-{digits}"


@dataclass(frozen=True)
class Fmt:
    """Every number a reader sees, formatted for one language: Babel's locale conventions,
    rounded by :func:`round_half_up`, negative numbers with a real minus sign (U+2212),
    missing values as an en dash. Means and differences have `mean_places` decimals,
    percentages and percentage points `pct_places`: the cohort's published precision
    (:meth:`of`), so that a table, a sentence and a chart print what the table publishes."""

    lang: str
    #: decimals of a mean or a difference of means (a cohort's ``precision.mean``)
    mean_places: int = 1
    #: decimals of a percentage or a change in percentage points (``precision.pct``)
    pct_places: int = 0

    @classmethod
    def of(cls, lang: str, precision: Mapping[str, Any] | None = None) -> Fmt:
        """The formatter of `lang` at a cohort's published precision (``{mean: 2, pct: 1}``,
        :func:`miriam.config.settings.cohort_settings`); a key not given keeps the default."""
        precision = precision or {}
        return cls(lang, int(precision.get("mean", 1)), int(precision.get("pct", 0)))

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def _decimal(self, value: Decimal, pattern: str) -> str:
        return _minus(format_decimal(value, format=pattern, locale=self.locale))

    def rounded_mean(self, value: Any) -> Decimal:
        """A mean or a difference as printed, to compare printed numbers: 5.25 -> 5.3."""
        return _quantize(value, self.mean_places)

    def rounded_pct(self, value: Any) -> Decimal:
        """A percentage (0-100) as printed, to compare printed numbers: 42.5 -> 43."""
        return _quantize(value, self.pct_places)

    def score(self, value: Any) -> str:
        """5.25 -> "5,3" (two decimals: 5.255 -> "5,26")."""
        if is_missing(value):
            return MISSING
        return self._decimal(self.rounded_mean(value), _digits(self.mean_places))

    def diff(self, value: Any) -> str:
        """Signed: 0.7 -> "+0,7", -0.3 -> "−0,3" (U+2212), 0 -> "0,0"."""
        if is_missing(value):
            return MISSING
        rounded = self.rounded_mean(value)
        return self._decimal(rounded, _signed(rounded, self.mean_places))

    def int(self, value: Any) -> str:
        """1144 -> "1.144" (nl) / "1 144" with a narrow no-break space (fr)."""
        return MISSING if is_missing(value) else self._decimal(Decimal(int(value)), "#,##0")

    def _percent(self, percent: Decimal) -> str:
        rounded = self.rounded_pct(percent)
        pattern = f"#,##{_digits(self.pct_places)}{PERCENT_SPACE[self.lang]}%"
        return _minus(format_percent(rounded / 100, format=pattern, locale=self.locale))

    def pct(self, share: Any) -> str:
        """0.765 -> "77 %" (half up on the percentage; no-break space, narrow in French;
        one decimal: "76,5 %")."""
        return MISSING if is_missing(share) else self._percent(Decimal(repr(float(share))) * 100)

    def pct100(self, value: Any) -> str:
        """A percentage as the tables hold it (0-100), rounded as written: 76.5 -> "77 %"
        (one decimal: 59.55 -> "59,6 %", where 59.55 / 100 is 0.5954999... and would print
        "59,5 %")."""
        return MISSING if is_missing(value) else self._percent(Decimal(repr(float(value))))

    def pp(self, value: Any) -> str:
        """A change in percentage points, signed, at the percentages' decimals: 6.5 -> "+7",
        -14 -> "−14" (one decimal: 6.5 -> "+6,5")."""
        if is_missing(value):
            return MISSING
        rounded = self.rounded_pct(value)
        return self._decimal(rounded, _signed(rounded, self.pct_places))

    def dec(self, value: Any, places: int) -> str:
        """A statistic with a fixed number of decimals: dec(0.4443, 2) -> "0,44"."""
        if is_missing(value):
            return MISSING
        return self._decimal(_quantize(value, places), "#,##0." + "0" * places if places else "#,##0")

    def number(self, value: Any) -> str:
        """A plain number as written (up to three decimals): 0 -> "0", 0.5 -> "0,5", 1000 ->
        "1.000"."""
        return MISSING if is_missing(value) else self._decimal(_quantize(value, 3), "#,##0.###")

    def ci(self, low: Any, high: Any, places: int = 2) -> str:
        """A confidence interval: "0,51 – 0,69" (en dash, no-break spaces)."""
        if is_missing(low) or is_missing(high):
            return MISSING
        return f"{self.dec(low, places)}\u00a0–\u00a0{self.dec(high, places)}"

    def p(self, value: Any) -> str:
        """A p-value: three decimals, "< 0,001" below that."""
        if is_missing(value):
            return MISSING
        if float(value) < 0.001:
            return "<\u00a0" + format_decimal(Decimal("0.001"), format="0.000", locale=self.locale)
        return self.dec(value, 3)

    def month(self, year_month: str) -> str:
        """ "2023-11" -> "november 2023" / "novembre 2023"."""
        year, month = (int(p) for p in str(year_month).split("-")[:2])
        return format_date(pd.Timestamp(year=year, month=month, day=1).date(), "MMMM y", locale=self.locale)

    def day(self, iso_date: str) -> str:
        """ "2023-11-01" -> "1 november 2023" / "1 novembre 2023"."""
        return format_date(pd.Timestamp(str(iso_date)).date(), "d MMMM y", locale=self.locale)

    def join(self, words: Iterable[str]) -> str:
        """["a", "b", "c"] -> "a, b en c" / "a, b et c"."""
        return format_list(list(words), locale=self.locale)


# --- which units in which language -------------------------------------------------------------


def unit_languages(row: pd.Series | Mapping) -> list[str]:
    """The languages a unit is reported in (its `languages`, "nl|fr"); both when not given."""
    value = row.get("languages")
    if is_missing(value) or not str(value).strip():
        return list(LANGUAGES)
    return [lang for lang in str(value).split("|") if lang in LANGUAGES]


def is_published(row: pd.Series | Mapping) -> bool:
    value = row.get("published", True)
    return False if is_missing(value) else bool(value)
