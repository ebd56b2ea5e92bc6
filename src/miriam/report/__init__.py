"""Report content: from the published tables to Quarto sources (.qmd), one set per language.

This module decides *what* the documents say; :mod:`miriam.report.render` turns the sources into HTML
and PDF. It reads only published, disclosure-checked tables (``results/<cohort>/``):

- ``items``: one row per unit x item with begin, end and difference (NaN when withheld);
- ``units``: names in both languages, report languages, counts, ``published``;
- ``reconciliation``: the counts of the clean stage (``scope, measure, count``).

Every sentence comes from ``report/strings/<lang>.yaml`` and every number is formatted with
Babel for ``nl_BE`` / ``fr_BE``. Findings and headlines are *rules over the data*: a sentence
that is not true for this cohort (say "progress on each of the six domains" when one domain
went down) is never printed; the rule picks the sentence that is true instead.

The sources are plain pandoc markdown that Quarto also accepts: YAML front matter, pipe tables
with a header row, fenced divs (``::: {.callout-warning}``), images as
``![caption](figures/x.svg){fig-alt="..."}``. The engine line of the colophon is the Quarto
shortcode ``{{< meta miriam-engine >}}``: Quarto fills it from ``-M``, the pandoc path of
:mod:`miriam.report.render` substitutes it before conversion.
"""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
import yaml
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

import miriam
from miriam.config import ROOT, Instrument, load_instrument
from miriam.printed import (
    LANGUAGES,
    is_published,
    printed_diff,
    printed_pp,
    round1,
    round_int,
    unit_languages,
)
from miriam.printed import is_missing as _missing
from miriam.vocab import DOC_LANG, GROUPS, LOCALES, REGIONS

log = logging.getLogger(__name__)

REPORT_DIR = ROOT / "report"
TEMPLATES = REPORT_DIR / "templates"
STRINGS = REPORT_DIR / "strings"
#: Percent patterns: a no-break space before % in both languages, narrow in French
#: (Babel's fr_BE default has a wide one; the brief and French typography want U+202F).
PERCENT = {"nl": "#,##0\u00a0%", "fr": "#,##0\u202f%"}
ENGINE_SHORTCODE = "{{< meta miriam-engine >}}"
MINUS = "\u2212"
#: A printed difference smaller than this (either way) is "stable" in the text: "+0,1" is no
#: progress and "-0,1" no decline. The rules judge the printed difference, never the exact one.
CHANGE_MIN = Decimal("0.2")


# --- formatting -----------------------------------------------------------------------------


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


# --- strings ----------------------------------------------------------------------------------


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


class Text:
    """Strings of one language with dotted look-up and formatting: ``t("findings.reach", ...)``."""

    def __init__(self, lang: str, strings_dir: Path | None = None):
        self.lang = lang
        self.s = load_strings(lang, strings_dir)
        self.fmt = Fmt(lang)

    def __call__(self, key: str, **values: Any) -> str:
        node: Any = self.s
        for part in key.split("."):
            node = node[part]
        return str(node).format(**values) if values else str(node)

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


# --- the data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One indicator of one unit, formatted for one language. `diff` is the printed
    difference (printed end minus printed begin), `exact_diff` the table's mean difference."""

    item: str
    label: str
    definition: str
    baseline: float
    endline: float
    diff: float
    n: float
    begin_text: str
    end_text: str
    diff_text: str
    n_text: str
    exact_diff: float = math.nan

    @property
    def published(self) -> bool:
        return not (_missing(self.baseline) or _missing(self.endline) or _missing(self.diff))


def _as_instrument(instrument: Instrument | str | Path) -> Instrument:
    return instrument if isinstance(instrument, Instrument) else load_instrument(instrument)


def item_rows(
    items: pd.DataFrame, level: str, unit: str, group: str, instrument: Instrument, fmt: Fmt
) -> list[Item]:
    """The items of one unit and group in codebook order (an item absent from the table is
    listed as withheld, so that a table never silently loses a row)."""
    lang = fmt.lang
    rows = items[(items["level"] == level) & (items["unit"] == unit) & (items["group"] == group)]
    by_item = {str(r["item"]): r for _, r in rows.iterrows()}
    out = []
    for var in instrument.items(group):
        r = by_item.get(var.name)
        b, e, d, n = (
            r[c] if r is not None and c in r.index else math.nan
            for c in ("mean_baseline", "mean_endline", "mean_diff", "n_paired")
        )
        shown = printed_diff(b, e, d) if not _missing(d) else math.nan
        out.append(
            Item(
                item=var.name,
                label=typography(var.label.get(lang, var.name), lang),
                definition=typography(var.definition.get(lang, ""), lang),
                baseline=b,
                endline=e,
                diff=shown,
                n=n,
                begin_text=fmt.score(b),
                end_text=fmt.score(e),
                diff_text=fmt.diff(shown),
                n_text=fmt.int(n),
                exact_diff=d,
            )
        )
    return out


def _unit_row(units: pd.DataFrame, level: str, unit: str) -> pd.Series | None:
    rows = units[(units["level"] == level) & (units["unit"] == unit)]
    return None if rows.empty else rows.iloc[0]


def unit_name(row: pd.Series | Mapping, lang: str) -> str:
    """A unit's name in the page's language (Anvers / Antwerpen), else the other, else its id."""
    for column in (f"name_{lang}", "name_nl", "name_fr"):
        value = row.get(column) if hasattr(row, "get") else None
        if not _missing(value) and str(value).strip():
            return str(value)
    return str(row["unit"])


def _n_of(row: pd.Series | None, items_list: list[Item], column: str = "n_paired") -> Any:
    """The n printed with a unit's results: its paired n; NaN ("–") when the units table
    withholds it (an item's n must not reveal it); the largest item n only when the units
    table has no such column."""
    if row is not None and column in row.index:
        return math.nan if _missing(row[column]) else int(row[column])
    ns = [int(i.n) for i in items_list if not _missing(i.n)]
    return max(ns) if ns else math.nan


# --- rules: findings and headlines ----------------------------------------------------------


def _step(row: Item) -> Decimal:
    """The printed difference of an item, as the rules judge it."""
    return round1(row.diff)


def _improved(rows: list[Item]) -> list[Item]:
    return [r for r in rows if r.published and _step(r) >= CHANGE_MIN]


def _declined(rows: list[Item]) -> list[Item]:
    return [r for r in rows if r.published and _step(r) <= -CHANGE_MIN]


def _stable(rows: list[Item]) -> list[Item]:
    return [r for r in rows if r.published and -CHANGE_MIN < _step(r) < CHANGE_MIN]


def all_improved(rows: list[Item]) -> bool:
    """True only when every item is published and its printed difference is progress
    (at least +0,2: see CHANGE_MIN)."""
    return bool(rows) and all(r.published and _step(r) >= CHANGE_MIN for r in rows)


def _lower(label: str) -> str:
    """A label inside a sentence: 'Vrije tijd' -> 'vrije tijd'; acronyms stay ('OCMW-hulp');
    the long statements ('Ik ken mensen aan wie...') stay as asked, between quotes."""
    if len(label.split()) > 5:
        return f"‘{label}’"
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def headline(rows: list[Item], group: str, name: str, t: Text, *, where: str | None = None) -> str:
    """The headline of one group for one unit, chosen by the data.

    The participants are the subject, never the town ("De deelneemsters in Antwerpen gaan
    vooruit op elk van de zes levensdomeinen"). All items published and up: that sentence;
    most up: it names the exceptions; some up: it names them; none up: it says so. "Up" is
    judged on the printed difference (at least +0,2). `where` overrides the place phrase
    (the national report: "in België" / "en Belgique").
    """
    count = len(rows)
    up = _improved(rows)
    place = where if where is not None else t.place(name)
    if all_improved(rows):
        text = t(f"headline.{group}_all", where=place, count_word=t.count_word(count))
    elif up and len(up) > count / 2 and all(r.published for r in rows):
        rest = [r for r in rows if r not in up]
        text = t(
            f"headline.{group}_most",
            where=place,
            k=t.fmt.int(len(up)),
            count=t.fmt.int(count),
            list=t.fmt.join(t.item(r.label) for r in rest),
        )
    elif up:
        text = t(
            f"headline.{group}_some",
            where=place,
            k=t.fmt.int(len(up)),
            count=t.fmt.int(count),
            list=t.fmt.join(t.item(r.label) for r in up),
        )
    else:
        text = t(f"headline.{group}_none", where=place)
    return capitalise(text)


def comment(rows: list[Item], t: Text, group: str | None = None) -> list[str]:
    """Sentences under a headline: the largest step, the weakest start, declines, stable
    items, gaps. All on the printed numbers. `group` picks the French noun of an item
    ("le domaine" / "l'indicateur")."""
    published = [r for r in rows if r.published]
    out: list[str] = []
    if not published:
        return out
    largest = max(published, key=lambda r: (_step(r), -rows.index(r)))
    lowest = min(published, key=lambda r: (round1(r.baseline), rows.index(r)))
    if _step(largest) >= CHANGE_MIN:
        out.append(
            t("headline.largest", item=t.item(largest.label, group, article=True), diff=largest.diff_text)
        )
        if largest is lowest:
            out.append(t("headline.largest_was_lowest", x=lowest.begin_text))
        else:
            out.append(
                t("headline.lowest", item=t.item(lowest.label, group, article=True), x=lowest.begin_text)
            )
    else:
        out.append(t("headline.lowest", item=t.item(lowest.label, group, article=True), x=lowest.begin_text))
    down = _declined(rows)
    if down:
        out.append(
            t("headline.declines", list=t.fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in down))
        )
    stable = _stable(rows)
    if stable:
        out.append(
            t(
                "headline.stable",
                threshold=t.fmt.number(CHANGE_MIN),
                list=t.fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in stable),
            )
        )
    hidden = [r for r in rows if not r.published]
    if hidden:
        out.append(t("headline.withheld_items", list=t.fmt.join(t.item(r.label) for r in hidden)))
    return [capitalise(x) for x in out]


# --- the published tables -----------------------------------------------------------------------

