rule make_figures:
    input:
        scores=rules.disclose_indicators.output.scores,
        units=rules.disclose_indicators.output.units,
        instrument=get_instrument,
    output:
        report(
            directory("results/{cohort}/figures/{lang}"),
            patterns=["{name}.svg"],
            caption="../report/figures.rst",
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
        lang="{lang}",
        instrument=get_instrument,
    script:
        "../scripts/make_figures.py"
