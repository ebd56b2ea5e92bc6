"""Rule verify_cohort: the private indicator families -> verification/<cohort>/ (never published)."""

from pathlib import Path

from miriam import io
from miriam.provenance import logs, verification

NOT_TABLES = {"cohort"}


def main(snakemake):
    tables = {name: io.read_table(path) for name, path in snakemake.input.items() if name not in NOT_TABLES}
    verification.write_verification(
        tables,
        snakemake.wildcards.cohort,
        snakemake.params.convention,
        Path(snakemake.output[0]).parent,
    )


logs.run_step(snakemake, main)  # noqa: F821
