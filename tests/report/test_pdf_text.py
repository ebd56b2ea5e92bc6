"""The national PDF as a reader gets it: the numbers of the indicator tables as printed, the
synthetic-data notice on every page, A4, every font embedded (poppler-utils: pdftotext,
pdfinfo, pdffonts)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from miriam import report
from miriam.printed import printed_diff

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdffonts"))
pytestmark = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdfinfo, pdffonts) not installed"
)
NOTICE = {"nl": "synthetische gegevens", "fr": "données synthétiques"}


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def _pdf(build, lang, name="national"):
    path = build.doc(name, lang, "pdf")
    assert path.exists(), f"{name}.pdf ({lang}) not rendered"
    return path


def _flat(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_key_numbers_equal_the_indicator_tables(build, lang):
    text = _flat(_run("pdftotext", "-layout", str(_pdf(build, lang)), "-"))
    items = build.table("items")
    national = items[items["level"] == "national"]
    fmt = report.Fmt(lang)
    instrument = build.instrument()
    for var in instrument.items("domain"):
        row = national[national["item"] == var.name].iloc[0]
        # the difference as printed: the rounded exact mean difference (one rounding rule)
        diff = printed_diff(row["mean_baseline"], row["mean_endline"], row["mean_diff"])
        printed = " ".join([fmt.score(row["mean_baseline"]), fmt.score(row["mean_endline"]), fmt.diff(diff)])
        label = var.label[lang]
        assert _flat(f"{label} {printed}") in text, f"{label}: {printed}"
    shares = build.table("shares")
    for indicator, wave in (("progress_domains", "change"), ("feels_stronger", "endline")):
        pct = shares[
            (shares["level"] == "national") & (shares["indicator"] == indicator) & (shares["wave"] == wave)
        ]
        assert _flat(fmt.pct100(pct["pct"].iloc[0])) in text, indicator
    women = build.table("units").query("level == 'national'")["n_women"].iloc[0]
    assert _flat(fmt.int(women)) in text


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_synthetic_notice_on_every_page(build, lang):
    pdf = _pdf(build, lang)
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))
    assert pages >= 5
    for page in range(1, pages + 1):
        text = _run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-")
        assert NOTICE[lang] in _flat(text), f"page {page}"


@pytest.mark.parametrize(
    ("lang", "name"), [("nl", "national"), ("fr", "national"), ("nl", "factsheet-antwerpen")]
)
def test_a4_and_fonts_embedded(build, lang, name):
    pdf = _pdf(build, lang, name)
    info = _run("pdfinfo", str(pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    # the document's title names it whole (title and subtitle: cohort, kind of document)
    title = re.search(r"^Title:\s+(.+)$", info, re.M).group(1)
    assert "·" in title and re.search(r"\d{4}-\d{4}", title), title
    fonts = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:
        # columns: name type encoding emb sub uni object ID; "emb" is the 4th from the end
        assert line.split()[-5] == "yes", line
