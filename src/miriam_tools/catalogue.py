"""Generate docs/indicators.md from config/indicators.yaml and the codebook.

Run `python -m miriam_tools.catalogue > docs/indicators.md`; a test fails when the page is stale, so
the documentation always says what the code computes.
"""

from __future__ import annotations

import sys

from miriam.config import instrument_path, load_catalogue, load_instrument, load_yaml
from miriam.indicators import family_of
from miriam.vocab import LEVELS

KIND_TEXT = {
    "item_change": "per score item: n at each wave and paired; means over paired women; difference; % improved / unchanged / declined",
    "progress": "share of paired women whose mean change over the group's items is above the threshold",
    "share": "share of women with one of the listed answers at the wave",
    "paired_share": "share at baseline and endline over women answering both, and the change in percentage points",
    "distribution": "count and share of each category",
    "followup_change": "per item of the group asked at the follow-up (indicator `<id>_<item>`), "
    "from each compared wave to the follow-up (wave `<wave>_to_followup`): improved / stable "
    "(the same whole score) / declined",
    "followup_declined": "per woman, the number of the group's items that declined from the "
    "compared wave to the follow-up (categories 0 to the number of items)",
}


UNIT = {
    "item_change": "mean score (the item's scale) and difference; % of women",
    "progress": "% of women",
    "share": "% of women (and count)",
    "paired_share": "% of women at each wave; change in percentage points",
    "distribution": "count and % per category",
    "followup_change": "count and % per category",
    "followup_declined": "count and % per number of items",
}


def population(spec: dict) -> str:
    """Who an indicator counts, in words (from its kind, wave, restriction and denominator)."""
    kind = spec["kind"]
    if kind in ("item_change", "progress"):
        text = "women with a score at both waves"
        if kind == "progress":
            text += " (on enough of the group's items)"
    elif kind == "paired_share":
        text = "women who answered at both waves"
    elif kind == "followup_change":
        text = "follow-up women with a score at the compared wave and at the follow-up"
    elif kind == "followup_declined":
        text = "follow-up women with both scores on every item of the group"
    elif spec.get("denominator") == "women":
        text = "every woman of the unit (no answer counts as no)"
    else:
        text = f"women who answered at the {spec.get('wave', '')}"
    if spec.get("where"):
        text += ", among those with " + ", ".join(f"{k} = {v}" for k, v in spec["where"].items())
    return text


def levels_of(family: str, config: dict | None) -> str:
    wanted = ((config or {}).get("disclosure", {}).get("levels") or {}).get(family)
    return ", ".join(wanted or LEVELS)


def render(catalogue: dict, instrument_version: str = "miriam-2023", config: dict | None = None) -> str:
    instrument = load_instrument(instrument_path(instrument_version))

    def family(spec: dict) -> str:  # the published table (the scores family is `items`)
        name = family_of(spec)
        return "items" if name == "scores" else name

    lines = [
        "# Indicator catalogue",
        "",
        "Generated from `config/indicators.yaml` (and `config/config.yaml` for the published",
        "levels) by `python -m miriam_tools.catalogue`; do not edit by hand. Every number passes",
        "disclosure control (docs/disclosure.md) before it is published; the table a number is",
        "published in is `results/<cohort>/<table>.csv`, described column by column in",
        "`results/<cohort>/data_dictionary.csv`.",
        "",
        "| id | label (NL / FR) | kind | population | unit | table, levels | computation |",
        "|---|---|---|---|---|---|---|",
    ]
    for spec in catalogue["indicators"]:
        detail = KIND_TEXT[spec["kind"]]
        if "variable" in spec:
            detail += f"; variable `{spec['variable']}`"
        if "codes" in spec:
            detail += f", answers {', '.join(map(str, spec['codes']))}"
        if spec["kind"] == "progress":
            detail += f"; threshold {spec['above']}, at least {catalogue.get('progress_min_items', 1)} items"
        if "compare" in spec:
            detail += f"; group `{spec['group']}`, compared: {', '.join(spec['compare'])}"
        table = family(spec)
        lines.append(
            f"| `{spec['id']}` | {spec['label']['nl']} / {spec['label']['fr']} | {spec['kind']} | "
            f"{population(spec)} | {UNIT[spec['kind']]} | {table}: {levels_of(table, config)} | {detail} |"
        )
    lines += ["", "## Definitions", ""]
    for spec in catalogue["indicators"]:
        lines += [
            f"- `{spec['id']}`: {spec['definition']['nl']}",
            f"  / {spec['definition']['fr']}",
        ]
    lines += [
        "",
        "## Reach (table `reach`)",
        "",
        "Per national and regional unit: `women` (every woman with at least one kept response),",
        "`women_paired` (with scores at both waves), `ocmws`, `projects` and `consortia` (projects",
        "of several OCMWs) taking part, and `new_entrants` (projects whose first year is this",
        "cohort's). The last four count organisations, which the programme makes public.",
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
    lines += ["", "## Subgroups (table `subgroups`, national)", ""]
    for subgroup in catalogue.get("subgroups", []):
        values = "; ".join(f"`{k}`: {v['nl']} / {v['fr']}" for k, v in subgroup["values"].items())
        lines.append(
            f"- `{subgroup['id']}` ({subgroup['label']['nl']} / {subgroup['label']['fr']}): {values}"
        )
    lines += [
        "",
        "## Follow-up (table `followup`, " + levels_of("followup", config) + ")",
        "",
        "Only for a cohort that declares a follow-up wave (`followup:` in its config, exports with",
        "`wave: followup`); for any other cohort the table is empty (it has its columns, no rows).",
        "Distributions-shaped (`indicator, wave, category, n, count, pct`): per life domain",
        "`followup_<item>` with waves `endline_to_followup` and `baseline_to_followup` and categories",
        "`improved`, `stable` (the same whole score), `declined`; `followup_domains_declined`",
        "(wave `endline_to_followup`, categories `0` .. `6`); `work_situation` (wave `followup`).",
        "The follow-up group is small and not a random sample of the cohort: it is reported",
        "nationally only, and wherever the report prints these numbers it says so.",
        "",
        "## Statistical annex (table `tests`, " + levels_of("tests", config) + ")",
        "",
        "Per item and unit, over women with both scores: mean difference, SD, SE, 95 % CI, paired t,",
        "df, two-sided p; Wilcoxon signed-rank V and p (zeros dropped, normal approximation with",
        "continuity correction, as R's wilcox.test); Cohen's d_z; matched-pairs rank-biserial r.",
        "p-values are Holm-adjusted over the items of the instrument within a unit.",
        "Missing data: a woman counts for an item when she has a valid score at both waves; a",
        "rejected value (out of range, not a whole number) is missing for that item only.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render(load_catalogue("config/indicators.yaml"), config=load_yaml("config/config.yaml")))
