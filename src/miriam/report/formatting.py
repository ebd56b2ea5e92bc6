"""Numbers and text as the report prints them, one language at a time.

:class:`Fmt` formats every number a reader sees (scores, differences, counts, percentages,
statistics), with a real minus sign (U+2212) and Babel's ``nl_BE`` / ``fr_BE`` conventions; the
rest sets text for pandoc markdown, YAML and Typst, and French typography.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from miriam.printed import is_missing as _missing
from miriam.printed import (
    round1,
    round_int,
)
from miriam.vocab import LOCALES

#: Percent patterns: a no-break space before % in both languages, narrow in French
#: (Babel's fr_BE default has a wide one; the brief and French typography want U+202F).
PERCENT = {"nl": "#,##0\u00a0%", "fr": "#,##0\u202f%"}

MINUS = "\u2212"

#: A printed difference smaller than this (either way) is "stable" in the text: "+0,1" is no
#: progress and "-0,1" no decline. The rules judge the printed difference, never the exact one.
CHANGE_MIN = Decimal("0.2")


def _minus(text: str) -> str:
    """A real minus sign (U+2212) for a negative number, not the hyphen-minus."""
    return MINUS + text[1:] if text.startswith("-") else text


@dataclass(frozen=True)
class Fmt:
    """Babel formatting for one language; missing values print as an en dash, negative
    numbers with a real minus sign (U+2212)."""

    lang: str

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def score(self, value: Any) -> str:
        """5.2 -> "5,2"."""
        if _missing(value):
            return "–"
        return _minus(format_decimal(round1(value), format="0.0", locale=self.locale))

    def diff(self, value: Any) -> str:
        """Signed: 0.7 -> "+0,7", -0.3 -> "−0,3" (U+2212), 0 -> "0,0"."""
        if _missing(value):
            return "–"
        rounded = round1(value)
        pattern = "0.0" if rounded == 0 else "+0.0;-0.0"
        return _minus(format_decimal(rounded, format=pattern, locale=self.locale))

    def int(self, value: Any) -> str:
        """1144 -> "1.144" (nl) / "1 144" with a narrow no-break space (fr)."""
        if _missing(value):
            return "–"
        return _minus(format_decimal(int(value), locale=self.locale))

    def pct(self, share: Any) -> str:
        """0.76 -> "76 %" (no-break space; narrow in French)."""
        if _missing(share):
            return "–"
        return _minus(format_percent(share, format=PERCENT[self.lang], locale=self.locale))

    def pct100(self, value: Any) -> str:
        """A percentage as the tables hold it (0-100): 76.2 -> "76 %"."""
        if _missing(value):
            return "–"
        return self.pct(float(value) / 100)

    def pp(self, value: Any) -> str:
        """A change in percentage points, signed and whole: 6.03 -> "+6", -14 -> "−14"."""
        if _missing(value):
            return "–"
        rounded = round_int(value)
        pattern = "0" if rounded == 0 else "+0;-0"
        return _minus(format_decimal(rounded, format=pattern, locale=self.locale))

    def dec(self, value: Any, places: int) -> str:
        """A statistic with a fixed number of decimals, half up: dec(0.4443, 2) -> "0,44"."""
        if _missing(value):
            return "–"
        q = Decimal(1).scaleb(-places)
        rounded = Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP)
        if rounded == 0:
            rounded = abs(rounded)  # no "−0,00"
        return _minus(
            format_decimal(rounded, format="#,##0." + "0" * places if places else "#,##0", locale=self.locale)
        )

    def number(self, value: Any) -> str:
        """A plain number as written in a definition: 0 -> "0", 0.5 -> "0,5"."""
        if _missing(value):
            return "–"
        return _minus(format_decimal(value, locale=self.locale))

    def ci(self, low: Any, high: Any, places: int = 2) -> str:
        """A confidence interval: "0,51 – 0,69" (en dash, no-break spaces)."""
        if _missing(low) or _missing(high):
            return "–"
        return f"{self.dec(low, places)}\u00a0–\u00a0{self.dec(high, places)}"

    def p(self, value: Any) -> str:
        """A p-value: three decimals, "< 0,001" below that."""
        if _missing(value):
            return "–"
        if float(value) < 0.001:
            return "<\u00a0" + format_decimal(Decimal("0.001"), format="0.000", locale=self.locale)
        return self.dec(value, 3)

    def month(self, year_month: str) -> str:
        """ "2023-11" -> "november 2023" / "novembre 2023"."""
        year, month = (int(p) for p in str(year_month).split("-")[:2])
        return format_date(pd.Timestamp(year=year, month=month, day=1).date(), "MMMM y", locale=self.locale)

    def join(self, words: Iterable[str]) -> str:
        """["a", "b", "c"] -> "a, b en c" / "a, b et c"."""
        return format_list(list(words), locale=self.locale)


_DIGIT_GROUP = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")


def _french_spacing(text: str) -> str:
    """French typography: a no-break space before : ; ? ! (so they never start a line), a
    narrow no-break space between groups of digits ("100 000")."""
    for mark, space in ((":", "\u00a0"), (";", "\u202f"), ("?", "\u202f"), ("!", "\u202f")):
        text = text.replace(f" {mark}", f"{space}{mark}")
    return _DIGIT_GROUP.sub("\u202f", text)


def typography(text: Any, lang: str) -> str:
    """A label or definition from the codebook or the catalogue, set for the page's language."""
    return _french_spacing(str(text)) if lang == "fr" else str(text)


def capitalise(text: str) -> str:
    """A sentence starts with a capital ("vier indicatoren ..." -> "Vier indicatoren ...")."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :] if ch.islower() else text
        if ch.isdigit():
            return text
    return text


def _lower(label: str) -> str:
    """A label inside a sentence: 'Vrije tijd' -> 'vrije tijd'; acronyms stay ('OCMW-hulp');
    the long statements ('Ik ken mensen aan wie...') stay as asked, between quotes."""
    if len(label.split()) > 5:
        return f"‘{label}’"
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def footnote(text: str) -> str:
    """A pandoc inline footnote (HTML: numbered note at the end; PDF: at the page foot)."""
    return f"^[{text}]"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|$@^~"})


def md(text: Any) -> str:
    """Escape a plain string for inline markdown (names, labels, table cells)."""
    return str(text).translate(_MD_SPECIAL)


def md_cell(text: Any) -> str:
    """A table cell: escaped markdown, no line breaks, keeps **bold** written by us."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def yaml_str(text: Any) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def pipe_table(header: list[str], rows: list[list[str]], align: str) -> str:
    """A pipe table with a header row; align is one letter per column: l, r or c.

    The dashes of the separator line are proportional to each column's longest cell: pandoc
    (and Quarto) turn them into relative column widths when a row is long, so a label column
    with long statements gets the room it needs instead of an equal share.
    """
    cells = [[md_cell(h) for h in header]] + [[md_cell(c) for c in row] for row in rows]
    cap = 45 if len(header) <= 6 else 24  # wide tables: the label column wraps, numbers do not
    widths = [max(8, min(cap, max(len(r[i]) for r in cells) + 4)) for i in range(len(header))]
    lines = ["| " + " | ".join(cells[0]) + " |"]
    marks = []
    for a, w in zip(align, widths, strict=False):
        left, right = (":", "") if a == "l" else ("", ":") if a == "r" else (":", ":")
        marks.append(left + "-" * max(1, w - len(left) - len(right)) + right)
    lines.append("|" + "|".join(marks) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(lines)


def typst_string(text: str) -> str:
    """A typst string literal (JSON escapes are typst escapes for these characters)."""
    return json.dumps(str(text), ensure_ascii=False)
