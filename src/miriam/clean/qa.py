"""The QA report for reviewers: every row set aside and every value rejected, in one place.

Rows are identified by export file, row number and pseudonym only: never by name or register
number. Written as CSV (for filtering) and as a readable HTML page (for reading).

Missing values keep their reason: a missing-value token ("nvt", "sans objet") is listed per
cell (`missing_not_applicable`); empty cells are too many to list (every woman who completed
has no stop reason), so they are counted per export and column (`missing_blank`, one entry
whose `count` is the number of empty cells).

A run whose clean data break the contract fails, and Snakemake then deletes the job's outputs,
this report included: the report of a failed run is written to qa/<cohort>/failed/ instead
(not a rule output, so it survives), and removed again by the next successful run.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from miriam import io
from miriam.errors import InputError

#: ingest.CHECKS (not imported: qa does not depend on ingest), kept in sync by a test.
CHECK_PROBLEMS = frozenset(
    {"total_mismatch", "total_filled_in", "total_blank_items_present", "children_years_mismatch"}
)
QA_COLUMNS = ["kind", "source_file", "source_row", "pseudonym", "column", "problem", "detail", "count"]


def qa_table(
    quarantine: pd.DataFrame,
    issues: pd.DataFrame,
    contract: pd.DataFrame,
    rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One tidy table: quarantined rows, rejected values, missing values and contract failures.

    `rows` (the ingested rows) give each value issue the pseudonym of its row; `count` is the
    number of rows or values an entry stands for (1, except for the counts of empty cells).
    """
    issues = issues.assign(pseudonym=_pseudonyms(issues, rows))
    # Export columns not in the codebook (ingest.IGNORED_COLUMN), on the file's header row.
    is_ignored = issues["problem"] == "ignored_column"
    ignored, issues = issues[is_ignored], issues[~is_ignored]
    # Consistency checks between columns of a row (ingest.CHECKS: a stored total against its
    # items, birth years against the number of children): listed, the values kept by policy.
    is_check = issues["problem"].isin(CHECK_PROBLEMS)
    checked, issues = issues[is_check], issues[~is_check]
    is_missing = issues["problem"] == "missing"
    rejected, missing = issues[~is_missing], issues[is_missing]
    listed = missing[missing["reason"] != "blank"]
    parts = [
        ignored.assign(kind="column ignored", pseudonym="", detail="expected " + ignored["expected"]),
        quarantine.assign(kind="row quarantined", column="", problem=quarantine["reason"]),
        rejected.assign(kind="value rejected", detail="expected " + rejected["expected"]),
        checked.assign(kind="value checked", detail="expected " + checked["expected"]),
        listed.assign(
            kind="value missing", problem="missing_" + listed["reason"], detail="reason " + listed["reason"]
        ),
        _blank_counts(missing[missing["reason"] == "blank"]),
        contract.assign(
            kind="contract failure", problem=contract["check"], detail="value " + contract["value"]
        ),
    ]
    frames = [p.reindex(columns=QA_COLUMNS) for p in parts if len(p)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=QA_COLUMNS)
    table["source_row"] = table["source_row"].astype("Int64")
    table["count"] = table["count"].fillna(1).astype("int64")
    return table.sort_values(["source_file", "source_row", "kind", "column"]).reset_index(drop=True)


def _pseudonyms(issues: pd.DataFrame, rows: pd.DataFrame | None) -> pd.Series:
    """The pseudonym of each issue's row ("" without one). Fix: rejected values showed a blank
    pseudonym, so a reviewer could not tell whose answer it was without opening the export."""
    if rows is None or issues.empty:
        return pd.Series("", index=issues.index, dtype="string")
    # One pseudonym per file row (a wide row yields two records with the same pseudonym).
    keys = rows.dropna(subset=["pseudonym"]).drop_duplicates(["source_file", "source_row"])
    found = issues[["source_file", "source_row"]].merge(
        keys[["source_file", "source_row", "pseudonym"]], on=["source_file", "source_row"], how="left"
    )
    return pd.Series(found["pseudonym"].fillna("").to_numpy(), index=issues.index, dtype="string")


def _blank_counts(blank: pd.DataFrame) -> pd.DataFrame:
    counts = blank.groupby(["source_file", "column"], sort=True).size().reset_index(name="count")
    return counts.assign(
        kind="values missing",
        source_row=pd.NA,
        pseudonym="",
        problem="missing_blank",
        detail=counts["count"].map(lambda n: f"{n} empty cell(s) in this column"),
    )


def qa_page(table: pd.DataFrame, reconciliation: pd.DataFrame, cohort: str, *, failed: bool = False) -> str:
    """A self-contained HTML page: reconciliation first, then every QA row."""
    counts = table.groupby(["kind", "problem"])["count"].sum().reset_index(name="rows or values")
    status = (
        "<p><strong>This run failed: the clean data break the contract (see the contract failures "
        "below). No clean data were written; fix the input and run again.</strong></p>"
        if failed
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>QA report: {html.escape(cohort)}</title>
<style>body{{font-family:sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}}
th{{background:#eee}}</style></head><body>
<h1>QA report: cohort {html.escape(cohort)}</h1>{status}
<p>Rows are identified by export file, row number (as a spreadsheet shows it) and pseudonym.
Values of identifying columns are never shown. Policies: README, "Policies for bad input".
Empty cells are counted per export and column, not listed.</p>
<h2>Reconciliation</h2>{_table(reconciliation)}
<h2>Summary</h2>{_table(counts)}
<h2>Every row and value set aside</h2>{_table(table)}
</body></html>
"""


def write_report(
    table: pd.DataFrame,
    reconciliation: pd.DataFrame,
    cohort: str,
    csv_path: str | Path,
    html_path: str | Path,
    *,
    failed: bool = False,
) -> None:
    io.write_csv(table, csv_path)
    io.write_text(qa_page(table, reconciliation, cohort, failed=failed), html_path)


def failed_paths(qa_csv: str | Path) -> tuple[Path, Path]:
    """Where the QA report of a failed run goes: qa/<cohort>/failed/qa_report.{csv,html}."""
    folder = Path(qa_csv).parent / "failed"
    return folder / "qa_report.csv", folder / "qa_report.html"


def stop_on_contract_failures(
    contract: pd.DataFrame,
    table: pd.DataFrame,
    reconciliation: pd.DataFrame,
    cohort: str,
    qa_csv: str | Path,
    source: str,
) -> None:
    """Contract failures: write the QA report where it survives the failed job, then stop with
    a message that holds the whole summary. No failure: remove a failed run's stale report."""
    failed_csv, failed_html = failed_paths(qa_csv)
    if contract.empty:
        for path in (failed_csv, failed_html):
            path.unlink(missing_ok=True)
        if failed_csv.parent.is_dir() and not any(failed_csv.parent.iterdir()):
            failed_csv.parent.rmdir()
        return
    write_report(table, reconciliation, cohort, failed_csv, failed_html, failed=True)
    summary = contract.groupby(["column", "check"], sort=True).size()
    lines = "".join(
        f"\n  column '{column}', check {check}: {n} value(s)" for (column, check), n in summary.items()
    )
    raise InputError(
        f"{len(contract)} value(s) break the clean-data contract:{lines}\n"
        f"Every failure (file, row, pseudonym) is in {failed_html} and {failed_csv.name} beside it",
        file=source,
    )


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
