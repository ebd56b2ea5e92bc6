rule protect_responses:
    input:
        responses=rules.clean_responses.output.responses,
        cohort=get_cohort_config,
        instrument=get_instrument,
        reference=OCMW_REFERENCE,
        groups=GROUPS,
    output:
        protected="private/{cohort}/protected.parquet",
    log:
        "logs/protect_responses/{cohort}.log",
    benchmark:
        "benchmarks/protect_responses/{cohort}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    params:
        code=code_of("protect_responses.py"),
        generalise=lambda wildcards: cohort_settings(wildcards)["generalise"],
    script:
        "../scripts/protect_responses.py"


# Only when config `extract.enabled`: a pseudonymised extract for re-use, in the private zone,
# written only when it is k-anonymous over the configured quasi-identifiers.
rule write_extract:
    input:
        protected=rules.protect_responses.output.protected,
        instrument=get_instrument,
    output:
        extract="private/{cohort}/extract.parquet",
    log:
        "logs/write_extract/{cohort}.log",
    benchmark:
        "benchmarks/write_extract/{cohort}.tsv"
    conda:
        CONDA_ENV
    params:
        code=code_of("write_extract.py"),
        extract=config["extract"],
    script:
        "../scripts/write_extract.py"
