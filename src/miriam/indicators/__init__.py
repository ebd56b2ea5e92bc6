"""Indicators: aggregates per OCMW, project, region and nationally, from the protected microdata.

Definitions (docs/indicators.md):
- a woman belongs to the OCMW (and so the project and region) of her baseline response, or of
  her endline response when she has no baseline;
- n_baseline / n_endline: women with a valid score at that wave; n_paired: at both;
- mean_baseline, mean_endline and mean_diff are computed over the paired women only, so that
  the difference is exactly endline minus baseline for the same women (the published layout);
- the output is not yet disclosure-checked: it stays in the private zone until `disclose`;
- the programme year's families are computed from the baseline and endline rows only; the
  follow-up rows (a cohort with a follow-up wave) feed the `followup` family alone
  (:func:`followup_table`), so that a follow-up never changes another published number.
"""

# size: about 620 lines. Each family (items, shares, distributions, subgroups, reach, follow-up)
# uses the per-level helpers of this module and compute_all uses every family: a module per
# family would import this one and be imported back by it (a cycle).

from __future__ import annotations

import numpy as np
import pandas as pd

from miriam.config import Instrument
from miriam.vocab import FOLLOWUP, LEVEL_COLUMN, LEVELS, REGION_NAMES, UNKNOWN, WAVES

ITEM_COLUMNS = [
    "level",
    "unit",
    "item",
    "group",
    "n_baseline",
    "n_endline",
    "n_paired",
    "mean_baseline",
    "mean_endline",
    "mean_diff",
    "sd_diff",
]


def home_rows(protected: pd.DataFrame) -> pd.DataFrame:
    """One row per woman: her baseline response, else her endline one. It decides her units
    and her subgroups, so that every table partitions the same women the same way."""
    ordered = protected.assign(_order=protected["wave"].map({"baseline": 0, "endline": 1}))
    first = ordered.sort_values(["pseudonym", "_order"], kind="stable").drop_duplicates("pseudonym")
    return first.drop(columns="_order")


def women(protected: pd.DataFrame) -> pd.DataFrame:
    """One row per woman with her grouping (baseline wave first, else endline)."""
    first = home_rows(protected)
    out = first[["pseudonym", "ocmw_id", "project_id", "region"]].copy()
    out["national"] = "BE"
    for wave in ("baseline", "endline"):
        out[f"has_{wave}"] = out["pseudonym"].isin(protected.loc[protected["wave"] == wave, "pseudonym"])
    return out.reset_index(drop=True)


