"""Dutch and French twins carry the same numbers, and no label is left untranslated.

Numbers are compared on the visible text of the rendered HTML pages (national reports of both
cohorts and the Brussels factsheet, made in both languages), after removing thousands
separators (1.141 / 1 141) and keeping the decimal comma. Labels: the strings files have the
same keys; every codebook, catalogue and strings label of one language that differs from its
twin must not appear in the other language's page, and the page shows the item labels of its
own language.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from pages import MAIN, OLD, html_text

from miriam import report
from miriam.config import ROOT, load_yaml

PAIRS = [("national", MAIN), ("national", OLD), ("factsheet-schaarbeek", MAIN)]
_THOUSANDS = re.compile(r"(?<=\d)[.\u202f\u00a0 ](?=\d{3}(?!\d))")


def numbers(text: str) -> Counter:
    text = _THOUSANDS.sub("", text)
    return Counter(re.findall(r"\d+(?:,\d+)?", text))


def _pages(build, name, cohort):
    nl, fr = build.doc(name, "nl", cohort=cohort), build.doc(name, "fr", cohort=cohort)
    assert nl.exists() and fr.exists(), f"{cohort}/{name} not rendered in both languages"
    return html_text(nl), html_text(fr)


@pytest.mark.parametrize(("name", "cohort"), PAIRS)
def test_same_numbers_in_both_languages(build, name, cohort):
    nl, fr = _pages(build, name, cohort)
    a, b = numbers(nl), numbers(fr)
    assert a == b, f"only in NL: {dict(a - b)}; only in FR: {dict(b - a)}"
    assert sum(a.values()) > 50  # a real page, not an empty one


@pytest.mark.parametrize(("name", "cohort"), PAIRS)
def test_same_suppression_pattern(build, name, cohort):
    nl, fr = _pages(build, name, cohort)
    assert nl.count("–") == fr.count("–")


def _keys(node, prefix=""):
    out = set()
    for key, value in node.items():
        out.add(prefix + str(key))
        if isinstance(value, dict):
            out |= _keys(value, f"{prefix}{key}.")
    return out


def test_strings_files_have_the_same_keys():
    nl, fr = (
        yaml.safe_load((report.STRINGS / f"{lang}.yaml").read_text(encoding="utf-8")) for lang in ("nl", "fr")
    )
    assert _keys(nl) == _keys(fr)


def _label_pairs(build, cohort):
    """(nl, fr) pairs of every label a page may print: codebook items and categories, catalogue
    indicators and subgroups, and the strings files' short labels."""
    instrument = build.instrument(cohort)
    catalogue = load_yaml(ROOT / "config" / "indicators.yaml")
    pairs = []
    for var in instrument.variables.values():
        if var.label:
            pairs.append((var.label.get("nl", ""), var.label.get("fr", "")))
        for cat in var.scale.get("categories", []):
            pairs.append((str(cat.get("nl", "")), str(cat.get("fr", ""))))
    for spec in catalogue["indicators"]:
        pairs.append((spec["label"]["nl"], spec["label"]["fr"]))
    for spec in catalogue["subgroups"]:
        pairs.append((spec["label"]["nl"], spec["label"]["fr"]))
        pairs += [(v["nl"], v["fr"]) for v in spec["values"].values()]
    t_nl, t_fr = report.Text("nl"), report.Text("fr")
    for section in ("columns", "reach_measures", "groups", "regions"):
        pairs += [(str(t_nl.s[section][k]), str(t_fr.s[section][k])) for k in t_nl.s[section]]
    for variable, cats in t_nl.s["categories"].items():
        pairs += [(str(v), str(t_fr.s["categories"][variable][k])) for k, v in cats.items()]
    return [(a, b) for a, b in pairs if a and b and a != b and len(a) > 3 and len(b) > 3]


#: What the language switch of a page says (strings `other_language_name`).
OTHER_LANGUAGE_NAME = {"fr": "Nederlands", "nl": "Français"}


def _appears(label: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text) is not None


@pytest.mark.parametrize(("name", "cohort"), PAIRS)
def test_no_label_of_the_other_language(build, name, cohort):
    nl, fr = _pages(build, name, cohort)
    pairs = _label_pairs(build, cohort)
    # a label that is also a word of the other language's own labels is no evidence
    fr_labels = " | ".join(b for _, b in pairs)
    nl_labels = " | ".join(a for a, _ in pairs)
    dutch_in_fr = sorted({a for a, _ in pairs if _appears(a, fr) and not _appears(a, fr_labels)})
    french_in_nl = sorted({b for _, b in pairs if _appears(b, nl) and not _appears(b, nl_labels)})
    # the link to the other language names it in its own language, as it should
    dutch_in_fr = [label for label in dutch_in_fr if label != OTHER_LANGUAGE_NAME["fr"]]
    french_in_nl = [label for label in french_in_nl if label != OTHER_LANGUAGE_NAME["nl"]]
    assert not dutch_in_fr, f"Dutch labels in the French page: {dutch_in_fr}"
    assert not french_in_nl, f"French labels in the Dutch page: {french_in_nl}"


@pytest.mark.parametrize("cohort", [MAIN, OLD])
def test_item_labels_come_from_the_page_language(build, cohort):
    nl, fr = _pages(build, "national", cohort)
    for var in build.instrument(cohort).items():
        assert var.label["fr"] in fr, var.name
        assert var.label["nl"] in nl, var.name


@pytest.mark.parametrize(("name", "cohort"), PAIRS)
def test_negative_numbers_have_a_real_minus_sign(build, name, cohort):
    """A negative difference or change reads "−0,3" (U+2212), never "-0,3" (hyphen-minus)."""
    for text in _pages(build, name, cohort):
        hyphenated = re.findall(r"(?<![\w\-])-\d+(?:,\d+)?", text)
        assert not hyphenated, hyphenated[:5]