#: Families of published tables the report reads (``results/<cohort>/<family>.parquet``), plus
#: the processing counts. Any may be missing or empty: its sections are then left out.
FAMILIES = ("items", "units", "shares", "distributions", "tests", "subgroups", "reach", "followup")
#: A subgroup "starts lower and gains more" only when the gaps between the mean over the domains
#: of its two values are at least this large (points), so rounding noise is no finding.
SUBGROUP_GAP = 0.2
PROFILE = ("age_band", "n_children", "children_age_bands", "birth_country_group", "diploma",
           "diploma_recognised", "language_groups")  # fmt: skip
KNOWLEDGE = ("learned_health", "learned_leisure", "learned_benefits", "learned_parenting",
             "learned_housing")  # fmt: skip
OUTCOMES_PAIRED = ("regular_gp", "regular_dentist")
REACH_MEASURES = ("women", "women_paired", "ocmws", "projects", "consortia", "new_entrants")


def table(tables: Mapping[str, Any] | None, name: str) -> pd.DataFrame:
    """A published table by family name; an empty frame when it is absent."""
    df = (tables or {}).get(name)
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def _withheld(row: Mapping | pd.Series, column: str = "pct") -> bool:
    status = row.get("status", "published")
    return (not _missing(status) and str(status) == "withheld") or _missing(row.get(column))


def _select(df: pd.DataFrame, **eq: Any) -> pd.DataFrame:
    if df.empty or any(c not in df.columns for c in eq):
        return df.iloc[0:0]
    mask = pd.Series(True, index=df.index)
    for column, value in eq.items():
        mask &= df[column].astype("string") == str(value)
    return df[mask]


def share_row(
    tables: Mapping, indicator: str, wave: str, level: str = "national", unit: str = "BE"
) -> pd.Series | None:
    rows = _select(table(tables, "shares"), level=level, unit=unit, indicator=indicator, wave=wave)
    return None if rows.empty else rows.iloc[0]


def share_pct(tables: Mapping, indicator: str, wave: str, **where: str) -> float:
    """A published percentage (0-100), NaN when absent or withheld."""
    row = share_row(tables, indicator, wave, **where)
    return math.nan if row is None or _withheld(row) else float(row["pct"])


def distribution(tables: Mapping, indicator: str, level: str = "national", unit: str = "BE") -> pd.DataFrame:
    return _select(table(tables, "distributions"), level=level, unit=unit, indicator=indicator)


def catalogue_spec(catalogue: Mapping | None, indicator: str) -> dict[str, Any]:
    for spec in (catalogue or {}).get("indicators", []):
        if spec.get("id") == indicator:
            return dict(spec)
    return {"id": indicator}


def indicator_label(catalogue: Mapping | None, indicator: str, t: Text) -> str:
    """An indicator's label in the page's language: the catalogue, else the strings file."""
    label = catalogue_spec(catalogue, indicator).get("label", {}).get(t.lang)
    return typography(label or t.s.get("indicators", {}).get(indicator, indicator), t.lang)


def indicator_definition(catalogue: Mapping | None, indicator: str, t: Text) -> str:
    """An indicator's operational definition from the catalogue ("" when it has none)."""
    return typography(catalogue_spec(catalogue, indicator).get("definition", {}).get(t.lang, ""), t.lang)


def over_all_women(tables: Mapping, catalogue: Mapping | None, indicator: str, wave: str) -> bool:
    """Whether a share counts every woman of the unit (the catalogue's ``denominator: women``,
    or, without a catalogue, an n equal to the unit's number of women), not only the women
    who answered."""
    spec = catalogue_spec(catalogue, indicator)
    if "kind" in spec or "denominator" in spec:  # the catalogue knows the indicator
        return spec.get("denominator") == "women"
    row = share_row(tables, indicator, wave)
    national = (
        _unit_row(table(tables, "units"), "national", "BE") if not table(tables, "units").empty else None
    )
    if row is None or national is None or _missing(row.get("n")) or _missing(national.get("n_women")):
        return False
    return int(row["n"]) == int(national["n_women"])


def _category_order(variable: str, instrument: Instrument, t: Text) -> list[str]:
    var = instrument.variables.get(variable)
    codes = [str(c["code"]) for c in (var.scale.get("categories", []) if var else [])]
    return codes + [c for c in t.s.get("categories", {}).get(variable, {}) if c not in codes]


def category_label(variable: str, code: str, instrument: Instrument, t: Text) -> str:
    """A category's label: the codebook's (its scale), else ``categories.<variable>`` of the
    strings file, else the code itself (age bands such as "18-24" are their own label)."""
    var = instrument.variables.get(variable)
    for category in var.scale.get("categories", []) if var else []:
        if str(category["code"]) == str(code):
            return typography(category.get(t.lang, code), t.lang)
    return typography(t.s.get("categories", {}).get(variable, {}).get(str(code), code), t.lang)


def _scale(instrument: Instrument, group: str) -> tuple[Any, Any]:
    items = instrument.items(group)
    if not items:
        return 0, 10
    return items[0].scale.get("min", 0), items[0].scale.get("max", 10)


# --- rules: national key findings ---------------------------------------------------------------


