"""Per-cohort settings: a cohort file may override the global defaults of config/config.yaml.

Overridable (issue 14, src/miriam/config/schemas/cohort.schema.yaml): `disclosure` (min_n, min_count,
levels), `generalise` (every key of config `generalise`, plus `max_children` and
`child_age_bands` of config/reference/groups.yaml and the children table's bands) and
`precision` (decimals of published means and percentages). A key the cohort does not set keeps
the global value; `levels` is replaced per family. The rules receive the merged settings
through `params`, so that checking one cohort against a paper never changes another cohort.
"""

from __future__ import annotations

import copy
from typing import Any

#: Published precision when neither config.yaml nor the cohort sets one: means with one
#: decimal, percentages whole. The report and the charts print at the cohort's precision too.
DEFAULT_PRECISION = {"mean": 1, "pct": 0}
#: Tabel 11 of the 2018-2019 report: children per age band (lower bound in years, label as
#: printed), plus the children without a birth year. An age is the age reference date's year
#: minus the birth year; a band runs from its lower bound up to the next one's (so a child of
#: 12 is in "12-15", of 15 in "15-18"); children of 18 or more are in "18+".
DEFAULT_CHILDREN_BANDS = [
    {"from": 0, "label": "0-2"},
    {"from": 3, "label": "3-5"},
    {"from": 6, "label": "6-12"},
    {"from": 12, "label": "12-15"},
    {"from": 15, "label": "15-18"},
    {"from": 18, "label": "18+"},
]
NO_BIRTH_YEAR = "no_birth_year"


def cohort_settings(config: dict[str, Any], cohort_raw: dict[str, Any]) -> dict[str, Any]:
    """The settings of one cohort: the global ones, overridden key by key by its file."""
    disclosure = copy.deepcopy(config["disclosure"])
    own = cohort_raw.get("disclosure", {})
    for key in ("min_n", "min_count"):
        if key in own:
            disclosure[key] = own[key]
    if "levels" in own:
        disclosure["levels"] = {**disclosure.get("levels", {}), **own["levels"]}
    generalise = {**copy.deepcopy(config["generalise"]), **cohort_raw.get("generalise", {})}
    generalise.setdefault("children_table_bands", DEFAULT_CHILDREN_BANDS)
    precision = {**DEFAULT_PRECISION, **config.get("precision", {}), **cohort_raw.get("precision", {})}
    verification = dict(cohort_raw.get("verification", {}))
    verification.setdefault("convention", "endline_minus_baseline")
    return {
        "disclosure": disclosure,
        "generalise": generalise,
        "precision": precision,
        "verification": verification,
    }


def groups_for(groups: dict[str, Any], generalise: dict[str, Any]) -> dict[str, Any]:
    """config/reference/groups.yaml with a cohort's own `max_children` / `child_age_bands`."""
    out = dict(groups)
    for key in ("max_children", "child_age_bands"):
        if key in generalise:
            out[key] = generalise[key]
    return out