def wide_scores(protected: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Scores per woman: columns (item, wave), index pseudonym."""
    numeric = protected[["pseudonym", "wave", *items]].copy()
    numeric[items] = numeric[items].astype("Float64").astype("float64")
    wide = numeric.pivot(index="pseudonym", columns="wave", values=items)
    return wide.reindex(columns=pd.MultiIndex.from_product([items, ["baseline", "endline"]]))


def paired_long(protected: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """One row per woman and item: baseline, endline, difference and her units at every level.

    The shared shape behind the item table, the change shares and the paired tests: built once,
    then aggregated with groupby (per-unit Python loops were the slow part of this stage).
    """
    names = [v.name for v in instrument.items()]
    scores = wide_scores(protected, names)
    long = pd.DataFrame(
        {
            "pseudonym": np.repeat(scores.index.to_numpy(), len(names)),
            "item": np.tile(names, len(scores)),
            "b": scores.xs("baseline", axis=1, level=1).to_numpy().ravel(),
            "e": scores.xs("endline", axis=1, level=1).to_numpy().ravel(),
        }
    )
    long["d"] = long["e"] - long["b"]
    members = women(protected).set_index("pseudonym")[[LEVEL_COLUMN[lv] for lv in LEVELS]]
    return long.join(members, on="pseudonym")


def _per_level(long: pd.DataFrame, aggregate) -> pd.DataFrame:
    """Apply `aggregate(grouped by unit and item) -> frame` at every level, stacked."""
    frames = []
    for level in LEVELS:
        frame = aggregate(long.groupby([LEVEL_COLUMN[level], "item"], sort=True))
        frame = frame.reset_index().rename(columns={LEVEL_COLUMN[level]: "unit"})
        frames.append(frame.assign(level=level))
    return pd.concat(frames, ignore_index=True)


def _with_wave_flags(long: pd.DataFrame) -> pd.DataFrame:
    """`paired_long` rows with what the item statistics count: a score at each wave, and the
    scores of the paired women (both waves) only."""
    paired = long["d"].notna()
    return long.assign(
        b_any=long["b"].notna(),
        e_any=long["e"].notna(),
        pb=long["b"].where(paired),
        pe=long["e"].where(paired),
        paired=paired,
    )


def _wave_stats(grouped, *, sd: bool = False) -> pd.DataFrame:
    """n at each wave and paired, and the means over the paired women (the difference is then
    exactly endline minus baseline); with `sd`, the SD of the differences."""
    columns = {
        "n_baseline": ("b_any", "sum"),
        "n_endline": ("e_any", "sum"),
        "n_paired": ("paired", "sum"),
        "mean_baseline": ("pb", "mean"),
        "mean_endline": ("pe", "mean"),
        "mean_diff": ("d", "mean"),
    }
    if sd:
        columns["sd_diff"] = ("d", "std")
    return grouped.agg(**columns)


def item_table(protected: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Per unit and item: n at each wave and paired, means over the paired women."""
    long = _with_wave_flags(paired_long(protected, instrument))
    table = _per_level(long, lambda grouped: _wave_stats(grouped, sd=True))
    table["group"] = table["item"].map({v.name: v.group for v in instrument.items()})
    table = table.astype({"n_baseline": "int64", "n_endline": "int64", "n_paired": "int64"})
    return _sorted(table[ITEM_COLUMNS], ["item"])


# size: one row per unit at each level, built from the same lookups (names, parents, languages,
# counts); split, each part would need all of them
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
        members[["project_id", "ocmw_id"]]
        .drop_duplicates()
        .sort_values("ocmw_id")
        .groupby("project_id")["ocmw_id"]
        .agg(list)
    )
    project_region = members.drop_duplicates("project_id").set_index("project_id")["region"]
    city_size = (
        home_rows(protected).drop_duplicates("ocmw_id").set_index("ocmw_id")["city_size"]
        if "city_size" in protected
        else pd.Series(dtype="string")
    )

    def names(level: str, unit: str) -> tuple[str, str, str, str, str]:
        if level == "national":
            return "België", "Belgique", "nl|fr", "", "BE"
        if level == "region":
            nl, fr, langs = REGION_NAMES[unit]
            return nl, fr, langs, unit, "BE"
        if level == "ocmw":
            r = ref.loc[unit]
            return (
                r["name_nl"],
                r["name_fr"],
                r["report_languages"],
                r["region"],
                ocmw_projects[unit],
            )
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
                    # an OCMW attribute that a subgroup tabulates: the disclosure step relates
                    # the subgroup to the OCMWs through it
                    "city_size": str(city_size.get(unit, "")) if level == "ocmw" else "",
                    "n_ocmws": len(project_ocmws[unit])
                    if level == "project"
                    else int(g["ocmw_id"].nunique()),
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


# --- the catalogue (config/indicators.yaml) ------------------------------------------------

SHARE_COLUMNS = ["level", "unit", "indicator", "wave", "n", "count", "pct"]
DIST_COLUMNS = ["level", "unit", "indicator", "wave", "category", "multi", "n", "count", "pct"]


def per_woman(protected: pd.DataFrame, variables: list[str]) -> pd.DataFrame:
    """One row per woman: her units at every level and `variable@wave` columns."""
    members = women(protected).set_index("pseudonym")
    present = [v for v in variables if v in protected]
    wide = protected.pivot(index="pseudonym", columns="wave", values=present)
    wide.columns = [f"{var}@{wave}" for var, wave in wide.columns]
    expected = [f"{var}@{wave}" for var in present for wave in ("baseline", "endline")]
    return members.join(wide.reindex(columns=expected))


def _counted(frame: pd.DataFrame, flags: dict[str, pd.Series]) -> pd.DataFrame:
    """How many women of every unit, at every level, each boolean column of `flags` counts.

    One group-by per level over all the columns at once: a Python function per unit and
    indicator (thousands of small pandas operations) was the slow part of this stage.
    Returns one row per (level, unit) that has women, columns ``level, unit`` and the flags.
    """
    data = pd.DataFrame(
        {name: flag.reindex(frame.index).fillna(False).astype("int64") for name, flag in flags.items()}
    )
    frames = []
    for level in LEVELS:
        sums = data.groupby(frame[LEVEL_COLUMN[level]], sort=True).sum()
        frames.append(sums.rename_axis("unit").reset_index().assign(level=level))
    return pd.concat(frames, ignore_index=True)


