"""The first real cohort (issue 17, "done when"): a messy cohort of a new user, built with the
default settings beside the demo cohorts, to a complete report in which no page refers to a
demo cohort and no ranking sentence is false; then a stopped rebuild leaves nothing stale.

The exports come from the demo generator (every defect class of exports.md: CSV with `;` and
cp1252, XLSX with a title row and Excel dates, shuffled headers, extra platform columns,
duplicates, bad register numbers, "7,5", "10/10", "11", "nvt", blank rows) and are then made a
real cohort's: `demo: false`, no generator block, no demo marker, a secret key from the
environment. One woman of Eeklo is taken out of the exports, so that the consortium
Eeklo-Maldegem has an OCMW of 4 women next to a larger one.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import SMALL_COHORT, TEST_KEY, run_workflow, write_project

from miriam import config
from miriam_tools import demo

pytestmark = pytest.mark.workflow

NAME = "real-2024-2025"
NATIONAL = {"nl": "nationaal-rapport", "fr": "rapport-national"}
DEMO_WORDS = re.compile(r"\bdemo\b|démonstration|demonstratie", re.IGNORECASE)
EEKLO = "Eeklo"


def _visible(html: str) -> str:
    """The text a reader sees: no style sheet, script or tag (a CSS class `.demo` is no page
    that refers to a demo cohort)."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"<[^>]+>", " ", html)


def _real_cohort() -> dict:
    real = copy.deepcopy(SMALL_COHORT)
    real.update(
        cohort=NAME,
        label="2024-2025",
        window={"start": "2024-09-01", "end": "2025-08-31"},
        measurement={"baseline": {"from": "2024-11-01", "to": "2024-12-15"}, "endline": "2025-06"},
        publication={"date": "2025-09-30"},  # its reports' date, after its measurements (scaffold)
        synthetic={"seed": 24, "women": 150},
        projects=[
            {"id": "antwerpen", "ocmws": [11002], "since": 2017},
            {"id": "eeklo-maldegem", "ocmws": [43005, 43010], "since": 2021},
            {"id": "gent", "ocmws": [44021], "since": 2023},
            {"id": "schaarbeek", "ocmws": [21015], "since": 2018},
            {"id": "liege", "ocmws": [62063], "since": 2017},
            {"id": "charleroi", "ocmws": [52011], "since": 2017},
            {"id": "herve-dison", "ocmws": [63035, 63020], "since": 2022},
            {"id": "arlon", "ocmws": [81001], "since": 2020},
        ],
    )
    for export in real["exports"]:
        export["path"] = export["path"].replace("raw/demo/test-small", f"raw/{NAME}")
    return real


def _generate(work: Path, real: dict) -> None:
    """The exports, written by the demo generator (which writes demo cohorts under raw/demo/
    only), then moved where the real cohort declares them."""
    as_demo = copy.deepcopy(real) | {"demo": True}
    for export in as_demo["exports"]:
        export["path"] = export["path"].replace(f"raw/{NAME}", f"raw/demo/{NAME}")
    path = work / "as-demo.yaml"
    path.write_text(yaml.safe_dump(as_demo, sort_keys=False), encoding="utf-8")
    cohort = config.load_cohort(path)
    instrument = config.load_instrument(config.instrument_path(cohort.instrument))
    reference = config.load_ocmw_reference(config.ROOT / "config" / "reference" / "ocmw.csv")
    for written in demo.generate_cohort(cohort, instrument, reference, root=work):
        target = work / str(written.relative_to(work)).replace(f"raw/demo/{NAME}", f"raw/{NAME}")
        target.parent.mkdir(parents=True, exist_ok=True)
        written.replace(target)


def _drop_one_woman_of(work: Path, real: dict, ocmw: str) -> None:
    """Take every row of one woman of `ocmw` out of the Dutch CSV exports (her OCMW is Dutch)."""
    register = None
    for export in (e for e in real["exports"] if e["format"] == "csv"):
        path = work / export["path"]
        encoding, delimiter = export.get("encoding", "utf-8"), export.get("delimiter", ",")
        text = path.read_bytes().decode(encoding)
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        header = next(i for i, r in enumerate(rows) if "OCMW" in r)
        at, nrn = rows[header].index("OCMW"), rows[header].index("Rijksregisternummer")
        mine = [r for r in rows[header + 1 :] if len(r) > at and ocmw in r[at]]
        register = register or (mine[0][nrn] if mine else None)
        kept = rows[: header + 1] + [
            r for r in rows[header + 1 :] if not (len(r) > nrn and r[nrn] == register)
        ]
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(kept)
        path.write_bytes(out.getvalue().encode(encoding))
    assert register, f"no woman of {ocmw} in the Dutch exports"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("real")
    real = _real_cohort()
    _generate(work, real)
    _drop_one_woman_of(work, real, EEKLO)
    real.pop("synthetic")
    real.pop("demo_pseudonym_key")
    real["demo"] = False
    write_project(work, (SMALL_COHORT, real))  # the demo cohort stays configured beside it
    env_before = os.environ.get("MIRIAM_PSEUDONYM_KEY")
    os.environ["MIRIAM_PSEUDONYM_KEY"] = TEST_KEY
    try:
        done = run_workflow(work, timeout=1500)
    finally:
        if env_before is None:
            os.environ.pop("MIRIAM_PSEUDONYM_KEY", None)
        else:
            os.environ["MIRIAM_PSEUDONYM_KEY"] = env_before
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    return work


