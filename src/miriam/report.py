"""Report content: from the published tables to Quarto sources (.qmd), one set per language.

This module decides *what* the documents say; :mod:`miriam.render` turns the sources into HTML
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
:mod:`miriam.render` substitutes it before conversion.
"""

from __future__ import annotations

import json
import logging
import math
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

log = logging.getLogger(__name__)

REPORT_DIR = ROOT / "report"
TEMPLATES = REPORT_DIR / "templates"
STRINGS = REPORT_DIR / "strings"
LANGUAGES = ("nl", "fr")
LOCALES = {"nl": "nl_BE", "fr": "fr_BE"}
#: BCP 47 tags for the documents (``lang`` in the front matter -> ``<html lang>``).
DOC_LANG = {"nl": "nl-BE", "fr": "fr-BE"}
GROUPS = ("domain", "empowerment")
REGIONS = ("flanders", "brussels", "wallonia")
#: Percent patterns: a no-break space before % in both languages, narrow in French
#: (Babel's fr_BE default has a wide one; the brief and French typography want U+202F).
PERCENT = {"nl": "#,##0\u00a0%", "fr": "#,##0\u202f%"}
ENGINE_SHORTCODE = "{{< meta miriam-engine >}}"
_ONE = Decimal("0.1")


# --- formatting -----------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def round1(value: float) -> Decimal:
    """Half up to one decimal from the shortest repr (as the figures do): 5.25 -> 5.3."""
    rounded = Decimal(repr(float(value))).quantize(_ONE, rounding=ROUND_HALF_UP)
    return rounded if rounded != 0 else Decimal("0.0")


@dataclass(frozen=True)
class Fmt:
    """Babel formatting for one language; missing values print as an en dash."""

    lang: str

    @property
    def locale(self) -> str:
        return LOCALES[self.lang]

    def score(self, value: Any) -> str:
        """5.2 -> "5,2"."""
        if _missing(value):
            return "–"
        return format_decimal(round1(value), format="0.0", locale=self.locale)

    def diff(self, value: Any) -> str:
        """Signed: 0.7 -> "+0,7", -0.3 -> "-0,3" (hyphen-minus, as in the charts), 0 -> "0,0"."""
        if _missing(value):
            return "–"
        rounded = round1(value)
        pattern = "0.0" if rounded == 0 else "+0.0;-0.0"
        return format_decimal(rounded, format=pattern, locale=self.locale)

    def int(self, value: Any) -> str:
        """1144 -> "1.144" (nl) / "1 144" with a narrow no-break space (fr)."""
        if _missing(value):
            return "–"
        return format_decimal(int(value), locale=self.locale)

    def pct(self, share: Any) -> str:
        """0.76 -> "76 %" (no-break space; narrow in French)."""
        if _missing(share):
            return "–"
        return format_percent(share, format=PERCENT[self.lang], locale=self.locale)

    def month(self, year_month: str) -> str:
        """ "2023-11" -> "november 2023" / "novembre 2023"."""
        year, month = (int(p) for p in str(year_month).split("-")[:2])
        return format_date(pd.Timestamp(year=year, month=month, day=1).date(), "MMMM y", locale=self.locale)

    def join(self, words: Iterable[str]) -> str:
        """["a", "b", "c"] -> "a, b en c" / "a, b et c"."""
        return format_list(list(words), locale=self.locale)


# --- strings ----------------------------------------------------------------------------------


def _french_spacing(text: str) -> str:
    """French typography: a no-break space before : ; ? ! (so they never start a line)."""
    for mark, space in ((":", "\u00a0"), (";", "\u202f"), ("?", "\u202f"), ("!", "\u202f")):
        text = text.replace(f" {mark}", f"{space}{mark}")
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


