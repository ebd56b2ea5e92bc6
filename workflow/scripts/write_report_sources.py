"""Rule write_report_sources: published tables -> Quarto sources (.qmd) for one language.

Named inputs: the published families ``scores`` (the items table: Snakemake reserves the name
``items``), ``units``, ``shares``, ``distributions``, ``tests``, ``subgroups``, ``reach``,
``followup``, ``children``; ``processing`` (CSV: the published processing counts),
``manifest`` (JSON), ``trend_reach`` and ``trend_scores``, the indicator ``catalogue``, the
``leefloon`` reference (the factsheets' context figure), the ``figures`` directory (and the
cohort-wide ``programme_figures``: scale and trend charts), the ``cohort`` and ``instrument``
configs, and the report's ``templates``, ``assets``, ``quarto_project`` and ``strings``. A
missing optional input leaves its sections out of the report.
"""

import json
from pathlib import Path

import pandas as pd

from miriam import config, io, report
from miriam.provenance import logs

FAMILIES = ("units", "shares", "distributions", "tests", "subgroups", "reach", "followup", "children")


def _path(snakemake, name):
    value = snakemake.input.get(name)
    return Path(str(value)) if value and Path(str(value)).exists() else None


def _parquet(snakemake, name):
    path = _path(snakemake, name)
    return io.read_table(path) if path else None


def main(snakemake):
    tables = {"items": _parquet(snakemake, "scores") if _path(snakemake, "scores") else None}
    if tables["items"] is None:  # should a future Snakemake allow the name
        tables["items"] = _parquet(snakemake, "items")
    for family in FAMILIES:
        tables[family] = _parquet(snakemake, family)
    if (path := _path(snakemake, "processing")) is not None:
        # the published processing counts (under the count rule), as cohort rows of the
        # reconciliation; the full reconciliation is for reviewers (qa/)
        processing = pd.read_csv(path, dtype={"measure": "string", "count": "Int64"})
        tables["reconciliation"] = processing.assign(scope="cohort")
    tables = {name: df for name, df in tables.items() if df is not None}
    manifest = None
    if (path := _path(snakemake, "manifest")) is not None:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    trend = {
        key: df
        for key, df in (
            ("reach", _parquet(snakemake, "trend_reach")),
            ("scores", _parquet(snakemake, "trend_scores")),
        )
        if df is not None
    }
    catalogue = config.load_yaml(snakemake.input.catalogue)
    leefloon_path = _path(snakemake, "leefloon")
    leefloon = pd.read_csv(leefloon_path, dtype={"ocmw_id": "string"}) if leefloon_path else None
    cohort = config.load_cohort(snakemake.input.cohort)
    instrument = config.load_instrument(snakemake.input.instrument)
    report.write_sources(
        tables,
        cohort.raw,
        instrument,
        snakemake.params.lang,
        Path(snakemake.input.figures),
        Path(snakemake.output[0]),
        min_n=int(snakemake.params.min_n),
        # the smallest published count (a withheld sheet names it when it is the reason)
        min_count=int(snakemake.params.min_count),
        catalogue=catalogue,
        manifest=manifest,
        trend=trend or None,
        programme_figures_dir=_path(snakemake, "programme_figures"),
        scale_illustrative=bool(snakemake.params.scale_illustrative),
        leefloon=leefloon,
        templates=Path(snakemake.input.templates),
        strings_dir=Path(snakemake.input.strings).parent,
        # what the text may claim and the design facts it states (config `report`)
        report_cfg=dict(snakemake.params.report or {}),
        publication=dict(snakemake.params.get("publication") or {}),
        formats=list(snakemake.params.get("formats") or ("html", "pdf")),
        # the cohort's published precision: the text prints what the tables publish
        precision=dict(snakemake.params.get("precision") or {}),
    )


logs.run_step(snakemake, main)  # noqa: F821
