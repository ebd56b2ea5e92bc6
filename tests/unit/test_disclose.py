"""Primary and secondary suppression on small hand-made hierarchies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from miriam.audit import audit, check_audit
from miriam.disclose import disclose
from miriam.errors import DisclosureError

MIN_N, MIN_COUNT = 10, 5
# p1: one small OCMW; p4: a consortium with one small OCMW; p6: enough for counts, not means.
SIZES = {"o1": 4, "o2": 12, "o3": 13, "o4": 3, "o5": 14, "o6": 7, "o7": 15, "o8": 16}
PROJECTS = {
    "p1": ["o1"],
    "p2": ["o2"],
    "p3": ["o3"],
    "p4": ["o4", "o5"],
    "p6": ["o6"],
    "p7": ["o7"],
    "p8": ["o8"],
}


def tiny() -> dict[str, pd.DataFrame]:
    """One region, every woman scored at both waves; means aggregated as weighted sums."""
    parent = {"BE": "", "flanders": "BE"} | {p: "flanders" for p in PROJECTS}
    parent |= {o: p for p, os in PROJECTS.items() for o in os}
    level = {"BE": "national", "flanders": "region"} | dict.fromkeys(PROJECTS, "project")
    level |= dict.fromkeys(SIZES, "ocmw")
    members = {"BE": list(SIZES), "flanders": list(SIZES)} | PROJECTS | {o: [o] for o in SIZES}
    base = {o: 3.0 + 0.41 * i for i, o in enumerate(SIZES)}
    units, items = [], []
    for unit, os in members.items():
        n = sum(SIZES[o] for o in os)
        b = sum(SIZES[o] * base[o] for o in os) / n
        units.append(
            {
                "level": level[unit],
                "unit": unit,
                "parent": parent[unit],
                "name_nl": unit,
                "name_fr": unit,
                "region": "flanders",
                "languages": "nl",
                "n_women": n,
                "n_baseline": n,
                "n_endline": n,
                "n_paired": n,
            }
        )
        items.append(
            {
                "level": level[unit],
                "unit": unit,
                "item": "dom_financial",
                "group": "domain",
                "n_baseline": n,
                "n_endline": n,
                "n_paired": n,
                "mean_baseline": b,
                "mean_endline": b + 1.0,
                "mean_diff": 1.0,
                "sd_diff": 0.5,
            }
        )
    return {"items": pd.DataFrame(items), "units": pd.DataFrame(units)}


@pytest.fixture(scope="module")
def result():
    tables = tiny()
    published, log = disclose(tables, min_n=MIN_N, min_count=MIN_COUNT)
    return tables, published, log


def row(df: pd.DataFrame, unit: str) -> pd.Series:
    return df.set_index("unit").loc[unit]


def test_same_rows_and_columns_plus_status(result):
    tables, published, _ = result
    items, units = published["items"], published["units"]
    assert list(items.columns) == [*tables["items"].columns, "status", "reason"]
    assert list(units.columns) == [*tables["units"].columns, "reason", "published"]
    assert list(items["unit"]) == list(tables["items"]["unit"])
    assert set(items["status"]) == {"published", "withheld"}


def test_primary_small_counts_and_small_n(result):
    _, published, _ = result
    items, units = published["items"], published["units"]
    o1 = row(items, "o1")
    assert o1["status"] == "withheld" and o1["reason"] == "count_below_min_count"
    assert pd.isna(o1["n_paired"]) and pd.isna(o1["mean_diff"]) and pd.isna(o1["sd_diff"])
    # o6 has 7 women: its count may be shown, its means may not
    o6 = row(items, "o6")
    assert pd.isna(o6["mean_diff"])
    assert row(units, "o6")["published"] == False  # noqa: E712  (pandas boolean)
    assert row(units, "o1")["reason"] == "count_below_min_count"


def test_a_single_ocmw_project_shares_the_fate_of_its_ocmw(result):
    _, published, _ = result
    items = published["items"].set_index("unit")
    for project, ocmws in PROJECTS.items():
        if len(ocmws) == 1:
            columns = ["n_paired", "mean_diff"]
            assert items.loc[project, columns].isna().tolist() == items.loc[ocmws[0], columns].isna().tolist()


def test_a_consortium_never_shows_one_withheld_ocmw_next_to_the_other(result):
    _, published, _ = result
    items = published["items"].set_index("unit")
    hidden = items.loc[["p4", "o4", "o5"], "n_paired"].isna()
    assert hidden["o4"] and hidden.sum() >= 2


def test_no_relation_has_exactly_one_withheld_member(result):
    _, published, _ = result
    units = published["units"]
    for column in ("n_women", "n_paired"):
        for parent, kids in units.groupby("parent"):
            if parent:
                members = pd.concat([units[units["unit"] == parent], kids])
                assert members[column].isna().sum() != 1, (parent, column)
    items = published["items"].merge(units[["unit", "parent"]], on="unit")
    for parent, kids in items.groupby("parent"):
        if parent:
            members = pd.concat([items[items["unit"] == parent], kids])
            assert members["mean_diff"].isna().sum() != 1, parent


def test_national_and_region_stay_published(result):
    _, published, _ = result
    assert published["units"].set_index("unit").loc[["BE", "flanders"], "published"].all()


def test_means_are_rounded_and_integers_stay_nullable(result):
    _, published, _ = result
    means = published["items"]["mean_baseline"].dropna()
    assert np.allclose(means, means.round(1))
    assert str(published["units"]["n_women"].dtype) == "Int64"


def test_log_names_cells_and_reasons_never_values(result):
    tables, _, log = result
    assert list(log.columns) == ["table", "level", "unit", "key", "columns", "reason", "rule"]
    assert set(log["reason"]) <= {"count_below_min_count", "n_below_min_n", "secondary"}
    assert all(str(dtype) == "string" for dtype in log.dtypes)
    # no withheld value is spelled out anywhere in the log
    text = " ".join(log.astype(str).to_numpy().ravel())
    assert "3.41" not in text and " 4 " not in f" {text} "


def test_the_pattern_passes_the_audit(result):
    tables, published, _ = result
    check_audit(audit(published, min_n=MIN_N, min_count=MIN_COUNT, private=tables))


def test_deterministic():
    first = disclose(tiny(), min_n=MIN_N, min_count=MIN_COUNT)
    second = disclose(tiny(), min_n=MIN_N, min_count=MIN_COUNT)
    for name in first[0]:
        pd.testing.assert_frame_equal(first[0][name], second[0][name])
    pd.testing.assert_frame_equal(first[1], second[1])


def test_counts_table_zero_published_small_withheld_pct_follows():
    tables = tiny()
    units = tables["units"].set_index("unit")
    ocmw = {o: {"a": n - 3 if n > 8 else n, "b": 3 if n > 8 else 0, "c": 0} for o, n in SIZES.items()}
    rows = []
    for unit in units.index:
        inside = [o for o in SIZES if o == unit or unit in ("BE", "flanders") or o in PROJECTS.get(unit, [])]
        n = int(units.loc[unit, "n_women"])
        for category in ("a", "b", "c"):
            count = sum(ocmw[o][category] for o in inside)
            rows.append(
                {
                    "level": "",
                    "unit": unit,
                    "table": "age_group",
                    "category": category,
                    "count": count,
                    "pct": round(100 * count / n),
                }
            )
    counts = pd.DataFrame(rows)
    counts["level"] = counts["unit"].map(tables["units"].set_index("unit")["level"])
    published, log = disclose({**tables, "profile": counts}, min_n=MIN_N, min_count=MIN_COUNT)
    out = published["profile"]
    zeros = out[counts["count"] == 0]
    assert (zeros["count"] == 0).all()  # structural zeros are published
    small = out[(counts["count"] > 0) & (counts["count"] < MIN_COUNT)]
    assert small["count"].isna().all() and small["pct"].isna().all()
    assert out.loc[out["count"].isna(), "pct"].isna().all()  # pct follows its count
    check_audit(audit(published, min_n=MIN_N, min_count=MIN_COUNT, private={**tables, "profile": counts}))


def test_unknown_table_shape_is_refused():
    with pytest.raises(DisclosureError, match="shape"):
        disclose({**tiny(), "odd": pd.DataFrame({"x": [1]})}, min_n=MIN_N, min_count=MIN_COUNT)
