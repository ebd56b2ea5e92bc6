"""Trend over cohorts, built only from published (disclosure-checked) national tables.

Reach (women, OCMWs, projects, consortia, new entrants) for every cohort, and the scores of
items that two instrument versions share. An item is marked comparable only when it has the
same canonical name and the same scale in the instruments of both cohorts (the codebooks say
which items those are); others are listed but flagged, so no chart joins them.
"""

from __future__ import annotations

import pandas as pd

from miriam.config import Instrument

REACH_MEASURES = ["women", "women_paired", "ocmws", "projects", "consortia", "new_entrants"]


def reach_trend(reach: dict[str, pd.DataFrame], labels: dict[str, str]) -> pd.DataFrame:
    """National reach per cohort, long: cohort, label, measure, count."""
    frames = []
    for cohort, table in reach.items():
        national = table[(table["level"] == "national") & table["measure"].isin(REACH_MEASURES)]
        frames.append(national[["measure", "count"]].assign(cohort=cohort, label=labels[cohort]))
    out = pd.concat(frames, ignore_index=True)[["cohort", "label", "measure", "count"]]
    return out.sort_values(["label", "measure"]).reset_index(drop=True)


def comparable_items(instruments: dict[str, Instrument]) -> dict[str, bool]:
    """Item -> True when every cohort's instrument has it with the same scale."""
    seen: dict[str, set] = {}
    for instrument in instruments.values():
        for var in instrument.items():
            seen.setdefault(var.name, set()).add((var.scale.get("min"), var.scale.get("max"), var.group))
    return {
        name: len(scales) == 1 and all(name in i.variables for i in instruments.values())
        for name, scales in seen.items()
    }


def score_trend(
    scores: dict[str, pd.DataFrame], labels: dict[str, str], instruments: dict[str, Instrument]
) -> pd.DataFrame:
    """National paired means per cohort and item, with the `comparable` flag."""
    comparable = comparable_items(instruments)
    frames = []
    for cohort, table in scores.items():
        national = table[table["level"] == "national"]
        keep = ["item", "group", "n_paired", "mean_baseline", "mean_endline", "mean_diff"]
        frames.append(national[keep].assign(cohort=cohort, label=labels[cohort]))
    out = pd.concat(frames, ignore_index=True)
    out["comparable"] = out["item"].map(comparable).fillna(False).astype(bool)
    columns = [
        "cohort",
        "label",
        "item",
        "group",
        "comparable",
        "n_paired",
        "mean_baseline",
        "mean_endline",
        "mean_diff",
    ]
    return out[columns].sort_values(["item", "label"]).reset_index(drop=True)
