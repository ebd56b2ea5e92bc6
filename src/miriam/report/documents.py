"""What each document says: the national report's and a factsheet's template context, with the
annex (disclosure summary, manifest) they share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

import miriam
import miriam.report.claims as cl
from miriam.config import Instrument
from miriam.printed import is_missing as _missing
from miriam.printed import (
    is_published,
)
from miriam.report.claims import ClaimRules, items_n_text, unit_claims
from miriam.report.findings import key_findings
from miriam.report.formatting import CHANGE_MIN, capitalise, md, pipe_table, typography, typst_string
from miriam.report.profile import profile_section
from miriam.report.sections import (
    _figure,
    _followup_section,
    _group_block,
    _knowledge_section,
    _outcomes_section,
    _participation_section,
    _reach_section,
    _subgroup_section,
    _tests_section,
    _trend_section,
    _withheld_in,
)
from miriam.report.tables import (
    Item,
    _n_of,
    _scale,
    _select,
    _unit_row,
    _withheld,
    indicator_definition,
    item_rows,
    progress_definition,
    share_row,
    table,
    unit_name,
)
from miriam.report.text import ENGINE_SHORTCODE, Text
from miriam.vocab import DOC_LANG, GROUPS, REGIONS


def typst_page_setup(running_header: str, demo_note: str | None, page_word: str) -> str:
    """Typst set rules for every page: running header (cohort, language, demo note) and a
    footer with "Pagina 3 / 9". Put in the front matter as a `format: typst:
    include-in-header` text entry, which Quarto's typst template and ours both include."""
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
        "baseline_month": t.period(measurement["baseline"]) if measurement.get("baseline") else "",
        "endline_month": t.period(measurement["endline"]) if measurement.get("endline") else "",
        "scales": cl.scales_text(instrument, t),
        "instrument_title": typography(
            instrument.raw.get("title", {}).get(t.lang, instrument.version), t.lang
        ),
        "programme_points": [str(x) for x in t.s["programme"]["points"]],
    }


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
    report_cfg: Mapping | None = None,
) -> dict[str, Any]:
    """Everything the national report prints, per section; a section without data is empty
    (the template leaves it out). The cohort charts (scale, trends) come from
    `programme_figures_dir` or `figures_dir`; the scale chart is marked illustrative when
    `scale_illustrative` (or the cohort is a demo)."""
    fmt = t.fmt
    items, units = table(tables, "items"), table(tables, "units")
    ctx = _common(cohort_cfg, instrument, t)
    national = _unit_row(units, "national", "BE") if not units.empty else None
    rules = ClaimRules.from_config(report_cfg)
    ctx["findings"] = key_findings(tables, cohort_cfg, instrument, t, catalogue, rules)
    ctx.update(_reach_section(tables, cohort_cfg, t, ctx["label"]))
    ctx.update(_trend_section(trend, instrument, t))
    ctx["illustrative"] = illustrative = bool(scale_illustrative or ctx["demo"])
    ctx.update(_cohort_figures([programme_figures_dir, figures_dir], outdir, t, illustrative=illustrative))
    ctx["profile"] = profile_section(tables, catalogue, instrument, t)
    ctx.update(_participation_section(tables, catalogue, instrument, t))
    ctx.update(_followup_section(tables, cohort_cfg, catalogue, instrument, t))
    ctx.update(_knowledge_section(tables, catalogue, instrument, t))
    ctx.update(_outcomes_section(tables, catalogue, t))

    groups = _national_groups(
        items, national, instrument, t, figures_dir=figures_dir, outdir=outdir,
        tests=table(tables, "tests"), rules=rules,
    )  # fmt: skip
    ctx["groups"] = groups
    ctx["domain_count_word"] = t.count_word(len(instrument.items("domain")))
    ctx.update(_national_shares(tables, catalogue, instrument, t))

    region_tables = _region_tables(items, units, national, groups, instrument, t)
    ctx["region_tables"] = region_tables
    ctx["subgroups"] = _subgroup_section(tables, catalogue, instrument, t, list(groups))
    ctx.update(_tests_section(tables, instrument, t, list(groups)))
    ctx["min_n"] = fmt.int(min_n)
    ctx["withheld_note"] = t("withheld_note", min_n=fmt.int(min_n))
    ctx["any_withheld"] = _withheld_in(*region_tables.values(), *[b["table"] for b in ctx["subgroups"]])
    # annex: reconciliation, quarantine, disclosure, manifest
    ctx.update(_annex(table(tables, "reconciliation"), units, t, min_n=min_n))
    ctx["method_rounding"] = t("national.method_rounding", threshold=fmt.number(CHANGE_MIN), **t.rounding())
    ctx["limitations"] = cl.limitations(units, cohort_cfg, rules, cl.design_facts(report_cfg, cohort_cfg), t)
    ctx.update(_disclosure_summary(table(tables, "disclosure_log"), t, min_n=min_n))
    ctx.update(_manifest_section(manifest, t))
    return ctx


