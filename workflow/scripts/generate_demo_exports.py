"""Snakemake script: write the seeded synthetic exports of a demo cohort.

Long layout (2023-2024 form exports): miriam_tools.demo; wide layout (MIRIAM 2.0): miriam_tools.demo_wide.
"""

import logging
from pathlib import Path

from miriam import config
from miriam.provenance.logs import run_step
from miriam_tools.demo import generate_cohort


def main(smk) -> None:
    cohort = config.load_cohort(config.cohort_path(smk.params.cohort))
    instrument = config.load_instrument(config.instrument_path(cohort.instrument))
    reference = config.load_ocmw_reference(smk.config["reference"]["ocmw"])
    generate = generate_cohort
    if instrument.layout == "wide":
        from miriam_tools.demo_wide import generate_wide as generate
    for path in generate(cohort, instrument, reference, root=Path(".")):
        logging.getLogger("miriam_tools.demo").info("wrote %s", path)


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
