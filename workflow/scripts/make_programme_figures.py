"""Rule make_programme_figures: the scale chart of all OCMWs and the trend over cohorts.

Programme-level, from public reference data, the cohort configs and the published trend
tables only: no woman's data. Kept apart from the per-unit charts so that a change in another
cohort (which changes the trend) does not redraw this cohort's unit charts.
"""

from pathlib import Path

import pandas as pd

from miriam import config, figures, io, logs


def main(snakemake):
    lang = snakemake.params.lang
    # The rule passes this cohort and the ones before it: an OCMW's MIRIAM cohorts "so far".
    cohorts = {c.name: c for c in map(config.load_cohort, snakemake.input.cohorts)}
    this = cohorts[snakemake.wildcards.cohort]
    participation: dict[str, int] = {}
    for cohort in cohorts.values():
        for ocmw in set(cohort.projects["ocmw_id"].astype(str)):
            participation[ocmw] = participation.get(ocmw, 0) + 1
    instrument = config.load_instrument(snakemake.input.instrument)
    figures.write_programme_figures(
        Path(snakemake.output[0]),
        lang,
        reference=pd.read_csv(snakemake.input.leefloon, dtype={"ocmw_id": "string"}),
        participation=participation,
        label=str(this.label),
        illustrative=bool(snakemake.params.illustrative),
        trend_scores=io.read_table(snakemake.input.trend_scores),
        trend_reach=io.read_table(snakemake.input.trend_reach),
        labels={v.name: v.label.get(lang, v.name) for v in instrument.items()},
        cache_dir=snakemake.params.get("cache") or None,
    )


logs.run_step(snakemake, main)  # noqa: F821
