# jinja2 -> Quarto sources per language, then one render per language (many documents per
# process: per-document start-up would dominate), then the index page.
rule write_report_sources:
    input:
        scores=rules.disclose_indicators.output.scores,
        units=rules.disclose_indicators.output.units,
        shares=rules.disclose_indicators.output.shares,
        distributions=rules.disclose_indicators.output.distributions,
        tests=rules.disclose_indicators.output.tests,
        subgroups=rules.disclose_indicators.output.subgroups,
        reach=rules.disclose_indicators.output.reach,
        followup=rules.disclose_indicators.output.followup,
        children=rules.disclose_indicators.output.children,
        processing=rules.disclose_indicators.output.processing,
        manifest=rules.write_manifest.output[0],
        trend_reach=rules.compute_trend.output.reach,
        trend_scores=rules.compute_trend.output.scores,
        figures=rules.make_figures.output.units,
        programme_figures=rules.make_figures.output.programme,
        catalogue=INDICATOR_CATALOGUE,
        # the factsheets' context figure (leefloon recipients of the project's OCMWs)
        leefloon=config["reference"]["leefloon"],
        cohort=get_cohort_config,
        instrument=get_instrument,
        templates=REPORT_SOURCES / "templates",
        assets=REPORT_SOURCES / "assets",
        # and each file in them: editing a file does not change its directory's mtime
        template_files=report_files("templates"),
        asset_files=report_files("assets"),
        quarto_project=REPORT_SOURCES / "_quarto.yml",
        strings=REPORT_SOURCES / "strings" / "{lang}.yaml",
    output:
        directory("results/{cohort}/report/src/{lang}"),
    log:
        "logs/write_report_sources/{cohort}_{lang}.log",
    benchmark:
        "benchmarks/write_report_sources/{cohort}_{lang}.tsv"
    conda:
        CONDA_ENV
    params:
        code=code_of("write_report_sources.py"),
        lang="{lang}",
        min_n=lambda wildcards: cohort_settings(wildcards)["disclosure"]["min_n"],
        min_count=lambda wildcards: cohort_settings(wildcards)["disclosure"][
            "min_count"
        ],
        # decimals of means and percentages, as disclose_indicators published them
        precision=lambda wildcards: cohort_settings(wildcards)["precision"],
        scale_illustrative=config["reference"].get("leefloon_illustrative", False),
        report=config.get("report", {}),
        # the publisher's identity (cover, back page) and the formats (the navigation's PDF link)
        publication=config.get("publication", {}),
        formats=config["formats"],
    script:
        "../scripts/write_report_sources.py"


rule render_report:
    input:
        rules.write_report_sources.output[0],
    output:
        report(
            directory("results/{cohort}/report/{lang}"),
            patterns=["{name}.html", "{name}.pdf"],
            caption="../report/report_html.rst",
            category="Report",
            subcategory="{cohort} {lang}",
        ),
    log:
        "logs/render_report/{cohort}_{lang}.log",
    benchmark:
        "benchmarks/render_report/{cohort}_{lang}.tsv"
    conda:
        CONDA_ENV
    # the pandoc path's thread pool: one document in pandoc (a subprocess) while another is
    # compiled by typst (in-process); capped by --cores, set per profile (profiles/slurm)
    threads: 2
    params:
        code=code_of("render_report.py"),
        formats=config["formats"],
        engine=config["render"]["engine"],
        cache=config["cache_dir"],
    script:
        "../scripts/render_report.py"


rule write_index:
    input:
        units=rules.disclose_indicators.output.units,
        cohort=get_cohort_config,
        # the page is written from a template and the wording of every language
        template_files=report_files("templates"),
        strings=lambda wc: [
            str(REPORT_SOURCES / "strings" / f"{lang}.yaml")
            for lang in report_languages(wc.cohort)
        ],
        reports=lambda wc: expand(
            "results/{{cohort}}/report/{lang}", lang=report_languages(wc.cohort)
        ),
    output:
        report(
            "results/{cohort}/report/index.html",
            caption="../report/index.rst",
            category="Report",
            subcategory="{cohort}",
        ),
    log:
        "logs/write_index/{cohort}.log",
    benchmark:
        "benchmarks/write_index/{cohort}.tsv"
    conda:
        CONDA_ENV
    params:
        code=code_of("write_index.py"),
        languages=config["languages"],
        formats=config["formats"],
        min_n=config["disclosure"]["min_n"],
        min_count=config["disclosure"]["min_count"],
        # every other cohort of this build and of the same kind (real or demo: never mixed):
        # (name, label); its page is linked
        other_cohorts=lambda w: [
            (name, COHORTS[name].label)
            for name in same_kind(w.cohort)
            if name != w.cohort
        ],
    script:
        "../scripts/write_index.py"
