"""Paired statistics for women with both measurements (statistical annex).

Per item: the paired-samples t-test layout of earlier MIRIAM reports (mean difference, SD,
SE, 95 % CI, t, df, two-sided p), the Wilcoxon signed-rank test (the scales are ordinal; zero
differences dropped and normal approximation with continuity correction, as R's wilcox.test
does with ties), Cohen's d_z and the matched-pairs rank-biserial correlation as effect sizes,
and Holm-adjusted p-values over the items of a unit (family = all items of the instrument).
Missing-data rule: a woman counts for an item when she has a valid score at both waves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

TEST_COLUMNS = [
    "level", "unit", "item", "group", "n", "mean_diff", "sd_diff", "se_diff", "ci_low", "ci_high",
    "t", "df", "p", "p_holm", "wilcoxon_v", "wilcoxon_p", "wilcoxon_p_holm", "cohen_dz",
    "rank_biserial",
]


def paired_test(baseline: np.ndarray, endline: np.ndarray) -> dict[str, float]:
    """All statistics of one item over the paired women (arrays of equal length, no NaN)."""
    d = endline - baseline
    n = len(d)
    out = {"n": n, "mean_diff": float(d.mean()) if n else np.nan}
    if n < 2:
        return out
    sd = float(d.std(ddof=1))
    se = sd / np.sqrt(n)
    tcrit = stats.t.ppf(0.975, n - 1)
    out.update(sd_diff=sd, se_diff=se, ci_low=out["mean_diff"] - tcrit * se,
               ci_high=out["mean_diff"] + tcrit * se, df=n - 1)
    if sd > 0:
        result = stats.ttest_rel(endline, baseline)
        out.update(t=float(result.statistic), p=float(result.pvalue), cohen_dz=out["mean_diff"] / sd)
    nonzero = d[d != 0]
    if len(nonzero):
        ranks = stats.rankdata(np.abs(nonzero))
        v = float(ranks[nonzero > 0].sum())
        w = stats.wilcoxon(nonzero, zero_method="wilcox", correction=True, method="approx")
        out.update(wilcoxon_v=v, wilcoxon_p=float(w.pvalue),
                   rank_biserial=(2 * v - ranks.sum()) / ranks.sum())
    return out


def holm(pvalues: pd.Series) -> pd.Series:
    """Holm's step-down adjustment (written out: six lines, no extra dependency for it)."""
    valid = pvalues.dropna().sort_values()
    m = len(valid)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * valid.to_numpy()))
    return pd.Series(adjusted, index=valid.index).reindex(pvalues.index)


def test_table(scores: pd.DataFrame, members: pd.DataFrame, items: list, levels: dict[str, str]) -> pd.DataFrame:
    """Paired tests per unit (levels: name -> grouping column of `members`) and item.

    `scores` has columns (item, wave) indexed by pseudonym; `members` is indexed by pseudonym.
    """
    records = []
    for level, column in levels.items():
        for unit, group in members.groupby(column, sort=True):
            unit_records = []
            for var in items:
                b = scores.loc[group.index, (var.name, "baseline")]
                e = scores.loc[group.index, (var.name, "endline")]
                both = b.notna() & e.notna()
                result = paired_test(b[both].to_numpy(float), e[both].to_numpy(float))
                unit_records.append({"level": level, "unit": unit, "item": var.name, "group": var.group, **result})
            frame = pd.DataFrame(unit_records).reindex(columns=TEST_COLUMNS)
            frame["p_holm"] = holm(frame["p"])
            frame["wilcoxon_p_holm"] = holm(frame["wilcoxon_p"])
            records.append(frame)
    return pd.concat(records, ignore_index=True).astype({"n": "int64"})
