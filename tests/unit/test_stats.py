"""Paired statistics: hand-computed fixtures, R's values, and scipy as an independent check."""

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from miriam.indicators import stats

# Five women, differences 1, 2, 2, 0, 3 (one zero: dropped by Wilcoxon, kept by the t-test).
D = np.array([1.0, 2.0, 2.0, 0.0, 3.0])


def test_t_test_layout_by_hand():
    r = stats.paired_test(D)
    assert r["n"] == 5 and r["df"] == 4
    assert r["mean_diff"] == pytest.approx(1.6)
    assert r["sd_diff"] == pytest.approx(np.sqrt(1.3))  # sum of squares 5.2 / 4
    assert r["se_diff"] == pytest.approx(np.sqrt(1.3) / np.sqrt(5))
    assert r["t"] == pytest.approx(1.6 / (np.sqrt(1.3) / np.sqrt(5)))
    assert r["cohen_dz"] == pytest.approx(1.6 / np.sqrt(1.3))


def test_wilcoxon_by_hand():
    # Non-zero |d| = 1, 2, 2, 3 -> ranks 1, 2.5, 2.5, 4; all positive -> V = 10, r = 1.
    r = stats.paired_test(D)
    assert r["wilcoxon_v"] == 10
    assert r["rank_biserial"] == pytest.approx(1.0)
    # Normal approximation: mean 5, variance 4*5*9/24 - (2^3-2)/48 = 7.375, continuity 0.5.
    z = (10 - 5 - 0.5) / np.sqrt(7.375)
    assert r["wilcoxon_p"] == pytest.approx(2 * scipy_stats.norm.sf(z))


def test_values_computed_with_r():
    # Computed once with R 4.2.2 (Debian r-base-core):
    #   b <- c(3,5,4,6,2,7,5,4,3,6); e <- c(5,6,4,8,3,7,7,6,4,7)
    #   t.test(e, b, paired=TRUE)
    #   wilcox.test(e, b, paired=TRUE, exact=FALSE, correct=TRUE)
    b = np.array([3, 5, 4, 6, 2, 7, 5, 4, 3, 6], float)
    e = np.array([5, 6, 4, 8, 3, 7, 7, 6, 4, 7], float)
    r = stats.paired_test(e - b)
    assert r["t"] == pytest.approx(4.8107023544, abs=1e-9)
    assert r["df"] == 9
    assert r["p"] == pytest.approx(0.0009593103, abs=1e-10)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((0.6357188628, 1.7642811372), abs=1e-9)
    assert r["wilcoxon_v"] == 36
    assert r["wilcoxon_p"] == pytest.approx(0.0119759037, abs=1e-10)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Debian r-base-core) not installed")
def test_agrees_with_r_on_a_realistic_dataset():
    rng = np.random.default_rng(7)
    b = rng.integers(0, 11, 300).astype(float)
    e = np.clip(b + rng.integers(-3, 5, 300), 0, 10)
    script = (
        f"b <- c({','.join(map(str, b))}); e <- c({','.join(map(str, e))}); "
        "t <- t.test(e, b, paired=TRUE); w <- wilcox.test(e, b, paired=TRUE, exact=FALSE, correct=TRUE); "
        'cat(sprintf("%.12g", c(t$statistic, t$p.value, t$conf.int, w$statistic, w$p.value)))'
    )
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout
    t, p, low, high, v, wp = map(float, out.split())
    r = stats.paired_test(e - b)
    assert r["t"] == pytest.approx(t, rel=1e-9)
    assert r["p"] == pytest.approx(p, rel=1e-6, abs=1e-300)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    assert r["wilcoxon_v"] == v
    assert r["wilcoxon_p"] == pytest.approx(wp, rel=1e-6, abs=1e-300)


def test_agrees_with_scipy_on_a_realistic_dataset():
    rng = np.random.default_rng(2024)
    b = rng.integers(0, 11, 900).astype(float)
    e = np.clip(b + rng.integers(-3, 5, 900), 0, 10)
    r = stats.paired_test(e - b)
    assert r["p"] == pytest.approx(scipy_stats.ttest_rel(e, b).pvalue, rel=1e-9, abs=1e-300)
    w = scipy_stats.wilcoxon(e - b, zero_method="wilcox", correction=True, method="approx")
    assert r["wilcoxon_p"] == pytest.approx(w.pvalue, rel=1e-9, abs=1e-300)
    low, high = scipy_stats.ttest_rel(e, b).confidence_interval()
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((low, high))


def test_holm_adjustment():
    p = pd.Series([0.01, 0.04, 0.03, np.nan])
    adjusted = stats.holm(p)
    # sorted 0.01, 0.03, 0.04 -> 3*0.01, 2*0.03, 1*0.04 -> monotone: 0.03, 0.06, 0.06
    assert adjusted.tolist()[:3] == pytest.approx([0.03, 0.06, 0.06])
    assert np.isnan(adjusted.iloc[3])


def test_single_woman_gives_no_test():
    r = stats.paired_test(np.array([2.0]))
    assert r["n"] == 1 and "t" not in r and "p" not in r
