# Demo cohorts only: the seeded generator writes synthetic exports when they are missing.
# One rule per demo cohort, because each cohort declares its own export paths.
for demo_name, demo_cohort in COHORTS.items():
    if not demo_cohort.demo:
        continue

    rule:
        name:
            f"generate_demo_exports_{demo_name.replace('-', '_')}"
        input:
            cohort=str(miriam_config.cohort_path(demo_name)),
            instrument=str(miriam_config.instrument_path(demo_cohort.instrument)),
            reference=OCMW_REFERENCE,
        output:
            exports=[export.path for export in demo_cohort.exports],
        log:
            f"logs/generate_demo_exports/{demo_name}.log",
        benchmark:
            f"benchmarks/generate_demo_exports/{demo_name}.tsv"
        conda:
            CONDA_ENV
        params:
            code=code_of("generate_demo_exports.py"),
            cohort=demo_name,
        script:
            "../scripts/generate_demo_exports.py"
