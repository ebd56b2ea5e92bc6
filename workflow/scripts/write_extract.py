"""Rule write_extract: the pseudonymised extract kept for re-use, only if k-anonymous."""

from miriam import config, io, protect
from miriam.provenance import logs


def main(snakemake):
    settings = snakemake.params.extract
    table = protect.extract(
        io.read_table(snakemake.input.protected),
        config.load_instrument(snakemake.input.instrument),
        quasi_identifiers=list(settings["quasi_identifiers"]),
        k=int(settings["k"]),
    )
    io.write_table(table, snakemake.output.extract, sort_by=["pseudonym", "wave"])


logs.run_step(snakemake, main)  # noqa: F821
