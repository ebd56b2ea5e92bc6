# The run manifest: which code, config and inputs made this cohort's results (issue: audit).
# It names the commit every colophon prints, so it re-runs whenever any rule's code changes.
rule write_manifest:
    input:
        hashes=rules.ingest_exports.output.hashes,
        processing=rules.disclose_indicators.output.processing,
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
        code=code_of("write_manifest.py"),
        # every rule's code digest and outputs: a change in any rule's code re-runs the
        # manifest, hence every document naming its commit
        rules=code_by_rule,
        # a new version re-runs the manifest and what it feeds (every report's colophon)
        version=miriam_version,
        # the effective configuration (defaults filled in), hashed into the manifest
        config=config,
    script:
        "../scripts/write_manifest.py"
