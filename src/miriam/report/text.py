"""The report's wording: ``report/strings/<lang>.yaml`` read once per language, looked up by
dotted key and filled with formatted numbers (:class:`Text`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from miriam.config import ROOT
from miriam.printed import (
    LANGUAGES,
    Fmt,
)
from miriam.report.formatting import _french_spacing, _lower, typography

log = logging.getLogger(__name__)

REPORT_DIR = ROOT / "report"

TEMPLATES = REPORT_DIR / "templates"

STRINGS = REPORT_DIR / "strings"

ENGINE_SHORTCODE = "{{< meta miriam-engine >}}"


def _walk(value: Any, fn) -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    return fn(value) if isinstance(value, str) else value


@cache
def _load_strings(path: str, lang: str) -> dict[str, Any]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return _walk(data, _french_spacing) if lang == "fr" else data


def load_strings(lang: str, strings_dir: Path | None = None) -> dict[str, Any]:
    """All wording of one language (``report/strings/<lang>.yaml``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}; expected one of {LANGUAGES}")
    return _load_strings(str(Path(strings_dir or STRINGS) / f"{lang}.yaml"), lang)


# A word that agrees with a number in the strings: "{consortia|consortium|consortia}" is the
# singular when the value `consortia` is one, else the plural ("1 consortium", "2 consortia").
# Dutch: singular for exactly 1. French: singular below 2, as the French rule has it ("0,5
# point", "+1,7 point", "0 consortium"; "2 points").
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def _as_number(printed: str) -> float | None:
    """A printed number back ("+1,7" -> 1.7, "1 144" -> 1144, "−0,3" -> -0.3), else None."""
    text = re.sub(r"[\s\u00a0\u202f.]", "", printed).replace(",", ".").replace("\u2212", "-")
    try:
        return float(text)
    except ValueError:
        return None


def _plural_form(match: re.Match, values: Mapping[str, Any], lang: str = "nl") -> str:
    name, one, other = match.groups()
    printed = str(values.get(name, ""))
    if lang == "fr" and (number := _as_number(printed)) is not None:
        return one if abs(number) < 2 else other
    return one if re.sub(r"\D", "", printed) == "1" else other


class Text:
    """Strings of one language with dotted look-up and formatting: ``t("findings.reach", ...)``.
    Numbers are printed at the cohort's published `precision` (``{mean, pct}``: decimals of
    means and percentages, :meth:`miriam.printed.Fmt.of`), like its tables."""

    def __init__(
        self, lang: str, strings_dir: Path | None = None, precision: Mapping[str, Any] | None = None
    ):
        self.lang = lang
        self.s = load_strings(lang, strings_dir)
        self.fmt = Fmt.of(lang, precision)

    def __call__(self, key: str, **values: Any) -> str:
        node: Any = self.s
        for part in key.split("."):
            node = node[part]
        text = _PLURAL.sub(lambda m: _plural_form(m, values, self.lang), str(node)) if values else str(node)
        return text.format(**values) if values else text

    def period(self, measured: Any) -> str:
        """A wave's measurement period (cohort config `measurement`): a month, "vanaf november
        2023" / "à partir de novembre 2023", or a date range {from, to}, "van 1 november 2023
        tot 15 december 2023" / "du 1 novembre 2023 au 15 décembre 2023"."""
        if isinstance(measured, Mapping):
            return self(
                "period.range", start=self.fmt.day(measured["from"]), end=self.fmt.day(measured["to"])
            )
        return self("period.month", month=self.fmt.month(measured))

    def rounding(self) -> dict[str, str]:
        """The cohort's precision in words, for the method and the notes that state it: the
        decimals of means and of percentages ("één decimaal", "een geheel getal" / "une
        décimale", "l'unité") and half the last printed decimal of a mean ("0,05")."""
        mean, pct = self.fmt.mean_places, self.fmt.pct_places
        return {
            "mean_decimals": str(self.s["decimals"][mean]),
            "pct_decimals": str(self.s["decimals"][pct]),
            "mean_half": self.fmt.dec(Decimal(5).scaleb(-mean - 1), mean + 1),
        }

    def count_word(self, n: int) -> str:
        """6 -> "zes" / "six" (small counts in words, like the published sheet)."""
        return str(self.s.get("numbers", {}).get(n, self.fmt.int(n)))

    def n(self, n: Any) -> str:
        return self("n", n=self.fmt.int(n))

    def of(self, name: str) -> str:
        """ "van Antwerpen" / "d'Anvers", "de Liège" (elision before a vowel)."""
        if self.lang == "fr":
            return ("d'" if name[:1].casefold() in "aeiouyéèêâîôû" else "de ") + name
        return f"van {name}"

    def place(self, name: str) -> str:
        """Where the participants are, for a sentence: "in Antwerpen" / "d'Anvers", "de Liège"."""
        return self.of(name) if self.lang == "fr" else f"in {name}"

    def item(self, label: str, group: str | None = None, *, article: bool = False) -> str:
        """An item's label inside a sentence. Dutch: lower case ("vrije tijd"; acronyms and the
        long statements between quotes stay as they are). French: between guillemets, with
        "le domaine" / "l'indicateur" in front when `article` (no bare noun without article:
        "pour le domaine « Temps libre »", not "pour temps libre")."""
        if self.lang != "fr":
            return _lower(label)
        quoted = f"«\u00a0{typography(label, 'fr')}\u00a0»"
        if not article:
            return quoted
        noun = self.s.get("item_nouns", {}).get(group or "", self.s.get("item_nouns", {}).get("default", ""))
        return f"{noun} {quoted}".strip()
