"""Rule write_manifest: code version (commit, and the code digest of every rule), config hash,
input checksums and rows per step."""

import json
from pathlib import Path

import pandas as pd

from miriam import io
from miriam.provenance import logs, manifest


def main(snakemake):
    built = manifest.build_manifest(
        cohort=snakemake.wildcards.cohort,
        config=dict(snakemake.params.config),
        config_files=list(snakemake.input.config_files),
        input_hashes=json.loads(Path(snakemake.input.hashes).read_text()),
        processing=pd.read_csv(snakemake.input.processing, dtype={"measure": "string", "count": "Int64"}),
        units=io.read_table(snakemake.input.units),
        scores=io.read_table(snakemake.input.scores),
        # the checkout the workflow runs from (scripts are in <root>/workflow/scripts): not a
        # param, so that moving the checkout does not re-run the manifest
        root=Path(snakemake.scriptdir).parents[1],
        rules=dict(snakemake.params.rules),
    )
    io.write_text(json.dumps(built, indent=2, sort_keys=True) + "\n", snakemake.output[0])


logs.run_step(snakemake, main)  # noqa: F821
