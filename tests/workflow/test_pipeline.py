"""End to end: the whole workflow on two small seeded cohorts (one per instrument version and
export layout), run by Snakemake as a user would (the session's ``workflow_build``).

Checked: the outputs a user expects, the privacy promise (no planted identifier in any file the
pipeline wrote), Dutch and French carrying the same numbers, counts that reconcile from raw
rows to the report's n, the older instrument's report, and the trend over both cohorts.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from helpers import SMALL_COHORT, WIDE_COHORT

from miriam.report import document_name

COHORT = SMALL_COHORT["cohort"]
pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def build(workflow_build) -> Path:
    return workflow_build


def _report(build: Path) -> Path:
    return build / "results" / COHORT / "report"


def test_every_expected_output_exists(build):
    report = _report(build)
    assert (report / "index.html").is_file()
    for lang in ("nl", "fr"):
        for fmt in ("html", "pdf"):
            assert (report / lang / f"{document_name('national', lang)}.{fmt}").stat().st_size > 1000
    # Factsheets in the OCMW's language(s): Brussels both, Flanders nl, Wallonia fr.
    assert (report / "nl" / "factsheet-antwerpen.html").is_file()
    assert not (report / "fr" / "factsheet-antwerpen.html").exists()
    assert (report / "fr" / "factsheet-liege.pdf").is_file()
    assert (report / "nl" / "factsheet-schaarbeek.html").is_file()
    assert (report / "fr" / "factsheet-schaerbeek.html").is_file()  # names per language
    assert (report / "nl" / "factsheet-eeklo-maldegem.html").is_file()


def _planted_identifiers(build: Path) -> set[str]:
    """Every direct identifier and remark in the raw exports (names, numbers, dates, text)."""
    columns = {
        "Voornaam deelneemster",
        "Familienaam deelneemster",
        "Naam casemanager",
        "Rijksregisternummer",
        "Geboortedatum",
        "Opmerkingen casemanager",
        "Prénom de la participante",
        "Nom de famille de la participante",
        "Nom du case manager",
        "Numéro de registre national",
        "Date de naissance",
        "Remarques du case manager",
    }
    found: set[str] = set()
    for export in SMALL_COHORT["exports"]:
        path = build / export["path"]
        if export["format"] == "csv":
            frame = pd.read_csv(path, dtype=str, sep=export["delimiter"], encoding=export["encoding"])
        else:
            frame = pd.read_excel(path, dtype=str, header=None)
            header_row = frame.index[
                frame.apply(lambda r: r.astype(str).str.contains("ID de r").any(), axis=1)
            ][0]
            frame.columns = frame.iloc[header_row]
            frame = frame.iloc[header_row + 1 :]
        for column in set(frame.columns) & columns:
            for value in frame[column].dropna().astype(str):
                value = value.strip()
                if len(value) >= 6:  # short first names could match ordinary words
                    found.add(value)
                if column in ("Rijksregisternummer", "Numéro de registre national"):
                    found.add(re.sub(r"\D", "", value))
    return found


def _written_files(build: Path) -> list[Path]:
    zones = ["results", "qa", "logs", "benchmarks", "private"]
    return [p for zone in zones for p in (build / zone).rglob("*") if p.is_file()]


def _text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        if shutil.which("pdftotext") is None:
            return path.read_bytes().decode("latin-1")
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    if path.suffix == ".parquet":
        return pd.read_parquet(path).to_csv()
    return path.read_bytes().decode("utf-8", errors="replace")


def test_no_planted_identifier_in_any_output(build):
    planted = _planted_identifiers(build)
    assert any("CANARY" in p.upper() for p in planted), "the canary cohort plants no canaries"
    assert len(planted) > 100
    leaks = []
    for path in _written_files(build):
        text = _text_of(path)
        leaks += [(path.relative_to(build), p) for p in planted if p in text]
    assert not leaks, f"identifiers found in outputs: {leaks[:5]}"


def _numbers(text: str, lang: str) -> list[float]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    thousands = "." if lang == "nl" else "\u202f\u00a0 "
    pattern = r"[+\-−]?\d{1,3}(?:[" + re.escape(thousands) + r"]\d{3})*(?:,\d+)?"
    values = []
    for match in re.findall(pattern, text):
        clean = match.replace("−", "-")
        for sep in thousands:
            clean = clean.replace(sep, "")
        values.append(float(clean.replace(",", ".")))
    return sorted(values)


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    # Only the visible document: embedded images and styles carry numbers of their own.
    text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", text, flags=re.S)
    return re.sub(r'src="data:[^"]*"', " ", text)


def test_dutch_and_french_carry_the_same_numbers(build):
    report = _report(build)
    pairs = {"national": ("nationaal-rapport.html", "rapport-national.html"),
             "factsheet": ("factsheet-schaarbeek.html", "factsheet-schaerbeek.html")}  # fmt: skip
    for name, (nl_name, fr_name) in pairs.items():
        nl = _numbers(_body(report / "nl" / nl_name), "nl")
        fr = _numbers(_body(report / "fr" / fr_name), "fr")
        assert nl == fr, f"{name}: numbers differ between NL and FR"


def test_counts_reconcile_from_raw_rows_to_the_report(build):
    results = build / "results" / COHORT
    rec = pd.read_csv(build / "qa" / COHORT / "reconciliation.csv")  # qa/: before the audit
    per = rec.pivot_table(index="scope", columns="measure", values="count", aggfunc="sum").fillna(0)
    assert (per["rows_read"] == per["rows_kept"] + per["rows_quarantined"]).all()
    raw_rows = 0
    for export in SMALL_COHORT["exports"]:
        raw_rows += int(per.loc[export["path"], "rows_read"])
    assert per.loc["cohort", "rows_read"] == raw_rows
    quarantine = pd.read_csv(build / "qa" / COHORT / "quarantine.csv")
    assert len(quarantine) == per.loc["cohort", "rows_quarantined"] > 0
    units = pd.read_csv(results / "units.csv")
    national = units[units["level"] == "national"].iloc[0]
    assert national["n_women"] == per.loc["cohort", "women"]
    national_nl = (_report(build) / "nl" / "nationaal-rapport.html").read_text(encoding="utf-8")
    assert f"{int(national['n_paired'])}" in national_nl


def test_private_zone_and_qa_are_owner_only(build):
    written = [path for zone in ("private", "qa") for path in [build / zone, *(build / zone).rglob("*")]]
    assert len(written) > 20 and build / "qa" / COHORT / "quarantine.csv" in written
    loose = [
        f"{path.relative_to(build)}: {path.stat().st_mode & 0o777:o}"
        for path in written
        if path.stat().st_mode & 0o777 != (0o700 if path.is_dir() else 0o600)
    ]
    assert not loose, f"not owner-only (folders 700, files 600): {loose[:5]}"


def test_the_older_instrument_and_layout_reach_the_report(build):
    results = build / "results" / WIDE_COHORT["cohort"]
    scores = pd.read_csv(results / "items.csv")
    assert {"dom_activation", "dom_childcare", "emp_total"} <= set(scores["item"])
    national = (results / "report" / "nl" / "nationaal-rapport.html").read_text(encoding="utf-8")
    assert "Sociale activering" in national
    for lang in ("nl", "fr"):
        assert (results / "report" / lang / f"{document_name('national', lang)}.pdf").stat().st_size > 1000


def test_the_trend_looks_back_over_the_cohorts_so_far(build):
    """The later cohort's trend spans both cohorts; the earlier one's only itself, so that a
    later cohort never changes (nor rebuilds) an earlier report."""
    later = build / "results" / SMALL_COHORT["cohort"]
    reach = pd.read_csv(later / "trend_reach.csv")
    assert set(reach["label"]) == {SMALL_COHORT["label"], WIDE_COHORT["label"]}
    scores = pd.read_csv(later / "trend_scores.csv")
    comparable = scores[scores["comparable"]]
    assert set(comparable["label"]) == {SMALL_COHORT["label"], WIDE_COHORT["label"]}
    assert "dom_financial" in set(comparable["item"]) and "emp_total" not in set(comparable["item"])
    earlier = pd.read_csv(build / "results" / WIDE_COHORT["cohort"] / "trend_reach.csv")
    assert set(earlier["label"]) == {WIDE_COHORT["label"]}


def test_every_published_column_is_in_the_data_dictionary(build):
    results = build / "results" / COHORT
    dictionary = pd.read_csv(results / "data_dictionary.csv", keep_default_na=False)
    for table in ("items", "units", "shares", "distributions", "tests", "subgroups", "reach"):
        columns = pd.read_csv(results / f"{table}.csv", nrows=0).columns
        described = dictionary[dictionary["table"] == table]
        assert list(described["column"]) == list(columns), table
    assert (dictionary[["meaning", "label_nl", "label_fr"]] != "").all().all()


def test_snakemake_report_has_a_caption_for_every_result(build, tmp_path):
    """`snakemake --report` of the build: a browsable provenance report of every result."""
    from helpers import run_workflow

    done = run_workflow(build, "--report", str(tmp_path / "report.zip"), timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    import zipfile

    names = zipfile.ZipFile(tmp_path / "report.zip").namelist()
    for result in (
        "items.csv",
        "units.csv",
        "shares.csv",
        "data_dictionary.csv",
        "manifest.json",
        "index.html",
    ):
        assert any(n.endswith(result) for n in names), result
    assert any(n.endswith(".svg") for n in names) and any(n.endswith("national.pdf") for n in names)
