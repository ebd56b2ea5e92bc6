"""Build a small hand-made cohort through the real pipeline, in-process, and return the folder
of public CSVs that the `disclose_indicators` rule writes to results/<cohort>/.

Upstream stages (ingest -> clean -> protect -> indicators) are the library calls the workflow
scripts make. The disclose stage is the rule's own script (workflow/scripts/disclose_indicators.py),
run with a stand-in `snakemake` object whose inputs and outputs are read from the rule files
(workflow/rules/indicators.smk and disclose.smk): when the rule publishes a new table, or stops
publishing one, the attacker sees exactly that.

A spec is plain data:

    {"projects": [{"id": "p1", "ocmws": [11002, 43005]}, ...],
     "women": [{"ocmw": 11002, "baseline": True, "endline": True, "scores": {...}, ...}, ...]}

Every woman answers the baseline and/or endline form of her OCMW (Dutch form); `baseline` and
`endline` may hold per-variable overrides (a dict) instead of True.
"""

from __future__ import annotations

import ast
import os
import re
import runpy
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from helpers import (
    CONFIG_PATH,
    FOLLOWUP_SUBMITTED,
    GROUPS_PATH,
    INSTRUMENT_PATH,
    OCMW_PATH,
    ROOT,
    TEST_FOLLOWUP,
    TEST_KEY,
    TEST_KEY_ENV,
    CohortBuilder,
    make_nrn,
)

from miriam import clean, config, indicators, ingest, io, protect

RULES = ROOT / "workflow" / "rules"
DISCLOSE_SCRIPT = ROOT / "workflow" / "scripts" / "disclose_indicators.py"
DICTIONARY = ROOT / "workflow" / "data_dictionary.yaml"
CATALOGUE = ROOT / "config" / "indicators.yaml"
PLAN = ROOT / "config" / "publication.yaml"


class BuildRefused(Exception):
    """The disclose rule stopped the build (its audit found a value it could recover): nothing
    is published, which is safe."""


def rule_outputs() -> tuple[list[str], dict[str, str]]:
    """The disclose rule's table inputs (indicator families) and every output file name under
    results/<cohort>/, keyed by output name, read from the rule files."""
    text = (RULES / "indicators.smk").read_text(encoding="utf-8")
    match = re.search(r"INDICATOR_FAMILIES\s*=\s*(\[.*?\])", text, re.S)
    families = ast.literal_eval(match.group(1))
    disclose = (RULES / "disclose.smk").read_text(encoding="utf-8")
    match = re.search(r"PUBLISHED_NAME\s*=\s*(.+)", disclose)
    published = eval(match.group(1), {"INDICATOR_FAMILIES": families})  # noqa: S307 (our own file)
    outputs = {}
    for family in families:
        outputs[family] = f"{published[family]}.parquet"
        outputs[f"{family}_csv"] = f"{published[family]}.csv"
    block = disclose.split("output:", 1)[1].split("log:", 1)[0]
    for name, zone, path in re.findall(
        r"(\w+)\s*=\s*(?:report\()?\s*\"(results|qa)/\{cohort\}/([^\"]+)\"", block
    ):
        outputs[name] = path if zone == "results" else f"../../qa/{{cohort}}/{path}"
    return families, outputs


def _woman(i: int) -> dict[str, str]:
    born = date(1980 + i % 20, 1 + i % 12, 1 + i % 28)
    return {"national_register_number": make_nrn(born, 100 + 2 * (i % 400)), "birth_date": f"{born:%d/%m/%Y}"}


def _exports(builder: CohortBuilder, women: list[dict[str, Any]], names: dict[int, str]) -> list[dict]:
    base, end, follow = [], [], []
    for i, woman in enumerate(women):
        me = _woman(i) | {"ocmw": f"OCMW {names[int(woman['ocmw'])]}", "first_name": f"W{i}"}
        for wave, rows, when in (
            ("baseline", base, "14/11/2023 10:00"),
            ("endline", end, "14/06/2024 10:00"),
            ("followup", follow, FOLLOWUP_SUBMITTED),
        ):
            answers = woman.get(wave, wave != "followup")
            if answers is False or answers is None:
                continue
            cells = me | {"response_id": f"{wave[0].upper()}{i}", "submitted_at": when}
            if isinstance(answers, dict):
                cells |= {k: str(v) if isinstance(v, int) else v for k, v in answers.items()}
            rows.append(builder.row(wave, **cells))
    exports = []
    if base:
        exports.append(builder.export("begin.csv", base, wave="baseline"))
    if end:
        exports.append(builder.export("eind.csv", end, wave="endline"))
    if follow:
        exports.append(builder.export("opvolg.csv", follow, wave="followup"))
    return exports