def _national_groups(
    items: pd.DataFrame,
    national: pd.Series | None,
    instrument: Instrument,
    t: Text,
    *,
    figures_dir: Path,
    outdir: Path,
    tests: pd.DataFrame | None = None,
    rules: ClaimRules | None = None,
) -> dict[str, dict[str, Any]]:
    """One block per score group of the national report (domains, empowerment, and e.g. the
    2018 empowerment total): headline and comment following Belgium's tests, chart, table of
    items, caption with the items' n (a range where they differ)."""
    fmt, c = t.fmt, t.s["columns"]
    groups = {}
    score_groups = [g for g in instrument.groups if not items.empty and (items["group"] == g).any()]
    for group in score_groups:
        rows_g = item_rows(items, "national", "BE", group, instrument, fmt)
        if not rows_g:
            continue
        n_text = items_n_text(rows_g, t, national)
        claims = unit_claims(tests, "national", "BE", rows_g, rules or ClaimRules())
        fig, alt = _figure(figures_dir, "BE", group, outdir)
        block = _group_block(
            rows_g, group, t, name=t("columns.total"), n_text=n_text, figure=fig, alt=alt,
            where=t("where_national"), claims=claims,
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
            "national.scores_caption", group=t(f"groups.{group}"), n=n_text, min=fmt.int(lo), max=fmt.int(hi)
        )
        block["title"] = _group_title(group, len(rows_g), t)
        block["single"] = len(rows_g) == 1
        groups[group] = block
    return groups


def _national_shares(
    tables: Mapping[str, pd.DataFrame], catalogue: Mapping | None, instrument: Instrument, t: Text
) -> dict[str, str]:
    """The progress over the domains and the feeling of being stronger, with their n and
    definitions (empty when the indicator is not in the tables)."""
    fmt = t.fmt
    progress = share_row(tables, "progress_domains", "change")
    progress_text = (
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
    stronger_text = (
        t(
            "national.stronger",
            pct=fmt.pct100(None if _withheld(stronger) else stronger["pct"]),
            n=t.n(stronger.get("n")),
            definition=indicator_definition(catalogue, "feels_stronger", t),
        )
        if stronger is not None
        else ""
    )
    return {"progress": progress_text, "stronger": stronger_text}


def _region_tables(
    items: pd.DataFrame,
    units: pd.DataFrame,
    national: pd.Series | None,
    groups: Mapping[str, Mapping[str, Any]],
    instrument: Instrument,
    t: Text,
) -> dict[str, str]:
    """The difference per region, one table per group: items x regions (+ Belgium)."""
    fmt, c = t.fmt, t.s["columns"]
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
        # the n behind the differences: the items' paired n per region (a range where they differ)
        ns = [items_n_text(list(per_region[r].values()), t, row) for r, row in region_units]
        ns.append(items_n_text(groups[group]["rows"], t, national))
        body.append([""] + [f"*{x}*" for x in ns])
        region_tables[group] = pipe_table(header, body, "l" + "r" * (len(header) - 1))
    return region_tables


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
    """The words for a withheld unit or count: always the same ("any"). Which rule withheld it
    (a small count, a small n, a complement) is for reviewers only: published, it would bound
    the withheld values (docs/disclosure.md)."""
    return "any"


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


# size: the sheet in the published order, one statement per part, with its caution (issue 13)
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
    report_cfg: Mapping | None = None,
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
    rules = ClaimRules.from_config(report_cfg)
    groups = {}
    for group in GROUPS:
        rows_g = item_rows(items, "project", project, group, instrument, fmt)
        if not rows_g:
            continue
        n_text = items_n_text(rows_g, t, row)
        if _missing(_n_of(row, rows_g)):
            ctx["counts_note"] = t(f"factsheet.counts_withheld.{reason}", **thresholds)
        claims = unit_claims(table(tables, "tests"), "project", project, rows_g, rules)
        fig, alt = _figure(figures_dir, project, group, outdir)
        groups[group] = _factsheet_group(
            rows_g, group, instrument, t, name=md(name), n_text=n_text, fig=fig, alt=alt, claims=claims
        )
        design = cl.design_facts(report_cfg, cohort_cfg)
        ctx["caution"] = cl.caution(claims, t, name=md(name), n_text=n_text, rules=rules, design=design)
    ctx["groups"] = groups
    return ctx


def _factsheet_group(
    rows_g: list[Item],
    group: str,
    instrument: Instrument,
    t: Text,
    *,
    name: str,
    n_text: str,
    fig: Any,
    alt: Any,
    claims: Any = None,
) -> dict[str, Any]:
    """One group of a factsheet (domains or empowerment): the block with its titles, captions
    and introduction (the scale's meaning from the codebook)."""
    block = _group_block(rows_g, group, t, name=name, n_text=n_text, figure=fig, alt=alt, claims=claims)
    part = "domains" if group == "domain" else "empowerment"
    block["results_title"] = t("factsheet.results_title", name=name, n=n_text)
    block["caption"] = t(f"factsheet.table_caption_{group}", name=name, n=n_text)
    block["figure_caption"] = t(f"factsheet.figure_caption_{group}", name=name, n=n_text)
    block["title"] = t(f"factsheet.{part}_title", name=name, count_word=t.count_word(len(rows_g)))
    block["intro"] = capitalise(
        t(
            f"factsheet.{part}_intro",
            count_word=t.count_word(len(rows_g)),
            range=cl.scale_range(instrument, group, t),
        )
    )
    return block
