"""Rule disclose_indicators: suppression, then the audit that attacks it (docs/disclosure.md).

Every named input but the instrument, the data dictionary, the reconciliation, the plan and
the children table is an indicator family; each has two named outputs, `<family>` (Parquet)
and `<family>_csv`; the data dictionary describes every published column. The children table
(children, not women, per age band) has a rule of its own (miriam.disclosure.children), on
the distributions as published. The published tables are written only after the audit has
found nothing recoverable; the audit report and the log never hold a value.
"""

import logging

import pandas as pd

from miriam import config, io
from miriam.disclosure import audit, cells, children, dictionary, disclose, processing, publication
from miriam.provenance import logs

# named inputs that are not families of the cell model
NOT_TABLES = {"instrument", "dictionary", "reconciliation", "plan", "children"}
PUBLISHED_NAME = {"scores": "items"}  # the file name of a family, where it differs


def main(snakemake):
    limits = snakemake.params.disclosure
    thresholds = {"min_n": int(limits["min_n"]), "min_count": int(limits["min_count"])}
    # Published precision (config `precision`, a cohort's own: miriam.config.settings): the tables
    # are rounded to it, and the audit assumes exactly what is published.
    precision = getattr(snakemake.params, "precision", None) or {}
    thresholds["mean_decimals"] = int(precision.get("mean", 1))
    thresholds["pct_decimals"] = int(precision.get("pct", 0))
    items = config.load_instrument(snakemake.input.instrument).items()
    thresholds["score_range"] = {v.name: (v.scale["min"], v.scale["max"]) for v in items}
    names = [name for name in snakemake.input.keys() if name not in NOT_TABLES]
    plan = publication.load_plan(snakemake.input.plan)
    tables, hidden = publication.apply_plan(
        {name: io.read_table(getattr(snakemake.input, name)) for name in names},
        plan,
        limits.get("levels"),
    )
    suppress = list(getattr(snakemake.params, "suppress", []) or [])
    published, log = disclose.disclose(tables, **thresholds, hidden=hidden, suppress=suppress)
    publication.check_coverage(published, cells.build(published), plan)
    kids, kids_log = children.publish_children(
        io.read_table(snakemake.input.children),
        published["distributions"],
        min_n=thresholds["min_n"],
        min_count=thresholds["min_count"],
        pct_decimals=thresholds["pct_decimals"],
    )
    log = pd.concat([log, kids_log], ignore_index=True) if len(kids_log) else log
    result = audit.audit(published, **thresholds, private=tables)
    io.write_csv(log, snakemake.output.disclosure_log)
    io.write_csv(audit.report(result), snakemake.output.audit)
    audit.check_audit(result)  # a DisclosureError fails the rule with the cell it names
    published["children"] = publication.apply_plan({"children": kids}, plan)[0]["children"]
    spec = config.load_yaml(snakemake.input.dictionary)
    named = {PUBLISHED_NAME.get(name, name): table for name, table in published.items()}
    io.write_csv(
        dictionary.data_dictionary(named, spec, snakemake.input.dictionary), snakemake.output.dictionary
    )
    for name, table in published.items():
        io.write_table(table, getattr(snakemake.output, name))
        io.write_csv(table, getattr(snakemake.output, f"{name}_csv"))
    processing_counts = processing.processing_table(
        pd.read_csv(snakemake.input.reconciliation, dtype={"scope": "string", "measure": "string"}),
        min_count=thresholds["min_count"],
    )
    io.write_csv(processing_counts, snakemake.output.processing)
    logging.getLogger("miriam").info(
        "disclosure: %d rows with withheld values; audit: %d withheld values, none recoverable",
        len(log),
        len(result),
    )


logs.run_step(snakemake, main)  # noqa: F821
