"""miriam.printed: the one rounding rule and the one number formatter of every page, table,
chart and alt text."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from miriam.printed import MINUS, Fmt, printed_diff, printed_pp, round1, round_half_up, round_int


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


# --- a cohort's own published precision (config `precision`, a cohort file's `precision:`) ---


def test_fmt_of_a_cohort_precision_keeps_the_defaults_it_does_not_set():
    assert Fmt.of("nl", {"mean": 2, "pct": 1}) == Fmt("nl", mean_places=2, pct_places=1)
    assert Fmt.of("fr", {"pct": 1}) == Fmt("fr", mean_places=1, pct_places=1)
    assert Fmt.of("nl", None) == Fmt("nl") == Fmt("nl", mean_places=1, pct_places=0)


@pytest.mark.parametrize(
    ("lang", "method", "value", "expected"),
    [
        ("nl", "score", 5.25, "5,25"),
        ("fr", "score", 5.255, "5,26"),  # half up on what is written
        ("nl", "score", -0.004, "0,00"),  # never "−0,00"
        ("nl", "diff", 0.7, "+0,70"),
        ("fr", "diff", -0.305, f"{MINUS}0,31"),
        ("nl", "diff", 0.004, "0,00"),  # zero unsigned, at the cohort's decimals
        ("nl", "pct", 0.765, "76,5\u00a0%"),
        ("fr", "pct", 0.765, "76,5\u202f%"),  # narrow no-break space in French
        ("nl", "pct100", 59.55, "59,6\u00a0%"),  # as written: 59.55 / 100 is 0.5954999...
        ("fr", "pct100", 1234.5, "1\u202f234,5\u202f%"),
        ("nl", "pp", 6.5, "+6,5"),
        ("fr", "pp", -14.25, f"{MINUS}14,3"),
        ("nl", "pp", 0.04, "0,0"),
    ],
)
def test_fmt_prints_at_a_cohort_precision(lang, method, value, expected):
    assert getattr(Fmt(lang, mean_places=2, pct_places=1), method)(value) == expected


@pytest.mark.parametrize(
    ("method", "value", "expected"),
    [("score", 5.5, "6"), ("diff", 0.7, "+1"), ("diff", -0.3, "0"), ("pct", 0.76543, "76,54\u00a0%")],
)
def test_fmt_at_no_mean_decimals_and_two_percent_decimals(method, value, expected):
    assert getattr(Fmt("nl", mean_places=0, pct_places=2), method)(value) == expected


def test_printed_diff_and_pp_at_other_decimals():
    assert printed_diff(4.96, 5.74, 0.785, places=2) == pytest.approx(0.79)
    assert printed_diff(4.955, 5.745, places=2) == pytest.approx(0.79)  # 5.75 - 4.96
    assert printed_diff(4.96, 5.74, 0.785) == pytest.approx(0.8)  # the default: one decimal
    assert printed_pp(42.45, 29.0, places=1) == pytest.approx(-13.5)  # 29.0 - 42.5
    assert printed_pp(42.45, 29.0) == pytest.approx(-13.0)  # the default: whole percentages


def test_rounded_mean_and_pct_are_what_is_printed():
    f = Fmt("nl", mean_places=2, pct_places=1)
    assert str(f.rounded_mean(5.255)) == "5.26" and str(Fmt("nl").rounded_mean(5.255)) == "5.3"
    assert str(f.rounded_pct(42.45)) == "42.5" and str(Fmt("nl").rounded_pct(42.45)) == "42"
