INDICATOR_FAMILIES = [
    "scores",
    "units",
    "shares",
    "distributions",
    "tests",
    "subgroups",
    "reach",
]


rule compute_indicators:
    input:
        protected=rules.protect_responses.output.protected,
        cohort=get_cohort_config,
        instrument=get_instrument,
        reference=OCMW_REFERENCE,
        catalogue=INDICATOR_CATALOGUE,
    output:
        **{
            family: f"private/{{cohort}}/indicators/{family}.parquet"
            for family in INDICATOR_FAMILIES
        },
    log:
        "logs/compute_indicators/{cohort}.log",
    benchmark:
        "benchmarks/compute_indicators/{cohort}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    script:
        "../scripts/compute_indicators.py"
