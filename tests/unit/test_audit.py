"""The audit attacks the disclosed tables: realistic synthetic cohorts must survive it, and a
broken pattern must be caught."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from miriam.disclosure.audit import audit, check_audit, report
from miriam.disclosure.disclose import disclose
from miriam.errors import DisclosureError

MIN_N, MIN_COUNT = 10, 5
ITEMS = {"dom_financial": "domain", "dom_social": "domain", "emp_confidence": "empowerment"}
LEVEL_COLUMNS = [("national", "national"), ("region", "region"), ("project", "project"), ("ocmw", "ocmw")]


def synthetic_cohort(seed: int) -> dict[str, pd.DataFrame]:
    """Women in 44 OCMWs, 42 projects (two consortia of two OCMWs), 3 regions; some small OCMWs.

    The tables are aggregated from simulated women exactly as the indicators stage does, so
    every relation and inequality the audit relies on holds.
    """
    rng = np.random.default_rng(seed)
    regions = ["flanders"] * 20 + ["brussels"] * 8 + ["wallonia"] * 16
    ocmws = [f"{10000 + 37 * i}" for i in range(44)]
    projects = [f"p{i:02d}" for i in range(42)]
    # Each OCMW has its own project, except that OCMWs 19 and 43 join 18 and 42 (consortia).
    project_of = {}
    k = 0
    for i, o in enumerate(ocmws):
        if i in (19, 43):
            project_of[o] = project_of[ocmws[i - 1]]
        else:
            project_of[o], k = projects[k], k + 1
    sizes = rng.integers(10, 17, size=44)
    sizes[rng.choice(44, size=9, replace=False)] = rng.integers(4, 10, size=9)
    rows = []
    for o, region, size in zip(ocmws, regions, sizes, strict=True):
        level = rng.uniform(3, 7, size=len(ITEMS))
        for _w in range(size):
            has_b, has_e = rng.random() < 0.95, rng.random() < 0.85
            row = {"ocmw": o, "project": project_of[o], "region": region, "national": "BE"}
            for j, item in enumerate(ITEMS):
                b = float(np.clip(np.round(rng.normal(level[j], 2)), 0, 10))
                e = float(np.clip(np.round(b + rng.normal(1, 1.5)), 0, 10))
                row[(item, "b")] = b if has_b and rng.random() > 0.05 else np.nan
                row[(item, "e")] = e if has_e and rng.random() > 0.05 else np.nan
            rows.append(row)
    women = pd.DataFrame(rows)
    parent = {"BE": ""} | {r: "BE" for r in set(regions)}
    parent |= {p: women.loc[women["project"] == p, "region"].iloc[0] for p in projects}
    parent |= project_of
    return {"items": _items(women), "units": _units(women, parent)}


def _items(women: pd.DataFrame) -> pd.DataFrame:
    records = []
    for level, column in LEVEL_COLUMNS:
        for unit, g in women.groupby(column):
            for item, group in ITEMS.items():
                b, e = g[(item, "b")], g[(item, "e")]
                paired = b.notna() & e.notna()
                records.append(
                    {
                        "level": level,
                        "unit": unit,
                        "item": item,
                        "group": group,
                        "n_baseline": int(b.notna().sum()),
                        "n_endline": int(e.notna().sum()),
                        "n_paired": int(paired.sum()),
                        "mean_baseline": b[paired].mean(),
                        "mean_endline": e[paired].mean(),
                        "mean_diff": (e - b)[paired].mean(),
                        "sd_diff": (e - b)[paired].std(),
                    }
                )
    return pd.DataFrame(records)


def _units(women: pd.DataFrame, parent: dict[str, str]) -> pd.DataFrame:
    sb = women[[(i, "b") for i in ITEMS]].notna().any(axis=1)
    se = women[[(i, "e") for i in ITEMS]].notna().any(axis=1)
    women = women.assign(sb=sb, se=se)
    records = []
    for level, column in LEVEL_COLUMNS:
        for unit, g in women.groupby(column):
            records.append(
                {
                    "level": level,
                    "unit": unit,
                    "parent": parent[unit],
                    "name_nl": unit,
                    "name_fr": unit,
                    "region": "",
                    "languages": "nl|fr",
                    "n_women": len(g),
                    "n_baseline": int(g["sb"].sum()),
                    "n_endline": int(g["se"].sum()),
                    "n_paired": int((g["sb"] & g["se"]).sum()),
                }
            )
    return pd.DataFrame(records)


@functools.cache
def disclosed(seed: int):
    """A synthetic cohort, disclosed and audited (cached: the linear programs take seconds)."""
    tables = synthetic_cohort(seed)
    published, log = disclose(tables, min_n=MIN_N, min_count=MIN_COUNT)
    result = audit(published, min_n=MIN_N, min_count=MIN_COUNT, private=tables)
    return tables, published, log, result


def copy(published):
    return {name: df.copy() for name, df in published.items()}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_realistic_cohort_survives_the_audit(seed):
    tables, published, log, result = disclosed(seed)
    # a non-trivial pattern: small OCMWs and their complements are withheld
    assert (log["reason"] == "n_below_min_n").any()
    assert (log["reason"] == "secondary").any()
    assert set(result["quantity"]) >= {"n_women", "mean_diff"}
    bad = result[~result["ok"]]
    assert bad.empty, bad.drop(columns=["lower", "upper"]).to_string()
    check_audit(result)
    sensitive = result[result["required_width"] > 0]
    assert (sensitive.loc[sensitive["quantity"].str.startswith("mean"), "width"] >= 2.0).all()
    assert (sensitive.loc[sensitive["quantity"].str.startswith("n_"), "width"] >= MIN_COUNT - 2).all()


@pytest.mark.slow
def test_audit_without_private_tables_uses_a_consistent_point():
    """Without the private tables the attacker is credited with a guessed n_paired and every
    withheld count of a small row counts as sensitive: the same values are audited."""
    tables, published, log, with_true = disclosed(1)
    without = audit({**published, "disclosure": log}, min_n=MIN_N, min_count=MIN_COUNT)
    keys = ["table", "unit", "item", "quantity"]
    assert without[keys].equals(with_true[keys])
    assert (without["required_width"] >= with_true["required_width"]).all()


@pytest.mark.slow
def test_intervals_contain_the_true_values():
    """The attacker's interval is proven by the published numbers: the truth lies inside."""
    tables, published, _, _ = disclosed(2)
    result = audit(published, min_n=MIN_N, min_count=MIN_COUNT, private=tables, exact=True)
    truth = tables["items"].set_index(["unit", "item"])
    means = result[result["table"] == "items"]
    for row in means[means["exact"]].itertuples():
        if row.quantity in ("mean_baseline", "mean_endline", "mean_diff"):
            value = truth.loc[(row.unit, row.item), row.quantity]
            assert row.lower - 1e-6 <= value <= row.upper + 1e-6
    units = tables["units"].set_index("unit")
    assert means["exact"].any()
    for row in result[(result["table"] == "units") & result["exact"]].itertuples():
        true = (
            units.loc[row.unit, "n_women"] - units.loc[row.unit, "n_paired"]
            if row.quantity == "gap"
            else None
        )
        assert row.lower <= (units.loc[row.unit, row.quantity] if true is None else true) <= row.upper


