"""Paired statistics for women with both measurements (statistical annex).

Per item: the paired-samples t-test layout of earlier MIRIAM reports (mean difference, SD,
SE, 95 % CI, t, df, two-sided p), the Wilcoxon signed-rank test (the scales are ordinal; zero
differences dropped, normal approximation with tie and continuity corrections: R's
`wilcox.test(..., paired = TRUE, exact = FALSE, correct = TRUE)`), Cohen's d_z and the
matched-pairs rank-biserial correlation as effect sizes, and Holm-adjusted p-values over the
items of the instrument within a unit.
Missing-data rule: a woman counts for an item when she has a valid score at both waves.

The formulas are written out with numpy rather than calling scipy's test functions once per
unit and item: the closed forms are short, and the per-call overhead made this stage the
slowest of the pipeline (thousands of calls). tests/unit/test_stats.py checks them against
scipy and against values computed with R.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

TEST_COLUMNS = [
    "level",
    "unit",
    "item",
    "group",
    "n",
    "mean_diff",
    "sd_diff",
    "se_diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "p_holm",
    "wilcoxon_v",
    "wilcoxon_p",
    "wilcoxon_p_holm",
    "cohen_dz",
    "rank_biserial",
]


def paired_test(d: np.ndarray) -> dict[str, float]:
    """All statistics of one item from the paired differences (endline - baseline)."""
    n = len(d)
    out: dict[str, float] = {"n": n, "mean_diff": float(d.mean()) if n else np.nan}
    if n < 2:
        return out
    mean, sd = out["mean_diff"], float(d.std(ddof=1))
    se = sd / np.sqrt(n)
    half = stats.t.ppf(0.975, n - 1) * se
    out.update(sd_diff=sd, se_diff=se, ci_low=mean - half, ci_high=mean + half, df=n - 1)
    if sd > 0:
        t = mean / se
        out.update(t=t, p=float(2 * stats.t.sf(abs(t), n - 1)), cohen_dz=mean / sd)
    out.update(_wilcoxon(d[d != 0]))
    return out


def _wilcoxon(nonzero: np.ndarray) -> dict[str, float]:
    m = len(nonzero)
    if m == 0:
        return {}
    ranks = stats.rankdata(np.abs(nonzero))
    v = float(ranks[nonzero > 0].sum())
    expected = m * (m + 1) / 4
    _, ties = np.unique(ranks, return_counts=True)
    variance = m * (m + 1) * (2 * m + 1) / 24 - (ties**3 - ties).sum() / 48
    result = {"wilcoxon_v": v, "rank_biserial": (2 * v - ranks.sum()) / ranks.sum()}
    if variance > 0:
        z = (v - expected - 0.5 * np.sign(v - expected)) / np.sqrt(variance)
        result["wilcoxon_p"] = float(min(1.0, 2 * stats.norm.sf(abs(z))))
    return result


def holm(pvalues: pd.Series) -> pd.Series:
    """Holm's step-down adjustment (a few lines; no extra dependency for it)."""
    valid = pvalues.dropna().sort_values()
    m = len(valid)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * valid.to_numpy()))
    return pd.Series(adjusted, index=valid.index).reindex(pvalues.index)


def test_table(long: pd.DataFrame, items: list, level_columns: dict[str, str]) -> pd.DataFrame:
    """Paired tests per unit and item from the long paired table (miriam.indicators.paired_long)."""
    group_of = {v.name: v.group for v in items}
    order = {v.name: i for i, v in enumerate(items)}
    paired = long.dropna(subset=["d"])
    frames = []
    for level, column in level_columns.items():
        records = [
            {
                "level": level,
                "unit": unit,
                "item": item,
                "group": group_of[item],
                **paired_test(g["d"].to_numpy(float)),
            }
            for (unit, item), g in paired.groupby([column, "item"], sort=True)
        ]
        frame = pd.DataFrame(records).reindex(columns=TEST_COLUMNS)
        frame["_order"] = frame["item"].map(order)
        frame = frame.sort_values(["unit", "_order"]).drop(columns="_order")
        by_unit = frame.groupby("unit", sort=False)
        frame["p_holm"] = by_unit["p"].transform(holm)
        frame["wilcoxon_p_holm"] = by_unit["wilcoxon_p"].transform(holm)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).astype({"n": "int64"})
