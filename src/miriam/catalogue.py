"""Generate docs/indicators.md from config/indicators.yaml and the codebook.

Run `python -m miriam.catalogue > docs/indicators.md`; a test fails when the page is stale, so
the documentation always says what the code computes.
"""

from __future__ import annotations

import sys

from miriam.config import instrument_path, load_instrument, load_yaml

KIND_TEXT = {
    "item_change": "per score item: n at each wave and paired; means over paired women; difference; % improved / unchanged / declined",
    "progress": "share of paired women whose mean change over the group's items is above the threshold",
    "share": "share of women with one of the listed answers at the wave",
    "paired_share": "share at baseline and endline over women answering both, and the change in percentage points",
    "distribution": "count and share of each category",
}


def render(catalogue: dict, instrument_version: str = "miriam-2023") -> str:
    instrument = load_instrument(instrument_path(instrument_version))
    lines = [
        "# Indicator catalogue",
        "",
        "Generated from `config/indicators.yaml` by `python -m miriam.catalogue`; do not edit by hand.",
        "Levels: OCMW, project, region, national (subgroups: national). Every number passes",
        "disclosure control (docs/disclosure.md) before it is published.",
        "",
        "| id | kind | definition (NL) | définition (FR) | computation |",
        "|---|---|---|---|---|",
    ]
    for spec in catalogue["indicators"]:
        detail = KIND_TEXT[spec["kind"]]
        if "variable" in spec:
            detail += f"; variable `{spec['variable']}`"
        if "codes" in spec:
            detail += f", answers {', '.join(map(str, spec['codes']))}"
        if "where" in spec:
            detail += f", among women with {spec['where']}"
        lines.append(
            f"| `{spec['id']}` | {spec['kind']} | {spec['definition']['nl']} | {spec['definition']['fr']} | {detail} |"
        )
    lines += [
        "",
        "## Score items",
        "",
        "| item | group | NL | FR | scale |",
        "|---|---|---|---|---|",
    ]
    for var in instrument.items():
        lines.append(
            f"| `{var.name}` | {var.group} | {var.label['nl']} | {var.label['fr']} | {var.scale['min']}-{var.scale['max']} |"
        )
    lines += ["", "## Subgroups", ""]
    for subgroup in catalogue.get("subgroups", []):
        values = "; ".join(f"`{k}`: {v['nl']} / {v['fr']}" for k, v in subgroup["values"].items())
        lines.append(
            f"- `{subgroup['id']}` ({subgroup['label']['nl']} / {subgroup['label']['fr']}): {values}"
        )
    lines += [
        "",
        "## Statistical annex",
        "",
        "Per item and unit, over women with both scores: mean difference, SD, SE, 95 % CI, paired t,",
        "df, two-sided p; Wilcoxon signed-rank V and p (zeros dropped, normal approximation with",
        "continuity correction, as R's wilcox.test); Cohen's d_z; matched-pairs rank-biserial r.",
        "p-values are Holm-adjusted over the items of the instrument within a unit.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render(load_yaml("config/indicators.yaml")))
