"""What the public report may say about the processing of a cohort (docs/disclosure.md).

The reconciliation (rows read, kept, quarantined; women with one form or both) is for
reviewers, in qa/<cohort>/. Its cohort totals are published under the count rule, with the
one relation each sum makes, so that no difference gives a small count back.
"""

from __future__ import annotations

import pandas as pd

#: What the public report may say about the processing (qa/<cohort>/reconciliation.csv is for
#: reviewers): the cohort's totals, each relation "total = sum of parts".
PROCESSING_RELATIONS = (
    ("rows_read", ("rows_kept", "rows_quarantined")),
    ("women", ("women_baseline_and_endline", "women_baseline_only", "women_endline_only")),
)
PROCESSING_MEASURES = (
    *(m for total, parts in PROCESSING_RELATIONS for m in (total, *parts)),
    "values_rejected",
)


def processing_table(reconciliation: pd.DataFrame, *, min_count: int) -> pd.DataFrame:
    """The reconciliation as it may be published: the cohort's totals under the count rule.

    "4 women with only an end form" is a count of women like any other: a count of 1 to
    min_count - 1 is withheld, and where a sum then has exactly one withheld member, the
    smallest other nonzero member is withheld too (parts first), so that no difference gives
    it back. Per-export counts stay with reviewers.
    """
    cohort = reconciliation[reconciliation["scope"].astype(str) == "cohort"]
    counts = {str(m): int(c) for m, c in zip(cohort["measure"], cohort["count"], strict=True)}
    measures = [m for m in PROCESSING_MEASURES if m in counts]
    withheld = {m for m in measures if 0 < counts[m] < min_count}
    changed = True
    while changed:
        changed = False
        for total, parts in PROCESSING_RELATIONS:
            members = [m for m in (*parts, total) if m in counts]
            if sum(m in withheld for m in members) == 1:
                free = [m for m in members if m not in withheld and counts[m] > 0]
                if free:
                    withheld.add(min(free, key=lambda m: (m == total, counts[m], m)))
                    changed = True
    shown = [pd.NA if m in withheld else counts[m] for m in measures]
    return pd.DataFrame(
        {"measure": pd.array(measures, dtype="string"), "count": pd.array(shown, dtype="Int64")}
    )
