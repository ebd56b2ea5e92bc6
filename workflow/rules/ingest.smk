rule ingest_exports:
    input:
        exports=get_exports,
        cohort=get_cohort_config,
        instrument=get_instrument,
        reference=OCMW_REFERENCE,
        aliases=NAME_ALIASES,
    output:
        rows="private/{cohort}/ingested.parquet",
        issues="private/{cohort}/value_issues.parquet",
        hashes="qa/{cohort}/input_sha256.json",
    log:
        "logs/ingest_exports/{cohort}.log",
    benchmark:
        "benchmarks/ingest_exports/{cohort}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    params:
        code=code_of("ingest_exports.py"),
        parsing=config["parsing"],
        # where the pseudonym key is read from (names only: the key never enters the workflow)
        pseudonym=config["pseudonym"],
    script:
        "../scripts/ingest_exports.py"
