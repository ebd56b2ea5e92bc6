"""The factsheet's context figure (miriam.report.context): public numbers only."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from miriam.report.context import leefloon_sentence
from miriam.report.text import Text

UNITS = pd.DataFrame(
    [
        ("project", "antwerpen", "", 53.0),
        ("ocmw", "11002", "antwerpen", 53.0),
        ("project", "herve-dison", "", math.nan),  # withheld
        ("ocmw", "63035", "herve-dison", math.nan),
        ("ocmw", "63020", "herve-dison", math.nan),
        ("project", "small", "", 7.0),  # n_paired published, sheet withheld (n < 10)
        ("ocmw", "11002", "small", 7.0),
        ("project", "nowhere", "", 20.0),
        ("ocmw", "99999", "nowhere", 20.0),
    ],
    columns=["level", "unit", "parent", "n_paired"],
)
UNITS["published"] = UNITS["n_paired"].ge(10)  # a sheet needs 10 women with both measurements
LEEFLOON = pd.DataFrame({"ocmw_id": ["11002", "63035", "63020"], "leefloon_recipients": [4422, 300, 358]})


def project(unit: str) -> pd.Series:
    return UNITS[(UNITS["level"] == "project") & (UNITS["unit"] == unit)].iloc[0]


def test_recipients_and_the_share_of_the_paired_women():
    nl = leefloon_sentence(UNITS, project("antwerpen"), LEEFLOON, Text("nl"), illustrative=False)
    assert nl == (
        "Het OCMW telt 4.422 leefloongerechtigden. De 53 deelneemsters met beide metingen zijn 1,2 % van hen."
    )
    fr = leefloon_sentence(UNITS, project("antwerpen"), LEEFLOON, Text("fr"), illustrative=True)
    assert "4\u202f422" in fr and "1,2 %" in fr and "illustratif" in fr


def test_a_withheld_sheet_names_no_count_of_its_women():
    """n_paired = 7 is published in units, but the sheet says no figures and no rule: the
    sentence gives the recipients only, not "De 7 deelneemsters ..."."""
    nl = leefloon_sentence(UNITS, project("small"), LEEFLOON, Text("nl"), illustrative=False)
    assert nl == "Het OCMW telt 4.422 leefloongerechtigden."


def test_a_withheld_consortium_gets_its_ocmws_recipients_and_no_share():
    """n_paired withheld: no share (it would give the withheld count back from public numbers)."""
    nl = leefloon_sentence(UNITS, project("herve-dison"), LEEFLOON, Text("nl"), illustrative=False)
    assert nl == "De twee OCMW's van het project tellen samen 658 leefloongerechtigden."


@pytest.mark.parametrize("leefloon", [None, LEEFLOON.iloc[0:0]])
def test_no_reference_no_sentence(leefloon):
    assert leefloon_sentence(UNITS, project("antwerpen"), leefloon, Text("nl"), illustrative=False) == ""


def test_an_ocmw_the_reference_does_not_list_gives_no_sentence():
    assert leefloon_sentence(UNITS, project("nowhere"), LEEFLOON, Text("nl"), illustrative=False) == ""
