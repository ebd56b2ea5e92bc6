"""What disclosure control and its audit share: the reasons a value is withheld and the
precision the statistical annex is published at. Below both :mod:`miriam.disclosure.disclose`
and :mod:`miriam.disclosure.audit`, so that neither imports the other to learn them.
"""

from __future__ import annotations

# Reasons, most telling first: a row's `reason` is the first that applies to one of its cells.
REASONS = ("count_below_min_count", "n_below_min_n", "secondary", "plan")
PRIMARY = frozenset(REASONS[:2])
#: Decimals of the statistical annex (tests), as the report prints them. The audit takes the
#: same precision for the mean difference it prints.
TEST_DECIMALS = {
    "mean_diff": 2,
    "sd_diff": 2,
    "se_diff": 3,
    "ci_low": 2,
    "ci_high": 2,
    "t": 2,
    "p": 3,
    "p_holm": 3,
    "wilcoxon_v": 1,
    "wilcoxon_p": 3,
    "wilcoxon_p_holm": 3,
    "cohen_dz": 2,
    "rank_biserial": 2,
}