# --- the data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One indicator of one unit, formatted for one language."""

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
        out.append(
            Item(
                item=var.name,
                label=var.label.get(lang, var.name),
                definition=var.definition.get(lang, ""),
                baseline=b,
                endline=e,
                diff=d,
                n=n,
                begin_text=fmt.score(b),
                end_text=fmt.score(e),
                diff_text=fmt.diff(d),
                n_text=fmt.int(n),
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


def unit_languages(row: pd.Series | Mapping) -> list[str]:
    value = row.get("languages")
    if _missing(value) or not str(value).strip():
        return list(LANGUAGES)
    return [lang for lang in str(value).split("|") if lang in LANGUAGES]


def is_published(row: pd.Series | Mapping) -> bool:
    value = row.get("published", True)
    return False if _missing(value) else bool(value)


def _n_of(row: pd.Series | None, items_list: list[Item], column: str = "n_paired") -> Any:
    """The n printed with a unit's results: its paired n, else the largest item n."""
    if row is not None and column in row.index and not _missing(row[column]):
        return int(row[column])
    ns = [int(i.n) for i in items_list if not _missing(i.n)]
    return max(ns) if ns else math.nan


# --- rules: findings and headlines ----------------------------------------------------------


def _improved(rows: list[Item]) -> list[Item]:
    return [r for r in rows if r.published and round1(r.diff) > 0]


def _declined(rows: list[Item]) -> list[Item]:
    return [r for r in rows if r.published and round1(r.diff) < 0]


def all_improved(rows: list[Item]) -> bool:
    """True only when every item is published and its (printed, rounded) difference > 0."""
    return bool(rows) and all(r.published and round1(r.diff) > 0 for r in rows)


def _lower(label: str) -> str:
    """A label inside a sentence: 'Vrije tijd' -> 'vrije tijd'; acronyms stay ('OCMW-hulp');
    the long statements ('Ik ken mensen aan wie...') stay as asked, between quotes."""
    if len(label.split()) > 5:
        return f"‘{label}’"
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def headline(rows: list[Item], group: str, name: str, t: Text) -> str:
    """The headline of one group for one unit, chosen by the data.

    All items published and up: "<name> realiseert vooruitgang op elk van de zes
    levensdomeinen". Most up: the headline names the exceptions; some up: it names them;
    none up: it says so. "Up" is judged on the printed (rounded) difference.
    """
    count = len(rows)
    up = _improved(rows)
    if all_improved(rows):
        return t(f"headline.{group}_all", name=name, count_word=t.count_word(count))
    if up and len(up) > count / 2 and all(r.published for r in rows):
        rest = [r for r in rows if r not in up]
        return t(
            f"headline.{group}_most",
            name=name,
            k=t.fmt.int(len(up)),
            count=t.fmt.int(count),
            list=t.fmt.join(_lower(r.label) for r in rest),
        )
    if up:
        return t(
            f"headline.{group}_some",
            name=name,
            k=t.fmt.int(len(up)),
            count=t.fmt.int(count),
            list=t.fmt.join(_lower(r.label) for r in up),
        )
    return t(f"headline.{group}_none", name=name)


def comment(rows: list[Item], t: Text) -> list[str]:
    """Sentences under a headline: the largest step, the weakest start, declines, gaps."""
    published = [r for r in rows if r.published]
    out: list[str] = []
    if not published:
        return out
    largest = max(published, key=lambda r: (round1(r.diff), -rows.index(r)))
    lowest = min(published, key=lambda r: (round1(r.baseline), rows.index(r)))
    if round1(largest.diff) > 0:
        out.append(t("headline.largest", item=_lower(largest.label), diff=largest.diff_text))
        if largest is lowest:
            out.append(t("headline.largest_was_lowest", x=lowest.begin_text))
        else:
            out.append(t("headline.lowest", item=_lower(lowest.label), x=lowest.begin_text))
    else:
        out.append(t("headline.lowest", item=_lower(lowest.label), x=lowest.begin_text))
    down = _declined(rows)
    if down:
        out.append(
            t(
                "headline.declines",
                list=t.fmt.join(f"{_lower(r.label)} ({r.diff_text})" for r in down),
            )
        )
    hidden = [r for r in rows if not r.published]
    if hidden:
        out.append(t("headline.withheld_items", list=t.fmt.join(_lower(r.label) for r in hidden)))
    return out


def key_findings(
    items: pd.DataFrame, units: pd.DataFrame, cohort_cfg: Mapping, instrument: Instrument, t: Text
) -> list[str]:
    """National key findings: each a sentence with a number, printed only when true."""
    fmt = t.fmt
    label = str(cohort_cfg.get("label", ""))
    out: list[str] = []
    reach = reach_counts(units, cohort_cfg)
    if not _missing(reach["women"]):
        out.append(t("findings.reach", women=fmt.int(reach["women"]), label=label))
    if reach["projects"]:
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
    elif reach["new"] > 1:
        out.append(t("findings.new_projects", new=fmt.int(reach["new"]), label=label))
    if not _missing(reach["women"]) and not _missing(reach["paired"]) and reach["women"]:
        out.append(t("findings.paired", pct=fmt.pct(reach["paired"] / reach["women"])))

    domains = item_rows(items, "national", "BE", "domain", instrument, fmt)
    published = [r for r in domains if r.published]
    if domains and published:
        up = _improved(domains)
        if all_improved(domains):
            lo = min(up, key=lambda r: round1(r.diff))
            hi = max(up, key=lambda r: round1(r.diff))
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
                    list=fmt.join(f"{_lower(r.label)} ({r.diff_text})" for r in up),
                )
            )
        else:
            out.append(t("findings.domains_none", count=fmt.int(len(domains))))
        lowest = min(published, key=lambda r: (round1(r.baseline), domains.index(r)))
        out.append(t("findings.lowest_baseline", item=_lower(lowest.label), x=lowest.begin_text))

    emp = item_rows(items, "national", "BE", "empowerment", instrument, fmt)
    emp_pub = [r for r in emp if r.published]
    every = [r for r in domains + emp if r.published]
    if every:
        best = max(every, key=lambda r: (round1(r.diff), -every.index(r)))
        if round1(best.diff) > 0:
            out.append(t("findings.largest_gain", item=_lower(best.label), diff=best.diff_text))
    if emp and emp_pub:
        up = _improved(emp)
        if all_improved(emp):
            begin = sum(r.baseline for r in emp) / len(emp)
            end = sum(r.endline for r in emp) / len(emp)
            out.append(
                t(
                    "findings.empowerment_all",
                    count_word=t.count_word(len(emp)),
                    begin=fmt.score(begin),
                    end=fmt.score(end),
                )
            )
        elif up:
            out.append(
                t(
                    "findings.empowerment_some",
                    k=fmt.int(len(up)),
                    count=fmt.int(len(emp)),
                    list=fmt.join(f"{_lower(r.label)} ({r.diff_text})" for r in up),
                )
            )
        else:
            out.append(t("findings.empowerment_none", count=fmt.int(len(emp))))
    return out


