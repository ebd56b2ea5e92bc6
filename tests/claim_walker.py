"""The outside check of issue 13: read every generated sentence of a report (the Quarto sources,
both languages) and hold each claim of progress or decline against the published tests table,
without asking the code that wrote it.

A sentence *claims* when it has a word of progress or decline ("vooruit", "daling", "stijgt",
"grootste stap"; "progress", "baisse", "augmente", "plus grand pas"). Its claim is checked
when it names items (their codebook label, in the page's language) or counts a group ("elk van
de zes levensdomeinen", "4 van de 6 levensdomeinen"; "chacun des six domaines de vie", "4 des 6
domaines de vie"): every named item must have a supported test in the direction claimed (p
below alpha after the configured adjustment), "each" needs every item of the group supported,
"k of n" at least k. A document of a unit without tests (a project) may claim nothing. A
contrast between groups ("gaan meer vooruit", "progressent davantage") is never supported: the
published tables allow no test of a difference between groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from miriam.config import Instrument

UPWARD = {
    "nl": re.compile(r"vooruit|\bstijg|grootste (duidelijke )?stap", re.I),
    "fr": re.compile(r"progress|progrès|\baugment|plus grands? pas", re.I),
}
DOWNWARD = {
    "nl": re.compile(r"\bdaling|\bdaalt|achteruit", re.I),
    "fr": re.compile(r"\bbaisse|\brecul", re.I),
}
CONTRAST = {
    "nl": re.compile(r"(meer|sterker|minder) vooruit", re.I),
    "fr": re.compile(r"progress\w* (davantage|plus|moins)", re.I),
}
GROUP_WORDS = {
    "nl": {"domain": "levensdomeinen", "empowerment": "empowermentindicatoren"},
    "fr": {"domain": "domaines de vie", "empowerment": "indicateurs d'empowerment"},
}
EVERY = {
    "nl": r"(?:elk van de|alle) \w+ {noun}",
    "fr": r"(?:chacun des|pour les|tous les|toutes les) \w+ {noun}",
}
K_OF = {"nl": r"(\d+) van de (\d+) {noun}", "fr": r"(\d+) des (\d+) {noun}"}


def _norm(text: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", text).replace("\u2019", "'").casefold()


def sentences(qmd: str) -> list[str]:
    """The prose of a .qmd source: no front matter, tables, captions, fenced divs or comments;
    paragraphs and list items split into sentences."""
    body = qmd.split("\n---\n", 1)[1] if qmd.startswith("---") else qmd
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.S)
    out = []
    for para in re.split(r"\n\s*\n", body):
        lines = [ln for ln in para.splitlines() if not ln.lstrip().startswith(("|", ":", "```", "![", "#"))]
        text = " ".join(ln.lstrip("- ").strip() for ln in lines).strip()
        if text:
            out += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z«*‘'\"ÉÀ])", text) if s.strip()]
    return out


@dataclass
class Violation:
    document: str
    sentence: str
    why: str


def supported_items(tests: pd.DataFrame, level: str, unit: str, p_column: str, alpha: float) -> dict:
    """item -> "up" / "down" for the items whose test supports a change (else absent)."""
    if tests is None or tests.empty:
        return {}
    rows = tests[(tests["level"].astype(str) == level) & (tests["unit"].astype(str) == unit)]
    out = {}
    for _, r in rows.iterrows():
        p, d = r.get(p_column), r.get("mean_diff")
        if pd.notna(p) and pd.notna(d) and float(p) < alpha and float(d) != 0:
            out[str(r["item"])] = "up" if float(d) > 0 else "down"
    return out


#: A section about all of Belgium inside a factsheet ("Krachtlijnen voor heel België"): its
#: claims are Belgium's, held against the national tests.
NATIONAL_HEADING = re.compile(r"^## .*(België|Belgique)", re.M)


def check_factsheet(
    qmd: str, lang: str, instrument: Instrument, support: dict, national: dict, name: str = ""
) -> list[Violation]:
    """A factsheet: its sections about Belgium against Belgium's tests, the rest against the
    project's (none are published, so it may claim nothing)."""
    bad = []
    for part in re.split(r"(?m)^(?=## )", qmd):
        own = national if NATIONAL_HEADING.match(part) else support
        bad += check_document(part, lang, instrument, own, name)
    return bad


def check_document(
    qmd: str,
    lang: str,
    instrument: Instrument,
    support: dict[str, str],
    name: str = "",
) -> list[Violation]:
    """Every claim of one document against `support` (the unit's supported items)."""
    labels = {v.name: _norm(v.label[lang]) for v in instrument.items() if v.label.get(lang)}
    groups = {g: [v.name for v in instrument.items(g)] for g in GROUP_WORDS[lang]}
    bad = []
    for sentence in sentences(qmd):
        s = _norm(sentence)
        if CONTRAST[lang].search(s):
            bad.append(Violation(name, sentence, "a contrast between groups without a test of it"))
            continue
        up, down = bool(UPWARD[lang].search(s)), bool(DOWNWARD[lang].search(s))
        if not (up or down):
            continue
        wanted = {"up", "down"} if up and down else {"up"} if up else {"down"}
        for item, label in labels.items():
            if label in s and support.get(item) not in wanted:
                bad.append(Violation(name, sentence, f"{item} is claimed but its test does not support it"))
        for group, noun in GROUP_WORDS[lang].items():
            items = groups.get(group, [])
            ok = [i for i in items if support.get(i) in wanted]
            if items and re.search(EVERY[lang].format(noun=re.escape(noun)), s) and len(ok) < len(items):
                bad.append(Violation(name, sentence, f"every {group} claimed, {len(ok)} supported"))
            for k, _n in re.findall(K_OF[lang].format(noun=re.escape(noun)), s):
                if int(k) > len(ok):
                    bad.append(Violation(name, sentence, f"{k} {group} items claimed, {len(ok)} supported"))
    return bad


#: The national report's file name per language (and before names per language), and the
#: reviewers' provenance page, which states no finding.
NATIONAL_NAMES = {"national", "nationaal-rapport", "rapport-national"}
REVIEWER_PAGES = {"herkomst", "provenance"}


def check_sources(
    src: Path,
    lang: str,
    instrument: Instrument,
    tests: pd.DataFrame,
    *,
    p_column: str = "p_holm",
    alpha: float = 0.05,
) -> tuple[list[Violation], int]:
    """Every .qmd of one language: the national report against Belgium's tests, a factsheet
    against its project's (none are published: it may claim nothing). Returns the violations
    and the number of sentences read."""
    bad, read = [], 0
    for path in sorted(Path(src).glob("*.qmd")):
        qmd = path.read_text(encoding="utf-8")
        read += len(sentences(qmd))
        national = supported_items(tests, "national", "BE", p_column, alpha)
        if path.stem in REVIEWER_PAGES:
            continue  # provenance for reviewers: hashes and counts, no finding
        if path.stem in NATIONAL_NAMES:
            bad += check_document(qmd, lang, instrument, national, f"{lang}/{path.name}")
        else:
            own = supported_items(tests, "project", path.stem.removeprefix("factsheet-"), p_column, alpha)
            bad += check_factsheet(qmd, lang, instrument, own, national, f"{lang}/{path.name}")
    return bad, read
