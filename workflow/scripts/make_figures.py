"""Rule make_figures: every chart of one cohort's report in one language.

- one begin/end chart (SVG + alt text) per published unit and item group, from the published
  items table;
- the programme charts: the scale chart of all OCMWs (public reference data and the cohort
  configs) and the trend over this cohort and the ones before it (published trend tables).
No woman's data: only disclosure-checked tables and public reference data come in. Means and
differences are printed at the cohort's decimals of means (param `precision`, as the report's
tables beside the charts).
"""

from pathlib import Path

import pandas as pd

from miriam import config, figures, io
from miriam.provenance import logs


def mean_places(snakemake) -> int:
    """The cohort's decimals of means (config `precision`, a cohort file's own)."""
    return int((snakemake.params.get("precision") or {}).get("mean", 1))


def unit_charts(snakemake, instrument, lang):
    # The published items table is named `scores` in the rule (`items` would clash with the
    # Namedlist method of that name).
    figures.write_figures(
        io.read_table(snakemake.input.scores),
        io.read_table(snakemake.input.units),
        {lang: {v.name: v.label.get(lang, v.name) for v in instrument.items()}},
        lang,
        Path(snakemake.output.units),
        item_order=[v.name for v in instrument.items()],
        scales={v.name: figures.scale_of(v.scale, lang) for v in instrument.items()},
        cache_dir=snakemake.params.get("cache") or None,
        mean_places=mean_places(snakemake),
    )


def programme_charts(snakemake, instrument, lang):
    # The rule passes this cohort and the ones before it: an OCMW's MIRIAM cohorts "so far".
    cohorts = {c.name: c for c in map(config.load_cohort, snakemake.input.cohorts)}
    this = cohorts[snakemake.wildcards.cohort]
    participation: dict[str, int] = {}
    for cohort in cohorts.values():
        for ocmw in set(cohort.projects["ocmw_id"].astype(str)):
            participation[ocmw] = participation.get(ocmw, 0) + 1
    figures.write_programme_figures(
        Path(snakemake.output.programme),
        lang,
        reference=pd.read_csv(snakemake.input.leefloon, dtype={"ocmw_id": "string"}),
        participation=participation,
        label=str(this.label),
        illustrative=bool(snakemake.params.illustrative),
        trend_scores=io.read_table(snakemake.input.trend_scores),
        trend_reach=io.read_table(snakemake.input.trend_reach),
        labels={v.name: v.label.get(lang, v.name) for v in instrument.items()},
        cache_dir=snakemake.params.get("cache") or None,
        mean_places=mean_places(snakemake),
    )


def main(snakemake):
    lang = snakemake.params.lang
    instrument = config.load_instrument(snakemake.params.instrument)
    unit_charts(snakemake, instrument, lang)
    programme_charts(snakemake, instrument, lang)


logs.run_step(snakemake, main)  # noqa: F821