def _avg(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def subgroup_contrasts(tables: Mapping, instrument: Instrument) -> list[dict[str, Any]]:
    """Per subgroup with two published values: the mean over the domains of baseline and
    difference for each value (national). Only subgroups whose every domain is published."""
    sub = _select(table(tables, "subgroups"), level="national", unit="BE", group="domain")
    domains = [v.name for v in instrument.items("domain")]
    out = []
    for subgroup, g in sub.groupby("subgroup", sort=False) if not sub.empty else []:
        values = {}
        for value, gv in g.groupby("value", sort=True):
            rows = gv.set_index("item")
            if not all(d in rows.index and not _withheld(rows.loc[d], "mean_diff") for d in domains):
                continue
            values[str(value)] = (
                _avg([float(rows.loc[d, "mean_baseline"]) for d in domains]),
                _avg([float(rows.loc[d, "mean_diff"]) for d in domains]),
            )
        if len(values) == 2:
            out.append({"subgroup": str(subgroup), "values": values})
    return out


def _reason_phrase(code: str, instrument: Instrument, t: Text) -> str:
    """A dropout reason inside a sentence ("onvrede met MIRIAM", "un déménagement"): the
    strings' phrase, else the codebook label in lower case."""
    phrase = t.s.get("phrases", {}).get("stop_reason", {}).get(str(code))
    return str(phrase) if phrase else _lower(category_label("stop_reason", code, instrument, t))


def _theme_phrase(indicator: str, instrument: Instrument, t: Text) -> str:
    """A knowledge theme inside a sentence, with its article in French ("les loisirs")."""
    phrase = t.s.get("phrases", {}).get("learned", {}).get(indicator)
    return str(phrase) if phrase else _lower(_theme(indicator, instrument, t))


def dropout_finding(tables: Mapping, instrument: Instrument, t: Text, catalogue: Mapping | None) -> str:
    """Why women stop, honestly ranked: the most frequent reasons among the women who stopped
    (dissatisfaction in its place like any other; ties at the cut are all named), and the
    share that stopped out of dissatisfaction over *all* women when it is published
    (``stopped_dissatisfied``), else over the women who stopped. "Practical reasons" only
    when dissatisfaction is known and ranks below every reason named."""
    fmt = t.fmt
    reasons = distribution(tables, "stop_reason")
    if not reasons.empty:
        reasons = reasons[[not _withheld(r) for _, r in reasons.iterrows()]]
    all_share = share_pct(tables, "stopped_dissatisfied", "endline")
    all_women = over_all_women(tables, catalogue, "stopped_dissatisfied", "endline")
    if reasons.empty:
        if _missing(all_share):
            return ""
        key = "findings.dissatisfied_all" if all_women else "findings.dissatisfied_endline"
        return capitalise(t(key, pct=fmt.pct100(all_share)))
    order = _category_order("stop_reason", instrument, t)
    ranked = sorted(
        (r for _, r in reasons.iterrows() if str(r["category"]) != "other"),
        key=lambda r: (-round_int(r["pct"]), order.index(r["category"]) if r["category"] in order else 99),
    )
    if not ranked:
        return ""
    cut = round_int(ranked[min(2, len(ranked) - 1)]["pct"])
    named = [r for r in ranked if round_int(r["pct"]) >= cut]
    words = fmt.join(
        f"{_reason_phrase(str(r['category']), instrument, t)} ({fmt.pct100(r['pct'])})" for r in named
    )
    dissatisfied = [r for r in ranked if str(r["category"]) == "dissatisfied"]
    named_codes = {str(r["category"]) for r in named}
    pragmatic = bool(dissatisfied) and "dissatisfied" not in named_codes
    out = t("findings.dropout_pragmatic" if pragmatic else "findings.dropout_reasons", reasons=words)
    if not _missing(all_share):
        key = "findings.dissatisfied_all" if all_women else "findings.dissatisfied_endline"
        out += " " + t(key, pct=fmt.pct100(all_share))
    elif dissatisfied and "dissatisfied" not in named_codes:
        out += " " + t("findings.dissatisfied_stoppers", pct=fmt.pct100(dissatisfied[0]["pct"]))
    return capitalise(out)


def completed_sentence(tables: Mapping, catalogue: Mapping | None, t: Text, *, national: bool) -> str:
    """Full-year participation with its population in words: "of all women" when the share
    counts every woman, "of the women with an end form" otherwise (never without it)."""
    row = share_row(tables, "completed", "endline")
    if row is None:
        return ""
    all_women = over_all_women(tables, catalogue, "completed", "endline")
    pct = t.fmt.pct100(None if _withheld(row) else row["pct"])
    definition = indicator_definition(catalogue, "completed", t)
    if national:
        key = "national.completed_all" if all_women else "national.completed_endline"
        text = t(key, pct=pct, n=t.n(row.get("n")))
        if definition:
            text += " " + t("definition", text=definition[:1].lower() + definition[1:])
        return capitalise(text)
    if _withheld(row):
        return ""
    key = "findings.completed_all" if all_women else "findings.completed_endline"
    return capitalise(t(key, pct=pct)) + (footnote(definition) if definition else "")


def key_findings(
    tables: Mapping[str, pd.DataFrame],
    cohort_cfg: Mapping,
    instrument: Instrument,
    t: Text,
    catalogue: Mapping | None = None,
) -> list[str]:
    """National key findings: each a sentence with a number, printed only when it is true
    for this cohort and its numbers are published (a withheld number drops its sentence).
    Differences and changes are those of the printed numbers."""
    fmt = t.fmt
    items, units = table(tables, "items"), table(tables, "units")
    label = str(cohort_cfg.get("label", ""))
    out: list[str] = []
    reach = reach_counts(units, cohort_cfg, table(tables, "reach"))
    if not _missing(reach["women"]):
        out.append(t("findings.reach", women=fmt.int(reach["women"]), label=label))
    if reach["projects"] and not _missing(reach["ocmws"]):
        key = "findings.ocmws_consortia" if reach["consortia"] else "findings.ocmws"
        out.append(
            t(
                key,
                ocmws=fmt.int(reach["ocmws"]),
                projects=fmt.int(reach["projects"]),
                consortia=fmt.int(reach["consortia"]),
            )
        )
    if reach["new"] == 1:
        out.append(t("findings.new_project", label=label))
    elif not _missing(reach["new"]) and reach["new"] > 1:
        out.append(t("findings.new_projects", new=fmt.int(reach["new"]), label=label))

    # participation and dropout
    if completed := completed_sentence(tables, catalogue, t, national=False):
        out.append(completed)
    if dropout := dropout_finding(tables, instrument, t, catalogue):
        out.append(dropout)

    # knowledge and loneliness
    learned = [(k, share_pct(tables, k, "endline")) for k in KNOWLEDGE]
    learned = sorted(((k, p) for k, p in learned if not _missing(p)), key=lambda kp: -round_int(kp[1]))
    if learned:
        out.append(
            t(
                "findings.knowledge",
                list=fmt.join(f"{_theme_phrase(k, instrument, t)} ({fmt.pct100(p)})" for k, p in learned[:3]),
            )
        )
    begin, end = share_pct(tables, "often_lonely", "baseline"), share_pct(tables, "often_lonely", "endline")
    if not (_missing(begin) or _missing(end)):
        change = round_int(end) - round_int(begin)
        key = (
            "findings.lonely_down"
            if change < 0
            else "findings.lonely_up"
            if change > 0
            else "findings.lonely_same"
        )
        out.append(t(key, begin=fmt.pct100(begin), end=fmt.pct100(end), pp=fmt.pp(change)))

    # life domains
    domains = item_rows(items, "national", "BE", "domain", instrument, fmt)
    published = [r for r in domains if r.published]
    _, top = _scale(instrument, "domain")
    if domains and published:
        up = _improved(domains)
        if all_improved(domains):
            lo = min(up, key=_step)
            hi = max(up, key=_step)
            out.append(
                t(
                    "findings.domains_all",
                    count_word=t.count_word(len(domains)),
                    lo=lo.diff_text,
                    hi=hi.diff_text,
                )
            )
        elif up:
            out.append(
                t(
                    "findings.domains_some",
                    k=fmt.int(len(up)),
                    count=fmt.int(len(domains)),
                    list=fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in up),
                )
            )
        else:
            out.append(t("findings.domains_none", count=fmt.int(len(domains))))
        lowest = min(published, key=lambda r: (round1(r.baseline), domains.index(r)))
        best = max(published, key=lambda r: (_step(r), -domains.index(r)))
        if best is lowest and _step(best) >= CHANGE_MIN:
            out.append(
                t(
                    "findings.lowest_and_largest",
                    item=t.item(lowest.label, "domain", article=True),
                    x=lowest.begin_text,
                    max=fmt.int(top),
                    diff=best.diff_text,
                )
            )
        else:
            out.append(
                t(
                    "findings.lowest_baseline",
                    item=t.item(lowest.label, "domain", article=True),
                    x=lowest.begin_text,
                    max=fmt.int(top),
                )
            )
            if _step(best) >= CHANGE_MIN:
                out.append(
                    t(
                        "findings.largest_gain",
                        item=t.item(best.label, "domain", article=True),
                        diff=best.diff_text,
                    )
                )
    progress = share_pct(tables, "progress_domains", "change")
    if not _missing(progress):
        out.append(
            t("findings.progress", pct=fmt.pct100(progress))
            + footnote(progress_definition(catalogue, instrument, t))
        )

    # empowerment
    emp = item_rows(items, "national", "BE", "empowerment", instrument, fmt)
    if emp and any(r.published for r in emp):
        up = _improved(emp)
        if all_improved(emp):
            out.append(
                t(
                    "findings.empowerment_all",
                    count_word=t.count_word(len(emp)),
                    begin=fmt.score(_avg([r.baseline for r in emp])),
                    end=fmt.score(_avg([r.endline for r in emp])),
                    max=fmt.int(_scale(instrument, "empowerment")[1]),
                )
            )
        elif up:
            out.append(
                t(
                    "findings.empowerment_some",
                    k=fmt.int(len(up)),
                    count=fmt.int(len(emp)),
                    list=fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in up),
                )
            )
        else:
            out.append(t("findings.empowerment_none", count=fmt.int(len(emp))))
    stronger = share_pct(tables, "feels_stronger", "endline")
    if not _missing(stronger):
        definition = indicator_definition(catalogue, "feels_stronger", t)
        out.append(
            t("findings.stronger", pct=fmt.pct100(stronger)) + (footnote(definition) if definition else "")
        )

    # concrete outcomes: the change is that of the printed percentages
    for indicator in OUTCOMES_PAIRED:
        begin, end = share_pct(tables, indicator, "baseline"), share_pct(tables, indicator, "endline")
        change = share_pct(tables, indicator, "change")
        if _missing(begin) or _missing(end) or _missing(change):
            continue
        step = round_int(end) - round_int(begin)
        key = "up" if step > 0 else "down" if step < 0 else "same"
        out.append(
            t(
                f"findings.{indicator}_{key}",
                pp=fmt.pp(step),
                begin=fmt.pct100(begin),
                end=fmt.pct100(end),
            )
        )
    housing = share_pct(tables, "housing_waitlist", "endline")
    if not _missing(housing):
        out.append(t("findings.housing", pct=fmt.pct100(housing)))

    # subgroups: who starts lower and gains more
    labels = _subgroup_labels(catalogue, t)
    for contrast in subgroup_contrasts(tables, instrument):
        (a, (base_a, diff_a)), (b, (base_b, diff_b)) = sorted(
            contrast["values"].items(), key=lambda kv: kv[1][0]
        )
        if base_b - base_a >= SUBGROUP_GAP and diff_a - diff_b >= SUBGROUP_GAP:
            names = labels.get(contrast["subgroup"], {})
            out.append(
                t(
                    "findings.subgroup_lower_gains_more",
                    value=names.get("values", {}).get(a, a),
                    subgroup=_lower(names.get("label", contrast["subgroup"])),
                    base_a=fmt.score(base_a),
                    base_b=fmt.score(base_b),
                    max=fmt.int(top),
                    diff_a=fmt.diff(diff_a),
                    diff_b=fmt.diff(diff_b),
                    other=names.get("values", {}).get(b, b),
                )
            )
    return [capitalise(f) for f in out]


def footnote(text: str) -> str:
    """A pandoc inline footnote (HTML: numbered note at the end; PDF: at the page foot)."""
    return f"^[{text}]"


def _theme(indicator: str, instrument: Instrument, t: Text) -> str:
    var = instrument.variables.get(indicator)
    return typography(var.label.get(t.lang), t.lang) if var and var.label.get(t.lang) else indicator


def _subgroup_labels(catalogue: Mapping | None, t: Text) -> dict[str, dict[str, Any]]:
    out = {}
    for spec in (catalogue or {}).get("subgroups", []):
        out[str(spec["id"])] = {
            "label": typography(spec.get("label", {}).get(t.lang, spec["id"]), t.lang),
            "values": {
                str(k): typography(v.get(t.lang, k), t.lang) for k, v in spec.get("values", {}).items()
            },
        }
    return out


def progress_definition(catalogue: Mapping | None, instrument: Instrument, t: Text) -> str:
    """The operational definition of "reports progress", from the catalogue's parameters (the
    group, the threshold, the minimum number of items) and the instrument (how many domains)."""
    spec = catalogue_spec(catalogue, "progress_domains")
    group = spec.get("group", "domain")
    return t(
        "national.progress_definition",
        count=fmt_count(t, len(instrument.items(group))),
        above=t.fmt.number(spec.get("above", 0)),
        min_items=t.fmt.int((catalogue or {}).get("progress_min_items", 1)),
    )


def fmt_count(t: Text, n: int) -> str:
    return t.count_word(n)


