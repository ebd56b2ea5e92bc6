"""miriam.printed: the one rounding rule and the one number formatter of every page, table,
chart and alt text."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from miriam.printed import MINUS, Fmt, round1, round_half_up, round_int


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (4.25, 1, 4.3),
        (0.05, 1, 0.1),
        (-0.05, 1, -0.1),
        (5.25, 1, 5.3),
        (2.675, 2, 2.68),  # binary 2.67499999...: half up on what is written
        (42.5, 0, 43.0),
        (-42.5, 0, -43.0),
        (0.125, 2, 0.13),
        (-0.04, 1, 0.0),
    ],
)
def test_round_half_up_at_the_half(value, places, expected):
    assert round_half_up(value, places) == expected


def test_round_half_up_never_gives_negative_zero():
    assert math.copysign(1, round_half_up(-0.04, 1)) == 1


def test_round_half_up_keeps_missing_values_missing_and_rounds_series():
    assert math.isnan(round_half_up(None, 1))
    out = round_half_up(pd.Series([4.25, None, -0.05, 1.0]), 1)
    assert out.dtype == "float64"
    assert out.iloc[[0, 2, 3]].tolist() == [4.3, -0.1, 1.0]
    assert math.isnan(out.iloc[1])


def test_round1_and_round_int_follow_the_same_rule():
    assert str(round1(4.25)) == "4.3"
    assert str(round1(-0.05)) == "-0.1"
    assert round_int(42.5) == 43


@pytest.mark.parametrize(
    ("lang", "value", "expected"),
    [
        ("nl", 4.25, "4,3"),
        ("fr", 0.05, "0,1"),
        ("nl", -0.05, f"{MINUS}0,1"),
        ("fr", -3.14, f"{MINUS}3,1"),
        ("nl", float("nan"), "–"),
    ],
)
def test_score_decimal_comma_and_real_minus(lang, value, expected):
    assert Fmt(lang).score(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.7, "+0,7"), (-0.3, f"{MINUS}0,3"), (0.04, "0,0"), (-0.04, "0,0"), (-0.05, f"{MINUS}0,1")],
)
def test_diff_is_signed_with_a_real_minus(value, expected):
    assert Fmt("nl").diff(value) == expected
    assert "-" not in Fmt("fr").diff(value)


def test_counts_percentages_and_points():
    nl, fr = Fmt("nl"), Fmt("fr")
    assert nl.int(1144) == "1.144"
    assert fr.int(1144) == "1\u202f144"
    assert nl.int(-3) == f"{MINUS}3"
    assert nl.pct(0.765) == "77\u00a0%"
    assert fr.pct(0.765) == "77\u202f%"
    assert nl.pp(-14) == f"{MINUS}14"
    assert nl.pp(6.5) == "+7"
    assert nl.dec(-0.005, 2) == f"{MINUS}0,01"
    assert nl.dec(-0.004, 2) == "0,00"
