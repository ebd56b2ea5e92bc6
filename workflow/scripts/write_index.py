"""Rule write_index: the report's entry page (language switch, links to every document)."""

import json
from pathlib import Path

from miriam import config, io, report
from miriam.provenance import logs, published


def main(snakemake):
    units = io.read_table(snakemake.input.units)
    cohort = config.load_cohort(snakemake.input.cohort)
    engine = None
    for directory in snakemake.input.reports:
        manifest = Path(directory) / "_render.json"
        if manifest.exists():
            engine = json.loads(manifest.read_text(encoding="utf-8"))["engine"]
            break
    report.write_index(
        units,
        cohort.label,
        list(snakemake.params.languages),
        Path(snakemake.output[0]).parent,
        demo=cohort.demo,
        formats=list(snakemake.params.formats),
        engine=engine,
        min_n=snakemake.params.min_n,
        min_count=snakemake.params.min_count,
        other_cohorts=[tuple(pair) for pair in snakemake.params.other_cohorts],
    )
    # The last rule of the cohort: its report is complete from the current inputs.
    published.publish(snakemake.wildcards.cohort)


logs.run_step(snakemake, main)  # noqa: F821
