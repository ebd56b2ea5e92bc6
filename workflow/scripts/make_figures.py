"""Rule make_figures: one begin/end chart (SVG + alt text) per published unit and item group."""

from pathlib import Path

from miriam import config, figures, io, logs


def main(snakemake):
    # The published items table is named `scores` in the rule (`items` would clash with the
    # Namedlist method of that name); accept either.
    items_path = snakemake.input.get("scores") or snakemake.input.get("items")
    instrument_path = snakemake.params.get("instrument") or snakemake.input.get("instrument")
    lang = snakemake.params.lang
    instrument = config.load_instrument(instrument_path)
    labels = {
        lang: {v.name: v.label.get(lang, v.name) for v in instrument.items()},
    }
    figures.write_figures(
        io.read_table(items_path),
        io.read_table(snakemake.input.units),
        labels,
        lang,
        Path(snakemake.output[0]),
        item_order=[v.name for v in instrument.items()],
        scales={v.name: figures.scale_of(v.scale, lang) for v in instrument.items()},
        cache_dir=snakemake.params.get("cache") or None,
    )


logs.run_step(snakemake, main)  # noqa: F821
