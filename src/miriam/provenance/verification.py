"""The verification build: a cohort's tables at full precision, for a reviewer only.

`snakemake --config verify=<cohort>` (or `verification: {build: true}` in the cohort file)
writes verification/<cohort>/ beside the normal build: every indicator family as computed,
before disclosure control (the minimum: nothing withheld, nothing rounded, every level), so
that a reviewer can hold the pipeline's numbers against a paper's (the 2018-2019 CIRTES
report prints cells of 0, 1 and 2 and five decimals). It is never published:
- the folder is owner-only (0700, files 0600: miriam.io's owner-only zones) and gitignored;
- no report, figure or index rule reads it (tests/workflow/test_dag_privacy.py: results only);
- every file starts with the stamp NOT FOR PUBLICATION, in Dutch, French and English.
The paired tests are given as computed (endline minus baseline) and, in `tests_paper.csv`, in
the cohort's `verification.convention` (baseline_minus_endline: SPSS's, as Tabel 14-15 print
them: the signs of the mean, the CI bounds swapped, t negated).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from miriam import io

STAMP = (
    "NIET VOOR PUBLICATIE / PAS POUR PUBLICATION / NOT FOR PUBLICATION - verification build of "
    "cohort {cohort}: no disclosure control, full precision; for checking against a paper only"
)
FLIPPED = ("mean_diff", "t", "cohen_dz", "rank_biserial")


def paper_convention(tests: pd.DataFrame, convention: str) -> pd.DataFrame:
    """The paired tests in a convention: endline_minus_baseline (as computed) or
    baseline_minus_endline (every signed statistic negated, the CI bounds swapped)."""
    out = tests.copy()
    if convention == "baseline_minus_endline":
        for column in (c for c in FLIPPED if c in out):
            out[column] = -out[column]
        out["ci_low"], out["ci_high"] = -tests["ci_high"], -tests["ci_low"]
    return out.assign(convention=convention)


def write_verification(
    tables: Mapping[str, pd.DataFrame], cohort: str, convention: str, outdir: str | Path
) -> list[Path]:
    """Write every family as a stamped CSV (full precision), the tests in the convention,
    and a stamped index page. Returns the files written, the index last."""
    outdir = Path(outdir)
    stamp = STAMP.format(cohort=cohort)
    written = []
    named = dict(tables)
    if "tests" in named:
        named["tests_paper"] = paper_convention(named["tests"], convention)
    for name, table in sorted(named.items()):
        path = outdir / f"{name}.csv"
        io.write_text(
            f"# {stamp}\n" + table.to_csv(index=False, lineterminator="\n", float_format="%.17g"), path
        )
        written.append(path)
    links = "\n".join(f'<li><a href="{p.name}">{p.name}</a></li>' for p in written)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>NOT FOR PUBLICATION: verification of {html.escape(cohort)}</title></head>
<body><p style="border:3px solid #b00;padding:1em;font-weight:bold;color:#b00">{html.escape(stamp)}</p>
<p>Paired tests in <code>tests_paper.csv</code>: {html.escape(convention.replace("_", " "))}.</p>
<ul>
{links}
</ul></body></html>
"""
    index = outdir / "index.html"
    io.write_text(page, index)
    written.append(index)
    return written
