"""A new instrument version is config, not code: a codebook file of its own (here a copy of
miriam-2023 with one more 0-10 item and reworded headers), put where the workflow looks for it
(config/instruments/<version>.yaml under the project directory), runs through ingest, clean,
the contract, protect and indicators, and its new item is in the indicators."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import helpers
import pytest
import yaml
from helpers import INSTRUMENT_PATH, ROOT, CohortBuilder, make_nrn

from miriam import clean, indicators, ingest, protect
from miriam import config as miriam_config
from miriam.clean import validation

NEW_ITEM = {
    "role": "analysis",
    "group": "domain",
    "scale": "score_0_10",
    "waves": ["baseline", "endline"],
    "header": {"nl": "Digitale vaardigheden (0 tot 10)", "fr": "Compétences numériques (0 à 10)"},
    "label": {"nl": "Digitale vaardigheden", "fr": "Compétences numériques"},
    "definition": {
        "nl": "Hoe goed een deelneemster met een computer en een smartphone overweg kan.",
        "fr": "L'aisance de la participante avec un ordinateur et un smartphone.",
    },
}


def _new_version(project: Path) -> str:
    """config/instruments/miriam-2025.yaml: miriam-2023 plus `dom_digital`, and the score
    questions reworded ("(0-10)" -> "(0 tot 10)" / "(0 à 10)")."""
    data = yaml.safe_load(INSTRUMENT_PATH.read_text(encoding="utf-8"))
    data["version"] = "miriam-2025"
    for spec in data["variables"].values():
        header = spec.get("header", {})
        if "nl" in header:
            header["nl"] = header["nl"].replace("(0-10)", "(0 tot 10)")
            header["fr"] = header["fr"].replace("(0-10)", "(0 à 10)")
    data["variables"]["dom_digital"] = NEW_ITEM
    path = project / "config" / "instruments" / "miriam-2025.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return "miriam-2025"


@pytest.mark.slow
def test_a_new_instrument_version_needs_no_code(tmp_path, monkeypatch, reference, groups, pipeline_config):
    monkeypatch.chdir(tmp_path)  # the project directory, as `snakemake -d` makes it
    version = _new_version(tmp_path)
    instrument = miriam_config.load_instrument(miriam_config.instrument_path(version))
    assert "dom_digital" in [v.name for v in instrument.items("domain")]
    monkeypatch.setitem(helpers.DEFAULTS, "dom_digital", "3")  # the builder's default answer

    builder = CohortBuilder(tmp_path, instrument)
    women = [make_nrn(date(1980 + i, 1 + i, 10), 100 + i) for i in range(4)]
    digital = [(2, 6), (3, 5), (4, 9), (5, 5)]  # baseline, endline per woman: diffs 4, 2, 5, 0
    base = [
        builder.row("baseline", response_id=f"B{i}", national_register_number=n, dom_digital=str(d[0]))
        for i, (n, d) in enumerate(zip(women, digital, strict=True))
    ]
    end = [
        builder.row(
            "endline",
            "fr",
            response_id=f"E{i}",
            national_register_number=n,
            ocmw="CPAS d'Anvers",
            submitted_at="12/06/2024 10:00",
            dom_digital=str(d[1]),
        )
        for i, (n, d) in enumerate(zip(women, digital, strict=True))
    ]
    assert "Digitale vaardigheden (0 tot 10)" in base[0] and "Woonsituatie (0 tot 10)" in base[0]
    exports = [
        builder.export("beginmeting.csv", base, wave="baseline", delimiter=";", encoding="cp1252"),
        builder.export("eindmeting.xlsx", end, wave="endline", lang="fr"),
    ]
    builder.cohort(exports, instrument=version)
    cohort = miriam_config.load_cohort(miriam_config.cohort_path("test-2023-2024"))
    assert miriam_config.instrument_path(cohort.instrument).is_file()

    rows, issues, _ = ingest.ingest_cohort(cohort, instrument, reference, pipeline_config, tmp_path)
    assert (issues["problem"] == "missing").all(), issues  # only blank stop reasons and dates
    window = (cohort.raw["window"]["start"], cohort.raw["window"]["end"])
    responses, quarantine = clean.clean_rows(rows, cohort.projects, reference, window)
    assert quarantine.empty and len(responses) == 8
    assert validation.check(responses, validation.responses_schema(instrument)).empty
    protected = protect.protect_cohort(
        responses, instrument, reference, groups, cohort, pipeline_config["generalise"]
    )
    catalogue = miriam_config.load_yaml(ROOT / "config" / "indicators.yaml")
    tables = indicators.compute_all(
        protected, instrument, reference, catalogue, cohort.projects, cohort.first_year
    )
    scores = tables["scores"].set_index(["level", "unit", "item"])
    national = scores.loc[("national", "BE", "dom_digital")]
    assert (national["n_paired"], national["mean_baseline"], national["mean_endline"]) == (4, 3.5, 6.25)
    assert national["mean_diff"] == pytest.approx(2.75)
    assert ("national", "BE", "dom_digital") in tables["tests"].set_index(["level", "unit", "item"]).index
