# The privacy gate: everything under results/ comes out of this rule. Report and figure rules
# read only results/. The audit and the log (which value is small, which a complement) are for
# reviewers only: qa/<cohort>/ (owner-only), never published.
# File names: the score family is published as items.{parquet,csv}.
PUBLISHED_NAME = {family: family for family in INDICATOR_FAMILIES} | {"scores": "items"}
# The children table (children, not women: Tabel 11 of the 2018-2019 report) is published by a
# rule of its own, national only and all or nothing (miriam.disclosure.children).


rule disclose_indicators:
    input:
        **{
            family: f"private/{{cohort}}/indicators/{family}.parquet"
            for family in INDICATOR_FAMILIES
        },
        children="private/{cohort}/indicators/children.parquet",
        instrument=get_instrument,
        dictionary=DATA_DICTIONARY,
        reconciliation=rules.clean_responses.output.reconciliation,
        plan=PUBLICATION_PLAN,
    output:
        **{
            family: f"results/{{cohort}}/{PUBLISHED_NAME[family]}.parquet"
            for family in INDICATOR_FAMILIES
        },
        **{
            f"{family}_csv": report(
                f"results/{{cohort}}/{PUBLISHED_NAME[family]}.csv",
                caption=f"../report/{PUBLISHED_NAME[family]}.rst",
                category="Indicators",
                subcategory="{cohort}",
            )
            for family in INDICATOR_FAMILIES
        },
        children="results/{cohort}/children.parquet",
        children_csv=report(
            "results/{cohort}/children.csv",
            caption="../report/children.rst",
            category="Indicators",
            subcategory="{cohort}",
        ),
        disclosure_log=report(
            "qa/{cohort}/disclosure_log.csv",
            caption="../report/disclosure_log.rst",
            category="Disclosure control",
        ),
        processing=report(
            "results/{cohort}/processing.csv",
            caption="../report/processing.rst",
            category="Indicators",
            subcategory="{cohort}",
        ),
        dictionary=report(
            "results/{cohort}/data_dictionary.csv",
            caption="../report/data_dictionary.rst",
            category="Indicators",
        ),
        audit=report(
            "qa/{cohort}/disclosure_audit.csv",
            caption="../report/disclosure_audit.rst",
            category="Disclosure control",
        ),
    log:
        "logs/disclose_indicators/{cohort}.log",
    benchmark:
        "benchmarks/disclose_indicators/{cohort}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    params:
        code=code_of("disclose_indicators.py"),
        disclosure=lambda wildcards: cohort_settings(wildcards)["disclosure"],
        precision=lambda wildcards: cohort_settings(wildcards)["precision"],
        # units the cohort file withholds whole (the way out when the audit stops the build)
        suppress=lambda wc: [str(u) for u in COHORTS[wc.cohort].raw.get("suppress", [])],
    script:
        "../scripts/disclose_indicators.py"