def reach_counts(units: pd.DataFrame, cohort_cfg: Mapping) -> dict[str, Any]:
    """Women, OCMWs, projects, consortia and new entrants from the units table and config."""
    national = _unit_row(units, "national", "BE")
    projects = units[units["level"] == "project"]
    ocmws = units[units["level"] == "ocmw"]
    if "n_ocmws" in projects.columns:
        consortia = int((pd.to_numeric(projects["n_ocmws"], errors="coerce") > 1).sum())
    else:
        parents = ocmws["parent"].value_counts()
        consortia = int((parents > 1).sum())
    first_year = str(cohort_cfg.get("window", {}).get("start", ""))[:4]
    new = 0
    if first_year.isdigit():
        new = sum(
            1
            for p in cohort_cfg.get("projects", [])
            if str(p.get("since")) == first_year and p.get("id") in set(projects["unit"])
        )
    return {
        "women": national["n_women"] if national is not None else math.nan,
        "paired": national["n_paired"] if national is not None else math.nan,
        "ocmws": len(ocmws) if len(ocmws) else int(projects.get("n_ocmws", pd.Series(dtype=float)).sum()),
        "projects": len(projects),
        "consortia": consortia,
        "new": new,
    }


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
    widths = [max(3, min(45, max(len(r[i]) for r in cells) + 3)) for i in range(len(header))]
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
    }


