"""One report build shared by the report tests (parity, PDF text, browser).

The build writes the Quarto sources of both demo cohorts in both languages from *published*
tables and renders, with the pandoc + typst path, a handful of documents into a temporary
directory: both national reports of 2023-2024 (HTML and PDF), the national reports of 2022-2023
(HTML), and a few factsheets (one per language situation: Dutch only, French only, Brussels in
both, and one withheld). The index page links only what was rendered.

Published tables: ``results/<cohort>/<family>.parquet`` when the disclosure step has made them;
otherwise the unsuppressed indicator tables of ``private/<cohort>/indicators/`` go through a
small stand-in for disclosure control (values of cells below the thresholds set to null, with
``status``/``reason`` and a disclosure log), so the report sees the same shapes and the same kind
of gaps as in production. Without either, the tests are skipped with the reason.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from miriam import figures, io, manifest, render, report, trend
from miriam.config import ROOT, instrument_path, load_cohort, load_instrument, load_yaml

MAIN = "demo-2023-2024"
OLD = "demo-2022-2023"
COHORTS = (OLD, MAIN)
MIN_N, MIN_COUNT = 10, 5
FAMILIES = ("items", "units", "shares", "distributions", "tests", "subgroups", "reach")
#: factsheets rendered per language (Dutch only, French only, bilingual Brussels, withheld)
SHEETS = {"nl": ["antwerpen", "brussel", "liedekerke"], "fr": ["liege", "brussel", "herve-dison"]}
NUMERIC_KEEP = {"level", "unit", "item", "group", "indicator", "wave", "category", "subgroup",
                "value", "measure", "parent", "name_nl", "name_fr", "region", "languages"}  # fmt: skip


# --- published tables ---------------------------------------------------------------------------


def _withhold(df: pd.DataFrame, mask: pd.Series, reason: str, columns: list[str]) -> None:
    mask = mask & (df["status"] == "published")
    for column in columns:
        if column in df.columns:
            if pd.api.types.is_integer_dtype(df[column]):
                df[column] = df[column].astype("Float64")
            df.loc[mask, column] = None
    df.loc[mask, "status"] = "withheld"
    df.loc[mask, "reason"] = reason


def stand_in_disclosure(raw: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Primary suppression only (n below MIN_N, counts 1..MIN_COUNT-1), for the tests."""
    out, log = {}, []
    for name, df in raw.items():
        df = df.copy()
        if name == "units":
            df["published"] = df["level"].isin(["national", "region"]) | (df["n_paired"] >= MIN_N)
            df["reason"] = ["" if p else "n_below_min_n" for p in df["published"]]
            out[name] = df
            continue
        df["status"], df["reason"] = "published", ""
        numeric = [c for c in df.columns if c not in NUMERIC_KEEP | {"status", "reason"}]
        lowest = df["level"].isin(["project", "ocmw", "region"]) if name != "subgroups" else True
        if name in ("items", "subgroups"):
            _withhold(df, lowest & (df["n_paired"] < MIN_N), "n_below_min_n", numeric)
        elif name == "tests":
            _withhold(df, lowest & (df["n"] < MIN_N), "n_below_min_n", numeric)
        elif name in ("shares", "distributions"):
            _withhold(df, lowest & (df["n"] < MIN_N), "n_below_min_n", ["count", "pct"])
            small = (df["count"] > 0) & (df["count"] < MIN_COUNT)
            _withhold(df, small.fillna(False).astype(bool), "count_below_min_count", ["count", "pct"])
        for _, r in df[df["status"] == "withheld"].iterrows():
            key = r.get("item", r.get("category", r.get("indicator", "")))
            log.append((name, r["level"], r["unit"], str(key), "pct|count", r["reason"], "stand-in"))
        out[name] = df
    columns = ["table", "level", "unit", "key", "columns", "reason", "rule"]
    return out, pd.DataFrame(log, columns=columns).astype("string")


def published_tables(cohort: str) -> dict[str, pd.DataFrame] | None:
    results, private = ROOT / "results" / cohort, ROOT / "private" / cohort / "indicators"
    if all((results / f"{f}.parquet").exists() for f in FAMILIES):
        tables = {f: io.read_table(results / f"{f}.parquet") for f in FAMILIES}
        log_path = results / "disclosure_log.csv"
        if log_path.exists():
            tables["disclosure_log"] = pd.read_csv(log_path, dtype="string", keep_default_na=False)
    elif all((private / f"{'scores' if f == 'items' else f}.parquet").exists() for f in FAMILIES):
        raw = {f: io.read_table(private / f"{'scores' if f == 'items' else f}.parquet") for f in FAMILIES}
        tables, log = stand_in_disclosure(raw)
        tables["disclosure_log"] = log
    else:
        return None
    rec = results / "reconciliation.csv"
    if rec.exists():
        tables["reconciliation"] = pd.read_csv(rec, dtype={"scope": "string", "measure": "string"})
    return tables


def run_manifest(cohort: str, tables: dict[str, pd.DataFrame]) -> dict:
    cfg = load_cohort(ROOT / "config" / "cohorts" / f"{cohort}.yaml")
    hashes = {}
    for export in cfg.exports:
        path = ROOT / export.path
        hashes[export.path] = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "0" * 64
    files = [str(ROOT / "config" / "config.yaml"), str(instrument_path(cfg.instrument))]
    return manifest.build_manifest(
        cohort,
        load_yaml(ROOT / "config" / "config.yaml"),
        files,
        hashes,
        tables["reconciliation"],
        tables["units"],
        tables["items"],
        ROOT,
    )


