rule compute_indicators:
    input:
        protected=rules.protect_responses.output.protected,
        instrument=get_instrument,
        reference=OCMW_REFERENCE,
    output:
        items="private/{cohort}/indicators/items.parquet",
        units="private/{cohort}/indicators/units.parquet",
    log:
        "logs/compute_indicators/{cohort}.log",
    benchmark:
        "benchmarks/compute_indicators/{cohort}.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/compute_indicators.py"
