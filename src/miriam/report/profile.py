"""The profile of the women (who they are, at the baseline) and the distribution tables the
report prints: category | count | %, in codebook order or ranked by share.

A profile table whose every count and percentage is withheld is not printed as a grid of
dashes: one sentence names the tables that disclosure control holds back (issue 15).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from miriam.config import Instrument
from miriam.printed import is_missing as _missing
from miriam.report.formatting import md, pipe_table, typography
from miriam.report.tables import (
    PROFILE,
    _category_order,
    _withheld,
    catalogue_spec,
    category_label,
    distribution,
    indicator_label,
)
from miriam.report.text import Text


def distribution_table(
    tables: Mapping,
    indicator: str,
    variable: str,
    instrument: Instrument,
    t: Text,
    *,
    ranked: bool = False,
) -> tuple[str, str]:
    """Category | count | % for one national distribution, in codebook order (`ranked`: by
    printed share, largest first, "other" last); and its n."""
    fmt, c = t.fmt, t.s["columns"]
    rows = distribution(tables, indicator)
    if rows.empty:
        return "", ""
    order = _category_order(variable, instrument, t)
    rows = rows.assign(_o=[order.index(x) if x in order else len(order) for x in rows["category"]])
    if ranked:
        rows = rows.assign(
            _r=[
                (1, 0) if str(cat) == "other" else (0, -fmt.rounded_pct(p)) if not _missing(p) else (0, 1)
                for cat, p in zip(rows["category"], rows["pct"], strict=True)
            ]
        )
        rows = rows.sort_values(["_r", "_o", "category"], kind="stable")
    else:
        rows = rows.sort_values(["_o", "category"], kind="stable")
    body = [
        [
            md(category_label(variable, r["category"], instrument, t)),
            fmt.int(None if _withheld(r, "count") else r["count"]),
            fmt.pct100(None if _withheld(r) else r["pct"]),
        ]
        for _, r in rows.iterrows()
    ]
    ns = [n for n in rows["n"] if not _missing(n)]
    return pipe_table([c["category"], c["count"], c["pct"]], body, "lrr"), t.n(max(ns) if ns else math.nan)


def fully_withheld(tables: Mapping, indicator: str) -> bool:
    """Every count and percentage of a national distribution withheld (and at least one row)."""
    rows = distribution(tables, indicator)
    return not rows.empty and all(_withheld(r, "count") and _withheld(r) for _, r in rows.iterrows())


def profile_section(
    tables: Mapping, catalogue: Mapping | None, instrument: Instrument, t: Text
) -> list[dict]:
    """One block per profile table (table, caption, note); the fully withheld ones together
    in a last block that only names them."""
    blocks, hidden = [], []
    for indicator in PROFILE:
        spec = catalogue_spec(catalogue, indicator)
        if fully_withheld(tables, indicator):
            hidden.append(indicator_label(catalogue, indicator, t))
            continue
        tbl, n = distribution_table(tables, indicator, spec.get("variable", indicator), instrument, t)
        if tbl:
            blocks.append(
                {
                    "table": tbl,
                    "caption": f"{indicator_label(catalogue, indicator, t)} ({n})",
                    "note": spec.get("definition", {}).get(t.lang, "")
                    if spec.get("multi")
                    else typography(t.s.get("notes", {}).get(indicator, ""), t.lang),
                }
            )
    if hidden:
        note = t("national.profile_withheld", tables=t.fmt.join(hidden))
        blocks.append({"table": "", "caption": "", "note": note})
    return blocks