# --- the build ----------------------------------------------------------------------------------


@dataclass
class Build:
    root: Path
    tables: dict[str, dict[str, pd.DataFrame]]
    instruments: dict[str, object]
    cohorts: dict[str, object]
    sources: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    rendered: dict[Path, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def report_dir(self, cohort: str = MAIN) -> Path:
        return self.root / cohort / "report"

    def doc(self, name: str, lang: str, fmt: str = "html", cohort: str = MAIN) -> Path:
        return self.report_dir(cohort) / lang / f"{name}.{fmt}"


def _figures(build: Build, cohort: str, lang: str, units_wanted: set[str]) -> Path:
    """The charts: the workflow's when it made them, else drawn here for the sampled units
    of the main cohort only (plotnine is the slow part of this build)."""
    made = ROOT / "results" / cohort / "figures" / lang
    if made.is_dir() and any(made.glob("BE_*.svg")):
        return made
    outdir = build.root / cohort / "figures" / lang
    if cohort != MAIN:
        outdir.mkdir(parents=True, exist_ok=True)
        return outdir
    tables, instrument = build.tables[cohort], build.instruments[cohort]
    items, units = tables["items"], tables["units"]
    items = items[items["unit"].isin(units_wanted)]
    units = units[units["unit"].isin(units_wanted)]
    labels = {lang: {v.name: v.label.get(lang, v.name) for v in instrument.items()}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plotnine: "removed rows with missing values" (withheld)
        figures.write_figures(
            items, units, labels, lang, outdir, item_order=[v.name for v in instrument.items()]
        )
    return outdir


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> Build:
    tables = {c: published_tables(c) for c in COHORTS}
    if tables[MAIN] is None:
        pytest.skip(
            "no published or indicator tables of the demo cohort (run `snakemake` or the demo "
            "build up to the indicators stage first)"
        )
    tables = {c: t for c, t in tables.items() if t is not None}
    cohorts = {c: load_cohort(ROOT / "config" / "cohorts" / f"{c}.yaml") for c in tables}
    instruments = {c: load_instrument(instrument_path(cfg.instrument)) for c, cfg in cohorts.items()}
    b = Build(tmp_path_factory.mktemp("report-build"), tables, instruments, cohorts)
    catalogue = load_yaml(ROOT / "config" / "indicators.yaml")
    labels = {c: cfg.label for c, cfg in cohorts.items()}
    trend_tables = None
    if len(tables) > 1:
        trend_tables = {
            "reach": trend.reach_trend({c: t["reach"] for c, t in tables.items()}, labels),
            "scores": trend.score_trend({c: t["items"] for c, t in tables.items()}, labels, instruments),
        }
    start = time.perf_counter()
    to_render: list[tuple[Path, list[str]]] = []
    for cohort, t in tables.items():
        wanted = {"BE"} | {u for us in SHEETS.values() for u in us}
        for lang in ("nl", "fr"):
            figs = _figures(b, cohort, lang, wanted)
            out = b.report_dir(cohort) / lang
            b.sources[(cohort, lang)] = report.write_sources(
                t,
                cohorts[cohort].raw,
                instruments[cohort],
                lang,
                figs,
                out,
                min_n=MIN_N,
                catalogue=catalogue,
                manifest=run_manifest(cohort, t) if "reconciliation" in t else None,
                trend=trend_tables,
            )
            formats = ["html", "pdf"] if cohort == MAIN else ["html"]
            to_render.append((out / "national.qmd", formats))
            if cohort == MAIN:
                for project in SHEETS[lang]:
                    qmd = out / f"factsheet-{project}.qmd"
                    if qmd.exists():
                        to_render.append((qmd, ["html", "pdf"]))
    b.seconds["sources"] = time.perf_counter() - start
    start = time.perf_counter()
    for formats in (["html"], ["pdf"]):
        docs = [q for q, f in to_render if formats[0] in f]
        b.rendered.update(render.render_all(docs, formats, engine="pandoc"))
    b.seconds["render"] = time.perf_counter() - start
    # the index links what was rendered (here: a sample), as the workflow's index links all
    for cohort in tables:
        index = report.write_index(
            tables[cohort]["units"].loc[
                lambda u: (u["level"] != "project") | u["unit"].isin(SHEETS["nl"] + SHEETS["fr"])
            ],
            cohorts[cohort].label,
            ["nl", "fr"],
            b.report_dir(cohort),
            demo=True,
            formats=["html", "pdf"] if cohort == MAIN else ["html"],
            engine=render.engine_label("pandoc"),
        )
        b.sources[(cohort, "index")] = [index]
    return b


def html_text(path: Path) -> str:
    """The visible text of a rendered page (no tags, styles or scripts), whitespace collapsed."""
    import re
    from html import unescape

    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<head\b.*?</head>", " ", html, flags=re.S | re.I)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    text = text.replace("\u2019", "'")  # pandoc typographic apostrophes
    return re.sub(r"\s+", " ", text)
