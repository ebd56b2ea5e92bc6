"""Every PDF read page by page, as a reader turns them (poppler's pdftotext per page): no page
whose text is only a heading or only the colophon, no heading as the last line of a page, no
internal identifier or untranslated key, French punctuation spacing (issue 15)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pages import MAIN, OLD

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo"))
pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) not installed")
#: what never reaches a reader: table and variable names, template keys, braces
INTERNAL = re.compile(r"\bfollowup\b|\bdom_|\{|\}|\bn_paired\b|\bmean_diff\b|\bpct_improved\b")
RUNNING = re.compile(r"^(MIRIAM .*·|Demo: |Démo|Pagina \d|Page \d)")


def pages(pdf: Path) -> list[list[str]]:
    """The text lines of each page, without the running header and footer."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    out = []
    for page in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        out.append([line for line in lines if not RUNNING.match(line)])
    return out


def headings_of(qmd: Path) -> set[str]:
    """The heading texts of a document's source (## ..., ### ...), as printed."""
    text = qmd.read_text(encoding="utf-8") if qmd.exists() else ""
    heads = {re.sub(r"[*_`]", "", m.group(1)).strip() for m in re.finditer(r"^#{2,4} (.+)$", text, re.M)}
    # a heading whose words are also a table's row label ("Empowerment total") cannot be told
    # from that row in the page's text: it is left out rather than flagged falsely
    cells = {
        c.strip().replace("\\", "") for row in re.findall(r"^\|(.+)\|$", text, re.M) for c in row.split("|")
    }
    return heads - cells


def problems(pdf: Path, lang: str) -> list[str]:
    found = []
    heads = headings_of(pdf.with_suffix(".qmd"))
    colophon = ("Colofon", "Colophon")
    every = pages(pdf)
    for number, lines in enumerate(every, start=1):
        where = f"{pdf.name} p. {number}"
        if not lines:
            found.append(f"{where}: empty page")
            continue
        if len(lines) <= 2 and all(line in heads for line in lines):
            found.append(f"{where}: only a heading: {lines}")
        if lines[0] in colophon or (len(lines) <= 4 and lines[0].startswith(colophon)):
            found.append(f"{where}: only the colophon")
        if lines[-1] in heads and number < len(every):
            found.append(f"{where}: ends with the heading {lines[-1]!r}")
        for line in lines:
            if INTERNAL.search(line):
                found.append(f"{where}: internal name in {line!r}")
            if lang == "fr" and re.search(r"\S[:;!?](\s|$)", line) and not re.search(r"https?:|\d:\d", line):
                found.append(f"{where}: no no-break space before the mark in {line!r}")
    return found


@pytest.mark.parametrize("cohort", [MAIN, OLD])
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_every_pdf_reads_as_a_publication(build, cohort, lang):
    pdfs = sorted((build.report_dir(cohort) / lang).glob("*.pdf"))
    assert pdfs, f"no PDF in {cohort}/{lang}"
    found = [p for pdf in pdfs for p in problems(pdf, lang)]
    assert not found, "\n".join(found[:40])