def _group_block(
    rows: list[Item],
    group: str,
    t: Text,
    *,
    name: str,
    n_text: str,
    figure: str | None,
    alt: str | None,
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
        "headline": headline(rows, group, name, t),
        "comment": comment(rows, t),
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


def national_context(
    items: pd.DataFrame,
    units: pd.DataFrame,
    reconciliation: pd.DataFrame,
    cohort_cfg: Mapping,
    instrument: Instrument,
    t: Text,
    *,
    figures_dir: Path,
    outdir: Path,
    min_n: int,
) -> dict[str, Any]:
    fmt = t.fmt
    c = t.s["columns"]
    ctx = _common(cohort_cfg, instrument, t)
    reach = reach_counts(units, cohort_cfg)
    national = _unit_row(units, "national", "BE")
    ctx["findings"] = key_findings(items, units, cohort_cfg, instrument, t)
    ctx["reach_intro"] = t(
        "national.reach_intro",
        label=ctx["label"],
        women=fmt.int(reach["women"]),
        ocmws=fmt.int(reach["ocmws"]),
        projects=fmt.int(reach["projects"]),
    )
    # reach per region, with a national total row
    projects = units[units["level"] == "project"]
    ocmws = units[units["level"] == "ocmw"]
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
                f"**{fmt.int(national.get('n_women'))}**",
                f"**{fmt.int(national.get('n_paired'))}**",
            ]
        )
    ctx["reach_table"] = pipe_table(
        [c["region"], c["ocmws"], c["projects"], c["women"], c["paired"]], rows, "lrrrr"
    )

    groups = {}
    for group in GROUPS:
        rows_g = item_rows(items, "national", "BE", group, instrument, fmt)
        if not rows_g:
            continue
        n = _n_of(national, rows_g)
        fig, alt = _figure(figures_dir, "BE", group, outdir)
        block = _group_block(rows_g, group, t, name=t("columns.total"), n_text=t.n(n), figure=fig, alt=alt)
        # the national tables always show n per item
        header = [c[f"item_{group}"], c["baseline"], c["endline"], c["diff"], c["n"]]
        body = [[md(r.label), r.begin_text, r.end_text, r.diff_text, r.n_text] for r in rows_g]
        block["table"] = pipe_table(header, body, "lrrrr")
        block["caption"] = t(
            f"national.{'domains' if group == 'domain' else 'empowerment'}_caption", n=t.n(n)
        )
        groups[group] = block
    ctx["groups"] = groups

    # difference per region, one table per group: items x regions (+ Belgium)
    region_units = [(r, _unit_row(units, "region", r)) for r in REGIONS]
    region_units = [(r, row) for r, row in region_units if row is not None]
    region_tables = {}
    for group in groups:
        header = [c[f"item_{group}"]] + [unit_name(row, t.lang) for _, row in region_units] + [c["total"]]
        per_region = {
            r: {i.item: i for i in item_rows(items, "region", r, group, instrument, fmt)}
            for r, _ in region_units
        }
        body = []
        for i in groups[group]["rows"]:
            body.append(
                [md(i.label)] + [per_region[r][i.item].diff_text for r, _ in region_units] + [i.diff_text]
            )
        ns = [t.n(row.get("n_paired")) for _, row in region_units]
        ns.append(t.n(national.get("n_paired") if national is not None else math.nan))
        body.append([""] + [f"*{x}*" for x in ns])
        region_tables[group] = pipe_table(header, body, "l" + "r" * (len(header) - 1))
    ctx["region_tables"] = region_tables
    ctx["any_withheld"] = any(
        "–" in tbl for tbl in list(region_tables.values()) + [g["table"] for g in groups.values()]
    )

    # annex: reconciliation and disclosure
    ctx.update(_annex(reconciliation, units, t, min_n=min_n))
    return ctx


def _annex(reconciliation: pd.DataFrame, units: pd.DataFrame, t: Text, *, min_n: int) -> dict[str, Any]:
    fmt = t.fmt
    c = t.s["columns"]
    rec = t.s["reconciliation"]
    reasons = rec["reasons"]
    out: dict[str, Any] = {"annex_cohort": "", "annex_exports": "", "annex_reasons": ""}
    if reconciliation is not None and len(reconciliation):
        cohort = reconciliation[reconciliation["scope"] == "cohort"]
        rows = [
            [rec.get(m, m), fmt.int(n)]
            for m, n in zip(cohort["measure"], cohort["count"], strict=False)
            if m in rec
        ]
        out["annex_cohort"] = pipe_table([c["measure"], c["count"]], rows, "lr")
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
    projects = units[units["level"] == "project"]
    withheld = int((~projects.apply(is_published, axis=1)).sum()) if len(projects) else 0
    key = "national.annex_disclosure" if withheld else "national.annex_disclosure_none"
    out["annex_disclosure"] = t(
        key, min_n=fmt.int(min_n), withheld=fmt.int(withheld), projects=fmt.int(len(projects))
    )
    return out


