# Across cohorts: reach and comparable scores per year, from published tables only.
rule compute_trend:
    input:
        reach=expand("results/{cohort}/reach.parquet", cohort=COHORTS),
        scores=expand("results/{cohort}/items.parquet", cohort=COHORTS),
        cohorts=expand("config/cohorts/{cohort}.yaml", cohort=COHORTS),
        instruments=sorted(
            {
                str(miriam_config.instrument_path(c.instrument))
                for c in COHORTS.values()
            }
        ),
    output:
        reach="results/trend/reach.parquet",
        reach_csv=report(
            "results/trend/reach.csv",
            caption="../report/trend_reach.rst",
            category="Trend",
        ),
        scores="results/trend/scores.parquet",
        scores_csv=report(
            "results/trend/scores.csv",
            caption="../report/trend_scores.rst",
            category="Trend",
        ),
    log:
        "logs/compute_trend/trend.log",
    benchmark:
        "benchmarks/compute_trend/trend.tsv"
    conda:
        CONDA_ENV
    params:
        cohorts=list(COHORTS),
    script:
        "../scripts/compute_trend.py"
