"""miriam.indicators on a cohort small enough to compute by hand.

Projects: eeklo-maldegem (a consortium of OCMWs 43005 Eeklo and 43010 Maldegem, Flanders) and
liege (OCMW 62063, Wallonia). dom_financial per woman (- = no row, NA = row without score):

    woman  OCMW    baseline  endline   note
    a      43005   4         6         paired, diff +2
    b      43005   5         9         paired, diff +4
    c      43010   3         -         baseline only
    f      43010   7         NA        stopped early: endline row without scores
    d      62063   8         7         paired, diff -1
    e      62063   -         10        endline only
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from miriam import indicators

NA = None
FIN = {  # (ocmw, baseline, endline); "-" for no row
    "a": ("43005", 4, 6),
    "b": ("43005", 5, 9),
    "c": ("43010", 3, "-"),
    "f": ("43010", 7, NA),
    "d": ("62063", 8, 7),
    "e": ("62063", "-", 10),
}
PROJECT = {
    "43005": ("eeklo-maldegem", "flanders"),
    "43010": ("eeklo-maldegem", "flanders"),
    "62063": ("liege", "wallonia"),
}


def _protected(instrument, fin=FIN, moved: dict[str, str] | None = None) -> pd.DataFrame:
    items = [v.name for v in instrument.items()]
    records = []
    for woman, (ocmw, base, end) in fin.items():
        for wave, score in (("baseline", base), ("endline", end)):
            if score == "-":
                continue
            where = (moved or {}).get(woman, ocmw) if wave == "endline" else ocmw
            row = {
                "pseudonym": woman,
                "wave": wave,
                "ocmw_id": where,
                "project_id": PROJECT[where][0],
                "region": PROJECT[where][1],
            }
            for item in items:  # other items: a fixed offset from dom_financial, NA when it is NA
                row[item] = score if item == "dom_financial" or score is NA else min(10, score + 1)
            records.append(row)
    frame = pd.DataFrame(records)
    for item in items:
        frame[item] = frame[item].astype("Int64")
    for column in ("pseudonym", "wave", "ocmw_id", "project_id", "region"):
        frame[column] = frame[column].astype("string")
    return frame


@pytest.fixture
def items(instrument):
    table = indicators.item_table(_protected(instrument), instrument)
    return table.set_index(["level", "unit", "item"])


def _row(items, level, unit, item="dom_financial"):
    return items.loc[(level, unit, item)]


def test_ocmw_level(items):
    eeklo = _row(items, "ocmw", "43005")
    assert (eeklo["n_baseline"], eeklo["n_endline"], eeklo["n_paired"]) == (2, 2, 2)
    assert (eeklo["mean_baseline"], eeklo["mean_endline"], eeklo["mean_diff"]) == (4.5, 7.5, 3.0)
    assert eeklo["sd_diff"] == pytest.approx(math.sqrt(2))
    maldegem = _row(items, "ocmw", "43010")
    assert (maldegem["n_baseline"], maldegem["n_endline"], maldegem["n_paired"]) == (2, 0, 0)
    assert math.isnan(maldegem["mean_baseline"]) and math.isnan(maldegem["mean_diff"])


def test_consortium_project_means_over_paired_women_only(items):
    project = _row(items, "project", "eeklo-maldegem")
    assert (project["n_baseline"], project["n_endline"], project["n_paired"]) == (4, 2, 2)
    # 4.5, not the 4.75 of all four baselines: c and f are not paired.
    assert project["mean_baseline"] == 4.5
    assert project["mean_endline"] == 7.5
    assert project["mean_diff"] == 3.0
    assert project["mean_diff"] == project["mean_endline"] - project["mean_baseline"]


def test_single_ocmw_project_and_regions(items):
    liege = _row(items, "project", "liege")
    assert (liege["n_baseline"], liege["n_endline"], liege["n_paired"]) == (1, 2, 1)
    # 7, not the 8.5 of both endlines: e has no baseline.
    assert (liege["mean_baseline"], liege["mean_endline"], liege["mean_diff"]) == (8.0, 7.0, -1.0)
    assert math.isnan(liege["sd_diff"])  # one paired woman: no spread
    for column in ("n_baseline", "n_endline", "n_paired", "mean_diff"):
        assert _row(items, "region", "wallonia")[column] == liege[column]
        assert _row(items, "region", "flanders")[column] == _row(items, "project", "eeklo-maldegem")[column]


def test_national(items):
    be = _row(items, "national", "BE")
    assert (be["n_baseline"], be["n_endline"], be["n_paired"]) == (5, 4, 3)
    assert be["mean_baseline"] == pytest.approx(17 / 3)
    assert be["mean_endline"] == pytest.approx(22 / 3)
    assert be["mean_diff"] == pytest.approx(5 / 3)


def test_every_level_adds_up_to_national(items, instrument):
    table = items.reset_index()
    for item in [v.name for v in instrument.items()]:
        t = table[table["item"] == item]
        national = t[t["level"] == "national"].iloc[0]
        for level in ("region", "project", "ocmw"):
            part = t[t["level"] == level]
            for n in ("n_baseline", "n_endline", "n_paired"):
                assert part[n].sum() == national[n], (item, level, n)
            paired = part[part["n_paired"] > 0]
            total = (paired["mean_diff"] * paired["n_paired"]).sum()
            assert total == pytest.approx(national["mean_diff"] * national["n_paired"]), (
                item,
                level,
            )


def test_item_table_layout(items, instrument):
    table = items.reset_index()
    assert list(table.columns) == indicators.ITEM_COLUMNS
    units = table[["level", "unit"]].drop_duplicates()
    assert units.values.tolist() == [
        ["national", "BE"],
        ["region", "flanders"],
        ["region", "wallonia"],
        ["project", "eeklo-maldegem"],
        ["project", "liege"],
        ["ocmw", "43005"],
        ["ocmw", "43010"],
        ["ocmw", "62063"],
    ]
    assert len(table) == len(units) * len(instrument.items())
    groups = dict(zip(table["item"], table["group"], strict=False))
    assert groups["dom_financial"] == "domain" and groups["emp_rely"] == "empowerment"
    assert {str(table[c].dtype) for c in ("n_baseline", "n_endline", "n_paired")} == {"int64"}
    assert str(table["mean_diff"].dtype) == "float64"


def test_a_woman_belongs_to_her_baseline_ocmw(instrument):
    fin = {"a": ("43005", 4, 6), "g": ("43005", 2, 5)}
    table = indicators.item_table(_protected(instrument, fin, moved={"g": "62063"}), instrument)
    table = table.set_index(["level", "unit", "item"])
    eeklo = _row(table, "ocmw", "43005")
    assert (eeklo["n_baseline"], eeklo["n_endline"], eeklo["n_paired"]) == (2, 2, 2)
    assert eeklo["mean_diff"] == 2.5
    assert ("ocmw", "62063", "dom_financial") not in table.index


def test_unit_table(instrument, reference):
    units = indicators.unit_table(_protected(instrument), reference, instrument).set_index(["level", "unit"])
    be = units.loc[("national", "BE")]
    assert (be["n_women"], be["n_baseline"], be["n_endline"], be["n_paired"]) == (6, 5, 4, 3)
    assert be["languages"] == "nl|fr" and be["parent"] == ""
    project = units.loc[("project", "eeklo-maldegem")]
    assert (project["name_nl"], project["parent"], project["region"], project["languages"]) == (
        "Eeklo-Maldegem",
        "flanders",
        "flanders",
        "nl",
    )
    assert project["n_ocmws"] == 2
    assert (
        project["n_women"],
        project["n_baseline"],
        project["n_endline"],
        project["n_paired"],
    ) == (4, 4, 2, 2)
    maldegem = units.loc[("ocmw", "43010")]
    assert (
        maldegem["parent"],
        maldegem["name_fr"],
        maldegem["n_women"],
        maldegem["n_endline"],
    ) == ("eeklo-maldegem", "Maldegem", 2, 0)
    liege = units.loc[("ocmw", "62063")]
    assert (liege["name_nl"], liege["name_fr"], liege["languages"]) == ("Luik", "Liège", "fr")
    assert units.loc[("region", "wallonia"), "parent"] == "BE"
    assert units.loc[("region", "flanders"), "n_women"] + units.loc[("region", "wallonia"), "n_women"] == 6