def _records(counted: pd.DataFrame, indicator: str, rows: list[tuple[dict, str, str]]) -> list[dict]:
    """Rows of a long table from counted flags: for every unit, each (fixed values, n flag,
    count flag) of `rows`."""
    out = []
    for row in counted.itertuples(index=False):
        for fixed, n_flag, count_flag in rows:
            n, count = int(getattr(row, n_flag)), int(getattr(row, count_flag))
            out.append({"level": row.level, "unit": row.unit, "indicator": indicator, **fixed,
                        "n": n, "count": count, "pct": _pct(count, n)})  # fmt: skip
    return out


def _pct(count: int, n: int) -> float:
    return 100.0 * count / n if n else np.nan


def _in(values: pd.Series, codes: list[str]) -> pd.Series:
    return values.astype("string").isin([str(c) for c in codes])


def share_table(protected: pd.DataFrame, catalogue: dict, instrument: Instrument) -> pd.DataFrame:
    """`share`, `paired_share` and `progress` indicators, long: one row per unit x wave."""
    specs = [i for i in applicable(catalogue, protected) if i["kind"] in ("share", "paired_share")]
    variables = sorted({s["variable"] for s in specs} | {w for s in specs for w in s.get("where", {})})
    frame = per_woman(protected, variables)
    records: list[dict] = []
    for spec in specs:
        var, codes = spec["variable"], spec["codes"]
        if spec["kind"] == "share":
            col = f"{var}@{spec['wave']}"
            # denominator "answered" (default): the women who answered; "women": every woman
            # of the unit, a missing answer counting as "no" (full-year participation: a woman
            # without an end form did not complete the year)
            population = _where(frame, spec)
            if spec.get("denominator", "answered") == "answered":
                population &= frame[col].notna()
            counted = _counted(frame, {"n": population, "count": population & _in(frame[col], codes)})
            records += _records(counted, spec["id"], [({"wave": spec["wave"]}, "n", "count")])
        else:
            b, e = f"{var}@baseline", f"{var}@endline"
            both = frame[b].notna() & frame[e].notna()
            counted = _counted(
                frame, {"n": both, "cb": both & _in(frame[b], codes), "ce": both & _in(frame[e], codes)}
            )
            rows = _records(
                counted, spec["id"], [({"wave": "baseline"}, "n", "cb"), ({"wave": "endline"}, "n", "ce")]
            )
            for base, end in zip(rows[0::2], rows[1::2], strict=True):
                change = {**base, "wave": "change", "count": pd.NA, "pct": end["pct"] - base["pct"]}
                records += [base, end, change]
    records += progress_records(protected, catalogue, instrument)
    table = pd.DataFrame(records, columns=SHARE_COLUMNS).astype(
        {"n": "int64", "count": "Int64", "pct": "float64"}
    )
    return _sorted(table, ["indicator", "wave"])


def applicable(catalogue: dict, protected: pd.DataFrame) -> list[dict]:
    """The catalogue entries whose variables this cohort's instrument has (others are skipped:
    an older instrument simply has no such question)."""

    def has(spec: dict) -> bool:
        needed = [spec.get("variable"), *spec.get("where", {})]
        return all(v is None or v in protected for v in needed)

    return [spec for spec in catalogue["indicators"] if has(spec)]


def _where(frame: pd.DataFrame, spec: dict) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for var, code in spec.get("where", {}).items():
        mask &= frame[f"{var}@{spec['wave']}"].astype("string").eq(str(code)).fillna(False).astype(bool)
    return mask


def progress_records(protected: pd.DataFrame, catalogue: dict, instrument: Instrument) -> list[dict]:
    """`progress`: share of paired women whose mean change over a group's items is > `above`."""
    records = []
    for spec in (i for i in catalogue["indicators"] if i["kind"] == "progress"):
        items = [v.name for v in instrument.items(spec["group"])]
        if not items:
            continue
        scores = wide_scores(protected, items)
        diffs = pd.DataFrame({i: scores[(i, "endline")] - scores[(i, "baseline")] for i in items})
        enough = diffs.notna().sum(axis=1) >= catalogue.get("progress_min_items", 1)
        improved = diffs.mean(axis=1) > spec["above"]
        members = women(protected).set_index("pseudonym")
        frame = members.join(pd.DataFrame({"enough": enough, "improved": improved}))
        eligible = frame["enough"].fillna(False).astype(bool)
        counted = _counted(
            frame, {"n": eligible, "count": eligible & frame["improved"].fillna(False).astype(bool)}
        )
        records += _records(counted, spec["id"], [({"wave": "change"}, "n", "count")])
    return records


