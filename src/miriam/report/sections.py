"""The sections of the national report and the factsheets, each a dict of texts and tables for
one template (``report/templates/*.qmd.j2``).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from miriam.config import Instrument
from miriam.printed import is_missing as _missing
from miriam.printed import (
    printed_diff,
    printed_pp,
)
from miriam.report.claims import UnitClaims, n_range
from miriam.report.findings import comment, completed_sentence, headline, rounding_note
from miriam.report.formatting import md, pipe_table, typography
from miriam.report.profile import distribution_table
from miriam.report.tables import (
    KNOWLEDGE,
    OUTCOMES_PAIRED,
    REACH_MEASURES,
    Item,
    _category_order,
    _select,
    _subgroup_labels,
    _theme,
    _unit_row,
    _withheld,
    category_label,
    distribution,
    indicator_label,
    over_all_women,
    reach_counts,
    share_row,
    table,
    unit_name,
)
from miriam.report.text import Text
from miriam.vocab import REGIONS


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
    claims: UnitClaims | None = None,
) -> dict[str, Any]:
    """Table, chart, headline and comment of one group (domains or empowerment) of one unit;
    the wording follows `claims` (tests), descriptive without them."""
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
        "headline": (
            headline(rows, group, name, t, where=where, claims=claims)
            if f"{group}_all" in t.s["claims"]["headline"]
            else ""
        ),
        "comment": comment(rows, t, group, claims) if f"{group}_all" in t.s["claims"]["headline"] else [],
        "rounding_note": rounding_note(rows, t),
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
    out = {"trend_reach": "", "trend_scores": "", "trend_compared": ""}
    reach = table(trend, "reach")
    if not reach.empty:
        labels = sorted(reach["label"].astype(str).unique())
        if len(labels) >= 2:
            # Which cohorts the section compares (issue 17): only cohorts of this one's kind
            # (real or demo, workflow/rules/common.smk `cohorts_so_far`) reach the trend.
            out["trend_compared"] = t("national.trend_compared", cohorts=", ".join(labels))
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
                    shown = printed_diff(b, e, d, fmt.mean_places) if not _missing(d) else math.nan
                    cells += [fmt.score(b), fmt.diff(shown)]
                body.append(cells)
            out["trend_scores"] = pipe_table(header, body, "l" + "r" * (len(header) - 1))
    return out


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
    tbl, n = distribution_table(tables, "stop_reason", "stop_reason", instrument, t, ranked=True)
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
    tbl, n = distribution_table(tables, "stop_timing", "stop_timing", instrument, t)
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
        begin, end = pcts["baseline"], pcts["endline"]
        cells.append(fmt.pp(None if _missing(change) else printed_pp(begin, end, change, fmt.pct_places)))
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
        sep = "\u00a0: " if t.lang == "fr" else ": "  # French: a no-break space before the colon
        header += [f"{since}{sep}{t(f'national.followup_{k}')}" for k in FOLLOWUP_CHANGES]
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
        tbl, n = distribution_table({"distributions": work.assign(indicator="work_situation")},
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
                        else printed_diff(
                            r["mean_baseline"], r.get("mean_endline"), r["mean_diff"], fmt.mean_places
                        )
                    )
                    cells += [fmt.score(None if hidden else r["mean_baseline"]), fmt.diff(shown)]
                body.append(cells)
        ns = []
        for v in values:
            lo, hi = n_range(g[g["value"] == v]["n_paired"])  # the items' n: a range where they differ
            n_text = (
                t.n(lo) if lo == hi or _missing(lo) else t("n", n=f"{t.fmt.int(lo)}\u2013{t.fmt.int(hi)}")
            )
            ns += [f"*{n_text}*", ""]
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
