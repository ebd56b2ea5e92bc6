"""The QA report for reviewers: every row set aside and every value rejected, in one place.

Rows are identified by export file, row number and pseudonym only: never by name or register
number. Written as CSV (for filtering) and as a readable HTML page (for reading).
"""

from __future__ import annotations

import html

import pandas as pd

QA_COLUMNS = ["kind", "source_file", "source_row", "pseudonym", "column", "problem", "detail"]


def qa_table(quarantine: pd.DataFrame, issues: pd.DataFrame, contract: pd.DataFrame) -> pd.DataFrame:
    """One tidy table: quarantined rows, rejected values and contract failures."""
    parts = [
        quarantine.assign(kind="row quarantined", column="", problem=quarantine["reason"]),
        issues.assign(kind="value rejected", pseudonym="", detail="expected " + issues["expected"]),
        contract.assign(
            kind="contract failure", problem=contract["check"], detail="value " + contract["value"]
        ),
    ]
    frames = [p.reindex(columns=QA_COLUMNS) for p in parts if len(p)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=QA_COLUMNS)
    table["source_row"] = table["source_row"].astype("Int64")
    return table.sort_values(["source_file", "source_row", "kind", "column"]).reset_index(drop=True)


def qa_page(table: pd.DataFrame, reconciliation: pd.DataFrame, cohort: str) -> str:
    """A self-contained HTML page: reconciliation first, then every QA row."""
    counts = table.groupby(["kind", "problem"]).size().reset_index(name="rows")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>QA report: {html.escape(cohort)}</title>
<style>body{{font-family:sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}}
th{{background:#eee}}</style></head><body>
<h1>QA report: cohort {html.escape(cohort)}</h1>
<p>Rows are identified by export file, row number (as a spreadsheet shows it) and pseudonym.
Values of identifying columns are never shown. Policies: README, "Policies for bad input".</p>
<h2>Reconciliation</h2>{_table(reconciliation)}
<h2>Summary</h2>{_table(counts)}
<h2>Every row and value set aside</h2>{_table(table)}
</body></html>
"""


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
