"""Rule protect_responses: generalise quasi-identifiers; keep only what indicators may use."""

from miriam import config, io, logs, protect


def main(snakemake):
    cohort = config.load_cohort(snakemake.input.cohort)
    instrument = config.load_instrument(snakemake.input.instrument)
    reference = config.load_ocmw_reference(snakemake.input.reference)
    groups = config.load_yaml(snakemake.input.groups)
    responses = io.read_table(snakemake.input.responses)
    protected = protect.protect(
        responses,
        instrument,
        reference,
        groups,
        age_bounds=snakemake.params.generalise["age_bands"],
        large_city_population=snakemake.params.generalise["large_city_population"],
        reference_year=cohort.first_year,
        age_group_cut=snakemake.params.generalise["age_group_cut"],
        stop_month_bands=snakemake.params.generalise["stop_month_bands"],
        programme_start=str(cohort.raw["window"]["start"]),
    )
    io.write_table(protected, snakemake.output.protected, sort_by=["pseudonym", "wave"])


logs.run_step(snakemake, main)  # noqa: F821
