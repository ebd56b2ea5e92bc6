# The verification build (docs/verification.md): a cohort's indicator families as computed,
# before disclosure control, at full precision, into verification/<cohort>/ (owner-only,
# gitignored, every file stamped "not for publication"). Built only for the cohorts that
# `--config verify=<cohort>` names or whose file says `verification: {build: true}`. No report
# or figure rule reads it: it is for a reviewer who holds the pipeline against a paper.
rule verify_cohort:
    input:
        **{
            family: f"private/{{cohort}}/indicators/{family}.parquet"
            for family in INDICATOR_FAMILIES + PRIVATE_FAMILIES
        },
        cohort=get_cohort_config,
    output:
        "verification/{cohort}/index.html",
    log:
        "logs/verify_cohort/{cohort}.log",
    benchmark:
        "benchmarks/verify_cohort/{cohort}.tsv"
    conda:
        CONDA_ENV
    params:
        code=code_of("write_verification.py"),
        convention=lambda wildcards: cohort_settings(wildcards)["verification"][
            "convention"
        ],
    script:
        "../scripts/write_verification.py"
