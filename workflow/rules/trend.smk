# Across cohorts: reach and comparable scores per year, from published tables only. Per
# cohort, the trend as of that cohort (it and the cohorts before it): see cohorts_so_far.
rule compute_trend:
    input:
        reach=lambda w: expand(
            "results/{cohort}/reach.parquet", cohort=cohorts_so_far(w)
        ),
        scores=lambda w: expand(
            "results/{cohort}/items.parquet", cohort=cohorts_so_far(w)
        ),
        cohorts=lambda w: [str(miriam_config.cohort_path(c)) for c in cohorts_so_far(w)],
        instruments=lambda w: sorted(
            {
                str(miriam_config.instrument_path(COHORTS[c].instrument))
                for c in cohorts_so_far(w)
            }
        ),
    output:
        reach="results/{cohort}/trend_reach.parquet",
        reach_csv=report(
            "results/{cohort}/trend_reach.csv",
            caption="../report/trend_reach.rst",
            category="Trend",
            subcategory="{cohort}",
        ),
        scores="results/{cohort}/trend_scores.parquet",
        scores_csv=report(
            "results/{cohort}/trend_scores.csv",
            caption="../report/trend_scores.rst",
            category="Trend",
            subcategory="{cohort}",
        ),
    log:
        "logs/compute_trend/{cohort}.log",
    benchmark:
        "benchmarks/compute_trend/{cohort}.tsv"
    conda:
        CONDA_ENV
    params:
        code=code_of("compute_trend.py"),
        cohorts=cohorts_so_far,
    script:
        "../scripts/compute_trend.py"
