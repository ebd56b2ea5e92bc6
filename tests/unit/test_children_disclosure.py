"""The children table's own disclosure rule (miriam.disclosure.children, docs/disclosure.md):
national only, all or nothing."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from miriam.disclosure.children import publish_children

BANDS = ["0-2", "3-5", "6-12", "no_birth_year"]


def kids(counts: dict[str, int], women: dict[str, int], level: str = "national") -> pd.DataFrame:
    n = sum(counts.values())
    return pd.DataFrame(
        [
            {
                "level": level,
                "unit": "BE" if level == "national" else "flanders",
                "indicator": "children_age",
                "wave": "baseline",
                "category": b,
                "n": n,
                "count": counts[b],
                "pct": 100 * counts[b] / n,
                "multi": False,
                "women": women[b],
            }  # fmt: skip
            for b in BANDS
        ]
    )


def mothers(withheld: bool = False) -> pd.DataFrame:
    rows = [("n_children", "1", 30.0), ("n_children", "2", 3.0 if withheld else 20.0),
            ("children_age_bands", "0-2", 12.0)]  # fmt: skip
    table = pd.DataFrame(
        [
            {
                "level": "national",
                "unit": "BE",
                "indicator": i,
                "wave": "baseline",
                "category": c,
                "count": math.nan if withheld and c == "2" else v,
            }
            for i, c, v in rows
        ]  # fmt: skip
    )
    return table


LARGE = kids(
    {"0-2": 20, "3-5": 25, "6-12": 15, "no_birth_year": 0},
    {"0-2": 12, "3-5": 20, "6-12": 9, "no_birth_year": 0},
)


def test_a_table_that_passes_every_rule_is_published_rounded():
    published, log = publish_children(LARGE, mothers(), min_n=10, min_count=5)
    assert published["count"].tolist() == [20, 25, 15, 0]
    assert published["pct"].tolist() == [33.0, 42.0, 25.0, 0.0]  # 33.33, 41.67 (half up), 25
    assert log.empty


@pytest.mark.parametrize(
    "table, distributions, reason",
    [
        (LARGE, mothers(withheld=True), "related_withheld"),
        (LARGE, mothers().iloc[0:0], "related_withheld"),
        (
            kids(
                {"0-2": 20, "3-5": 25, "6-12": 3, "no_birth_year": 0},
                {"0-2": 12, "3-5": 20, "6-12": 1, "no_birth_year": 0},
            ),
            mothers(),
            "few_women",
        ),  # fmt: skip
        (
            kids(
                {"0-2": 5, "3-5": 0, "6-12": 0, "no_birth_year": 0},
                {"0-2": 5, "3-5": 0, "6-12": 0, "no_birth_year": 0},
            ),
            mothers(),
            "small_n",
        ),  # fmt: skip
    ],
)
def test_a_rule_that_fails_withholds_every_cell_and_says_which_rule(table, distributions, reason):
    published, log = publish_children(table, distributions, min_n=10, min_count=5)
    assert published[["n", "count", "pct"]].isna().all().all()
    assert log["reason"].tolist() == [reason]
    assert log["table"].tolist() == ["children"]
    assert not any(str(v) in log.to_csv() for v in table["count"] if v > 1)  # no value in the log


def test_only_the_national_rows_are_published():
    regional = kids({"0-2": 20, "3-5": 25, "6-12": 15, "no_birth_year": 0},
                    {"0-2": 12, "3-5": 20, "6-12": 9, "no_birth_year": 0}, level="region")  # fmt: skip
    published, _ = publish_children(pd.concat([LARGE, regional]), mothers(), min_n=10, min_count=5)
    assert published["level"].unique().tolist() == ["national"]
