"""Every PDF read page by page, as a reader turns them (poppler's pdftotext per page): no page
whose text is only a heading or only the colophon, no heading as the last line of a page, no
internal identifier or untranslated key, French punctuation spacing (issue 15)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pages import MAIN, OLD

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo"))
pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo) not installed")
#: what never reaches a reader: table and variable names, template keys, braces
#: and an export's column names (DOM_1, EMP4, EMP_TOT, AANTAL_KIND)
INTERNAL = re.compile(
    r"\bfollowup\b|\bdom_|\{|\}|\bn_paired\b|\bmean_diff\b|\bpct_improved\b"
    r"|\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b|\bEMP\d+\b"
)
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


#: the typeset area ends at the bottom margin (2.2 cm, miriam-header.typ); below it only the footer
BOTTOM_MARGIN_PT = 2.2 / 2.54 * 72
#: a last line's box reaches a point or two into the margin (its descenders); a block that runs
#: past the margin does so by lines, not points
SLACK_PT = 4
_LINE = re.compile(r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>', re.S)


def below_the_margin(pdf: Path) -> list[tuple[int, str]]:
    """(page, text) of every line printed below the bottom margin other than the footer: a
    block taller than the page runs there (poppler's word boxes, read as a reader's eye would)."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out = []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", xml, re.S), start=1):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        for y_max, words in _LINE.findall(page):
            text = " ".join(re.findall(r">([^<]*)</word>", words))
            if float(y_max) > height - BOTTOM_MARGIN_PT + SLACK_PT and not RUNNING.match(text):
                out.append((number, text))
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


def _plain(text: str) -> str:
    """Text as compared: markdown marks dropped, curly apostrophes straight, spaces collapsed."""
    return " ".join(re.sub(r"[*_`\\]", "", text).replace("\u2019", "'").split())


def headlines_of(qmd: Path) -> list[str]:
    """The factsheet headlines (::: {.headline} blocks) of a document's source, as printed."""
    text = qmd.read_text(encoding="utf-8") if qmd.exists() else ""
    return [_plain(b) for b in re.findall(r"^::: \{\.headline\}\n(.*?)\n:::$", text, re.M | re.S)]


def ends_with_headline(lines: list[str], headlines: list[str]) -> str | None:
    """The headline whose last printed line ends the page (cut from the comment after it)."""
    for n in (1, 2, 3):
        tail = _plain(" ".join(lines[-n:]))
        match = next((h for h in headlines if len(tail) >= 12 and h.endswith(tail)), None)
        if match:
            return match
    return None


def problems(pdf: Path, lang: str) -> list[str]:
    found = []
    heads = headings_of(pdf.with_suffix(".qmd"))
    headlines = headlines_of(pdf.with_suffix(".qmd"))
    overflow = dict(below_the_margin(pdf))
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
        if number in overflow:
            found.append(f"{where}: runs past the bottom margin: {overflow[number]!r}")
        cut = next((line for line in lines[-3:] if line in heads), None)
        if cut and number < len(every):  # a heading with at most two lines under it, its table overleaf
            found.append(f"{where}: ends with the heading {cut!r}")
        if number < len(every) and (headline := ends_with_headline(lines, headlines)):
            found.append(f"{where}: ends with the headline {headline[:60]!r}")
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


@pytest.mark.skipif(
    not os.environ.get("MIRIAM_PAGES_OF"),
    reason="reads the PDFs of an existing build: `make check-pages` (after `make demo`) sets MIRIAM_PAGES_OF",
)
def test_every_pdf_of_a_build_reads_as_a_publication():
    """The same page checks on every PDF under MIRIAM_PAGES_OF (default build: results/), as a
    reader of the real or demo build turns the pages."""
    root = Path(os.environ["MIRIAM_PAGES_OF"])
    pdfs = sorted(p for p in root.glob("*/report/*/*.pdf") if p.parent.name in ("nl", "fr"))
    assert pdfs, f"no PDF under {root}/<cohort>/report/<lang>/"
    found = [p for pdf in pdfs for p in problems(pdf, pdf.parent.name)]
    assert not found, f"{len(found)} problems in {len(pdfs)} PDFs:\n" + "\n".join(found[:40])


def test_a_headline_cut_from_its_comment_is_caught():
    """The check itself: a headline whose last line (or lines) ends a page is found; a page that
    goes on to the comment is not."""
    headline = _plain("Le score moyen des participantes d'Anderlecht est plus élevé dans 9 des 10 domaines")
    cut = [
        "Texte avant.",
        "Le score moyen des participantes d’Anderlecht est plus élevé",
        "dans 9 des 10 domaines",
    ]
    assert ends_with_headline(cut, [headline]) == headline
    assert ends_with_headline([*cut, "Le commentaire qui suit."], [headline]) is None


def test_a_block_taller_than_the_page_is_caught(tmp_path):
    """The check itself: an unbreakable block of 90 lines runs past the bottom margin (typst
    lets it), and the lines there are found; a breakable one stays inside."""
    import typst

    def pdf(breakable: str) -> Path:
        source = (
            '#set page(paper: "a4", margin: (x: 2cm, top: 2.4cm, bottom: 2.2cm))\n'
            f"#block(breakable: {breakable})[#for i in range(90) [Regel #i #linebreak()]]\n"
        )
        path = tmp_path / f"{breakable}.pdf"
        path.write_bytes(typst.compile(source.encode("utf-8")))
        return path

    assert below_the_margin(pdf("false"))
    assert not below_the_margin(pdf("true"))
