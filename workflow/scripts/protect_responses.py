"""Rule protect_responses: generalise quasi-identifiers; keep only what indicators may use."""

from miriam import config, io, protect
from miriam.provenance import logs


def main(snakemake):
    cohort = config.load_cohort(snakemake.input.cohort)
    instrument = config.load_instrument(snakemake.input.instrument)
    reference = config.load_ocmw_reference(snakemake.input.reference)
    groups = config.load_yaml(snakemake.input.groups)
    responses = io.read_table(snakemake.input.responses)
    protected = protect.protect_cohort(
        responses, instrument, reference, groups, cohort, snakemake.params.generalise
    )
    io.write_table(protected, snakemake.output.protected, sort_by=["pseudonym", "wave"])


logs.run_step(snakemake, main)  # noqa: F821
