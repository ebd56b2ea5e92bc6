"""Rule clean_responses: quarantine unusable rows, resolve duplicates, reconcile, QA report."""

import logging

from miriam import clean, config, io
from miriam.clean import qa, validation
from miriam.provenance import logs
from miriam.vocab import FOLLOWUP


def main(snakemake):
    cohort = config.load_cohort(snakemake.input.cohort)
    instrument = config.load_instrument(snakemake.input.instrument)
    reference = config.load_ocmw_reference(snakemake.input.reference)
    rows = io.read_table(snakemake.input.rows)
    issues = io.read_table(snakemake.input.issues)
    # Follow-up forms (a cohort with a follow-up) are checked against the follow-up window.
    followup_window = cohort.window(FOLLOWUP) if cohort.followup else None
    responses, quarantine = clean.clean_rows(
        rows, cohort.projects, reference, cohort.window(), followup_window=followup_window
    )
    reconciliation = clean.reconcile(rows, responses, quarantine, issues)
    contract = validation.check(responses, validation.responses_schema(instrument))
    for record in reconciliation.itertuples():
        logging.info("%s: %s = %d", record.scope, record.measure, record.count)
    report = qa.qa_table(quarantine, issues, contract, rows)
    for case in contract.itertuples():
        logging.error("%s row %s column %s: %s", case.source_file, case.source_row, case.column, case.check)
    # Snakemake removes a failed job's outputs: on a contract failure the QA report goes to
    # qa/<cohort>/failed/ (not an output) and the error message carries the summary.
    qa.stop_on_contract_failures(
        contract, report, reconciliation, cohort.name, snakemake.output.qa_csv, snakemake.input.rows
    )
    qa.write_report(report, reconciliation, cohort.name, snakemake.output.qa_csv, snakemake.output.qa_html)
    io.write_table(responses, snakemake.output.responses, sort_by=["pseudonym", "wave"])
    io.write_csv(quarantine, snakemake.output.quarantine)
    # Rejected values only: missing values (with their reason) are in the QA report.
    rejected = ~issues["problem"].isin(["missing", "ignored_column"])  # columns: QA report only
    io.write_csv(issues[rejected], snakemake.output.rejected_values)
    io.write_csv(reconciliation, snakemake.output.reconciliation)


logs.run_step(snakemake, main)  # noqa: F821
