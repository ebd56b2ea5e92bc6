"""Rule ingest_exports: raw exports -> canonical, pseudonymised rows (private zone)."""

import json
from pathlib import Path

from miriam import config, ingest, io
from miriam.provenance import logs


def main(snakemake):
    cohort = config.load_cohort(snakemake.input.cohort)
    instrument = config.load_instrument(snakemake.input.instrument)
    reference = config.load_ocmw_reference(snakemake.input.reference)
    aliases = config.load_yaml(snakemake.input.aliases)
    settings = {"parsing": snakemake.params.parsing, "pseudonym": snakemake.params.pseudonym}
    rows, issues, hashes = ingest.ingest_cohort(cohort, instrument, reference, settings, aliases=aliases)
    io.make_private_dir(Path(snakemake.output.rows).parent)
    io.write_table(rows, snakemake.output.rows, sort_by=["source_file", "source_row"])
    io.write_table(issues, snakemake.output.issues, sort_by=["source_file", "source_row", "column"])
    io.write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n", snakemake.output.hashes)


logs.run_step(snakemake, main)  # noqa: F821 (snakemake is injected by the script directive)
