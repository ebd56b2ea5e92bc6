"""Rule write_manifest: code version, config hash, input checksums and rows per step."""

import json
from pathlib import Path

import pandas as pd

from miriam import io, logs, manifest


def main(snakemake):
    built = manifest.build_manifest(
        cohort=snakemake.wildcards.cohort,
        config=dict(snakemake.params.config),
        config_files=list(snakemake.input.config_files),
        input_hashes=json.loads(Path(snakemake.input.hashes).read_text()),
        reconciliation=pd.read_csv(snakemake.input.reconciliation),
        units=io.read_table(snakemake.input.units),
        scores=io.read_table(snakemake.input.scores),
        root=Path(snakemake.params.workflow_dir),
    )
    io.write_text(json.dumps(built, indent=2, sort_keys=True) + "\n", snakemake.output[0])


logs.run_step(snakemake, main)  # noqa: F821
