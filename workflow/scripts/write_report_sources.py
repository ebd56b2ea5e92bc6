"""Rule write_report_sources: published tables -> Quarto sources (.qmd) for one language."""

from pathlib import Path

import pandas as pd

from miriam import config, io, logs, report


def main(snakemake):
    items = io.read_table(snakemake.input.scores)
    units = io.read_table(snakemake.input.units)
    reconciliation = pd.read_csv(
        snakemake.input.reconciliation,
        dtype={"scope": "string", "measure": "string", "count": "int64"},
    )
    cohort = config.load_cohort(snakemake.input.cohort)
    instrument = config.load_instrument(snakemake.input.instrument)
    report.write_sources(
        items,
        units,
        reconciliation,
        cohort.raw,
        instrument,
        snakemake.params.lang,
        Path(snakemake.input.figures),
        Path(snakemake.output[0]),
        min_n=int(snakemake.params.min_n),
        templates=Path(snakemake.input.templates),
        strings_dir=Path(snakemake.input.strings).parent,
    )


logs.run_step(snakemake, main)  # noqa: F821
