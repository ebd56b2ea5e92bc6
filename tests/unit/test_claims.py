"""Issue 13: the text says only what the tests support. Small hand-made tables hit each rule's
edges (supported or not, p at alpha, n at the small-unit boundary, ties, rounding that seems not
to add up, contrasts between groups), then the outside check walks every generated sentence of
both languages against the tests table (tests/claim_walker.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from claim_walker import check_document, check_sources, sentences
from test_report import CATALOGUE, COHORT, DOMAINS, EMPOWERMENT, INSTRUMENT, make_figures, make_tables

from miriam import report
from miriam.config import ROOT, load_instrument
from miriam.report import claims, findings
from miriam.report.claims import DESCRIPTIVE, DOWN, UNCLEAR, UP, ClaimRules

RULES = ClaimRules()


def _test_row(item, diff, p, n=900, level="national", unit="BE", low=None, high=None):
    low = diff - 0.2 if low is None else low
    high = diff + 0.2 if high is None else high
    return {"level": level, "unit": unit, "item": item, "n": n, "mean_diff": diff, "ci_low": low,
            "ci_high": high, "p": p / 2, "p_holm": p, "wilcoxon_p": p, "wilcoxon_p_holm": p}  # fmt: skip


# --- the verdict of one test --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diff", "p", "verdict"),
    [(0.7, 0.001, UP), (-0.4, 0.01, DOWN), (0.41, 0.12, UNCLEAR), (0.6, 0.049, UP), (0.6, 0.050, UNCLEAR)],
)
def test_a_change_is_claimed_only_below_alpha(diff, p, verdict):
    """p = 0,050 as published is not below 0,05: not clear (the rule is strict)."""
    assert claims.claim_of(_test_row("dom_leisure", diff, p), RULES).verdict == verdict


def test_the_configured_test_and_adjustment_pick_the_p_value():
    row = _test_row("dom_leisure", 0.5, 0.08)  # raw p 0.04, Holm 0.08
    assert claims.claim_of(row, ClaimRules(adjust="holm")).verdict == UNCLEAR
    assert claims.claim_of(row, ClaimRules(adjust="none")).verdict == UP
    row["wilcoxon_p_holm"] = 0.001
    assert claims.claim_of(row, ClaimRules(test="wilcoxon")).verdict == UP
    assert ClaimRules.from_config({"claims": {"test": "wilcoxon", "adjust": "none"}}).p_column == "wilcoxon_p"
    with pytest.raises(ValueError, match="report.claims"):
        ClaimRules.from_config({"claims": {"test": "anova"}})


def test_a_withheld_or_missing_test_is_descriptive():
    assert claims.claim_of(None, RULES).verdict == DESCRIPTIVE
    assert claims.claim_of(_test_row("dom_leisure", 0.5, math.nan), RULES).verdict == DESCRIPTIVE


@pytest.mark.parametrize(("n", "tested"), [(29, False), (30, True), (31, True)])
def test_the_small_unit_rule_is_on_n(n, tested):
    """A unit whose items have fewer than small_unit_n pairs is described, tested or not."""
    tests = pd.DataFrame([_test_row(d, 0.9, 0.001, n=n, level="region", unit="flanders") for d in DOMAINS])
    c = claims.unit_claims(tests, "region", "flanders", DOMAINS, RULES)
    assert c.tested is tested and c.small is (not tested)
    assert {x.verdict for x in c.claims.values()} == ({UP} if tested else {DESCRIPTIVE})


def test_a_project_has_no_published_test():
    tests = pd.DataFrame([_test_row(d, 0.9, 0.001) for d in DOMAINS])
    c = claims.unit_claims(tests, "project", "antwerpen", DOMAINS, RULES)
    assert not c.tested


# --- headlines and comments ---------------------------------------------------------------------


def _rows(values, lang="nl", n=900):
    """Items of Belgium from (baseline, endline, mean_diff) per domain."""
    items = pd.DataFrame(
        [{"level": "national", "unit": "BE", "item": d, "group": "domain", "n_paired": n, "mean_baseline": b,
          "mean_endline": e, "mean_diff": x} for d, (b, e, x) in zip(DOMAINS, values, strict=True)]
    )  # fmt: skip
    return report.item_rows(items, "national", "BE", "domain", INSTRUMENT, report.Fmt(lang))


UP6 = [(5.0, 5.7, 0.7), (5.0, 5.6, 0.6), (5.0, 5.5, 0.5), (5.0, 5.4, 0.41), (4.0, 5.2, 1.2), (5.0, 5.3, 0.3)]


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_a_headline_counts_supported_changes_and_names_the_unclear_with_their_interval(lang):
    t = report.Text(lang)
    rows = _rows(UP6, lang)
    ps = [0.001, 0.001, 0.001, 0.12, 0.001, 0.058]  # mobility +0.41 (p 0.12), health p 0.058
    tests = pd.DataFrame([_test_row(d, x, p) for d, (_, _, x), p in zip(DOMAINS, UP6, ps, strict=True)])
    tests.loc[3, ["ci_low", "ci_high"]] = [-0.11, 0.93]
    c = claims.unit_claims(tests, "national", "BE", rows, RULES)
    head = report.headline(rows, "domain", "", t, where=t("where_national"), claims=c)
    assert ("4 van de 6" in head) if lang == "nl" else ("4 des 6" in head)
    assert "elk van de" not in head and "chacun des" not in head
    text = " ".join(report.comment(rows, t, "domain", c))
    assert ("niet duidelijk" in text) if lang == "nl" else ("pas net" in text)
    assert "\u22120,11" in text and "0,93" in text  # the interval of the unclear change
    assert not check_document(f"{head}.\n\n{text}\n", lang, INSTRUMENT, _support(tests))
    every = pd.DataFrame([_test_row(d, x, 0.001) for d, (_, _, x) in zip(DOMAINS, UP6, strict=True)])
    c_all = claims.unit_claims(every, "national", "BE", rows, RULES)
    head = report.headline(rows, "domain", "", t, where=t("where_national"), claims=c_all)
    assert ("duidelijk vooruit op elk van de zes" in head) if lang == "nl" else ("chacun des six" in head)


def _support(tests):
    from claim_walker import supported_items

    return supported_items(tests, "national", "BE", "p_holm", 0.05)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nl", "mobiliteit en vrije tijd (elk +1,2)"), ("fr", "«\u00a0Temps libre\u00a0» (chacun +1,2)")],
)
def test_ties_are_named_together(lang, expected):
    values = [
        (5.0, 5.5, 0.5),
        (5.0, 5.5, 0.5),
        (5.0, 5.5, 0.5),
        (5.0, 6.2, 1.2),
        (4.0, 5.2, 1.2),
        (5.0, 5.3, 0.3),
    ]
    t = report.Text(lang)
    rows = _rows(values, lang)
    text = " ".join(report.comment(rows, t, "domain"))  # no test: the largest differences
    assert expected in text and ("Mobilité" in text if lang == "fr" else True)
    # both tied lowest starts named too
    low = [(4.0, 4.5, 0.5), (4.0, 4.6, 0.6)] + [(5.0, 5.5, 0.5)] * 4
    text = " ".join(report.comment(_rows(low, lang), t, "domain"))
    assert ("financieel en dagbesteding (elk 4,0)" in text) if lang == "nl" else ("(chacun 4,0)" in text)


def test_rounding_that_seems_not_to_add_up_gets_a_note():
    """4.96 -> 5.64 prints 5,0 -> 5,6 with the exact difference 0.68 printed +0,7."""
    t = report.Text("nl")
    rows = _rows([(4.96, 5.64, 0.68)] + [(5.0, 5.5, 0.5)] * 5)
    assert rows[0].diff_text == "+0,7" and rows[0].begin_text == "5,0" and rows[0].end_text == "5,6"
    assert "financieel" in findings.rounding_note(rows, t)
    assert findings.rounding_note(_rows([(5.0, 5.5, 0.5)] * 6), t) == ""
    assert claims.adds_up(5.0, 5.5, 0.5) and not claims.adds_up(4.96, 5.64, 0.68)


def test_n_is_the_items_n_a_range_where_they_differ():
    t = report.Text("nl")
    rows = _rows(UP6)
    assert claims.items_n_text(rows, t) == "n=900"
    rows = [r.__class__(**{**r.__dict__, "n": 66 if i else 63}) for i, r in enumerate(rows)]
    assert claims.items_n_text(rows, t) == "n=63\u201366"


def test_scale_words_come_from_the_codebook():
    old = load_instrument(ROOT / "config" / "instruments" / "miriam-2018.yaml")
    for lang, agree, satisfied in (("nl", "helemaal wel", "tevreden"), ("fr", "tout à fait", "satisfaite")):
        t = report.Text(lang)
        emp = claims.scale_range(old, "empowerment", t)
        assert agree in emp and satisfied not in emp
        assert satisfied in claims.scale_range(old, "domain", t)


def test_a_contrast_between_groups_is_described_never_claimed():
    rows = []
    for value, base, diff in (("large_city", 4.6, 1.4), ("other", 5.2, 1.1)):
        for d in DOMAINS:
            rows.append({"level": "national", "unit": "BE", "subgroup": "city_size", "value": value,
                         "item": d, "group": "domain", "n_paired": 300, "mean_baseline": base,
                         "mean_endline": base + diff, "mean_diff": diff, "status": "published"})  # fmt: skip
    for lang in ("nl", "fr"):
        t = report.Text(lang)
        out = findings._subgroup_findings({"subgroups": pd.DataFrame(rows)}, INSTRUMENT, t, CATALOGUE)
        assert len(out) == 1
        assert "vooruit" not in out[0] and "progress" not in out[0]
        assert ("+1,4 tegenover +1,1" in out[0]) if lang == "nl" else ("+1,4 contre +1,1" in out[0])
        assert not check_document(out[0] + "\n", lang, INSTRUMENT, {})


# --- the outside check on a whole report --------------------------------------------------------


def _tests_table():
    """Belgium: every item supported except mobility (p 0.12) and one empowerment statement
    (p_holm exactly 0.050)."""
    items, _, _ = make_tables()
    national = items[items["level"] == "national"]
    rows = []
    for _, r in national.iterrows():
        p = {"dom_mobility": 0.12, EMPOWERMENT[2]: 0.050}.get(r["item"], 0.001)
        rows.append(_test_row(r["item"], r["mean_diff"], p, n=1021, low=-0.1 if p > 0.05 else None))
    return pd.DataFrame(rows)


def _subgroups():
    rows = []
    for value, shift in (("large_city", -0.5), ("other", 0.3)):
        for d in DOMAINS:
            rows.append({"level": "national", "unit": "BE", "subgroup": "city_size", "value": value,
                         "item": d, "group": "domain", "n_paired": 400, "mean_baseline": 5.0 + shift,
                         "mean_endline": 6.0 + shift + (0.4 if shift < 0 else 0),
                         "mean_diff": 1.0 + (0.4 if shift < 0 else 0), "status": "published"})  # fmt: skip
    return pd.DataFrame(rows)


def _write(tmp_path: Path, tests: pd.DataFrame) -> dict[str, Path]:
    items, units, reconciliation = make_tables()
    tables = {"items": items, "units": units, "reconciliation": reconciliation, "tests": tests,
              "subgroups": _subgroups()}  # fmt: skip
    out = {}
    for lang in ("nl", "fr"):
        report.write_sources(
            tables, COHORT, INSTRUMENT, lang, make_figures(tmp_path, lang), tmp_path / "src" / lang,
            min_n=10, catalogue=CATALOGUE,
            report_cfg={"claims": {"alpha": 0.05, "adjust": "holm", "test": "t"}},
        )  # fmt: skip
        out[lang] = tmp_path / "src" / lang
    return out


def test_no_generated_sentence_claims_what_its_test_does_not_support(tmp_path):
    tests = _tests_table()
    src = _write(tmp_path, tests)
    for lang, directory in src.items():
        bad, read = check_sources(directory, lang, INSTRUMENT, tests)
        assert read > 100
        assert not bad, "\n".join(f"{v.document}: {v.why}: {v.sentence}" for v in bad)
        name = {"nl": "nationaal-rapport", "fr": "rapport-national"}[lang]
        national = (directory / f"{name}.qmd").read_text(encoding="utf-8")
        # the check is not vacuous: supported claims are made, the unclear ones said so
        claimed = [
            s for s in sentences(national) if ("duidelijk vooruit" in s or "progressent nettement" in s)
        ]
        assert claimed
        assert ("niet duidelijk" in national) if lang == "nl" else ("pas net" in national)
        assert (
            ("Wat deze cijfers niet tonen" in national) if lang == "nl" else ("ne montrent pas" in national)
        )
        assert (
            ("geen controlegroep" in national) if lang == "nl" else ("pas de groupe de contrôle" in national)
        )
        assert "1.021" in national or "1\u202f021" in national  # the paired share of the limitations
        for sheet in directory.glob("factsheet-*.qmd"):
            text = sheet.read_text(encoding="utf-8")
            if "callout-warning title=" in text.split("## ", 3)[-1]:
                break
        else:
            pytest.fail("no factsheet carries the caution")


def test_the_walker_catches_an_unsupported_claim(tmp_path):
    """The outside check itself: a report whose tests support nothing must fail it, and the old
    wording ("vooruit op elk van de zes") is caught."""
    tests = _tests_table().assign(p_holm=0.3, p=0.3)
    src = _write(tmp_path, _tests_table())
    bad, _ = check_sources(src["nl"], "nl", INSTRUMENT, tests)
    assert bad
    old = "De deelneemsters in Antwerpen gaan vooruit op elk van de zes levensdomeinen.\n"
    assert check_document(old, "nl", INSTRUMENT, {})
    assert check_document(
        "Vrouwen uit grote steden gaan meer vooruit.\n", "nl", INSTRUMENT, {d: UP for d in DOMAINS}
    )
