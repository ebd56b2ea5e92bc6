# MIRIAM evaluation pipeline: raw form exports -> bilingual report (README.md).
# The Snakefile is a table of contents: one include per stage, in the order data flows.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/clean.smk"
include: "workflow/rules/protect.smk"
include: "workflow/rules/indicators.smk"
include: "workflow/rules/disclose.smk"
include: "workflow/rules/provenance.smk"
include: "workflow/rules/trend.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/verification.smk"


# A failed run: withdraw any report it left incomplete (miriam.provenance.published; each job
# of a cohort already withdrew that cohort's report as it started), then print every clear
# error once, after Snakemake's job listing (the rule logs hold them; miriam.provenance.logs).
onerror:
    from miriam.provenance import logs as miriam_logs
    from miriam.provenance import published as miriam_published

    for name in COHORTS:
        miriam_published.withdraw_incomplete(name, report_languages(name))
    sys.stderr.write(
        miriam_logs.format_errors(miriam_logs.collected_errors("logs", RUN_STARTED))
    )


rule all:
    default_target: True
    input:
        get_final_outputs(),