def publish_small_cohort(spec: dict[str, Any], root: Path) -> Path:
    """Run the pipeline on `spec` under `root`; return results/<cohort>/ (public CSVs only).

    Raises BuildRefused when the disclose rule stops the build."""
    root = Path(root)
    instrument = config.load_instrument(INSTRUMENT_PATH)
    reference = config.load_ocmw_reference(OCMW_PATH)
    groups = config.load_yaml(GROUPS_PATH)
    catalogue = config.load_catalogue(CATALOGUE)
    settings = config.load_config(CONFIG_PATH)
    settings["pseudonym"] = {"key_env": TEST_KEY_ENV, "key_file": str(root / "no-such.key")}
    os.environ[TEST_KEY_ENV] = TEST_KEY  # the public test key (tests/helpers.py), never a real one
    names = {int(r.nis_code): r.name_nl for r in reference.itertuples()}
    builder = CohortBuilder(root, instrument)
    projects = [
        {"id": p["id"], "ocmws": list(p["ocmws"]), "since": p.get("since", 2017)} for p in spec["projects"]
    ]
    exports = _exports(builder, spec["women"], names)
    options = {"followup": TEST_FOLLOWUP} if any(w.get("followup") for w in spec["women"]) else {}
    cohort = builder.cohort(exports, projects=projects, **options)

    rows, issues, _ = ingest.ingest_cohort(cohort, instrument, reference, settings, builder.root)
    window = cohort.window("followup") if cohort.followup else None
    responses, quarantine = clean.clean_rows(
        rows, cohort.projects, reference, cohort.window(), followup_window=window
    )
    protected = protect.protect_cohort(
        responses, instrument, reference, groups, cohort, settings["generalise"]
    )
    tables = indicators.compute_all(
        protected, instrument, reference, catalogue, cohort.projects, cohort.first_year
    )
    private = root / "private" / cohort.name / "indicators"
    results = root / "results" / cohort.name
    results.mkdir(parents=True, exist_ok=True)
    families, outputs = rule_outputs()
    inputs = {}
    for family in families:
        inputs[family] = str(private / f"{family}.parquet")
        io.write_table(tables[family], inputs[family])
    # the children table: an input of the rule outside the cell model (its own rule)
    inputs["children"] = str(private / "children.parquet")
    io.write_table(indicators.children_family(protected), inputs["children"])
    reconciliation = clean.reconcile(rows, responses, quarantine, issues)
    if clean_publishes_reconciliation():  # what rule clean_responses writes to results/
        io.write_csv(reconciliation, results / "reconciliation.csv")
    else:  # the reviewers' copy, which the disclose rule reads to publish the processing counts
        inputs["reconciliation"] = str(root / "qa" / cohort.name / "reconciliation.csv")
        io.write_csv(reconciliation, inputs["reconciliation"])
    (root / "qa" / cohort.name).mkdir(parents=True, exist_ok=True)
    extra = {"instrument": str(INSTRUMENT_PATH), "dictionary": str(DICTIONARY), "plan": str(PLAN)}
    fake = SimpleNamespace(
        input=_Named(inputs | extra),
        output=_Named(
            {name: str(results / path.format(cohort=cohort.name)) for name, path in outputs.items()}
        ),
        params=SimpleNamespace(disclosure=settings["disclosure"]),
        log=[],
        rule="disclose_indicators",
        wildcards=SimpleNamespace(),  # no cohort: nothing of the checkout is withdrawn
    )
    try:
        runpy.run_path(str(DISCLOSE_SCRIPT), init_globals={"snakemake": fake})
    except SystemExit as stop:  # logs.run_step: a clear error (DisclosureError) exits 1
        raise BuildRefused(str(stop)) from None
    return results


def clean_publishes_reconciliation() -> bool:
    text = (RULES / "clean.smk").read_text(encoding="utf-8")
    return '"results/{cohort}/reconciliation.csv"' in text


class _Named(dict):
    """Snakemake's named input/output lists as the scripts use them: attributes, keys(), []."""

    def __getattr__(self, name: str) -> str:
        try:
            return self[name]
        except KeyError as missing:
            raise AttributeError(name) from missing


def spec_yaml(spec: dict[str, Any]) -> str:
    """The spec as YAML, for a failure message."""
    return yaml.safe_dump(spec, sort_keys=False)