def reach_counts(
    units: pd.DataFrame, cohort_cfg: Mapping, reach: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Women, OCMWs, projects, consortia and new entrants: the published reach table when there
    is one, else from the units table and the cohort config."""
    national = _unit_row(units, "national", "BE") if not units.empty else None
    projects = units[units["level"] == "project"] if not units.empty else units
    ocmws = units[units["level"] == "ocmw"] if not units.empty else units
    if "n_ocmws" in projects.columns:
        consortia = int((pd.to_numeric(projects["n_ocmws"], errors="coerce") > 1).sum())
    elif "parent" in ocmws.columns:
        consortia = int((ocmws["parent"].value_counts() > 1).sum())
    else:
        consortia = 0
    first_year = str(cohort_cfg.get("window", {}).get("start", ""))[:4]
    new = 0
    if first_year.isdigit() and "unit" in projects.columns:
        new = sum(
            1
            for p in cohort_cfg.get("projects", [])
            if str(p.get("since")) == first_year and p.get("id") in set(projects["unit"])
        )
    out = {
        "women": national["n_women"] if national is not None else math.nan,
        "paired": national["n_paired"] if national is not None else math.nan,
        "ocmws": len(ocmws)
        if len(ocmws)
        else int(pd.to_numeric(projects.get("n_ocmws", pd.Series(dtype=float))).sum()),
        "projects": len(projects),
        "consortia": consortia,
        "new": new,
    }
    rows = _select(reach if reach is not None else pd.DataFrame(), level="national", unit="BE")
    names = {"women": "women", "women_paired": "paired", "ocmws": "ocmws", "projects": "projects",
             "consortia": "consortia", "new_entrants": "new"}  # fmt: skip
    for _, r in rows.iterrows():
        key = names.get(str(r["measure"]))
        if key:
            out[key] = math.nan if _withheld(r, "count") else int(r["count"])
    return out


# --- markdown helpers ---------------------------------------------------------------------------

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


# --- contexts -----------------------------------------------------------------------------------


def typst_string(text: str) -> str:
    """A typst string literal (JSON escapes are typst escapes for these characters)."""
    return json.dumps(str(text), ensure_ascii=False)


def typst_page_setup(running_header: str, demo_note: str | None, page_word: str) -> str:
    """Typst set rules for every page: running header (cohort, language, demo note) and a
    footer with "Pagina 3 / 9". Put in the front matter as a raw typst header-include, so
    that Quarto's typst template and ours both apply it."""
    demo = (
        f' #h(1fr) #text(fill: rgb("#A34400"), weight: "bold", {typst_string(demo_note)})'
        if demo_note
        else ""
    )
    return "\n".join(
        [
            "#set page(",
            "  header: context [",
            '    #set text(size: 7.5pt, fill: rgb("#4D4D4D"))',
            f"    #text({typst_string(running_header)}){demo}",
            "    #v(-5pt)",
            '    #line(length: 100%, stroke: 0.4pt + rgb("#BDBDBD"))',
            "  ],",
            "  footer: context [",
            '    #set text(size: 7.5pt, fill: rgb("#4D4D4D"))',
            f'    #h(1fr) #text({typst_string(page_word)}) #counter(page).display("1 / 1", both: true)',
            "  ],",
            ")",
        ]
    )


def _common(cohort_cfg: Mapping, instrument: Instrument, t: Text) -> dict[str, Any]:
    label = str(cohort_cfg.get("label", cohort_cfg.get("cohort", "")))
    measurement = cohort_cfg.get("measurement", {})
    demo = bool(cohort_cfg.get("demo", False))
    running = t("running_header", label=label, language=t("language_name"))
    return {
        "typst_page": typst_page_setup(running, t("demo_running") if demo else None, t("page")),
        "t": t,
        "lang": t.lang,
        "doc_lang": DOC_LANG[t.lang],
        "label": label,
        "cohort": str(cohort_cfg.get("cohort", "")),
        "demo": demo,
        "running_header": running,
        "version": miriam.__version__,
        "instrument": instrument.version,
        "engine_shortcode": ENGINE_SHORTCODE,
        "baseline_month": t.fmt.month(measurement["baseline"]) if measurement.get("baseline") else "",
        "endline_month": t.fmt.month(measurement["endline"]) if measurement.get("endline") else "",
        "scales": _scales_text(instrument, t),
        "instrument_title": typography(
            instrument.raw.get("title", {}).get(t.lang, instrument.version), t.lang
        ),
        "programme_points": [str(x) for x in t.s["programme"]["points"]],
    }


def _scales_text(instrument: Instrument, t: Text) -> str:
    """How the scores are scaled, from the codebook (never assumed to be 0-10)."""
    parts = []
    for group in instrument.groups:
        items = instrument.items(group)
        lo, hi = _scale(instrument, group)
        parts.append(
            t(
                "scale_sentence",
                group=t(f"groups.{group}")[:1].upper() + t(f"groups.{group}")[1:],
                count=t.fmt.int(len(items)),
                min=t.fmt.int(lo),
                max=t.fmt.int(hi),
            )
        )
    return " ".join(parts)


def _group_block(
    rows: list[Item],
    group: str,
    t: Text,
    *,
    name: str,
    n_text: str,
    figure: str | None,
    alt: str | None,
    where: str | None = None,
) -> dict[str, Any]:
    """Table, chart, headline and comment of one group (domains or empowerment) of one unit."""
    c = t.s["columns"]
    show_n = len({i.n_text for i in rows}) > 1  # items differ in n: print it per row
    header = [c[f"item_{group}"], c["baseline"], c["endline"], c["diff"]] + ([c["n"]] if show_n else [])
    body = [
        [md(r.label), r.begin_text, r.end_text, r.diff_text] + ([r.n_text] if show_n else []) for r in rows
    ]
    return {
        "group": group,
        "rows": rows,
        "table": pipe_table(header, body, "lrrr" + ("r" if show_n else "")),
        "definitions": pipe_table(
            [c[f"item_{group}"], c["definition"]],
            [[md(r.label), md(r.definition)] for r in rows],
            "ll",
        ),
        # groups without headline wording (a single total score) get only their table
        "headline": headline(rows, group, name, t, where=where) if f"{group}_all" in t.s["headline"] else "",
        "comment": comment(rows, t, group) if f"{group}_all" in t.s["headline"] else [],
        "figure": figure,
        "alt": alt,
        "any_withheld": any(not r.published for r in rows),
        "n_text": n_text,
    }


def _figure(figures_dir: Path, unit: str, group: str, outdir: Path) -> tuple[str | None, str | None]:
    """Copy ``<unit>_<group>.svg`` next to the sources; return its relative path and alt text."""
    svg = Path(figures_dir) / f"{unit}_{group}.svg"
    if not svg.exists():
        return None, None
    target = outdir / "figures" / svg.name
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != svg.read_bytes():
        shutil.copyfile(svg, target)
    txt = svg.with_suffix(".txt")
    alt = txt.read_text(encoding="utf-8").strip() if txt.exists() else ""
    return f"figures/{svg.name}", alt


def _withheld_in(*tables_md: str) -> bool:
    return any("–" in str(x) for x in tables_md if x)


def _reach_section(tables: Mapping, cohort_cfg: Mapping, t: Text, label: str) -> dict[str, Any]:
    fmt, c = t.fmt, t.s["columns"]
    units = table(tables, "units")
    reach = reach_counts(units, cohort_cfg, table(tables, "reach"))
    out: dict[str, Any] = {"reach_intro": "", "reach_table": "", "reach_note": ""}
    if not _missing(reach["women"]):
        out["reach_intro"] = t(
            "national.reach_intro",
            label=label,
            women=fmt.int(reach["women"]),
            ocmws=fmt.int(reach["ocmws"]),
            projects=fmt.int(reach["projects"]),
            consortia=fmt.int(reach["consortia"]),
            new=fmt.int(reach["new"]),
        )
    if units.empty:
        return out
    projects = units[units["level"] == "project"]
    ocmws = units[units["level"] == "ocmw"]
    national = _unit_row(units, "national", "BE")
    rows = []
    for region in REGIONS:
        r = _unit_row(units, "region", region)
        if r is None:
            continue
        rows.append(
            [
                md(unit_name(r, t.lang)),
                fmt.int(int((ocmws["region"] == region).sum()) if len(ocmws) else math.nan),
                fmt.int(int((projects["region"] == region).sum())),
                fmt.int(r.get("n_women")),
                fmt.int(r.get("n_paired")),
            ]
        )
    if national is not None:
        rows.append(
            [
                f"**{md(c['total'])}**",
                f"**{fmt.int(reach['ocmws'])}**",
                f"**{fmt.int(reach['projects'])}**",
                f"**{fmt.int(reach['women'])}**",
                f"**{fmt.int(reach['paired'])}**",
            ]
        )
    out["reach_table"] = pipe_table(
        [c["region"], c["ocmws"], c["projects"], c["women"], c["paired"]], rows, "lrrrr"
    )
    out["reach_note"] = t("national.reach_note")
    return out


def _value_stat(value: str, stat: str, t: Text) -> str:
    """A column header of a value and a statistic: "2022-2023: beginmeting" / "… : début"."""
    return t("columns.value_stat", value=value, stat=stat)


def _trend_section(trend: Mapping | None, instrument: Instrument, t: Text) -> dict[str, str]:
    """Reach per cohort (measures x cohorts) and the comparable items' scores per cohort.

    Only with two cohorts or more: the first cohort's trend is its own reach, shown above."""
    fmt, c = t.fmt, t.s["columns"]
    out = {"trend_reach": "", "trend_scores": ""}
    reach = table(trend, "reach")
    if not reach.empty:
        labels = sorted(reach["label"].astype(str).unique())
        if len(labels) >= 2:
            body = []
            for measure in REACH_MEASURES:
                rows = reach[reach["measure"] == measure]
                if rows.empty:
                    continue
                by_label = dict(zip(rows["label"].astype(str), rows["count"], strict=False))
                body.append([t(f"reach_measures.{measure}")] + [fmt.int(by_label.get(lb)) for lb in labels])
            out["trend_reach"] = pipe_table([c["measure"], *labels], body, "l" + "r" * len(labels))
    scores = table(trend, "scores")
    if not scores.empty:
        scores = scores[scores["comparable"].astype(bool)]
        labels = sorted(scores["label"].astype(str).unique())
        if len(labels) >= 2:
            header = [c["item_domain"]]
            for lb in labels:
                header += [_value_stat(lb, c["baseline"].lower(), t), _value_stat(lb, c["diff"].lower(), t)]
            body = []
            order = [v.name for v in instrument.items()]
            for item in sorted(
                scores["item"].unique(), key=lambda i: (order.index(i) if i in order else 99, i)
            ):
                var = instrument.variables.get(item)
                name = typography(var.label.get(t.lang, item), t.lang) if var else item
                rows = scores[scores["item"] == item].set_index(
                    scores[scores["item"] == item]["label"].astype(str)
                )
                cells = [md(name)]
                for lb in labels:
                    r = rows.loc[lb] if lb in rows.index else None
                    b = r["mean_baseline"] if r is not None else math.nan
                    e = r["mean_endline"] if r is not None and "mean_endline" in r.index else math.nan
                    d = r["mean_diff"] if r is not None else math.nan
                    cells += [fmt.score(b), fmt.diff(printed_diff(b, e, d) if not _missing(d) else math.nan)]
                body.append(cells)
            out["trend_scores"] = pipe_table(header, body, "l" + "r" * (len(header) - 1))
    return out


def _distribution_table(
    tables: Mapping,
    indicator: str,
    variable: str,
    instrument: Instrument,
    t: Text,
    *,
    ranked: bool = False,
) -> tuple[str, str]:
    """Category | count | % for one national distribution, in codebook order (`ranked`: by
    printed share, largest first, "other" last); and its n."""
    fmt, c = t.fmt, t.s["columns"]
    rows = distribution(tables, indicator)
    if rows.empty:
        return "", ""
    order = _category_order(variable, instrument, t)
    rows = rows.assign(_o=[order.index(x) if x in order else len(order) for x in rows["category"]])
    if ranked:
        rows = rows.assign(
            _r=[
                (1, 0) if str(cat) == "other" else (0, -round_int(p)) if not _missing(p) else (0, 1)
                for cat, p in zip(rows["category"], rows["pct"], strict=True)
            ]
        )
        rows = rows.sort_values(["_r", "_o", "category"], kind="stable")
    else:
        rows = rows.sort_values(["_o", "category"], kind="stable")
    body = [
        [
            md(category_label(variable, r["category"], instrument, t)),
            fmt.int(None if _withheld(r, "count") else r["count"]),
            fmt.pct100(None if _withheld(r) else r["pct"]),
        ]
        for _, r in rows.iterrows()
    ]
    ns = [n for n in rows["n"] if not _missing(n)]
    return pipe_table([c["category"], c["count"], c["pct"]], body, "lrr"), t.n(max(ns) if ns else math.nan)


def _profile_section(
    tables: Mapping, catalogue: Mapping | None, instrument: Instrument, t: Text
) -> list[dict]:
    blocks = []
    for indicator in PROFILE:
        spec = catalogue_spec(catalogue, indicator)
        tbl, n = _distribution_table(tables, indicator, spec.get("variable", indicator), instrument, t)
        if tbl:
            blocks.append(
                {
                    "table": tbl,
                    "caption": f"{indicator_label(catalogue, indicator, t)} ({n})",
                    "note": spec.get("definition", {}).get(t.lang, "") if spec.get("multi") else "",
                }
            )
    return blocks


def _participation_section(
    tables: Mapping, catalogue: Mapping | None, instrument: Instrument, t: Text
) -> dict:
    out: dict[str, Any] = {
        "completed": completed_sentence(tables, catalogue, t, national=True),
        "stop_table": "",
        "stop_caption": "",
        "timing_table": "",
        "timing_caption": "",
        "dissatisfied": "",
    }
    tbl, n = _distribution_table(tables, "stop_reason", "stop_reason", instrument, t, ranked=True)
    if tbl:
        out["stop_table"] = tbl
        out["stop_caption"] = t(
            "national.stop_caption", label=indicator_label(catalogue, "stop_reason", t), n=n
        )
    row = share_row(tables, "stopped_dissatisfied", "endline")
    if row is not None and not _withheld(row):
        key = (
            "national.dissatisfied_all"
            if over_all_women(tables, catalogue, "stopped_dissatisfied", "endline")
            else "national.dissatisfied_endline"
        )
        out["dissatisfied"] = t(key, pct=t.fmt.pct100(row["pct"]), n=t.n(row.get("n")))
    tbl, n = _distribution_table(tables, "stop_timing", "stop_timing", instrument, t)
    if tbl:
        out["timing_table"] = tbl
        out["timing_caption"] = t(
            "national.stop_caption", label=indicator_label(catalogue, "stop_timing", t), n=n
        )
    return out


def _paired_share_table(tables: Mapping, indicators: Iterable[str], catalogue, t: Text) -> str:
    """Begin %, end % and the change in percentage points of the printed percentages."""
    fmt, c = t.fmt, t.s["columns"]
    body = []
    for indicator in indicators:
        rows = {w: share_row(tables, indicator, w) for w in ("baseline", "endline", "change")}
        if all(r is None for r in rows.values()):
            continue
        cells = [md(indicator_label(catalogue, indicator, t))]
        pcts = {}
        for wave in ("baseline", "endline"):
            r = rows[wave]
            pcts[wave] = None if r is None or _withheld(r) else r["pct"]
            cells.append(fmt.pct100(pcts[wave]))
        r = rows["change"]
        change = None if r is None or _withheld(r) else r["pct"]
        cells.append(
            fmt.pp(None if _missing(change) else printed_pp(pcts["baseline"], pcts["endline"], change))
        )
        n = rows["baseline"].get("n") if rows["baseline"] is not None else math.nan
        cells.append(fmt.int(n))
        body.append(cells)
    if not body:
        return ""
    return pipe_table([c["indicator"], c["baseline"], c["endline"], c["change_pp"], c["n"]], body, "lrrrr")


def _knowledge_section(tables: Mapping, catalogue, instrument: Instrument, t: Text) -> dict:
    fmt, c = t.fmt, t.s["columns"]
    out: dict[str, Any] = {"knowledge_table": "", "lonely_table": "", "lonely_paired": ""}
    body = []
    for indicator in KNOWLEDGE:
        r = share_row(tables, indicator, "endline")
        if r is None:
            continue
        body.append(
            [
                md(_theme(indicator, instrument, t)),
                fmt.pct100(None if _withheld(r) else r["pct"]),
                fmt.int(r.get("n")),
            ]
        )
    if body:
        out["knowledge_table"] = pipe_table([c["theme"], c["learned_pct"], c["n"]], body, "lrr")
    begin, end = distribution(tables, "loneliness_baseline"), distribution(tables, "loneliness_endline")
    if not begin.empty or not end.empty:
        order = _category_order("loneliness", instrument, t)
        codes = sorted(set(begin.get("category", [])) | set(end.get("category", [])),
                       key=lambda x: (order.index(x) if x in order else 99, x))  # fmt: skip
        b = {r["category"]: r for _, r in begin.iterrows()}
        e = {r["category"]: r for _, r in end.iterrows()}
        body = [
            [
                md(category_label("loneliness", code, instrument, t)),
                fmt.pct100(None if code not in b or _withheld(b[code]) else b[code]["pct"]),
                fmt.pct100(None if code not in e or _withheld(e[code]) else e[code]["pct"]),
            ]
            for code in codes
        ]
        nb = [n for n in begin.get("n", []) if not _missing(n)]
        ne = [n for n in end.get("n", []) if not _missing(n)]
        header = [
            c["loneliness"],
            f"{c['baseline']} ({t.n(max(nb) if nb else math.nan)})",
            f"{c['endline']} ({t.n(max(ne) if ne else math.nan)})",
        ]
        out["lonely_table"] = pipe_table(header, body, "lrr")
    out["lonely_paired"] = _paired_share_table(tables, ["often_lonely"], catalogue, t)
    return out


def _outcomes_section(tables: Mapping, catalogue, t: Text) -> dict:
    out = {"outcomes_table": _paired_share_table(tables, OUTCOMES_PAIRED, catalogue, t), "housing": ""}
    r = share_row(tables, "housing_waitlist", "endline")
    if r is not None:
        out["housing"] = t(
            "national.housing", pct=t.fmt.pct100(None if _withheld(r) else r["pct"]), n=t.n(r.get("n"))
        )
    return out


FOLLOWUP_CHANGES = ("improved", "stable", "declined")


def _followup_section(
    tables: Mapping, cohort_cfg: Mapping, catalogue, instrument: Instrument, t: Text
) -> dict[str, str]:
    """The follow-up one year after the end (national only, when the cohort has one): per
    domain the shares improved / stable / declined since the endline and since the baseline,
    the number of domains declined per woman, and the work situation; with the caution that
    the group is small and not a random sample."""
    fmt, c = t.fmt, t.s["columns"]
    out = {"followup_intro": "", "followup_table": "", "followup_declined": "", "followup_work": ""}
    rows = _select(table(tables, "followup"), level="national", unit="BE")
    if rows.empty:
        return out
    month = str((cohort_cfg.get("followup") or {}).get("measurement", ""))
    body, ns = [], []
    for var in instrument.items("domain"):
        cells = [md(var.label.get(t.lang, var.name))]
        for wave in ("endline_to_followup", "baseline_to_followup"):
            part = _select(rows, indicator=f"followup_{var.name}", wave=wave)
            by = {str(r["category"]): r for _, r in part.iterrows()}
            for category in FOLLOWUP_CHANGES:
                r = by.get(category)
                cells.append(fmt.pct100(None if r is None or _withheld(r) else r["pct"]))
            ns += [n for n in part.get("n", []) if not _missing(n)]
        if len(cells) > 1:
            body.append(cells)
    if not body:
        return out
    n_text = t.n(max(ns) if ns else math.nan)
    out["followup_intro"] = t("national.followup_intro", month=fmt.month(month) if month else "", n=n_text)
    since_end, since_begin = t("national.followup_since_end"), t("national.followup_since_begin")
    header = [c["item_domain"]]
    for since in (since_end, since_begin):
        header += [f"{since}: {t(f'national.followup_{k}')}" for k in FOLLOWUP_CHANGES]
    out["followup_table"] = pipe_table(header, body, "l" + "r" * (len(header) - 1))
    declined = _select(rows, indicator="followup_domains_declined", wave="endline_to_followup")
    if not declined.empty:
        declined = declined.assign(_k=pd.to_numeric(declined["category"], errors="coerce"))
        body = [
            [fmt.int(int(r["_k"])), fmt.int(None if _withheld(r, "count") else r["count"]),
             fmt.pct100(None if _withheld(r) else r["pct"])]
            for _, r in declined.sort_values("_k").iterrows()
        ]  # fmt: skip
        ns = [n for n in declined["n"] if not _missing(n)]
        out["followup_declined"] = (
            pipe_table([t("national.followup_domains_declined"), c["count"], c["pct"]], body, "rrr")
            + f"\n\n: {t('national.followup_declined_caption', n=t.n(max(ns) if ns else math.nan))}"
        )
    work = _select(rows, indicator="work_situation", wave="followup")
    if not work.empty:
        tbl, n = _distribution_table({"distributions": work.assign(indicator="work_situation")},
                                     "work_situation", "work_situation", instrument, t)  # fmt: skip
        if tbl:
            out["followup_work"] = tbl + f"\n\n: {t('national.followup_work_caption', n=n)}"
    return out


def _subgroup_section(
    tables: Mapping, catalogue, instrument: Instrument, t: Text, groups: Iterable[str]
) -> list[dict]:
    """One compact table per subgroup: per item, baseline and difference for each value."""
    fmt, c = t.fmt, t.s["columns"]
    sub = _select(table(tables, "subgroups"), level="national", unit="BE")
    if sub.empty:
        return []
    labels = _subgroup_labels(catalogue, t)
    order = [s["id"] for s in (catalogue or {}).get("subgroups", [])]
    blocks = []
    for subgroup in sorted(sub["subgroup"].unique(), key=lambda s: (order.index(s) if s in order else 99, s)):
        g = sub[sub["subgroup"] == subgroup]
        names = labels.get(str(subgroup), {"label": subgroup, "values": {}})
        value_order = list(names["values"])
        values = sorted(
            g["value"].astype(str).unique(),
            key=lambda v: (value_order.index(v) if v in value_order else 99, v),
        )
        header = [c["item"]]
        for v in values:
            name = names["values"].get(v, v)
            header += [_value_stat(name, c["baseline"].lower(), t), _value_stat(name, c["diff"].lower(), t)]
        body = []
        for group in groups:
            for var in instrument.items(group):
                cells = [md(typography(var.label.get(t.lang, var.name), t.lang))]
                for v in values:
                    r = _select(g, value=v, item=var.name)
                    r = None if r.empty else r.iloc[0]
                    hidden = r is None or _withheld(r, "mean_diff")
                    shown = (
                        math.nan
                        if hidden
                        else printed_diff(r["mean_baseline"], r.get("mean_endline"), r["mean_diff"])
                    )
                    cells += [fmt.score(None if hidden else r["mean_baseline"]), fmt.diff(shown)]
                body.append(cells)
        ns = []
        for v in values:
            nv = [n for n in g[g["value"] == v]["n_paired"] if not _missing(n)]
            ns += [f"*{t.n(max(nv) if nv else math.nan)}*", ""]
        body.append([""] + ns)
        blocks.append(
            {
                "title": names["label"],
                "table": pipe_table(header, body, "l" + "r" * (len(header) - 1)),
                "caption": t("national.subgroup_caption", subgroup=names["label"]),
            }
        )
    return blocks


def _tests_table(
    tests: pd.DataFrame, instrument: Instrument, t: Text, groups: Iterable[str]
) -> tuple[str, str]:
    """The paired t-test table and the Wilcoxon / effect size table of one unit."""
    fmt, c = t.fmt, t.s["columns"]
    by_item = {str(r["item"]): r for _, r in tests.iterrows()}
    body_t, body_w = [], []
    for group in groups:
        for var in instrument.items(group):
            r = by_item.get(var.name)
            if r is None:
                continue
            hidden = _withheld(r, "mean_diff")

            def v(col, r=r, hidden=hidden):
                return None if hidden or col not in r.index else r[col]

            label = md(typography(var.label.get(t.lang, var.name), t.lang))
            body_t.append(
                [
                    label,
                    fmt.int(v("n")),
                    fmt.dec(v("mean_diff"), 2),
                    fmt.dec(v("sd_diff"), 2),
                    fmt.dec(v("se_diff"), 3),
                    fmt.dec(v("ci_low"), 2),
                    fmt.dec(v("ci_high"), 2),
                    fmt.dec(v("t"), 2),
                    fmt.int(v("df")),
                    fmt.p(v("p")),
                    fmt.p(v("p_holm")),
                ]
            )
            body_w.append(
                [
                    label,
                    fmt.dec(v("wilcoxon_v"), 1),
                    fmt.p(v("wilcoxon_p")),
                    fmt.p(v("wilcoxon_p_holm")),
                    fmt.dec(v("cohen_dz"), 2),
                    fmt.dec(v("rank_biserial"), 2),
                ]
            )
    if not body_t:
        return "", ""
    header_t = [c["item"], c["n"], c["mean_diff"], c["sd"], c["se"], c["ci_low"], c["ci_high"], "t",
                c["df"], "p", c["p_holm"]]  # fmt: skip
    return (
        pipe_table(header_t, body_t, "lrrrrrrrrrr"),
        pipe_table([c["item"], "V", "p", c["p_holm"], c["cohen_dz"], c["rank_biserial"]], body_w, "lrrrrr"),
    )


def _tests_section(tables: Mapping, instrument: Instrument, t: Text, groups: Iterable[str]) -> dict:
    """The statistical annex: Belgium, then each region the tests table has."""
    groups = list(groups)
    all_tests = table(tables, "tests")
    units = table(tables, "units")
    blocks = []
    for level, unit in [("national", "BE")] + [("region", r) for r in REGIONS]:
        tests = _select(all_tests, level=level, unit=unit)
        if tests.empty:
            continue
        tt, tw = _tests_table(tests, instrument, t, groups)
        if not tt:
            continue
        row = _unit_row(units, level, unit) if not units.empty else None
        name = (
            unit_name(row, t.lang)
            if row is not None
            else t(f"regions.{unit}")
            if level == "region"
            else t("columns.total")
        )
        blocks.append(
            {
                "title": name,
                "tests_t": tt,
                "tests_w": tw,
                "caption_t": t("national.tests_t_caption", unit=name),
                "caption_w": t("national.tests_w_caption", unit=name),
            }
        )
    return {"tests": blocks}


def national_context(
    tables: Mapping[str, pd.DataFrame],
    cohort_cfg: Mapping,
    instrument: Instrument,
    t: Text,
    *,
    figures_dir: Path,
    outdir: Path,
    min_n: int,
    catalogue: Mapping | None = None,
    manifest: Mapping | None = None,
    trend: Mapping[str, pd.DataFrame] | None = None,
    programme_figures_dir: Path | None = None,
    scale_illustrative: bool | None = None,
) -> dict[str, Any]:
    """Everything the national report prints, per section; a section without data is empty
    (the template leaves it out). The cohort charts (scale, trends) come from
    `programme_figures_dir` or `figures_dir`; the scale chart is marked illustrative when
    `scale_illustrative` (or the cohort is a demo)."""
    fmt = t.fmt
    c = t.s["columns"]
    items, units = table(tables, "items"), table(tables, "units")
    ctx = _common(cohort_cfg, instrument, t)
    national = _unit_row(units, "national", "BE") if not units.empty else None
    ctx["findings"] = key_findings(tables, cohort_cfg, instrument, t, catalogue)
    ctx.update(_reach_section(tables, cohort_cfg, t, ctx["label"]))
    ctx.update(_trend_section(trend, instrument, t))
    illustrative = ctx["demo"] if scale_illustrative is None else bool(scale_illustrative or ctx["demo"])
    ctx.update(_cohort_figures([programme_figures_dir, figures_dir], outdir, t, illustrative=illustrative))
    ctx["profile"] = _profile_section(tables, catalogue, instrument, t)
    ctx.update(_participation_section(tables, catalogue, instrument, t))
    ctx.update(_followup_section(tables, cohort_cfg, catalogue, instrument, t))
    ctx.update(_knowledge_section(tables, catalogue, instrument, t))
    ctx.update(_outcomes_section(tables, catalogue, t))

    # score groups (domains, empowerment, and e.g. the 2018 empowerment total)
    groups = {}
    score_groups = [g for g in instrument.groups if not items.empty and (items["group"] == g).any()]
    for group in score_groups:
        rows_g = item_rows(items, "national", "BE", group, instrument, fmt)
        if not rows_g:
            continue
        n = _n_of(national, rows_g)
        fig, alt = _figure(figures_dir, "BE", group, outdir)
        block = _group_block(
            rows_g, group, t, name=t("columns.total"), n_text=t.n(n), figure=fig, alt=alt,
            where=t("where_national"),
        )  # fmt: skip
        header = [_item_header(group, t), c["baseline"], c["endline"], c["diff"], c["improved"], c["n"]]
        by_item = {
            str(r["item"]): r for _, r in _select(items, level="national", unit="BE", group=group).iterrows()
        }
        body = []
        for r in rows_g:
            src = by_item.get(r.item)
            improved = (
                None
                if src is None or "pct_improved" not in src.index or _withheld(src, "pct_improved")
                else src["pct_improved"]
            )
            body.append([md(r.label), r.begin_text, r.end_text, r.diff_text, fmt.pct100(improved), r.n_text])
        block["table"] = pipe_table(header, body, "lrrrrr")
        lo, hi = _scale(instrument, group)
        block["caption"] = t(
            "national.scores_caption", group=t(f"groups.{group}"), n=t.n(n), min=fmt.int(lo), max=fmt.int(hi)
        )
        block["title"] = _group_title(group, len(rows_g), t)
        block["single"] = len(rows_g) == 1
        groups[group] = block
    ctx["groups"] = groups
    ctx["domain_count_word"] = t.count_word(len(instrument.items("domain")))
    progress = share_row(tables, "progress_domains", "change")
    ctx["progress"] = (
        t(
            "national.progress",
            pct=fmt.pct100(None if _withheld(progress) else progress["pct"]),
            n=t.n(progress.get("n")),
        )
        + " "
        + progress_definition(catalogue, instrument, t)
        if progress is not None
        else ""
    )
    stronger = share_row(tables, "feels_stronger", "endline")
    ctx["stronger"] = (
        t(
            "national.stronger",
            pct=fmt.pct100(None if _withheld(stronger) else stronger["pct"]),
            n=t.n(stronger.get("n")),
            definition=indicator_definition(catalogue, "feels_stronger", t),
        )
        if stronger is not None
        else ""
    )

    # difference per region, one table per group: items x regions (+ Belgium)
    region_units = [(r, _unit_row(units, "region", r)) for r in REGIONS] if not units.empty else []
    region_units = [(r, row) for r, row in region_units if row is not None]
    region_tables = {}
    for group in groups:
        if not region_units:
            break
        header = [_item_header(group, t)] + [unit_name(row, t.lang) for _, row in region_units] + [c["total"]]
        per_region = {
            r: {i.item: i for i in item_rows(items, "region", r, group, instrument, fmt)}
            for r, _ in region_units
        }
        body = [
            [md(i.label)] + [per_region[r][i.item].diff_text for r, _ in region_units] + [i.diff_text]
            for i in groups[group]["rows"]
        ]
        ns = [t.n(row.get("n_paired")) for _, row in region_units]
        ns.append(t.n(national.get("n_paired") if national is not None else math.nan))
        body.append([""] + [f"*{x}*" for x in ns])
        region_tables[group] = pipe_table(header, body, "l" + "r" * (len(header) - 1))
    ctx["region_tables"] = region_tables
    ctx["subgroups"] = _subgroup_section(tables, catalogue, instrument, t, list(groups))
    ctx.update(_tests_section(tables, instrument, t, list(groups)))
    ctx["min_n"] = fmt.int(min_n)
    ctx["withheld_note"] = t("withheld_note", min_n=fmt.int(min_n))
    ctx["any_withheld"] = _withheld_in(*region_tables.values(), *[b["table"] for b in ctx["subgroups"]])
    # annex: reconciliation, quarantine, disclosure, manifest
    ctx.update(_annex(table(tables, "reconciliation"), units, t, min_n=min_n))
    ctx["method_rounding"] = t("national.method_rounding", threshold=fmt.number(CHANGE_MIN))
    ctx.update(_disclosure_summary(table(tables, "disclosure_log"), t, min_n=min_n))
    ctx.update(_manifest_section(manifest, t))
    return ctx


#: Charts of a whole cohort (results/<cohort>/figures/<lang>/<name>.svg, each with its alt text
#: in <name>.txt): the key in the context -> (unit, group) of the ``<unit>_<group>.svg`` name.
COHORT_FIGURES = {"scale": ("scale", "ocmws"), "trend_reach_fig": ("trend", "reach"),
                  "trend_scores_fig": ("trend", "scores")}  # fmt: skip


def _cohort_figures(
    figures_dirs: Iterable[Path | None], outdir: Path, t: Text, *, illustrative: bool
) -> dict[str, Any]:
    """The scale chart and the trend charts when a figures stage made them (else None), from
    the first of `figures_dirs` that has them: each {"src", "alt", "caption"}. When the scale
    chart's reference values are illustrative (a demo cohort), its caption says so."""
    out: dict[str, Any] = {}
    dirs = [Path(d) for d in figures_dirs if d is not None]
    for key, (unit, group) in COHORT_FIGURES.items():
        src, alt = None, None
        for directory in dirs:
            src, alt = _figure(directory, unit, group, outdir)
            if src is not None:
                break
        if src is None:
            out[key] = None
            continue
        caption = t(f"national.figure_captions.{key}")
        if key == "scale" and illustrative:
            caption = t("national.figure_captions.scale_demo")
        out[key] = {"src": src, "alt": alt or caption, "caption": caption}
    return out


def _item_header(group: str, t: Text) -> str:
    c = t.s["columns"]
    return c.get(f"item_{group}", c["item"])


def _group_title(group: str, count: int, t: Text) -> str:
    titles = t.s["national"]["group_titles"]
    return str(titles.get(group, group)).format(count_word=t.count_word(count).capitalize())


def _annex(reconciliation: pd.DataFrame, units: pd.DataFrame, t: Text, *, min_n: int) -> dict[str, Any]:
    fmt = t.fmt
    c = t.s["columns"]
    rec = t.s["reconciliation"]
    reasons = rec["reasons"]
    out: dict[str, Any] = {"annex_cohort": "", "annex_exports": "", "annex_reasons": "", "annex_paired": ""}
    if reconciliation is not None and len(reconciliation):
        cohort = reconciliation[reconciliation["scope"] == "cohort"]
        rows = [
            [rec.get(m, m), fmt.int(n)]
            for m, n in zip(cohort["measure"], cohort["count"], strict=False)
            if m in rec
        ]
        out["annex_cohort"] = pipe_table([c["measure"], c["count"]], rows, "lr")
        # "with both forms" (a baseline and an endline record) is not "with both measurements"
        # (scores at both waves, the n of the results): one sentence tells them apart
        both = dict(zip(cohort["measure"], cohort["count"], strict=False)).get("women_baseline_and_endline")
        national = _unit_row(units, "national", "BE") if not units.empty else None
        paired = national.get("n_paired") if national is not None else math.nan
        if both is not None and not _missing(paired):
            key = "national.annex_paired_note" if int(paired) != int(both) else "national.annex_paired_same"
            out["annex_paired"] = t(key, both=fmt.int(both), paired=fmt.int(paired))
        exports = reconciliation[reconciliation["scope"] != "cohort"]
        rows = []
        for scope, g in exports.groupby("scope", sort=True):
            counts = dict(zip(g["measure"], g["count"], strict=False))
            rows.append(
                [f"`{Path(str(scope)).name}`"]
                + [fmt.int(counts.get(m, 0)) for m in ("rows_read", "rows_kept", "rows_quarantined")]
            )
        if rows:
            out["annex_exports"] = pipe_table(
                [c["export"], c["rows_read"], c["rows_kept"], c["rows_quarantined"]], rows, "lrrr"
            )
        totals: dict[str, int] = {}
        for m, n in zip(exports["measure"], exports["count"], strict=False):
            for prefix, key in (("quarantined_", "quarantined"), ("values_rejected_", "rejected")):
                if str(m).startswith(prefix):
                    code = str(m)[len(prefix) :]
                    text = rec[key].format(reason=reasons.get(code, code.replace("_", " ")))
                    totals[text] = totals.get(text, 0) + int(n)
        if totals:
            rows = [[md(k), fmt.int(v)] for k, v in totals.items()]
            out["annex_reasons"] = pipe_table([c["reason"], c["count"]], rows, "lr")
    projects = units[units["level"] == "project"] if not units.empty else units
    withheld = int((~projects.apply(is_published, axis=1)).sum()) if len(projects) else 0
    key = "national.annex_disclosure" if withheld else "national.annex_disclosure_none"
    out["annex_disclosure"] = t(
        key, min_n=fmt.int(min_n), withheld=fmt.int(withheld), projects=fmt.int(len(projects))
    )
    return out


def _disclosure_summary(log_df: pd.DataFrame, t: Text, *, min_n: int) -> dict[str, str]:
    """Withheld values by reason and by table, from the disclosure log (never a value)."""
    fmt, c = t.fmt, t.s["columns"]
    out = {"disclosure_table": "", "disclosure_tables": ""}
    if log_df is None or log_df.empty or "reason" not in log_df.columns:
        if log_df is not None and "reason" in getattr(log_df, "columns", []):
            out["disclosure_table"] = ""
        return out
    log_df = log_df.assign(
        _values=[
            len([x for x in str(cols).split("|") if x]) or 1
            for cols in log_df.get("columns", [""] * len(log_df))
        ]
    )
    reasons = t.s["disclosure_reasons"]
    body = []
    for reason, g in sorted(log_df.groupby("reason"), key=lambda kv: str(kv[0])):
        text = str(reasons.get(str(reason), str(reason))).format(min_n=fmt.int(min_n))
        body.append([md(text), fmt.int(len(g)), fmt.int(int(g["_values"].sum()))])
    body.append(
        [f"**{md(c['sum'])}**", f"**{fmt.int(len(log_df))}**", f"**{fmt.int(int(log_df['_values'].sum()))}**"]
    )
    out["disclosure_table"] = pipe_table([c["reason"], c["rows"], c["values"]], body, "lrr")
    if "table" in log_df.columns:
        body = []
        for name, g in sorted(log_df.groupby("table"), key=lambda kv: str(kv[0])):
            body.append(
                [
                    md(t.s["families"].get(str(name), str(name))),
                    fmt.int(len(g)),
                    fmt.int(int(g["_values"].sum())),
                ]
            )
        out["disclosure_tables"] = pipe_table([c["table"], c["rows"], c["values"]], body, "lrr")
    return out


def _short(sha: Any, n: int = 12) -> str:
    return str(sha)[:n] if sha else "–"


def _manifest_section(manifest: Mapping | None, t: Text) -> dict[str, str]:
    """The run manifest in human form: code, config hash, inputs, software, rows per step."""
    fmt, c = t.fmt, t.s["columns"]
    out = {"manifest_code": "", "manifest_inputs": "", "manifest_software": "", "manifest_steps": ""}
    if not manifest:
        return out
    code = manifest.get("code", {}) or {}
    dirty = code.get("git_dirty")
    out["manifest_code"] = t(
        "national.manifest_code",
        version=str(code.get("miriam", miriam.__version__)),
        commit=f"`{_short(code.get('git_commit'))}`",
        dirty=t("yes") if dirty else t("no") if dirty is not None else "–",
        config=f"`{_short(manifest.get('config_sha256'))}`",
    )
    inputs = manifest.get("inputs_sha256", {}) or {}
    if inputs:
        out["manifest_inputs"] = pipe_table(
            [c["file"], "SHA-256"],
            [[f"`{Path(str(k)).name}`", f"`{_short(v)}…`"] for k, v in sorted(inputs.items())],
            "ll",
        )
    software = manifest.get("software", {}) or {}
    if software:
        out["manifest_software"] = pipe_table(
            [c["package"], c["version"]],
            [
                [f"`{k}`", t("not_installed") if v == "not installed" else f"`{v}`"]
                for k, v in software.items()
            ],
            "ll",
        )
    steps = manifest.get("steps", []) or []
    if steps:
        names = t.s["steps"]
        body = [
            [
                md(names.get(str(s.get("step")), {}).get("name", s.get("step"))),
                fmt.int(s.get("rows_in")),
                fmt.int(s.get("rows_out")),
                fmt.int(s.get("rejected")),
                md(names.get(str(s.get("step")), {}).get("note", "")),
            ]
            for s in steps
        ]
        out["manifest_steps"] = pipe_table(
            [c["step"], c["rows_in"], c["rows_out"], c["rejected"], c["note"]], body, "lrrrl"
        )
    return out


#: Why a unit's figures are withheld (the units table's ``reason``), most telling first.
WITHHELD_REASONS = ("n_below_min_n", "count_below_min_count", "secondary")


def withheld_reason(row: pd.Series | Mapping) -> str:
    """The units table's reason for a withheld unit or count (n_below_min_n when unknown)."""
    value = row.get("reason") if hasattr(row, "get") else None
    reason = "" if _missing(value) else str(value)
    return reason if reason in WITHHELD_REASONS else "n_below_min_n"


def _ocmw_names(units: pd.DataFrame, project: str, lang: str) -> list[str]:
    if units.empty or "parent" not in units.columns:
        return []
    rows = units[(units["level"] == "ocmw") & (units["parent"].astype("string") == project)]
    return sorted((unit_name(r, lang) for _, r in rows.iterrows()), key=str.casefold)


def _partners(units: pd.DataFrame, project: str, name: str, t: Text) -> list[str]:
    """The partners of a factsheet: the OCMW(s) of the project, POD MI, the research team."""
    members = _ocmw_names(units, project, t.lang)
    if len(members) > 1:
        ocmw = t("factsheet.partners.ocmws", of=t.of(t.fmt.join(md(m) for m in members)))
    else:
        ocmw = t("factsheet.partners.ocmw", of=t.of(name))
    local = "factsheet.partners.local_many" if len(members) > 1 else "factsheet.partners.local_one"
    return [
        capitalise(t(local, ocmw=ocmw, place=t.place(name))),
        t("factsheet.partners.federal"),
        t("factsheet.partners.research"),
    ]


def factsheet_context(
    tables: Mapping[str, pd.DataFrame],
    cohort_cfg: Mapping,
    instrument: Instrument,
    t: Text,
    project: str,
    *,
    figures_dir: Path,
    outdir: Path,
    min_n: int,
    min_count: int | None = None,
    findings: list[str] | None = None,
    catalogue: Mapping | None = None,
) -> dict[str, Any]:
    """One OCMW's result sheet, in the order of the published sheet: national key findings,
    the programme, the measurement, then the unit's six domains and four empowerment
    indicators (definitions, table, chart, headline and comment, n with the results), and
    the partners. A withheld unit gets the reason of the units table instead of results."""
    fmt = t.fmt
    items, units = table(tables, "items"), table(tables, "units")
    row = _unit_row(units, "project", project)
    if row is None:
        raise KeyError(f"project {project!r} is not in the units table")
    name = unit_name(row, t.lang)
    ctx = _common(cohort_cfg, instrument, t)
    reason = withheld_reason(row)
    thresholds = {"min_n": fmt.int(min_n), "min_count": fmt.int(min_count) if min_count else "–"}
    ctx.update(
        {
            "project": project,
            "name": name,
            "name_md": md(name),
            "published": is_published(row),
            "findings": findings
            if findings is not None
            else key_findings(tables, cohort_cfg, instrument, t, catalogue),
            "min_n": fmt.int(min_n),
            "withheld_note": t("withheld_note", min_n=fmt.int(min_n)),
            "withheld_text": t(f"factsheet.withheld.{reason}", name=md(name), **thresholds),
            "partners": _partners(units, project, md(name), t),
            "counts_note": "",
        }
    )
    if not ctx["published"]:
        return ctx
    groups = {}
    for group in GROUPS:
        rows_g = item_rows(items, "project", project, group, instrument, fmt)
        if not rows_g:
            continue
        n = _n_of(row, rows_g)
        n_text = t.n(n)
        if _missing(n):
            ctx["counts_note"] = t(f"factsheet.counts_withheld.{reason}", **thresholds)
        fig, alt = _figure(figures_dir, project, group, outdir)
        block = _group_block(rows_g, group, t, name=md(name), n_text=n_text, figure=fig, alt=alt)
        lo, hi = _scale(instrument, group)
        part = "domains" if group == "domain" else "empowerment"
        block["results_title"] = t("factsheet.results_title", name=md(name), n=n_text)
        block["caption"] = t(f"factsheet.table_caption_{group}", name=md(name), n=n_text)
        block["figure_caption"] = t(f"factsheet.figure_caption_{group}", name=md(name), n=n_text)
        block["title"] = t(f"factsheet.{part}_title", name=md(name), count_word=t.count_word(len(rows_g)))
        block["intro"] = capitalise(
            t(
                f"factsheet.{part}_intro",
                count_word=t.count_word(len(rows_g)),
                min=fmt.int(lo),
                max=fmt.int(hi),
            )
        )
        groups[group] = block
    ctx["groups"] = groups
    return ctx


# --- writing ------------------------------------------------------------------------------------


@cache
def _environment(templates: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # markdown templates are escaped explicitly with |md; the HTML index autoescapes
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
    )
    env.filters["md"] = md
    env.filters["yaml"] = yaml_str
    env.filters["attr"] = lambda s: str(s).replace("\\", "\\\\").replace('"', '\\"')
    return env


def render_template(name: str, context: Mapping[str, Any], templates: Path | None = None) -> str:
    return _environment(str(templates or TEMPLATES)).get_template(name).render(**context)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def projects_in(units: pd.DataFrame, lang: str) -> list[pd.Series]:
    """Project rows whose factsheet is made in `lang` (their ``languages``), by id."""
    projects = units[units["level"] == "project"].sort_values("unit", kind="stable")
    return [r for _, r in projects.iterrows() if lang in unit_languages(r)]


def write_sources(
    tables: Mapping[str, pd.DataFrame],
    cohort_cfg: Mapping,
    instrument: Instrument | str | Path,
    lang: str,
    figures_dir: Path,
    outdir: Path,
    *,
    min_n: int,
    min_count: int | None = None,
    catalogue: Mapping | None = None,
    manifest: Mapping | None = None,
    trend: Mapping[str, pd.DataFrame] | None = None,
    programme_figures_dir: Path | None = None,
    scale_illustrative: bool | None = None,
    templates: Path | None = None,
    strings_dir: Path | None = None,
) -> list[Path]:
    """Write ``national.qmd`` and ``factsheet-<project>.qmd`` (projects in `lang`) to `outdir`.

    `tables` holds the published tables by family (``items``, ``units``, ``shares``,
    ``distributions``, ``tests``, ``subgroups``, ``reach``) plus ``reconciliation`` and
    ``disclosure_log``; any may be missing, its sections are then left out. `trend` holds
    ``reach`` and ``scores`` over cohorts. The needed SVGs are copied to ``outdir/figures/``
    and ``_quarto.yml`` next to the sources, so that `outdir` is a self-contained Quarto
    project. Returns the .qmd paths, national first.
    """
    instrument = _as_instrument(instrument)
    t = Text(lang, strings_dir)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    figures_dir = Path(figures_dir)
    quarto_yml = Path(templates or TEMPLATES).parent / "_quarto.yml"
    if quarto_yml.exists():
        _write(outdir / "_quarto.yml", quarto_yml.read_text(encoding="utf-8"))
    css = Path(templates or TEMPLATES).parent / "assets" / "style.css"
    if css.exists():  # the sources' front matter names it (Quarto embeds it in the HTML)
        _write(outdir / "style.css", css.read_text(encoding="utf-8"))

    written = []
    ctx = national_context(
        tables,
        cohort_cfg,
        instrument,
        t,
        figures_dir=figures_dir,
        outdir=outdir,
        min_n=min_n,
        catalogue=catalogue,
        manifest=manifest,
        trend=trend,
        programme_figures_dir=programme_figures_dir,
        scale_illustrative=scale_illustrative,
    )
    written.append(_write(outdir / "national.qmd", render_template("national.qmd.j2", ctx, templates)))
    findings = ctx["findings"]
    units = table(tables, "units")
    for row in projects_in(units, lang) if not units.empty else []:
        fctx = factsheet_context(
            tables,
            cohort_cfg,
            instrument,
            t,
            str(row["unit"]),
            figures_dir=figures_dir,
            outdir=outdir,
            min_n=min_n,
            min_count=min_count,
            findings=findings,
            catalogue=catalogue,
        )
        written.append(
            _write(
                outdir / f"factsheet-{row['unit']}.qmd",
                render_template("factsheet.qmd.j2", fctx, templates),
            )
        )
    log.info("%s: %d report sources written to %s", lang, len(written), outdir)
    return written


def _other_cohort_links(others: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """Links to the other cohorts' index pages (``results/<other>/report/index.html``), by
    label. They come from the configuration, not from the pages on disk: which pages exist
    while this one is written depends on the order the jobs ran in, and the page must not."""
    out = [
        {"cohort": cohort, "label": label, "href": f"../../{cohort}/report/index.html"}
        for cohort, label in others
    ]
    return sorted(out, key=lambda o: (o["label"], o["cohort"]))


def write_index(
    units: pd.DataFrame,
    cohort_label: str,
    languages: Iterable[str],
    report_dir: Path,
    *,
    demo: bool = False,
    formats: Iterable[str] = ("html", "pdf"),
    engine: str | None = None,
    min_n: int | None = None,
    min_count: int | None = None,
    templates: Path | None = None,
    strings_dir: Path | None = None,
    other_cohorts: Iterable[tuple[str, str]] = (),
) -> Path:
    """``report_dir/index.html``: per language, the national report and every factsheet
    (HTML and PDF), with a language switch and links to the index pages of `other_cohorts`
    ((cohort, label) of the other cohorts the build makes). A withheld factsheet says why, in
    the words of its reason (as the sheet itself). Links are relative (``nl/national.html``)."""
    report_dir = Path(report_dir)
    sections = []
    languages = [lang for lang in languages if lang in LANGUAGES]
    others = _other_cohort_links(other_cohorts)
    for lang in languages:
        t = Text(lang, strings_dir)
        thresholds = {
            "min_n": t.fmt.int(min_n) if min_n else "–",
            "min_count": t.fmt.int(min_count) if min_count else "–",
        }
        sheets = []
        for row in projects_in(units, lang):
            region = row.get("region")
            published = is_published(row)
            sheets.append(
                {
                    "id": str(row["unit"]),
                    "name": unit_name(row, lang),
                    "region": t.s["regions"].get(str(region), str(region)) if not _missing(region) else "",
                    "published": published,
                    "why": ""
                    if published
                    else t(f"index.not_published.{withheld_reason(row)}", **thresholds),
                    "href": {f: f"{lang}/factsheet-{row['unit']}.{f}" for f in formats},
                }
            )
        sheets.sort(key=lambda s: (s["name"].casefold(), s["id"]))
        sections.append(
            {
                "lang": lang,
                "doc_lang": DOC_LANG[lang],
                "t": t,
                "national": {f: f"{lang}/national.{f}" for f in formats},
                "sheets": sheets,
                "other": [o for o in languages if o != lang],
                "cohorts": others,
            }
        )
    html = render_template(
        "index.html.j2",
        {
            "sections": sections,
            "label": str(cohort_label),
            "demo": demo,
            "formats": list(formats),
            "version": miriam.__version__,
            "engine": engine,
        },
        templates,
    )
    return _write(report_dir / "index.html", html)
