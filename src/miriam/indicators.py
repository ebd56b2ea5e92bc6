"""Indicators: aggregates per OCMW, project, region and nationally, from the protected microdata.

Definitions (docs/indicators.md):
- a woman belongs to the OCMW (and so the project and region) of her baseline response, or of
  her endline response when she has no baseline;
- n_baseline / n_endline: women with a valid score at that wave; n_paired: at both;
- mean_baseline, mean_endline and mean_diff are computed over the paired women only, so that
  the difference is exactly endline minus baseline for the same women (the published layout);
- the output is not yet disclosure-checked: it stays in the private zone until `disclose`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from miriam.config import Instrument

LEVELS = ("national", "region", "project", "ocmw")
LEVEL_COLUMN = {"national": "national", "region": "region", "project": "project_id", "ocmw": "ocmw_id"}
REGION_NAMES = {
    "flanders": ("Vlaanderen", "Flandre", "nl"),
    "brussels": ("Brussels Hoofdstedelijk Gewest", "Région de Bruxelles-Capitale", "nl|fr"),
    "wallonia": ("Wallonië", "Wallonie", "fr"),
}
ITEM_COLUMNS = [
    "level", "unit", "item", "group", "n_baseline", "n_endline", "n_paired",
    "mean_baseline", "mean_endline", "mean_diff", "sd_diff",
]


def women(protected: pd.DataFrame) -> pd.DataFrame:
    """One row per woman with her grouping (baseline wave first, else endline)."""
    ordered = protected.assign(_order=protected["wave"].map({"baseline": 0, "endline": 1}))
    first = ordered.sort_values(["pseudonym", "_order"]).drop_duplicates("pseudonym")
    out = first[["pseudonym", "ocmw_id", "project_id", "region"]].copy()
    out["national"] = "BE"
    waves = protected.groupby("pseudonym")["wave"].agg(set)
    out["has_baseline"] = out["pseudonym"].map(waves.map(lambda w: "baseline" in w)).astype(bool)
    out["has_endline"] = out["pseudonym"].map(waves.map(lambda w: "endline" in w)).astype(bool)
    return out.reset_index(drop=True)


def wide_scores(protected: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Scores per woman: columns (item, wave), index pseudonym."""
    numeric = protected[["pseudonym", "wave", *items]].copy()
    numeric[items] = numeric[items].astype("Float64").astype("float64")
    wide = numeric.pivot(index="pseudonym", columns="wave", values=items)
    return wide.reindex(columns=pd.MultiIndex.from_product([items, ["baseline", "endline"]]))


def item_table(protected: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Per unit and item: n at each wave and paired, means over the paired women."""
    item_vars = instrument.items()
    names = [v.name for v in item_vars]
    scores = wide_scores(protected, names)
    members = women(protected).set_index("pseudonym")
    records = []
    for level in LEVELS:
        unit_of = members[LEVEL_COLUMN[level]]
        for var in item_vars:
            base, end = scores[(var.name, "baseline")], scores[(var.name, "endline")]
            frame = pd.DataFrame({"unit": unit_of, "b": base.reindex(unit_of.index), "e": end.reindex(unit_of.index)})
            frame["paired"] = frame["b"].notna() & frame["e"].notna()
            frame["d"] = frame["e"] - frame["b"]
            for unit, g in frame.groupby("unit", sort=True):
                p = g[g["paired"]]
                records.append(
                    {
                        "level": level,
                        "unit": unit,
                        "item": var.name,
                        "group": var.group,
                        "n_baseline": int(g["b"].notna().sum()),
                        "n_endline": int(g["e"].notna().sum()),
                        "n_paired": len(p),
                        "mean_baseline": p["b"].mean() if len(p) else np.nan,
                        "mean_endline": p["e"].mean() if len(p) else np.nan,
                        "mean_diff": p["d"].mean() if len(p) else np.nan,
                        "sd_diff": p["d"].std(ddof=1) if len(p) > 1 else np.nan,
                    }
                )
    table = pd.DataFrame(records, columns=ITEM_COLUMNS)
    return _sorted(table, ["item"])


def unit_table(protected: pd.DataFrame, reference: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """One row per unit: names, parent, report languages and the women counted in it."""
    members = women(protected)
    items = [v.name for v in instrument.items()]
    scores = wide_scores(protected, items)
    complete_b = scores.xs("baseline", axis=1, level=1).notna().any(axis=1)
    complete_e = scores.xs("endline", axis=1, level=1).notna().any(axis=1)
    members["scored_baseline"] = members["pseudonym"].map(complete_b).fillna(False).astype(bool)
    members["scored_endline"] = members["pseudonym"].map(complete_e).fillna(False).astype(bool)
    ref = reference.set_index("nis_code")
    ocmw_projects = members.drop_duplicates("ocmw_id").set_index("ocmw_id")["project_id"]
    project_ocmws = (
        members[["project_id", "ocmw_id"]].drop_duplicates().sort_values("ocmw_id").groupby("project_id")["ocmw_id"].agg(list)
    )
    project_region = members.drop_duplicates("project_id").set_index("project_id")["region"]

    def names(level: str, unit: str) -> tuple[str, str, str, str, str]:
        if level == "national":
            return "België", "Belgique", "nl|fr", "", "BE"
        if level == "region":
            nl, fr, langs = REGION_NAMES[unit]
            return nl, fr, langs, unit, "BE"
        if level == "ocmw":
            r = ref.loc[unit]
            return r["name_nl"], r["name_fr"], r["report_languages"], r["region"], ocmw_projects[unit]
        ocmws = [ref.loc[o] for o in project_ocmws[unit]]
        langs = sorted({lang for r in ocmws for lang in r["report_languages"].split("|")})
        return (
            "-".join(r["name_nl"] for r in ocmws),
            "-".join(r["name_fr"] for r in ocmws),
            "|".join(langs),
            project_region[unit],
            project_region[unit],
        )

    records = []
    for level in LEVELS:
        for unit, g in members.groupby(LEVEL_COLUMN[level], sort=True):
            name_nl, name_fr, langs, region, parent = names(level, unit)
            records.append(
                {
                    "level": level,
                    "unit": unit,
                    "parent": parent if level != "national" else "",
                    "name_nl": name_nl,
                    "name_fr": name_fr,
                    "region": region,
                    "languages": langs,
                    "n_ocmws": len(project_ocmws[unit]) if level == "project" else int(g["ocmw_id"].nunique()),
                    "n_women": len(g),
                    "n_baseline": int(g["scored_baseline"].sum()),
                    "n_endline": int(g["scored_endline"].sum()),
                    "n_paired": int((g["scored_baseline"] & g["scored_endline"]).sum()),
                }
            )
    return _sorted(pd.DataFrame(records), [])


def _sorted(table: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    order = {level: i for i, level in enumerate(LEVELS)}
    table = table.assign(_l=table["level"].map(order)).sort_values(["_l", "unit", *extra], kind="stable")
    table = table.drop(columns="_l").reset_index(drop=True)
    for column in table.columns:
        if table[column].dtype == object or str(table[column].dtype) == "str":
            table[column] = table[column].astype("string")
    return table
