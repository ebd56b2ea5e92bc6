"""Reading the published tables: rows of one unit, one indicator, one item group, formatted
for one language; the indicator catalogue's labels and definitions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from miriam.config import Instrument, load_instrument
from miriam.printed import (
    Fmt,
    printed_diff,
)
from miriam.printed import is_missing as _missing
from miriam.report.formatting import CHANGE_MIN, typography
from miriam.report.text import Text


@dataclass(frozen=True)
class Item:
    """One indicator of one unit, formatted for one language. `diff` is the printed
    difference (the table's mean difference rounded once, at the cohort's decimals of means),
    `exact_diff` the table's mean difference."""

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
        shown = printed_diff(b, e, d, fmt.mean_places) if not _missing(d) else math.nan
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


def _step(row: Item) -> Decimal:
    """The printed difference of an item, as the rules judge it: `diff` is already rounded
    at the printed decimals (:func:`item_rows`), so it is taken as written."""
    return Decimal(repr(float(row.diff)))


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


#: Families of published tables the report reads (``results/<cohort>/<family>.parquet``), plus
#: the processing counts. Any may be missing or empty: its sections are then left out.
FAMILIES = ("items", "units", "shares", "distributions", "tests", "subgroups", "reach", "followup",
            "children")  # fmt: skip

#: A subgroup "starts lower and gains more" only when the gaps between the mean over the domains
#: of its two values are at least this large (points), so rounding noise is no finding.
SUBGROUP_GAP = 0.2

PROFILE = ("age_band", "n_children", "children_age_bands", "children_age", "birth_country_group",
           "diploma", "diploma_recognised", "language_groups")  # fmt: skip
#: The profile rows whose table is not `distributions` (children_age: children, not women,
#: per age band; Tabel 11 of the 2018-2019 report, published by its own rule).
PROFILE_FAMILY = {"children_age": "children"}

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
    family = PROFILE_FAMILY.get(indicator, "distributions")
    return _select(table(tables, family), level=level, unit=unit, indicator=indicator)


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