@pytest.mark.slow
def test_audit_catches_a_parent_published_with_all_but_one_child():
    tables, published, log, _ = disclosed(1)
    # Break the pattern: give back the secondary counts, as a careless editor would.
    units, raw = published["units"].copy(), tables["units"].set_index("unit")
    # the withheld units that are not small themselves: complements of their neighbours
    large = set(raw.index[raw["n_paired"] >= MIN_N])
    secondary = units["n_paired"].isna() & units["unit"].isin(large)
    assert secondary.any()
    for column in ("n_women", "n_baseline", "n_endline", "n_paired"):
        units.loc[secondary, column] = raw.loc[units.loc[secondary, "unit"], column].to_numpy()
    result = audit({**published, "units": units}, min_n=MIN_N, min_count=MIN_COUNT, private=tables)
    failing = result[~result["ok"]]
    assert not failing.empty and (failing["width"] == 0).any()
    with pytest.raises(DisclosureError, match="can be recovered"):
        check_audit(result)


def test_audit_catches_a_mean_recoverable_by_differencing():
    """A consortium of two OCMWs: publishing the project and one OCMW gives the other away."""
    units = pd.DataFrame(
        {
            "level": ["national", "region", "project", "ocmw", "ocmw"],
            "unit": ["BE", "flanders", "p1", "11", "12"],
            "parent": ["", "BE", "flanders", "p1", "p1"],
            "n_women": [20, 20, 20, 6, 14],
            "n_baseline": [20, 20, 20, 6, 14],
            "n_endline": [20, 20, 20, 6, 14],
            "n_paired": [20, 20, 20, 6, 14],
        }
    )
    means = [5.0, 5.0, 5.0, 3.0, 5.857142857]
    items = pd.DataFrame(
        {
            "level": units["level"],
            "unit": units["unit"],
            "item": "dom",
            "group": "domain",
            "n_baseline": units["n_paired"],
            "n_endline": units["n_paired"],
            "n_paired": units["n_paired"],
            "mean_baseline": means,
            "mean_endline": means,
            "mean_diff": 0.0,
        }
    )
    published = {
        "units": units.assign(published=True),
        "items": items.copy(),
    }
    published["items"]["mean_baseline"] = published["items"]["mean_baseline"].round(1)
    published["items"]["mean_endline"] = published["items"]["mean_endline"].round(1)
    published["items"].loc[3, ["mean_baseline", "mean_endline", "mean_diff"]] = np.nan
    result = audit(published, min_n=MIN_N, min_count=MIN_COUNT)
    assert (result["width"] < 2.0).all()
    with pytest.raises(DisclosureError, match="11"):
        check_audit(result)


@pytest.mark.slow
def test_report_never_holds_the_bounds():
    _, _, _, result = disclosed(2)
    assert {"lower", "upper"}.isdisjoint(report(result).columns)
    assert {"width", "required_width", "ok"} <= set(report(result).columns)


@pytest.mark.slow
def test_audit_refuses_unrounded_means():
    tables, published, _, _ = disclosed(2)
    published = copy(published)
    published["items"]["mean_baseline"] = tables["items"]["mean_baseline"] + 1e-3
    with pytest.raises(DisclosureError, match="decimals"):
        audit(published, min_n=MIN_N, min_count=MIN_COUNT)
