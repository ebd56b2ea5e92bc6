"""Rule render_report: every source of one language -> HTML and PDF, in one process.

The sources are copied into the output directory (the contract keeps .qmd, .html and .pdf
side by side) and rendered there: by one `quarto render` call, or by pandoc + typst.
"""

import json
import shutil
from pathlib import Path

from miriam.provenance import logs
from miriam.report import render


def main(snakemake):
    src, out = Path(snakemake.input[0]), Path(snakemake.output[0])
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out)
    engine = render.choose_engine(snakemake.params.engine)
    outputs = render.render_all(
        sorted(out.glob("*.qmd")),
        list(snakemake.params.formats),
        engine,
        jobs=snakemake.threads,  # the rule's `threads:` (as granted by Snakemake)
        cache_dir=snakemake.params.get("cache") or None,
    )
    manifest = {"engine": render.engine_label(engine), "outputs": [p.name for p in outputs]}
    (out / "_render.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


logs.run_step(snakemake, main)  # noqa: F821
