"""Rule clean_responses: quarantine unusable rows, resolve duplicates, reconcile counts."""

import logging

from miriam import clean, config, io, logs


def main(snakemake):
    cohort = config.load_cohort(snakemake.input.cohort)
    reference = config.load_ocmw_reference(snakemake.input.reference)
    rows = io.read_table(snakemake.input.rows)
    issues = io.read_table(snakemake.input.issues)
    window = (cohort.raw["window"]["start"], cohort.raw["window"]["end"])
    responses, quarantine = clean.clean_rows(rows, cohort.projects, reference, window)
    reconciliation = clean.reconcile(rows, responses, quarantine, issues)
    for record in reconciliation.itertuples():
        logging.info("%s: %s = %d", record.scope, record.measure, record.count)
    io.write_table(responses, snakemake.output.responses, sort_by=["pseudonym", "wave"])
    io.write_csv(quarantine, snakemake.output.quarantine)
    io.write_csv(issues, snakemake.output.rejected_values)
    io.write_csv(reconciliation, snakemake.output.reconciliation)


logs.run_step(snakemake, main)  # noqa: F821
