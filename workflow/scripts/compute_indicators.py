"""Rule compute_indicators: aggregates per OCMW, project, region and nation (not yet disclosed)."""

from pathlib import Path

from miriam import config, indicators, io, logs


def main(snakemake):
    instrument = config.load_instrument(snakemake.input.instrument)
    reference = config.load_ocmw_reference(snakemake.input.reference)
    protected = io.read_table(snakemake.input.protected)
    io.make_private_dir(Path(snakemake.output.items).parent)
    io.write_table(indicators.item_table(protected, instrument), snakemake.output.items)
    io.write_table(indicators.unit_table(protected, reference, instrument), snakemake.output.units)


logs.run_step(snakemake, main)  # noqa: F821
