"""The QA report of ingest and clean: whose value was rejected, missing values with their reason,
and a report that survives a run that fails on the clean-data contract."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from helpers import TEST_WINDOW, make_nrn

from miriam import clean
from miriam.clean import qa
from miriam.errors import InputError

LIES = make_nrn(date(1987, 11, 2), 45)


@pytest.fixture
def report(ingest_cohort, builder, reference):
    def run(exports):
        rows, issues, _ = ingest_cohort(exports)
        cohort = builder.cohort(exports)
        window = (TEST_WINDOW["start"], TEST_WINDOW["end"])
        responses, quarantine = clean.clean_rows(rows, cohort.projects, reference, window)
        reconciliation = clean.reconcile(rows, responses, quarantine, issues)
        contract = pd.DataFrame(
            columns=["source_file", "source_row", "pseudonym", "column", "check", "value"]
        )
        return rows, qa.qa_table(quarantine, issues, contract, rows), reconciliation

    return run


def test_rejected_and_missing_values_carry_the_rows_pseudonym(report, builder):
    rows = [
        builder.row("baseline", response_id="R1", dom_housing="7,5"),
        builder.row("baseline", response_id="R2", national_register_number=LIES, dom_leisure="nvt"),
    ]
    ingested, table, _ = report([builder.export("b.csv", rows, wave="baseline")])
    pseudonym = dict(zip(ingested["source_row"], ingested["pseudonym"], strict=True))
    rejected = table[table["kind"] == "value rejected"].iloc[0]
    assert (rejected["source_row"], rejected["column"]) == (2, "Woonsituatie (0-10)")
    assert rejected["pseudonym"] == pseudonym[2] and len(rejected["pseudonym"]) == 16  # was ""
    missing = table[table["kind"] == "value missing"].iloc[0]
    assert (missing["source_row"], missing["problem"], missing["detail"]) == (
        3,
        "missing_not_applicable",
        "reason not_applicable",
    )
    assert missing["pseudonym"] == pseudonym[3]


def test_blank_cells_are_counted_per_export_and_column(report, builder):
    rows = [
        builder.row("baseline", response_id="R1", dom_leisure=""),
        builder.row(
            "baseline", response_id="R2", national_register_number=LIES, dom_leisure="", dom_health=""
        ),
    ]
    _, table, reconciliation = report([builder.export("b.csv", rows, wave="baseline")])
    blank = table[table["problem"] == "missing_blank"].set_index("column")
    assert blank["count"].to_dict() == {"Fysieke gezondheid (0-10)": 1, "Vrije tijd (0-10)": 2}
    assert blank["source_row"].isna().all() and set(blank["kind"]) == {"values missing"}
    assert blank.loc["Vrije tijd (0-10)", "detail"] == "2 empty cell(s) in this column"
    page = qa.qa_page(table, reconciliation, "test")
    assert "<td>values missing</td><td>missing_blank</td><td>3</td>" in page  # the summary counts cells
    assert "values_missing_blank" in page


# --- a failed run keeps its QA report ------------------------------------------------------------


def _contract_failures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": ["raw/b.csv", "raw/b.csv", "raw/e.csv"],
            "source_row": [2, 5, 3],
            "pseudonym": ["0123456789abcdef"] * 3,
            "column": ["dom_housing", "dom_housing", "region"],
            "check": ["in_range(0, 10)", "in_range(0, 10)", "isin(['flanders', 'brussels', 'wallonia'])"],
            "value": ["12", "11", "mars"],
        }
    )


def test_contract_failure_writes_a_report_that_survives_and_a_full_summary(tmp_path):
    qa_csv = tmp_path / "qa" / "c" / "qa_report.csv"
    contract = _contract_failures()
    empty = pd.DataFrame(columns=["source_file", "source_row", "wave", "pseudonym", "reason", "detail"])
    issues = pd.DataFrame(
        columns=["source_file", "source_row", "column", "variable", "problem", "expected", "reason"]
    )
    table = qa.qa_table(empty, issues, contract)
    reconciliation = pd.DataFrame({"scope": ["cohort"], "measure": ["rows_read"], "count": [3]})
    with pytest.raises(InputError) as info:
        qa.stop_on_contract_failures(
            contract, table, reconciliation, "c", qa_csv, "private/c/ingested.parquet"
        )
    message = str(info.value)
    assert message.startswith("file private/c/ingested.parquet: 3 value(s) break the clean-data contract:")
    assert "column 'dom_housing', check in_range(0, 10): 2 value(s)" in message
    assert "column 'region', check isin(['flanders', 'brussels', 'wallonia']): 1 value(s)" in message
    failed_csv, failed_html = tmp_path / "qa/c/failed/qa_report.csv", tmp_path / "qa/c/failed/qa_report.html"
    assert str(failed_html) in message
    written = pd.read_csv(failed_csv)
    assert written["kind"].tolist() == ["contract failure"] * 3
    assert "This run failed" in failed_html.read_text(encoding="utf-8")
    assert not qa_csv.exists()  # the rule's own outputs are not written (Snakemake deletes them)


def test_a_successful_run_removes_a_stale_failed_report(tmp_path):
    qa_csv = tmp_path / "qa" / "c" / "qa_report.csv"
    failed_csv, failed_html = qa.failed_paths(qa_csv)
    failed_csv.parent.mkdir(parents=True)
    failed_csv.write_text("old")
    failed_html.write_text("old")
    no_failures = _contract_failures().iloc[0:0]
    qa.stop_on_contract_failures(no_failures, pd.DataFrame(), pd.DataFrame(), "c", qa_csv, "x")
    assert not failed_csv.parent.exists()
