"""Report content: findings and headlines follow the data, Babel formatting, withheld sheets,
Dutch/French parity. Fixtures are built by hand: three projects, one of them withheld."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from miriam import report
from miriam.config import ROOT, load_instrument, load_yaml

INSTRUMENT = load_instrument(ROOT / "config" / "instruments" / "miriam-2023.yaml")
CATALOGUE = load_yaml(ROOT / "config" / "indicators.yaml")
DOMAINS = [v.name for v in INSTRUMENT.items("domain")]
EMPOWERMENT = [v.name for v in INSTRUMENT.items("empowerment")]

COHORT = {
    "cohort": "demo-test",
    "label": "2023-2024",
    "demo": True,
    "instrument": "miriam-2023",
    "window": {"start": "2023-09-01", "end": "2024-08-31"},
    "measurement": {"baseline": "2023-11", "endline": "2024-06"},
    "projects": [
        {"id": "antwerpen", "ocmws": [11002], "since": 2017},
        {"id": "brussel", "ocmws": [21004], "since": 2023},
        {"id": "huy", "ocmws": [61031], "since": 2023},
    ],
}

# baseline, endline per item (domains then empowerment); the difference is end - begin
ANTWERPEN = [(5.2, 5.9), (5.5, 6.2), (5.0, 5.5), (6.0, 6.6), (4.1, 5.6), (4.9, 5.3),
             (8.2, 9.1), (4.7, 5.8), (5.4, 7.0), (5.6, 6.4)]  # fmt: skip
BRUSSEL = [(5.0, 5.4), (5.6, 5.3), (4.8, 5.1), (6.1, 6.1), (3.9, 4.8), (5.2, 5.0),
           (7.9, 8.3), (4.9, 5.2), (5.1, 5.0), (5.8, 6.0)]  # fmt: skip


def _scores(values, scale=1.0, shift=0.0):
    return [(round(b * scale + shift, 2), round(e * scale + shift, 2)) for b, e in values]


def _item_rows(level, unit, values, n):
    rows = []
    for item, (b, e) in zip(DOMAINS + EMPOWERMENT, values, strict=False):
        withheld = b is None
        rows.append(
            {
                "level": level,
                "unit": unit,
                "item": item,
                "group": "domain" if item in DOMAINS else "empowerment",
                "n_baseline": math.nan if withheld else n + 3,
                "n_endline": math.nan if withheld else n + 1,
                "n_paired": math.nan if withheld else n,
                "mean_baseline": math.nan if withheld else b,
                "mean_endline": math.nan if withheld else e,
                "mean_diff": math.nan if withheld else round(e - b, 4),
                "status": "withheld" if withheld else "published",
                "reason": "n_below_min_n" if withheld else "",
            }
        )
    return rows


def make_tables():
    """items, units, reconciliation for 3 projects (Antwerpen nl, Brussel nl|fr, Huy fr
    withheld with 6 paired women)."""
    national = _scores(ANTWERPEN, 0.97, 0.05)
    items = pd.DataFrame(
        _item_rows("national", "BE", national, 1021)
        + _item_rows("region", "flanders", ANTWERPEN, 52)
        + _item_rows("region", "brussels", BRUSSEL, 31)
        + _item_rows("region", "wallonia", [(None, None)] * 10, 6)
        + _item_rows("project", "antwerpen", ANTWERPEN, 52)
        + _item_rows("project", "brussel", BRUSSEL, 31)
        + _item_rows("project", "huy", [(None, None)] * 10, 6)
    )
    u = [
        ("national", "BE", "", "België", "Belgique", "", "nl|fr", 1144, 1100, 1050, 1021, True),
        (
            "region",
            "brussels",
            "BE",
            "Brussel",
            "Bruxelles",
            "brussels",
            "nl|fr",
            40,
            38,
            33,
            31,
            True,
        ),
        (
            "region",
            "flanders",
            "BE",
            "Vlaanderen",
            "Flandre",
            "flanders",
            "nl",
            60,
            57,
            54,
            52,
            True,
        ),
        (
            "region",
            "wallonia",
            "BE",
            "Wallonië",
            "Wallonie",
            "wallonia",
            "fr",
            9,
            9,
            7,
            math.nan,
            False,
        ),
        (
            "project",
            "antwerpen",
            "flanders",
            "Antwerpen",
            "Anvers",
            "flanders",
            "nl",
            60,
            57,
            54,
            52,
            True,
        ),
        (
            "project",
            "brussel",
            "brussels",
            "Brussel",
            "Bruxelles",
            "brussels",
            "nl|fr",
            40,
            38,
            33,
            31,
            True,
        ),
        ("project", "huy", "wallonia", "Hoei", "Huy", "wallonia", "fr", 9, 9, 7, math.nan, False),
        (
            "ocmw",
            "11002",
            "antwerpen",
            "Antwerpen",
            "Anvers",
            "flanders",
            "nl",
            60,
            57,
            54,
            52,
            True,
        ),
        (
            "ocmw",
            "21004",
            "brussel",
            "Brussel",
            "Bruxelles",
            "brussels",
            "nl|fr",
            40,
            38,
            33,
            31,
            True,
        ),
        ("ocmw", "61031", "huy", "Hoei", "Huy", "wallonia", "fr", 9, 9, 7, math.nan, False),
    ]
    columns = ["level", "unit", "parent", "name_nl", "name_fr", "region", "languages",
               "n_women", "n_baseline", "n_endline", "n_paired", "published"]  # fmt: skip
    units = pd.DataFrame(u, columns=columns)
    units["reason"] = ["" if p else "n_below_min_n" for p in units["published"]]
    units["n_ocmws"] = [3, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    reconciliation = pd.DataFrame(
        [
            ("raw/beginmeting_nl.csv", "rows_read", 640),
            ("raw/beginmeting_nl.csv", "rows_kept", 630),
            ("raw/beginmeting_nl.csv", "rows_quarantined", 10),
            ("raw/beginmeting_nl.csv", "quarantined_blank_row", 4),
            ("raw/beginmeting_nl.csv", "quarantined_register_number_check_digits", 6),
            ("raw/beginmeting_nl.csv", "values_rejected_out_of_range", 3),
            ("raw/eindmeting_fr.xlsx", "rows_read", 520),
            ("raw/eindmeting_fr.xlsx", "rows_kept", 515),
            ("raw/eindmeting_fr.xlsx", "rows_quarantined", 5),
            ("raw/eindmeting_fr.xlsx", "quarantined_superseded_duplicate", 5),
            ("cohort", "rows_read", 1160),
            ("cohort", "rows_kept", 1145),
            ("cohort", "rows_quarantined", 15),
            ("cohort", "values_rejected", 3),
            ("cohort", "women", 1144),
            ("cohort", "women_baseline_and_endline", 1021),
        ],
        columns=["scope", "measure", "count"],
    )
    return items, units, reconciliation


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="200" viewBox="0 0 480 200">'
    '<rect x="10" y="20" width="300" height="20" fill="#0072B2"/>'
    '<text x="320" y="35" font-family="DejaVu Sans" font-size="12">+0,7</text></svg>\n'
)


def make_figures(root: Path, lang: str) -> Path:
    """Stand-in charts (the figures stage is tested on its own) with their alt texts."""
    figures = root / "figures" / lang
    figures.mkdir(parents=True, exist_ok=True)
    for unit in ("BE", "antwerpen", "brussel"):
        for group in ("domain", "empowerment"):
            (figures / f"{unit}_{group}.svg").write_text(SVG, encoding="utf-8")
            (figures / f"{unit}_{group}.txt").write_text(
                f"Alt {lang} {unit} {group}: 5,2 naar 5,9.\n", encoding="utf-8"
            )
    return figures


def write_both(tmp_path: Path, min_n: int = 10) -> dict[str, list[Path]]:
    items, units, reconciliation = make_tables()
    tables = {"items": items, "units": units, "reconciliation": reconciliation}
    out = {}
    for lang in ("nl", "fr"):
        figures = make_figures(tmp_path, lang)
        out[lang] = report.write_sources(
            tables,
            COHORT,
            INSTRUMENT,
            lang,
            figures,
            tmp_path / "src" / lang,
            min_n=min_n,
            catalogue=CATALOGUE,
        )
    return out


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return write_both(tmp_path_factory.mktemp("report"))


def rows_for(project: str, group: str, lang: str):
    items, _, _ = make_tables()
    return report.item_rows(items, "project", project, group, INSTRUMENT, report.Fmt(lang))


# --- formatting ---------------------------------------------------------------------------------


def test_babel_formatting_dutch():
    f = report.Fmt("nl")
    assert f.score(5.25) == "5,3"  # half up, as the published tables
    assert f.diff(0.7) == "+0,7" and f.diff(-0.3) == "-0,3" and f.diff(0.04) == "0,0"
    assert f.int(1144) == "1.144"
    assert f.pct(0.756) == "76\u00a0%"
    assert f.month("2023-11") == "november 2023"
    assert f.score(math.nan) == "–"


def test_babel_formatting_french_narrow_spaces():
    f = report.Fmt("fr")
    assert f.score(5.2) == "5,2" and f.diff(1.5) == "+1,5"
    assert f.int(1144) == "1\u202f144"  # narrow no-break space
    assert f.pct(0.756) == "76\u202f%"
    assert f.month("2024-06") == "juin 2024"
    assert f.join(["a", "b", "c"]) == "a, b et c"


def test_french_strings_get_no_break_space_before_colon():
    t = report.Text("fr")
    assert "\u00a0:" in t("demo_running") and " :" not in t("demo_running")


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Antwerpen realiseert vooruitgang op elk van de zes levensdomeinen"),
        ("fr", "Anvers progresse dans chacun des six domaines de vie"),
    ],
)
def test_headline_all_domains_up(lang, expected):
    name = "Antwerpen" if lang == "nl" else "Anvers"
    rows = rows_for("antwerpen", "domain", lang)
    assert report.all_improved(rows)
    assert report.headline(rows, "domain", name, report.Text(lang)) == expected


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_headline_not_all_domains_up_names_the_improved_ones(lang):
    rows = rows_for("brussel", "domain", lang)
    assert not report.all_improved(rows)
    text = report.headline(rows, "domain", "Brussel", report.Text(lang))
    assert ("elk van de" not in text) and ("chacun des" not in text)
    # Brussel: financial +0.4, housing +0.3, leisure +0.9 up; daytime, health down; mobility 0
    assert ("3 van de 6" in text) if lang == "nl" else ("3 des 6" in text)
    assert ("vrije tijd" in text) if lang == "nl" else ("temps libre" in text)
    assert ("dagbesteding" not in text) and ("occupation" not in text)
    comment = " ".join(report.comment(rows, report.Text(lang)))
    assert "-0,3" in comment and "-0,2" in comment  # the declines are named, with their sign


def test_headline_rule_uses_the_printed_rounding():
    rows = rows_for("antwerpen", "domain", "nl")
    tiny = [r.__class__(**{**r.__dict__, "diff": 0.04}) if i == 0 else r for i, r in enumerate(rows)]
    assert not report.all_improved(tiny)  # "+0,0" is not progress


def test_national_findings_are_true(sources):
    items, units, _ = make_tables()
    nl = report.key_findings({"items": items, "units": units}, COHORT, INSTRUMENT, report.Text("nl"))
    assert nl[0] == "MIRIAM bereikte **1.144 vrouwen** in 2023-2024."
    assert any("elk van de zes levensdomeinen" in f for f in nl)
    assert any("vrije tijd" in f and "het laagst" in f for f in nl)  # lowest baseline
    assert any("2 projecten stapten" in f for f in nl)  # since == 2023
    # one national domain down: the "each of the six" finding disappears
    down = items.copy()
    mask = (down["level"] == "national") & (down["item"] == "dom_housing")
    down.loc[mask, "mean_diff"] = -0.2
    nl_down = report.key_findings({"items": down, "units": units}, COHORT, INSTRUMENT, report.Text("nl"))
    fr_down = report.key_findings({"items": down, "units": units}, COHORT, INSTRUMENT, report.Text("fr"))
    assert not any("elk van de" in f for f in nl_down)
    assert any("5 van de 6 levensdomeinen" in f for f in nl_down)
    assert not any("chacun des" in f for f in fr_down)
    assert any("5 des 6 domaines" in f for f in fr_down)


# --- the written sources ------------------------------------------------------------------------


def test_sources_per_language(sources):
    names = {lang: sorted(p.name for p in paths) for lang, paths in sources.items()}
    assert names["nl"] == ["factsheet-antwerpen.qmd", "factsheet-brussel.qmd", "national.qmd"]
    assert names["fr"] == ["factsheet-brussel.qmd", "factsheet-huy.qmd", "national.qmd"]
    src = sources["nl"][0].parent
    assert (src / "_quarto.yml").exists() and (src / "figures" / "antwerpen_domain.svg").exists()


def test_factsheet_content(sources):
    text = (sources["nl"][0].parent / "factsheet-antwerpen.qmd").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "MIRIAM Antwerpen"')
    assert "lang: nl-BE" in text
    assert "Resultaten Antwerpen (n=52)" in text
    assert "Antwerpen realiseert vooruitgang op elk van de zes levensdomeinen" in text
    assert "| Financieel | 5,2 | 5,9 | +0,7 |" in text
    assert "![" in text and 'fig-alt="Alt nl antwerpen domain' in text
    assert "(figures/antwerpen_domain.svg)" in text
    assert INSTRUMENT.variables["dom_leisure"].definition["nl"] in text  # the codebook definition
    assert "synthetische" in text  # demo warning
    assert "{{< meta miriam-engine >}}" in text


def test_withheld_sheet_shows_no_means(sources):
    text = (sources["fr"][0].parent / "factsheet-huy.qmd").read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    assert "MIRIAM Huy" in text and "moins de 10 femmes" in body
    assert not re.search(r"\d,\d", body)  # no mean, no difference
    assert "n\u00a0=" not in body and "n =" not in body  # and no n


def _numbers(text: str) -> list[str]:
    """Numbers as printed, normalised: thousands separators dropped, decimal comma kept."""
    body = text.split("\n---\n", 1)[1]
    body = re.sub(r"\{\{<.*?>\}\}", "", body)
    body = re.sub(r"(?<=\d)[.\u202f\u00a0 ](?=\d{3}\b)", "", body)
    return sorted(re.findall(r"[+-]?\d+(?:,\d+)?", body))


def test_dutch_and_french_national_reports_carry_the_same_numbers(sources):
    nl = (sources["nl"][0].parent / "national.qmd").read_text(encoding="utf-8")
    fr = (sources["fr"][0].parent / "national.qmd").read_text(encoding="utf-8")
    assert "1.144" in nl and "1\u202f144" in fr
    assert _numbers(nl) == _numbers(fr)
    f_nl = (sources["nl"][0].parent / "factsheet-brussel.qmd").read_text(encoding="utf-8")
    f_fr = (sources["fr"][0].parent / "factsheet-brussel.qmd").read_text(encoding="utf-8")
    assert _numbers(f_nl) == _numbers(f_fr)


def test_national_report_has_reach_tables_and_annex(sources):
    text = (sources["fr"][0].parent / "national.qmd").read_text(encoding="utf-8")
    assert "| **Belgique** |" in text  # reach total row
    assert "| Lignes lues dans les exports | 1\u202f160 |" in text  # reconciliation
    assert "chiffres de contrôle" in text  # quarantine reason translated
    assert "1 des 3 projets" in text  # disclosure summary
    assert "| Wallonie |" in text and "Vlaanderen" not in text  # names in the page language
    headings = [len(m.group(1)) for m in re.finditer(r"^(#+) ", text, flags=re.M)]
    assert headings and headings[0] == 2
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False))


def test_sources_are_deterministic(tmp_path):
    a = write_both(tmp_path / "a")
    b = write_both(tmp_path / "b")
    for lang in a:
        for pa, pb in zip(a[lang], b[lang], strict=False):
            assert pa.read_bytes() == pb.read_bytes()


def test_index_links_every_document(tmp_path):
    _, units, _ = make_tables()
    index = report.write_index(units, "2023-2024", ["nl", "fr"], tmp_path, demo=True)
    html = index.read_text(encoding="utf-8")
    assert '<html lang="nl-BE">' in html and 'lang="fr-BE"' in html
    for href in ("nl/national.html", "fr/national.pdf", "nl/factsheet-antwerpen.pdf",
                 "fr/factsheet-huy.html",
                 "fr/factsheet-brussel.html", "nl/factsheet-brussel.pdf"):  # fmt: skip
        assert f'href="{href}"' in html
    assert "nl/factsheet-huy" not in html  # Huy is French only
    assert "synthétiques" in html and "synthetische" in html
    levels = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


# --- the other families: findings that follow the data, withheld values, missing tables --------


def _shares(rows):
    """(indicator, wave, n, count, pct) -> a published shares table (national)."""
    df = pd.DataFrame(rows, columns=["indicator", "wave", "n", "count", "pct"])
    df.insert(0, "unit", "BE")
    df.insert(0, "level", "national")
    df["status"] = ["withheld" if pd.isna(p) else "published" for p in df["pct"]]
    df["reason"] = ["count_below_min_count" if pd.isna(p) else "" for p in df["pct"]]
    return df


def _findings(lang, **tables):
    items, units, _ = make_tables()
    return report.key_findings(
        {"items": items, "units": units, **tables}, COHORT, INSTRUMENT, report.Text(lang), CATALOGUE
    )


def test_findings_on_shares_follow_the_sign_and_carry_the_number():
    shares = _shares(
        [
            ("regular_gp", "baseline", 879, 615, 69.97),
            ("regular_gp", "endline", 879, 668, 76.0),
            ("regular_gp", "change", 879, None, 6.03),
            ("regular_dentist", "baseline", 879, 501, 57.0),
            ("regular_dentist", "endline", 879, 396, 45.05),
            ("regular_dentist", "change", 879, None, -11.95),
            ("progress_domains", "change", 879, 670, 76.22),
            ("housing_waitlist", "endline", 883, None, None),  # withheld: no sentence
        ]
    )
    nl = _findings("nl", shares=shares)
    fr = _findings("fr", shares=shares)
    assert "Meer vrouwen hebben een vaste huisarts: +6 procentpunten (van 70\u00a0% naar 76\u00a0%)." in nl
    assert any(f.startswith("Minder vrouwen hebben een vaste tandarts: -12") for f in nl)
    assert any("**76\u00a0%**" in f and "^[Definitie:" in f and "zes levensdomeinen" in f for f in nl)
    assert not any("wachtlijst" in f for f in nl)
    assert len(nl) == len(fr)


def test_dropout_finding_names_the_dissatisfied_share_only_as_it_is():
    def dist(dissatisfied):
        rows = [("studies", 40), ("moved", 30), ("crisis", 20), ("dissatisfied", dissatisfied)]
        total = sum(c for _, c in rows)
        return pd.DataFrame(
            [("national", "BE", "stop_reason", "endline", cat, total, c, 100 * c / total, "published", "")
             for cat, c in rows],
            columns=["level", "unit", "indicator", "wave", "category", "n", "count", "pct",
                     "status", "reason"],
        )  # fmt: skip

    low = _findings("nl", distributions=dist(6))
    assert any("Slechts 6\u00a0%" in f and "studies of opleiding (42\u00a0%)" in f for f in low)
    high = _findings("nl", distributions=dist(50))
    assert not any("Slechts" in f for f in high)
    assert any("36\u00a0% van wie stopte" in f for f in high)


def test_missing_families_leave_sections_out_without_error(tmp_path):
    items, units, _ = make_tables()
    paths = report.write_sources(
        {"items": items, "units": units}, COHORT, INSTRUMENT, "fr", tmp_path / "f", tmp_path / "out",
        min_n=10, catalogue=None, manifest=None, trend=None,
    )  # fmt: skip
    text = paths[0].read_text(encoding="utf-8")
    assert "## Participation et abandon" not in text and "## Annexe : tests statistiques" not in text
    assert "Belgique" in text


def test_scale_comes_from_the_instrument():
    old = load_instrument(ROOT / "config" / "instruments" / "miriam-2018.yaml")
    t = report.Text("nl")
    text = report._scales_text(old, t)
    assert "score van 0 tot 5" in text and "score van 0 tot 70" in text and "score van 0 tot 10" in text


def test_statistics_formatting():
    f = report.Fmt("fr")
    assert f.p(2e-36) == "<\u00a00,001" and f.p(0.0456) == "0,046"
    assert f.ci(0.511, 0.690) == "0,51\u00a0–\u00a00,69"
    assert f.pp(6.03) == "+6" and f.pp(-11.95) == "-12" and f.pp(0.2) == "0"
    assert report.Fmt("nl").dec(153546.0, 1) == "153.546,0"


def test_withheld_legend_names_the_threshold(sources):
    text = (sources["nl"][0].parent / "national.qmd").read_text(encoding="utf-8")
    assert "minder dan 10 vrouwen" in text  # the legend under the region tables (Wallonia)