def factsheet_context(
    items: pd.DataFrame,
    units: pd.DataFrame,
    cohort_cfg: Mapping,
    instrument: Instrument,
    t: Text,
    project: str,
    *,
    figures_dir: Path,
    outdir: Path,
    min_n: int,
    findings: list[str] | None = None,
) -> dict[str, Any]:
    fmt = t.fmt
    row = _unit_row(units, "project", project)
    if row is None:
        raise KeyError(f"project {project!r} is not in the units table")
    name = unit_name(row, t.lang)
    ctx = _common(cohort_cfg, instrument, t)
    ctx.update(
        {
            "project": project,
            "name": name,
            "name_md": md(name),
            "published": is_published(row),
            "findings": findings
            if findings is not None
            else key_findings(items, units, cohort_cfg, instrument, t),
            "min_n": fmt.int(min_n),
        }
    )
    if not ctx["published"]:
        return ctx
    groups = {}
    for group in GROUPS:
        rows_g = item_rows(items, "project", project, group, instrument, fmt)
        if not rows_g:
            continue
        n_text = t.n(_n_of(row, rows_g))
        fig, alt = _figure(figures_dir, project, group, outdir)
        block = _group_block(rows_g, group, t, name=name, n_text=n_text, figure=fig, alt=alt)
        block["results_title"] = t("factsheet.results_title", name=md(name), n=n_text)
        block["caption"] = t(f"factsheet.table_caption_{group}", name=md(name), n=n_text)
        block["figure_caption"] = t(f"factsheet.figure_caption_{group}", name=md(name))
        block["headline"] = headline(rows_g, group, md(name), t)
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
    items: pd.DataFrame,
    units: pd.DataFrame,
    reconciliation: pd.DataFrame,
    cohort_cfg: Mapping,
    instrument: Instrument | str | Path,
    lang: str,
    figures_dir: Path,
    outdir: Path,
    *,
    min_n: int,
    templates: Path | None = None,
    strings_dir: Path | None = None,
) -> list[Path]:
    """Write ``national.qmd`` and ``factsheet-<project>.qmd`` (projects in `lang`) to `outdir`.

    The needed SVGs are copied to ``outdir/figures/`` and ``_quarto.yml`` next to the sources,
    so that `outdir` is a self-contained Quarto project. Returns the .qmd paths, national first.
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
        items,
        units,
        reconciliation,
        cohort_cfg,
        instrument,
        t,
        figures_dir=figures_dir,
        outdir=outdir,
        min_n=min_n,
    )
    written.append(_write(outdir / "national.qmd", render_template("national.qmd.j2", ctx, templates)))
    findings = ctx["findings"]
    for row in projects_in(units, lang):
        fctx = factsheet_context(
            items,
            units,
            cohort_cfg,
            instrument,
            t,
            str(row["unit"]),
            figures_dir=figures_dir,
            outdir=outdir,
            min_n=min_n,
            findings=findings,
        )
        written.append(
            _write(
                outdir / f"factsheet-{row['unit']}.qmd",
                render_template("factsheet.qmd.j2", fctx, templates),
            )
        )
    log.info("%s: %d report sources written to %s", lang, len(written), outdir)
    return written


def write_index(
    units: pd.DataFrame,
    cohort_label: str,
    languages: Iterable[str],
    report_dir: Path,
    *,
    demo: bool = False,
    formats: Iterable[str] = ("html", "pdf"),
    engine: str | None = None,
    templates: Path | None = None,
    strings_dir: Path | None = None,
) -> Path:
    """``report_dir/index.html``: per language, the national report and every factsheet
    (HTML and PDF), with a language switch. Links are relative (``nl/national.html``)."""
    report_dir = Path(report_dir)
    sections = []
    languages = [lang for lang in languages if lang in LANGUAGES]
    for lang in languages:
        t = Text(lang, strings_dir)
        sheets = []
        for row in projects_in(units, lang):
            region = row.get("region")
            sheets.append(
                {
                    "id": str(row["unit"]),
                    "name": unit_name(row, lang),
                    "region": t.s["regions"].get(str(region), str(region)) if not _missing(region) else "",
                    "published": is_published(row),
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
