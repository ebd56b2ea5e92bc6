# One job per cohort and language draws every chart of that report: the begin/end chart of
# each published unit, the scale chart of all OCMWs and the trend charts. One process for all
# (start-up costs more than a chart); unchanged charts come from the content-addressed cache.
rule make_figures:
    input:
        scores=rules.disclose_indicators.output.scores,
        units=rules.disclose_indicators.output.units,
        instrument=get_instrument,
        leefloon=config["reference"]["leefloon"],
        cohorts=lambda w: [str(miriam_config.cohort_path(c)) for c in cohorts_so_far(w)],
        trend_scores=rules.compute_trend.output.scores,
        trend_reach=rules.compute_trend.output.reach,
    output:
        units=report(
            directory("results/{cohort}/figures/{lang}"),
            patterns=["{name}.svg"],
            caption="../report/figures.rst",
            category="Figures",
            subcategory="{cohort} {lang}",
        ),
        programme=report(
            directory("results/{cohort}/figures_programme/{lang}"),
            patterns=["{name}.svg"],
            caption="../report/programme_figures.rst",
            category="Figures",
            subcategory="{cohort} {lang}",
        ),
    log:
        "logs/make_figures/{cohort}_{lang}.log",
    benchmark:
        "benchmarks/make_figures/{cohort}_{lang}.tsv"
    conda:
        CONDA_ENV
    params:
        code=code_of("make_figures.py"),
        lang="{lang}",
        instrument=get_instrument,
        illustrative=config["reference"]["leefloon_illustrative"],
        cache=config["cache_dir"],
        # decimals of means, as disclose_indicators published them and the report prints them
        precision=lambda wildcards: cohort_settings(wildcards)["precision"],
    script:
        "../scripts/make_figures.py"
