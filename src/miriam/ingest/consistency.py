"""Consistency checks between the columns of one row (issue 14): a stored total against its
items, the children's birth years against AANTAL_KIND. The values are kept as the codebook's
policy says; each finding is an issue of its own kind, listed in the QA report ("value
checked", miriam.clean.qa), never counted as a rejected value.
"""

from __future__ import annotations

import pandas as pd

#: Checks of consistency between columns of one row (issue 14): the values are kept as the
#: policy says, and each finding is listed in the QA report ("value checked"), not counted as a
#: rejected value. A stored total that differs from the sum of its items; an empty stored total
#: whose items are all present (under `total: recompute` it is filled in: "total_filled_in");
#: children's birth years that do not number AANTAL_KIND.
TOTAL_MISMATCH = "total_mismatch"
TOTAL_FILLED_IN = "total_filled_in"
TOTAL_BLANK = "total_blank_items_present"
CHILDREN_MISMATCH = "children_years_mismatch"
CHECKS = frozenset({TOTAL_MISMATCH, TOTAL_FILLED_IN, TOTAL_BLANK, CHILDREN_MISMATCH})


def _issue(export, row: int, column: str, variable: str, problem: str, expected: str) -> dict:
    """A value issue (miriam.ingest.ISSUE_COLUMNS)."""
    return {"source_file": export.path, "source_row": row, "column": column, "variable": variable,
            "problem": problem, "expected": expected, "reason": ""}  # fmt: skip


def total(out, variable, columns, export, frame):
    """A total under its codebook policy (`total`): "recompute" (the sum of its items when all
    are present) or "stored" (the export's own value). Either way every stored total that
    differs from the sum of its items, and every empty stored total whose items are all
    present, is a QA entry: nothing is changed without a trace (issue 14)."""
    parts = out[list(variable.sum_of)]
    computed = (
        parts.sum(axis=1, min_count=len(variable.sum_of)).where(parts.notna().all(axis=1)).astype("Int64")
    )
    given = out[variable.name]
    column = columns[variable.name]
    differs = (given.notna() & computed.notna() & (given != computed)).fillna(False)
    blank = (given.isna() & computed.notna()).fillna(False)
    items = ", ".join(variable.sum_of)
    issues = [
        _issue(
            export,
            int(frame.at[i, "_row"]),
            column,
            variable.name,
            TOTAL_MISMATCH,
            f"the sum of {items} ({computed[i]}); stored {given[i]}, "
            + ("the sum is used" if variable.total == "recompute" else "the stored total is used"),
        )
        for i in differs[differs].index
    ]
    filled = TOTAL_FILLED_IN if variable.total == "recompute" else TOTAL_BLANK
    issues += [
        _issue(
            export,
            int(frame.at[i, "_row"]),
            column,
            variable.name,
            filled,
            f"a stored total; empty while {items} are all present ("
            + (f"filled in with their sum {computed[i]})" if filled == TOTAL_FILLED_IN else "left empty)"),
        )
        for i in blank[blank].index
    ]
    return (computed if variable.total == "recompute" else given.astype("Int64")), issues


def children(out, columns, export, frame) -> list[dict]:
    """Rows whose listed birth years do not number AANTAL_KIND (fewer: children without a
    birth year, counted as such in the children table; more: a typing error). Kept as read."""
    listed = out["children_birth_years"].map(
        lambda v: pd.NA if v is None or v is pd.NA else len(str(v).split("|"))
    )
    listed = listed.astype("Int64").fillna(0)
    declared = out["n_children"]
    differs = (declared.notna() & (listed != declared)).fillna(False)
    return [
        _issue(
            export,
            int(frame.at[i, "_row"]),
            columns["children_birth_years"],
            "children_birth_years",
            CHILDREN_MISMATCH,
            f"as many birth years as n_children ({declared[i]}); {listed[i]} listed",
        )
        for i in differs[differs].index
    ]
