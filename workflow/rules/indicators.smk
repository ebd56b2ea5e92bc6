INDICATOR_FAMILIES = [
    "scores",
    "units",
    "shares",
    "distributions",
    "tests",
    "subgroups",
    "reach",
    # The follow-up wave (docs/stages/indicators.md): rows only for a cohort that declares a
    # follow-up; for any other cohort an empty table with the columns. Outputs of a rule are
    # the same for every cohort, and one gate (one audit) publishes every family.
    "followup",
]
# Outside the cell model of disclosure control: the children table (children per age band,
# n = children: Tabel 11 of the 2018-2019 report). The cell model assumes that a count is at
# most its unit's women, which a count of children is not, so rule disclose_indicators
# publishes it by a rule of its own, national only and all or nothing (docs/disclosure.md).
PRIVATE_FAMILIES = ["children"]


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
            for family in INDICATOR_FAMILIES + PRIVATE_FAMILIES
        },
    log:
        "logs/compute_indicators/{cohort}.log",
    benchmark:
        "benchmarks/compute_indicators/{cohort}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    params:
        code=code_of("compute_indicators.py"),
        generalise=lambda wildcards: cohort_settings(wildcards)["generalise"],
    script:
        "../scripts/compute_indicators.py"
