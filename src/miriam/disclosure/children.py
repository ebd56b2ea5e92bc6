"""Disclosure control of the children table (Tabel 11 of the 2018-2019 report; docs/disclosure.md).

A count of children is not a count of women, so this table stays outside the cell model of
:mod:`miriam.disclosure.cells` (whose relations assume that a count is at most its unit's
women) and has a rule of its own. It is all or nothing, and national only:

1. **National only.** Per region or OCMW, a region's table next to the national one would
   give a withheld neighbour's children by differencing.
2. **Every woman count beside it is published.** The children per band add equations to the
   published distributions of the same women: all children = sum over k of k x (women with k
   children) plus the children of the open top category, and a band's children >= the women
   with a child in that band (0 children <=> 0 women). Next to a withheld count of those
   distributions (``n_children``, ``children_age_bands``) they can pin it down (two withheld
   categories of known sum and weights 2 and 3 are recovered exactly), so the table is
   published only when every count of those distributions is.
3. **Enough women behind every count.** Each band's children come from 0 or at least
   ``min_count`` women (the `women` column of :mod:`miriam.protect.children`, never
   published): otherwise "3 children aged 0-2" may be one woman's.
4. **Enough children.** n (the children counted) is at least ``min_n``.

When a rule fails, no cell of the table is published: withholding one band would be undone by
the others and the total. Written by hand because no disclosure library models counts of
units (children) nested in the respondents (women) that the other tables count.
"""

from __future__ import annotations

import pandas as pd

from miriam.disclosure.disclose import LOG_COLUMNS
from miriam.printed import round_half_up

#: The published distributions whose women counts the children table could uncover (rule 2).
RELATED = ("n_children", "children_age_bands")
#: The level the table may be published at (rule 1).
LEVEL = "national"


def _failed_rule(
    national: pd.DataFrame, distributions: pd.DataFrame, min_n: int, min_count: int
) -> tuple[str, str] | None:
    """The first rule the national table breaks, as (reason, rule), or None."""
    related = distributions[
        (distributions["level"].astype(str) == LEVEL) & distributions["indicator"].isin(RELATED)
    ]
    if related.empty or related["count"].isna().any():
        return "related_withheld", "a count of n_children or children_age_bands is withheld (or absent)"
    women = national["women"]
    if ((women > 0) & (women < min_count)).any():
        return "few_women", f"a band's children come from 1 to {min_count - 1} women"
    if int(national["n"].max()) < min_n:
        return "small_n", f"fewer than {min_n} children"
    return None


def publish_children(
    children: pd.DataFrame,
    distributions: pd.DataFrame,
    *,
    min_n: int,
    min_count: int,
    pct_decimals: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The children table as published (national rows only, percentages at the published
    precision; count, n and pct withheld as NaN when a rule fails) and its disclosure log rows
    (no values: which rule, not which count).

    `children` is the private table with its `women` column (the publication plan drops it);
    `distributions` the published (disclosed) distributions table.
    """
    national = children[children["level"].astype(str) == LEVEL].reset_index(drop=True)
    if national.empty:
        return national, pd.DataFrame(columns=LOG_COLUMNS)
    national = national.assign(pct=round_half_up(national["pct"].astype("float64"), pct_decimals))
    failed = _failed_rule(national, distributions, min_n, min_count)
    if failed is None:
        return national, pd.DataFrame(columns=LOG_COLUMNS)
    reason, rule = failed
    withheld = national.astype({"n": "float64", "count": "float64"}).assign(
        n=float("nan"), count=float("nan"), pct=float("nan")
    )
    log = pd.DataFrame(
        [
            {
                "table": "children",
                "level": LEVEL,
                "unit": unit,
                "key": "children_age",
                "columns": "n|count|pct",
                "reason": reason,
                "rule": rule,
            }  # fmt: skip
            for unit in sorted(national["unit"].astype(str).unique())
        ],
        columns=LOG_COLUMNS,
    )
    return withheld, log