def family_of(spec: dict) -> str:
    """The family (private/<cohort>/indicators/<family>.parquet) a catalogue entry is in."""
    if spec["kind"] in FOLLOWUP_KINDS or spec.get("wave") == FOLLOWUP:
        return "followup"
    return {"item_change": "scores", "distribution": "distributions"}.get(spec["kind"], "shares")


def distribution_table(protected: pd.DataFrame, catalogue: dict, instrument: Instrument) -> pd.DataFrame:
    """`distribution` indicators: count and share of each category, per unit (a distribution
    at the follow-up wave is in the follow-up family instead)."""
    specs = [
        i
        for i in applicable(catalogue, protected)
        if i["kind"] == "distribution" and family_of(i) == "distributions"
    ]
    variables = sorted({s["variable"] for s in specs} | {w for s in specs for w in s.get("where", {})})
    frame = per_woman(protected, variables)
    records = []
    for spec in specs:
        col = f"{spec['variable']}@{spec['wave']}"
        if col not in frame:
            continue
        categories = _categories(protected, spec, instrument)
        population = frame[col].notna() & _where(frame, spec)
        multi, wave = spec.get("multi", False), spec["wave"]
        answers = frame[col].astype("string")
        parts = answers.str.split("|") if multi else None
        flags = {"n": population}
        for i, category in enumerate(categories):
            hit = (
                parts.map(lambda xs, c=category: isinstance(xs, list) and c in xs)
                if multi
                else answers.eq(category)
            )
            flags[f"c{i}"] = population & hit.fillna(False).astype(bool)
        rows = [
            ({"wave": wave, "category": c, "multi": multi}, "n", f"c{i}") for i, c in enumerate(categories)
        ]
        records += _records(_counted(frame, flags), spec["id"], rows)
    table = pd.DataFrame(records, columns=DIST_COLUMNS).astype(
        {"multi": "bool", "n": "int64", "count": "int64"}
    )
    return _sorted(table, ["indicator", "category"])


def _categories(protected: pd.DataFrame, spec: dict, instrument: Instrument) -> list[str]:
    """The categories to tabulate: the codebook's, in its order, else those observed (sorted)."""
    var = instrument.variables.get(spec["variable"])
    if var is not None and var.kind == "category":
        return [str(c["code"]) for c in var.scale["categories"]]
    observed = protected[spec["variable"]].dropna().astype("string")
    if spec.get("multi"):
        observed = observed.str.split("|").explode()
    return sorted(observed.unique().tolist())


def children_family(protected: pd.DataFrame, bands: list[dict] | None = None) -> pd.DataFrame:
    """The children table (miriam.protect.children: children, not women, per age band and without a
    birth year; n = children), distributions-shaped, per level; empty (with its columns) for a
    cohort whose codebook lists no birth years. Only the programme year's rows count."""
    from miriam.config.settings import DEFAULT_CHILDREN_BANDS
    from miriam.protect import children

    protected = protected[protected["wave"].isin(WAVES)]
    if "children_bands" not in protected:
        empty = pd.DataFrame(columns=children.COLUMNS)
        return empty.astype({"n": "int64", "count": "int64", "multi": "bool"})
    home = home_rows(protected).assign(national="BE")
    table = children.children_table(protected, bands or DEFAULT_CHILDREN_BANDS, LEVEL_COLUMN, home)
    return _sorted(table, ["indicator"])


