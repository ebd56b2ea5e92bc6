# The privacy gate: everything under results/ comes out of this rule (or is a count of the
# processing itself, such as the reconciliation). Report and figure rules read only results/.
rule disclose_indicators:
    input:
        scores=rules.compute_indicators.output.scores,
        units=rules.compute_indicators.output.units,
    output:
        scores="results/{cohort}/items.parquet",
        units="results/{cohort}/units.parquet",
        scores_csv=report(
            "results/{cohort}/items.csv",
            caption="../report/items.rst",
            category="Indicators",
        ),
        units_csv="results/{cohort}/units.csv",
        disclosure_log=report(
            "results/{cohort}/disclosure_log.csv",
            caption="../report/disclosure_log.rst",
            category="Disclosure control",
        ),
        audit="results/{cohort}/disclosure_audit.csv",
    log:
        "logs/disclose_indicators/{cohort}.log",
    benchmark:
        "benchmarks/disclose_indicators/{cohort}.tsv"
    params:
        min_n=config["disclosure"]["min_n"],
        min_count=config["disclosure"]["min_count"],
    script:
        "../scripts/disclose_indicators.py"
