rule clean_responses:
    input:
        rows=rules.ingest_exports.output.rows,
        issues=rules.ingest_exports.output.issues,
        cohort=get_cohort_config,
        instrument=get_instrument,
        reference=OCMW_REFERENCE,
    output:
        responses="private/{cohort}/responses.parquet",
        quarantine="qa/{cohort}/quarantine.csv",
        rejected_values="qa/{cohort}/rejected_values.csv",
        qa_csv="qa/{cohort}/qa_report.csv",
        qa_html="qa/{cohort}/qa_report.html",
        # The reviewers' area, not results/: nothing is published before the cohort's
        # disclosure audit has passed (issue 17). Counts of the processing (assumption A10).
        reconciliation=report(
            "qa/{cohort}/reconciliation.csv",
            caption="../report/reconciliation.rst",
            category="Data processing",
        ),
    log:
        "logs/clean_responses/{cohort}.log",
    benchmark:
        "benchmarks/clean_responses/{cohort}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    params:
        code=code_of("clean_responses.py"),
    script:
        "../scripts/clean_responses.py"