def item_changes(protected: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """% of paired women improved / unchanged / declined per unit and item."""
    long = paired_long(protected, instrument).dropna(subset=["d"])
    long = long.assign(up=long["d"] > 0, same=long["d"] == 0, down=long["d"] < 0)

    def aggregate(grouped):
        shares = grouped[["up", "same", "down"]].mean() * 100
        return shares.rename(columns={"up": "pct_improved", "same": "pct_unchanged", "down": "pct_declined"})

    return _per_level(long, aggregate)[
        ["level", "unit", "item", "pct_improved", "pct_unchanged", "pct_declined"]
    ]


# the item columns, per subgroup value (no SD: the report shows means and differences)
SUBGROUP_COLUMNS = ["level", "unit", "subgroup", "value", *ITEM_COLUMNS[2:-1]]


def subgroup_table(protected: pd.DataFrame, instrument: Instrument, catalogue: dict) -> pd.DataFrame:
    """National scores per subgroup (age, diploma, born in Belgium, city size) and item.

    A woman's value is that of her home row (:func:`home_rows`), the row that also decides her
    OCMW; women without a value are in no row. So the values of a subgroup and the women
    without one partition the unit exactly, and the disclosure step can rely on their sums.
    """
    long = paired_long(protected, instrument)
    home = home_rows(protected).set_index("pseudonym")
    frames = []
    for subgroup in catalogue.get("subgroups", []):
        column = subgroup["id"]
        values = [str(v) for v in subgroup["values"]]
        own = home[column].astype("string") if column in home else pd.Series(pd.NA, index=home.index)
        own = own.where(own.isin(values)).fillna(UNKNOWN)
        tagged = long.assign(value=long["pseudonym"].map(own).fillna(UNKNOWN))
        tagged = _with_wave_flags(tagged[tagged["value"] != UNKNOWN])
        stats = _wave_stats(tagged.groupby(["value", "item"], sort=False))
        # every value of the config gets its rows, also when no woman has it
        full = pd.MultiIndex.from_product([values, [v.name for v in instrument.items()]])
        stats = stats.reindex(full).rename_axis(["value", "item"]).reset_index()
        frames.append(stats.assign(subgroup=column))
    if not frames:
        return pd.DataFrame(columns=SUBGROUP_COLUMNS)
    table = pd.concat(frames, ignore_index=True).assign(level="national", unit="BE")
    table["group"] = table["item"].map({v.name: v.group for v in instrument.items()})
    for column in ("n_baseline", "n_endline", "n_paired"):
        table[column] = table[column].fillna(0).astype("int64")
    for column in ("level", "unit", "subgroup", "value", "item", "group"):
        table[column] = table[column].astype("string")
    return table[SUBGROUP_COLUMNS]


def reach_table(units: pd.DataFrame, projects: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """Reach per level (national, region): women, OCMWs, projects, consortia, new entrants."""
    size = projects.groupby("project_id").agg(n_ocmws=("ocmw_id", "size"), since=("since", "first"))
    project_units = units[units["level"] == "project"].set_index("unit")
    records = []
    for level in ("national", "region"):
        for row in units[units["level"] == level].itertuples():
            in_unit = (
                project_units if level == "national" else project_units[project_units["region"] == row.unit]
            )
            mine = size.loc[size.index.intersection(in_unit.index)]
            for measure, value in (
                ("women", row.n_women),
                ("women_paired", row.n_paired),
                ("ocmws", int(mine["n_ocmws"].sum())),
                ("projects", len(mine)),
                ("consortia", int((mine["n_ocmws"] > 1).sum())),
                ("new_entrants", int((mine["since"] == first_year).sum())),
            ):
                records.append({"level": level, "unit": row.unit, "measure": measure, "count": int(value)})
    return pd.DataFrame(records).astype({"count": "int64"})


# --- the follow-up wave -------------------------------------------------------------------

FOLLOWUP_KINDS = ("followup_change", "followup_declined")
#: Categories of a change to the follow-up: the follow-up score above, equal to (the same
#: whole score) or below the earlier wave's.
CHANGE_CATEGORIES = ("improved", "stable", "declined")


def followup_items(instrument: Instrument, group: str) -> list[str]:
    """The items of `group` that the follow-up form asks."""
    return [v.name for v in instrument.items(group) if FOLLOWUP in v.waves]


def followup_table(protected: pd.DataFrame, catalogue: dict, instrument: Instrument) -> pd.DataFrame:
    """The follow-up family, nationally only, in the distributions shape (DIST_COLUMNS).

    - `followup_change` (per item of `group` asked at the follow-up): indicator
      ``<id>_<item>``, wave ``<earlier>_to_followup`` for each wave of `compare`, categories
      improved / stable / declined, over the women with a score at both waves;
    - `followup_declined`: indicator ``<id>``, wave ``<earlier>_to_followup``, categories
      ``0`` .. ``<number of items>``: how many of the group's items declined, over the women
      with both scores on every item (a woman with a pair missing is in no category, so the
      categories add up to n);
    - a `distribution` at ``wave: followup`` (the work situation): categories of the codebook,
      over the women who answered at the follow-up.

    National only: the follow-up is a small sample (32 women in the 2023-2024 demo), not a random one,
    and is reported nationally with that warning (config `disclosure.levels.followup`
    publishes the national level only, too). Empty (with the columns) for a cohort without
    follow-up rows.
    """
    specs = [s for s in applicable(catalogue, protected) if family_of(s) == "followup"]
    followup = protected[protected["wave"] == FOLLOWUP]
    records: list[dict] = []
    if not followup.empty:
        women = followup["pseudonym"].unique()
        for spec in specs:
            if spec["kind"] in FOLLOWUP_KINDS:
                records += _followup_change_records(protected, women, spec, instrument)
            else:
                records += _followup_distribution_records(followup, spec, instrument, protected)
    table = pd.DataFrame(records, columns=DIST_COLUMNS).astype(
        {"multi": "bool", "n": "int64", "count": "int64", "pct": "float64"}
    )
    # categories stay in their logical order (improved, stable, declined; 0 .. 6; codebook)
    return _sorted(table.assign(level="national", unit="BE"), ["indicator", "wave"])


def _record(indicator: str, wave: str, category: str, n: int, count: int) -> dict:
    return {
        "indicator": indicator,
        "wave": wave,
        "category": category,
        "multi": False,
        "n": n,
        "count": count,
        "pct": _pct(count, n),
    }


def _followup_change_records(
    protected: pd.DataFrame, women: np.ndarray, spec: dict, instrument: Instrument
) -> list[dict]:
    items = followup_items(instrument, spec["group"])
    if not items:
        return []
    numeric = protected[["pseudonym", "wave", *items]].copy()
    numeric[items] = numeric[items].astype("Float64").astype("float64")
    wide = numeric.pivot(index="pseudonym", columns="wave", values=items)
    wide = wide.reindex(index=sorted(women), columns=pd.MultiIndex.from_product([items, [*WAVES, FOLLOWUP]]))
    records = []
    for earlier in spec["compare"]:
        wave = f"{earlier}_to_followup"
        diffs = pd.DataFrame({i: wide[(i, FOLLOWUP)] - wide[(i, earlier)] for i in items})
        if spec["kind"] == "followup_change":
            for item in items:
                d = diffs[item].dropna()
                n = len(d)
                counts = (int((d > 0).sum()), int((d == 0).sum()), int((d < 0).sum()))
                records += [
                    _record(f"{spec['id']}_{item}", wave, c, n, k)
                    for c, k in zip(CHANGE_CATEGORIES, counts, strict=True)
                ]
        else:  # followup_declined: items declined per woman with every pair
            complete = diffs.dropna()
            declined = (complete < 0).sum(axis=1)
            n = len(complete)
            records += [
                _record(spec["id"], wave, str(k), n, int((declined == k).sum()))
                for k in range(len(items) + 1)
            ]
    return records


def _followup_distribution_records(
    followup: pd.DataFrame, spec: dict, instrument: Instrument, protected: pd.DataFrame
) -> list[dict]:
    answered = followup.drop_duplicates("pseudonym")
    for var, code in spec.get("where", {}).items():
        answered = answered[answered[var].astype("string").eq(str(code)).fillna(False).astype(bool)]
    values = answered[spec["variable"]].dropna().astype("string")
    n = len(values)
    return [
        _record(spec["id"], FOLLOWUP, c, n, int(values.eq(c).sum()))
        for c in _categories(protected, spec, instrument)
    ]


def compute_all(
    protected: pd.DataFrame,
    instrument: Instrument,
    reference: pd.DataFrame,
    catalogue: dict,
    projects: pd.DataFrame,
    first_year: int,
) -> dict[str, pd.DataFrame]:
    """Every indicator family of the catalogue, keyed by family name (one Parquet file each).

    The programme year's families see the baseline and endline rows only; the follow-up rows
    feed the follow-up family (empty for a cohort without follow-up)."""
    from miriam.indicators import stats  # local: only this entry point needs scipy

    everything = protected
    protected = everything[everything["wave"].isin(WAVES)].reset_index(drop=True)
    scores = item_table(protected, instrument).merge(
        item_changes(protected, instrument), on=["level", "unit", "item"], how="left"
    )
    units = unit_table(protected, reference, instrument)
    tests = stats.test_table(paired_long(protected, instrument), instrument.items(), LEVEL_COLUMN)
    return {
        "scores": scores,
        "units": units,
        "shares": share_table(protected, catalogue, instrument),
        "distributions": distribution_table(protected, catalogue, instrument),
        "tests": _sorted(tests, ["item"]),
        "subgroups": subgroup_table(protected, instrument, catalogue),
        "reach": reach_table(units, projects, first_year),
        "followup": followup_table(everything, catalogue, instrument),
    }
