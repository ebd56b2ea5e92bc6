"""Rule compute_indicators: every family of the catalogue, per OCMW, project, region, nation.

Not yet disclosure-checked: the outputs stay in the private zone until rule disclose_indicators.
"""

from pathlib import Path

from miriam import config, indicators, io
from miriam.provenance import logs


def main(snakemake):
    cohort = config.load_cohort(snakemake.input.cohort)
    protected = io.read_table(snakemake.input.protected)
    tables = indicators.compute_all(
        protected,
        config.load_instrument(snakemake.input.instrument),
        config.load_ocmw_reference(snakemake.input.reference),
        config.load_catalogue(snakemake.input.catalogue),
        cohort.projects,
        cohort.first_year,
    )
    # The children table (n counts children, not women): a rule of its own publishes it
    # (miriam.disclosure.children); the verification build has it in full.
    tables["children"] = indicators.children_family(
        protected, snakemake.params.generalise.get("children_table_bands")
    )
    io.make_private_dir(Path(snakemake.output.scores).parent)
    for family, table in tables.items():
        io.write_table(table, snakemake.output[family])


logs.run_step(snakemake, main)  # noqa: F821
