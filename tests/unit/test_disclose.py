"""Primary and secondary suppression on small hand-made hierarchies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from miriam.disclosure.audit import audit, check_audit
from miriam.disclosure.disclose import disclose
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


def test_same_rows_and_columns_and_no_reason_published(result):
    """Which value is small and which a complement stays with reviewers (the log): published,
    a reason would bound the withheld values (a missing row meant 0, a small reason 1-4)."""
    tables, published, log = result
    items, units = published["items"], published["units"]
    assert list(items.columns) == list(tables["items"].columns)
    assert list(units.columns) == [*tables["units"].columns, "published"]
    assert list(items["unit"]) == list(tables["items"]["unit"])
    assert items["mean_diff"].isna().any() and items["mean_diff"].notna().any()
    assert set(log["reason"]) >= {"count_below_min_count", "n_below_min_n"}


def test_primary_small_counts_and_small_n(result):
    _, published, _ = result
    items, units = published["items"], published["units"]
    o1 = row(items, "o1")
    assert pd.isna(o1["n_paired"]) and pd.isna(o1["mean_diff"]) and pd.isna(o1["sd_diff"])
    # o6 has 7 women: its count may be shown, its means may not
    o6 = row(items, "o6")
    assert pd.isna(o6["mean_diff"])
    assert row(units, "o6")["published"] == False  # noqa: E712  (pandas boolean)
    assert pd.isna(row(units, "o1")["n_women"])
    log = result[2]
    assert "count_below_min_count" in set(log.loc[log["unit"] == "o1", "reason"])


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


def _members(unit: str) -> list[str]:
    """The OCMWs of a unit of tiny()."""
    if unit in ("BE", "flanders"):
        return list(SIZES)
    return PROJECTS.get(unit, [unit] if unit in SIZES else [])


def _level(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    return dict(zip(tables["units"]["unit"], tables["units"]["level"], strict=True))


def distribution(tables, per_ocmw: dict[str, dict[str, int]], indicator="age_band") -> pd.DataFrame:
    """A single-choice distribution aggregated from per-OCMW category counts."""
    level, rows = _level(tables), []
    for unit in tables["units"]["unit"]:
        inside = _members(unit)
        counts = {c: sum(per_ocmw[o][c] for o in inside) for c in next(iter(per_ocmw.values()))}
        n = sum(counts.values())
        for category, count in counts.items():
            rows.append(
                {
                    "level": level[unit],
                    "unit": unit,
                    "indicator": indicator,
                    "wave": "baseline",
                    "category": category,
                    "multi": False,
                    "n": n,
                    "count": count,
                    "pct": 100 * count / n if n else np.nan,
                }
            )
    return pd.DataFrame(rows)


def share(tables, yes: dict[str, int], indicator="completed") -> pd.DataFrame:
    """A share (yes among all women of the OCMW) aggregated from per-OCMW yes counts."""
    level, rows = _level(tables), []
    for unit in tables["units"]["unit"]:
        inside = _members(unit)
        n, count = sum(SIZES[o] for o in inside), sum(yes[o] for o in inside)
        rows.append(
            {
                "level": level[unit],
                "unit": unit,
                "indicator": indicator,
                "wave": "endline",
                "n": n,
                "count": count,
                "pct": 100 * count / n,
            }
        )
    return pd.DataFrame(rows)


def test_distribution_zero_published_small_withheld_pct_follows():
    tables = tiny()
    per_ocmw = {o: {"a": n - 3 if n > 8 else n, "b": 3 if n > 8 else 0, "c": 0} for o, n in SIZES.items()}
    counts = distribution(tables, per_ocmw)
    published, _ = disclose({**tables, "profile": counts}, min_n=MIN_N, min_count=MIN_COUNT)
    out = published["profile"]
    enough = counts["n"] >= MIN_N
    zeros = out[(counts["count"] == 0) & enough]
    assert (zeros["count"] == 0).all()  # structural zeros are published
    small = out[(counts["count"] > 0) & (counts["count"] < MIN_COUNT)]
    assert small["count"].isna().all() and small["pct"].isna().all()
    assert out.loc[out["count"].isna(), "pct"].isna().all()  # pct follows its count
    # below min_n nothing of the split is shown, zeros included (with n they would tell)
    assert out.loc[~enough & (counts["n"] > 0), "count"].isna().all()
    # every unit that shows its n and all but one category would give the last one away
    for unit, g in out.groupby("unit"):
        if g["n"].notna().all():
            assert g["count"].isna().sum() != 1, unit
    check_audit(audit(published, min_n=MIN_N, min_count=MIN_COUNT, private={**tables, "profile": counts}))


def test_a_share_whose_complement_is_small_is_withheld():
    """12 of 13 completed: the count is large, but the one woman who did not is a count too."""
    tables = tiny()
    yes = dict(SIZES)
    yes["o3"] = SIZES["o3"] - 1
    counts = share(tables, yes)
    published, log = disclose({**tables, "completed": counts}, min_n=MIN_N, min_count=MIN_COUNT)
    o3 = row(published["completed"], "o3")
    assert pd.isna(o3["count"]) and pd.isna(o3["pct"])
    assert "count_below_min_count" in set(
        log.loc[(log["table"] == "completed") & (log["unit"] == "o3"), "reason"]
    )
    assert o3["n"] == SIZES["o3"]  # the population itself is not small
    p3 = row(published["completed"], "p3")
    assert pd.isna(p3["count"])  # a project of one OCMW shares its fate
    check_audit(audit(published, min_n=MIN_N, min_count=MIN_COUNT, private={**tables, "completed": counts}))


def test_a_share_below_min_n_shows_no_count_not_even_a_zero():
    tables = tiny()
    counts = share(tables, {o: 0 for o in SIZES})  # nobody: 0 of 7 for o6
    published, log = disclose({**tables, "completed": counts}, min_n=MIN_N, min_count=MIN_COUNT)
    o6 = row(published["completed"], "o6")
    assert pd.isna(o6["count"]) and pd.isna(o6["pct"])
    assert "n_below_min_n" in set(log.loc[(log["table"] == "completed") & (log["unit"] == "o6"), "reason"])
    assert row(published["completed"], "o2")["count"] == 0  # 0 of 12 is published


def subgroups(tables: dict[str, pd.DataFrame], value_of: dict[str, str]) -> pd.DataFrame:
    """A national subgroup whose values are OCMW attributes (like city size)."""
    items = tables["items"].set_index("unit")
    rows = []
    for value in sorted(set(value_of.values())) + ["unknown"]:
        inside = [o for o, v in value_of.items() if v == value]
        n = sum(SIZES[o] for o in inside)
        mean = sum(SIZES[o] * items.loc[o, "mean_baseline"] for o in inside) / n if n else np.nan
        rows.append(
            {
                "level": "national",
                "unit": "BE",
                "subgroup": "city_size",
                "value": value,
                "item": "dom_financial",
                "group": "domain",
                "n_baseline": n,
                "n_endline": n,
                "n_paired": n,
                "mean_baseline": mean,
                "mean_endline": mean + 1.0 if n else np.nan,
                "mean_diff": 1.0 if n else np.nan,
            }
        )
    return pd.DataFrame(rows)


def test_a_subgroup_of_ocmws_cannot_give_a_withheld_ocmw_away():
    """'Large cities' = o6 and o7: publishing the subgroup and o7 would give o6 (7 women) away."""
    tables = tiny()
    value_of = {o: "large" if o in ("o6", "o7") else "other" for o in SIZES}
    tables["units"]["city_size"] = tables["units"]["unit"].map(value_of).fillna("")
    groups = subgroups(tables, value_of)
    private = {**tables, "subgroups": groups}
    published, _ = disclose(private, min_n=MIN_N, min_count=MIN_COUNT)
    items = published["items"].set_index("unit")
    large = published["subgroups"].set_index("value").loc["large"]
    assert pd.isna(items.loc["o6", "mean_diff"])
    assert pd.isna(large["mean_baseline"]) or pd.isna(items.loc["o7", "mean_baseline"])
    check_audit(audit(published, min_n=MIN_N, min_count=MIN_COUNT, private=private))


def test_tests_follow_the_scores_and_keep_their_decimals():
    tables = tiny()
    tests = tables["items"][["level", "unit", "item", "group", "n_paired", "mean_diff", "sd_diff"]].rename(
        columns={"n_paired": "n"}
    )
    tests = tests.assign(mean_diff=tests["mean_diff"] + 0.0123, t=4.321, p=0.00123, df=tests["n"] - 1)
    tests["mean_diff"] = tests["mean_diff"].where(tests["unit"] != "BE", 1.0)
    private = {**tables, "tests": tests}
    published, _ = disclose(private, min_n=MIN_N, min_count=MIN_COUNT)
    items, out = published["items"].set_index("unit"), published["tests"].set_index("unit")
    hidden = items["mean_diff"].isna() | items["n_paired"].isna()  # sd and se give n away
    assert (out["mean_diff"].isna() == hidden).all()
    assert (out["df"].isna() == items["n_paired"].isna()).all()  # df gives n away
    shown = out["mean_diff"].dropna()
    assert np.allclose(shown, shown.round(2)) and not np.allclose(shown, shown.round(1))
    check_audit(audit(published, min_n=MIN_N, min_count=MIN_COUNT, private=private))


def test_reach_counts_women_with_the_units_and_organisations_openly():
    tables = tiny()
    reach = pd.DataFrame(
        [
            {"level": level, "unit": unit, "measure": measure, "count": count}
            for unit, level, n in zip(
                tables["units"]["unit"], tables["units"]["level"], tables["units"]["n_women"], strict=True
            )
            for measure, count in (("women", n), ("ocmws", len(_members(unit)) or 1))
        ]
    )
    published, _ = disclose({**tables, "reach": reach}, min_n=MIN_N, min_count=MIN_COUNT)
    units, out = published["units"].set_index("unit"), published["reach"]
    women = out[out["measure"] == "women"].set_index("unit")["count"]
    assert (women.isna() == units.loc[women.index, "n_women"].isna()).all()
    assert women.isna().any()
    assert out.loc[out["measure"] == "ocmws", "count"].notna().all()


def test_unknown_table_shape_is_refused():
    with pytest.raises(DisclosureError, match="shape"):
        disclose({**tiny(), "odd": pd.DataFrame({"x": [1]})}, min_n=MIN_N, min_count=MIN_COUNT)


def test_processing_counts_obey_the_count_rule():
    """'Women with only an end form: 4' was printed raw; now a small count is withheld with a
    second member of its sum, so neither it nor a difference gives it back."""
    from miriam.disclosure.processing import processing_table

    rec = pd.DataFrame(
        {
            "scope": ["raw/a.csv", "cohort", "cohort", "cohort", "cohort", "cohort", "cohort", "cohort"],
            "measure": [
                "rows_read",
                "rows_read",
                "rows_kept",
                "rows_quarantined",
                "women",
                "women_baseline_and_endline",
                "women_baseline_only",
                "women_endline_only",
            ],
            "count": [3, 300, 297, 3, 200, 150, 46, 4],
        }
    )
    out = processing_table(rec, min_count=MIN_COUNT).set_index("measure")["count"]
    assert pd.isna(out["rows_quarantined"]) and pd.isna(out["rows_kept"]) and out["rows_read"] == 300
    assert pd.isna(out["women_endline_only"]) and out["women"] == 200
    assert out.isna().sum() == 4  # the second member of each sum: the smallest other part
    assert pd.isna(out["women_baseline_only"]) and out["women_baseline_and_endline"] == 150
    shown = out.dropna()
    assert not ((shown > 0) & (shown < MIN_COUNT)).any()
