# The run manifest: which code, config and inputs made this cohort's results (issue: audit).
rule write_manifest:
    input:
        hashes=rules.ingest_exports.output.hashes,
        reconciliation=rules.clean_responses.output.reconciliation,
        units=rules.disclose_indicators.output.units,
        scores=rules.disclose_indicators.output.scores,
        config_files=lambda wc: [
            "config/config.yaml",
            get_cohort_config(wc),
            get_instrument(wc),
            OCMW_REFERENCE,
            GROUPS,
            INDICATOR_CATALOGUE,
            NAME_ALIASES,
        ],
    output:
        report(
            "results/{cohort}/manifest.json",
            caption="../report/manifest.rst",
            category="Provenance",
        ),
    log:
        "logs/write_manifest/{cohort}.log",
    benchmark:
        "benchmarks/write_manifest/{cohort}.tsv"
    conda:
        CONDA_ENV
    params:
        workflow_dir=workflow.basedir,
        # a new version re-runs the manifest and what it feeds (every report's colophon)
        version=miriam_version,
        # the effective configuration (defaults filled in), hashed into the manifest
        config=config,
    script:
        "../scripts/write_manifest.py"