def test_the_real_cohort_builds_with_the_default_settings(built):
    report = built / "results" / NAME / "report"
    for lang, name in NATIONAL.items():
        assert (report / lang / f"{name}.html").exists()
        assert (report / lang / f"{name}.pdf").exists()
    units = pd.read_csv(built / "results" / NAME / "units.csv", dtype={"unit": str})
    assert set(units["level"]) == {"national", "region", "project", "ocmw"}
    # the OCMW of 4 women is in the cohort, and nothing of hers is published
    truth = pd.read_parquet(built / "private" / NAME / "indicators" / "units.parquet")
    eeklo = truth[truth["unit"].astype(str) == "43005"]
    assert int(eeklo["n_women"].iloc[0]) == 4
    assert units.loc[units["unit"] == "43005", "n_paired"].isna().all()


def test_no_page_of_the_real_cohort_refers_to_a_demo_cohort(built):
    demo_label, demo_name = SMALL_COHORT["label"], SMALL_COHORT["cohort"]
    folder = built / "results" / NAME
    for table in ("trend_reach.csv", "trend_scores.csv"):
        cohorts = set(pd.read_csv(folder / table)["cohort"].astype(str))
        assert cohorts <= {NAME}, (table, cohorts)
    pages = [p for p in (folder / "report").rglob("*") if p.suffix in (".html", ".qmd", ".md", ".txt")]
    assert pages
    for page in pages:
        text = _visible(page.read_text(encoding="utf-8", errors="replace"))
        assert demo_name not in text, page
        assert not re.search(
            r"\bdemo\b|démonstration|demonstratie|synthetic|synthetisch|synthétique", text, re.IGNORECASE
        ), page
        # the demo cohort's label may be the instrument's year ("Questionnaire MIRIAM 2023-2024"),
        # never an edition compared with
        assert not re.search(rf"{demo_label}\s*:\s*[\d.]+ (vrouwen|femmes)", text), page


def test_no_ranking_sentence_of_the_real_cohort_is_false(built):
    """The dropout reasons are named as "the most cited" only when no withheld reason could be
    cited as often as the least frequent one named."""
    folder = built / "results" / NAME
    dist = pd.read_csv(folder / "distributions.csv")
    reasons = dist[(dist["indicator"] == "stop_reason") & (dist["level"] == "national")]
    withheld = reasons["count"].isna()
    room = 0.0
    if withheld.any():
        n = float(reasons["n"].dropna().iloc[0])
        room = 100 * (n - reasons.loc[~withheld, "count"].sum()) / n
    named_min = reasons.loc[~withheld & (reasons["category"] != "other"), "pct"].nlargest(3).min()
    text = (folder / "report" / "nl" / f"{NATIONAL['nl']}.html").read_text(encoding="utf-8")
    if room >= named_min:
        assert "meest genoemde redenen" not in text and "praktische redenen" not in text
    else:
        assert "meest genoemde redenen" in text or "praktische redenen" in text


def test_a_stopped_rebuild_leaves_nothing_stale_published(built):
    """A corrupt export: the run stops at ingest, and the report of the good build is withdrawn
    (moved aside, marked), never left as if it were current."""
    real = _real_cohort()
    bad = built / real["exports"][0]["path"]
    bad.write_text("Antwoord ID,Iets anders\nR1,x\n", encoding="utf-8")
    os.environ["MIRIAM_PSEUDONYM_KEY"] = TEST_KEY
    try:
        done = run_workflow(built, timeout=900)
    finally:
        os.environ.pop("MIRIAM_PSEUDONYM_KEY", None)
    assert done.returncode != 0
    report = built / "results" / NAME / "report"
    assert not report.exists() or (report.parent / "STALE.txt").exists()
    assert (built / "results" / NAME / "STALE.txt").exists()
