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
from miriam.report import claims, profile, sections, tables

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
            min_count=5,
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
    assert f.diff(0.7) == "+0,7" and f.diff(-0.3) == "\u22120,3" and f.diff(0.04) == "0,0"
    assert f.diff(-0.04) == "0,0" and f.dec(-0.004, 2) == "0,00"  # no "−0,0"
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
        (
            "nl",
            "De gemiddelde score in Antwerpen ligt bij de eindmeting hoger dan bij de start op elk van"
            " de zes levensdomeinen",
        ),
        (
            "fr",
            "Le score moyen des participantes d'Anvers est plus élevé à la fin qu'au début dans chacun"
            " des six domaines de vie",
        ),
    ],
)
def test_headline_all_domains_up(lang, expected):
    """Without a published test (a project) the headline describes: "higher", not "progress"
    (issue 13); the tested wording is in tests/unit/test_claims.py."""
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
    assert ("vrije tijd" in text) if lang == "nl" else ("«\u00a0Temps libre\u00a0»" in text)
    assert ("dagbesteding" not in text) and ("Occupation" not in text)
    subject = {"nl": "De gemiddelde score in Brussel", "fr": "Le score moyen des participantes de"}[lang]
    assert subject in text
    comment = " ".join(report.comment(rows, report.Text(lang), "domain"))
    # the declines are named, with a real minus sign; "0,0" is stable, not a decline
    assert "\u22120,3" in comment and "\u22120,2" in comment
    assert ("Stabiel" in comment) if lang == "nl" else ("Stable" in comment)


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
    # one national domain down: the "each of the six" finding disappears (the rules read the
    # printed means: the end mean goes down, the difference follows)
    down = items.copy()
    mask = (down["level"] == "national") & (down["item"] == "dom_housing")
    down.loc[mask, "mean_endline"] = down.loc[mask, "mean_baseline"] - 0.2
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
    # names per language: the French sheet of Brussels is "factsheet-bruxelles"
    assert names["nl"] == [
        "factsheet-antwerpen.qmd",
        "factsheet-brussel.qmd",
        "herkomst.qmd",
        "nationaal-rapport.qmd",
    ]
    assert names["fr"] == [
        "factsheet-bruxelles.qmd",
        "factsheet-huy.qmd",
        "provenance.qmd",
        "rapport-national.qmd",
    ]
    src = sources["nl"][0].parent
    assert (src / "_quarto.yml").exists() and (src / "figures" / "antwerpen_domain.svg").exists()


def test_factsheet_content(sources):
    text = (sources["nl"][0].parent / "factsheet-antwerpen.qmd").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "MIRIAM Antwerpen"')
    assert "lang: nl-BE" in text
    assert "### Resultaten Antwerpen (n=52)" in text
    assert "- MIRIAM Antwerpen loopt sinds 2017." in text  # its own history (projects[].since)
    assert "De gemiddelde score in Antwerpen ligt bij de eindmeting hoger dan bij de start op elk" in text
    assert "gaan vooruit" not in text.split("## Over het MIRIAM-programma")[1]  # no test per project
    assert "::: {.callout-warning" in text and "Per project wordt geen statistische toets" in text
    assert "realiseert" not in text
    assert "Vier indicatoren volgen" in text  # a sentence starts with a capital
    # the order of the published sheet: national findings, programme, measurement, results,
    # partners; the table, chart and headline of a group in one block (kept together in the PDF)
    order = ["## Krachtlijnen voor heel België", "## Over het MIRIAM-programma", "## De meting",
             "## Antwerpen: zes levensdomeinen", "## Antwerpen: empowerment",
             "## Partners en contact"]  # fmt: skip
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    assert "ongeveer 12 vrouwen" in text and "ongeveer tien maanden" in text
    assert "jaar lang" not in text
    keep = text.split("::: {.keep}", 1)[1].split("\n:::\n", 2)
    assert "| Financieel |" in keep[0] and "(figures/antwerpen_domain.svg)" in keep[0]
    heads = [line for line in text.splitlines() if line.startswith("#")]
    for a, b in zip(text.splitlines(), text.splitlines()[2:], strict=False):
        assert not (a.startswith("#") and b.startswith("#")), (a, b)  # no heading on a heading
    assert len(heads) >= 8
    assert "**Het OCMW van Antwerpen** organiseert" in text and "POD Maatschappelijke Integratie" in text
    assert "| Financieel | 5,2 | 5,9 | +0,7 |" in text
    assert "![" in text and 'fig-alt="Alt nl antwerpen domain' in text
    assert "(figures/antwerpen_domain.svg)" in text
    assert INSTRUMENT.variables["dom_leisure"].definition["nl"] in text  # the codebook definition
    assert "synthetische" in text  # demo warning
    assert "{{< meta miriam-engine >}}" in text


def _own_part(text: str) -> str:
    """A factsheet's own part: from its measurement section to its partners (before it, the
    national key findings, which a withheld sheet keeps)."""
    body = text.split("\n---\n", 1)[1]
    start = max(body.find("## La mesure"), body.find("## De meting"))
    return body[start:]


def test_withheld_sheet_shows_no_means(sources):
    text = (sources["fr"][0].parent / "factsheet-huy.qmd").read_text(encoding="utf-8")
    body = _own_part(text)
    assert "## Points clés pour toute la Belgique" in text  # the national key findings stay
    # the rule, never which rule withheld this sheet (that would bound its values)
    assert "MIRIAM Huy" in text and "au moins 10 femmes" in " ".join(body.replace("\u00a0", " ").split())
    assert "groupe voisin plus petit" not in body
    assert not re.search(r"\d,\d", body)  # no mean, no difference
    assert "n\u00a0=" not in body and "n =" not in body  # and no n


def _numbers(text: str) -> list[str]:
    """Numbers as printed, normalised: thousands separators dropped, decimal comma kept."""
    body = text.split("\n---\n", 1)[1]
    body = re.sub(r"\{\{<.*?>\}\}", "", body)
    body = re.sub(r"(?<=\d)[.\u202f\u00a0 ](?=\d{3}\b)", "", body)
    return sorted(re.findall(r"[+-]?\d+(?:,\d+)?", body))


def test_dutch_and_french_national_reports_carry_the_same_numbers(sources):
    nl = (sources["nl"][0].parent / "nationaal-rapport.qmd").read_text(encoding="utf-8")
    fr = (sources["fr"][0].parent / "rapport-national.qmd").read_text(encoding="utf-8")
    assert "1.144" in nl and "1\u202f144" in fr
    assert _numbers(nl) == _numbers(fr)
    f_nl = (sources["nl"][0].parent / "factsheet-brussel.qmd").read_text(encoding="utf-8")
    f_fr = (sources["fr"][0].parent / "factsheet-bruxelles.qmd").read_text(encoding="utf-8")
    assert _numbers(f_nl) == _numbers(f_fr)


def test_national_report_has_reach_tables_and_annex(sources):
    text = (sources["fr"][0].parent / "rapport-national.qmd").read_text(encoding="utf-8")
    assert "| **Belgique** |" in text  # reach total row
    # the processing counts and the disclosure summary are for reviewers: their HTML page
    assert "Lignes lues dans les exports" not in text and "provenance.html" in text
    annex = (sources["fr"][0].parent / "provenance.qmd").read_text(encoding="utf-8")
    assert "| Lignes lues dans les exports | 1\u202f160 |" in annex  # reconciliation
    assert "chiffres de contrôle" in annex  # quarantine reason translated
    assert "1 des 3 projets" in annex  # disclosure summary
    assert "miriam-formats:\n- html" in annex or "miriam-formats: [html]" in annex
    assert "| Wallonie |" in text and "Vlaanderen" not in text  # names in the page language
    headings = [len(m.group(1)) for m in re.finditer(r"^(#+) ", text, flags=re.M)]
    assert headings and headings[0] == 2
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False))


@pytest.mark.slow
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
    for href in ("nl/nationaal-rapport.html", "fr/rapport-national.pdf", "nl/factsheet-antwerpen.pdf",
                 "fr/factsheet-huy.html",
                 "fr/factsheet-bruxelles.html", "nl/factsheet-brussel.pdf",
                 "nl/herkomst.html", "fr/provenance.html"):  # fmt: skip
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
            # 43,4 % -> 28,6 %: the exact change rounds to -15, the printed 43 % -> 29 % is -14
            ("often_lonely", "baseline", 879, 381, 43.4),
            ("often_lonely", "endline", 879, 251, 28.6),
            ("often_lonely", "change", 879, None, -14.8),
        ]
    )
    nl = _findings("nl", shares=shares)
    fr = _findings("fr", shares=shares)
    assert "Meer vrouwen hebben een vaste huisarts: +6 procentpunten (van 70\u00a0% naar 76\u00a0%)." in nl
    assert any(f.startswith("Minder vrouwen hebben een vaste tandarts: \u221212") for f in nl)
    assert any("van 43\u00a0% naar 29\u00a0% (\u221214 procentpunten)" in f for f in nl)
    assert any("de 43\u202f% à 29\u202f% (\u221214 points" in f for f in fr)
    assert any("**76\u00a0%**" in f and "^[Definitie:" in f and "zes levensdomeinen" in f for f in nl)
    assert not any("wachtlijst" in f for f in nl)
    assert len(nl) == len(fr)


def _stop_reasons(dissatisfied):
    rows = [("studies", 40), ("moved", 30), ("crisis", 20), ("dissatisfied", dissatisfied)]
    total = sum(c for _, c in rows)
    return pd.DataFrame(
        [("national", "BE", "stop_reason", "endline", cat, total, c, 100 * c / total, "published", "")
         for cat, c in rows],
        columns=["level", "unit", "indicator", "wave", "category", "n", "count", "pct",
                 "status", "reason"],
    )  # fmt: skip


def test_dropout_finding_ranks_dissatisfaction_honestly():
    # dissatisfaction is the least frequent reason: "practical reasons", and its share of
    # the women who stopped (no share over all women published)
    low = _findings("nl", distributions=_stop_reasons(6))
    dropout = next(f for f in low if "stoppen" in f or "stopt" in f)
    assert "praktische redenen" in dropout and "studies of opleiding (42\u00a0%)" in dropout
    assert "6\u00a0% van wie stopte" in dropout
    # dissatisfaction is the 2nd reason: it is named in its place, not left out
    mid = _findings("nl", distributions=_stop_reasons(35))
    dropout = next(f for f in mid if "stoppen" in f or "stopt" in f)
    assert "praktische" not in dropout
    assert dropout.index("studies of opleiding") < dropout.index("onvrede met MIRIAM (28\u00a0%)")
    assert dropout.index("onvrede met MIRIAM") < dropout.index("een verhuis")
    fr = _findings("fr", distributions=_stop_reasons(35))
    assert any("l'insatisfaction envers MIRIAM (28\u202f%)" in f for f in fr)


def test_a_ranking_with_a_withheld_reason_is_not_claimed():
    """Issue 17: "the most cited reasons: studies (23 %) and crisis (23 %)" while health
    (27 %) was withheld. A withheld reason that may be as frequent as one named: no ranking."""
    rows = [("studies", 23), ("crisis", 23), ("health", 27), ("moved", 15), ("dissatisfied", 12)]
    total = sum(c for _, c in rows)
    df = pd.DataFrame(
        [("national", "BE", "stop_reason", "endline", cat, total, c, 100 * c / total) for cat, c in rows],
        columns=["level", "unit", "indicator", "wave", "category", "n", "count", "pct"],
    )
    hidden = df.copy()
    hidden.loc[hidden["category"].isin(["health", "moved"]), ["count", "pct"]] = math.nan
    for lang, never, partial in (("nl", "meest genoemde", "onder meer"), ("fr", "plus citées", "figurent")):
        dropout = next(
            f for f in _findings(lang, distributions=hidden) if "studies" in f.lower() or "tudes" in f
        )
        assert never not in dropout and partial in dropout
        assert "praktische" not in dropout and "pratiques" not in dropout
    # everything published: the ranking is known and said
    full = next(f for f in _findings("nl", distributions=df) if "stopt" in f)
    assert "onder meer" not in full and full.index("gezondheid") < full.index("studies")
    # withheld, but too small to outrank what is named (12 left over, the cut at 23): ranked
    small = df.copy()
    small.loc[small["category"] == "dissatisfied", ["count", "pct"]] = math.nan
    dropout = next(f for f in _findings("nl", distributions=small) if "stopt" in f or "stoppen" in f)
    assert "onder meer" not in dropout and "gezondheid (27" in dropout


def test_dissatisfaction_and_completion_over_all_women():
    shares = _shares(
        [
            ("stopped_dissatisfied", "endline", 1144, 34, 2.97),
            ("completed", "endline", 1144, 860, 75.17),
        ]
    )
    nl = _findings("nl", distributions=_stop_reasons(35), shares=shares)
    fr = _findings("fr", distributions=_stop_reasons(35), shares=shares)
    assert any("Over alle deelneemsters gerekend stopt 3\u00a0% uit onvrede met MIRIAM." in f for f in nl)
    assert any("Sur l'ensemble des participantes, 3\u202f% arrêtent" in f for f in fr)
    completed = next(f for f in nl if "werkingsjaar" in f)
    assert completed.startswith("75\u00a0% van alle deelneemsters doorloopt het volledige werkingsjaar.")
    assert "^[Aandeel van alle deelneemsters" in completed  # the definition, as a footnote
    # an older catalogue (the share over the women with an end form): the qualifier stays
    old = {"indicators": [{"id": "completed", "kind": "share"}]}
    items, units, _ = make_tables()
    nl_old = report.key_findings(
        {"items": items, "units": units, "shares": shares}, COHORT, INSTRUMENT, report.Text("nl"), old
    )
    assert any("van de vrouwen met een eindformulier doorloopt" in f for f in nl_old)


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
    text = claims.scales_text(old, t)
    assert "score van 0 (helemaal niet) tot 5 (helemaal wel)" in text  # agreement, not satisfaction
    assert "score van 0 tot 70" in text  # a total without anchors
    assert "score van 0 (uiterst ontevreden) tot 10 (uiterst tevreden)" in text


def test_statistics_formatting():
    f = report.Fmt("fr")
    assert f.p(2e-36) == "<\u00a00,001" and f.p(0.0456) == "0,046"
    assert f.ci(0.511, 0.690) == "0,51\u00a0–\u00a00,69"
    assert f.pp(6.03) == "+6" and f.pp(-11.95) == "\u221212" and f.pp(0.2) == "0"
    assert report.Fmt("nl").dec(153546.0, 1) == "153.546,0"


def test_withheld_legend_names_the_threshold(sources):
    text = (sources["nl"][0].parent / "nationaal-rapport.qmd").read_text(encoding="utf-8")
    # the legend under each table with a "–" (the region tables: Wallonia); the rules once,
    # correctly, in the method section: a count is 0 or at least min_count, a mean needs min_n
    assert "::: {.legend}\n– = niet getoond" in text
    flat = " ".join(text.split())
    assert "een telling is 0 of minstens 5" in flat and "minstens 10 vrouwen" in flat
    assert "minder dan 10 vrouwen" not in flat


# --- printed numbers, thresholds, reasons, figures ---------------------------------------------


def _one_unit_items(values, level="project", unit="antwerpen", n=52):
    """Items of one unit: (baseline, endline, exact mean_diff) per domain, then empowerment."""
    items, _, _ = make_tables()
    items = items[~((items["level"] == level) & (items["unit"] == unit))]
    rows = []
    for item, (b, e, d) in zip(DOMAINS + EMPOWERMENT, values, strict=False):
        rows.append({"level": level, "unit": unit, "item": item,
                     "group": "domain" if item in DOMAINS else "empowerment",
                     "n_baseline": n, "n_endline": n, "n_paired": n, "mean_baseline": b,
                     "mean_endline": e, "mean_diff": d, "status": "published", "reason": ""})  # fmt: skip
    return pd.concat([items, pd.DataFrame(rows)], ignore_index=True)


def test_the_difference_is_the_rounded_mean_difference():
    # 5,04 -> 5,76: printed 5,0 and 5,8, and the difference is the rounded exact 0,72: +0,7
    # (issue 13: one rounding rule); a note under the table says why they seem not to add up
    values = [(5.04, 5.76, 0.72)] + [(5.0, 5.6, 0.6)] * 9
    items = _one_unit_items(values)
    t = report.Text("nl")
    rows = report.item_rows(items, "project", "antwerpen", "domain", INSTRUMENT, t.fmt)
    assert (rows[0].begin_text, rows[0].end_text, rows[0].diff_text) == ("5,0", "5,8", "+0,7")
    assert rows[0].exact_diff == 0.72
    note = report.findings.rounding_note(rows, t)
    assert "financieel" in note and "woonsituatie" not in note


def test_a_small_change_is_stable_not_a_decline():
    # financial 5,0 -> 4,9 (printed -0,1): stable, not "een daling"; the others go up
    values = [(5.0, 4.9, -0.1)] + [(5.0, 5.6, 0.6)] * 9
    items = _one_unit_items(values)
    for lang, stable, decline in (("nl", "Stabiel", "daling"), ("fr", "Stable", "baisse")):
        t = report.Text(lang)
        rows = report.item_rows(items, "project", "antwerpen", "domain", INSTRUMENT, t.fmt)
        text = " ".join(report.comment(rows, t, "domain"))
        assert stable in text and decline not in text
        assert "\u22120,1" in text  # a real minus sign
        assert not report.all_improved(rows)
        assert ("5 van de 6" if lang == "nl" else "5 des 6") in report.headline(rows, "domain", "X", t)


def test_the_wording_judges_the_number_printed_at_the_cohort_precision():
    """+0,15 at two decimals is below the +0,2 the wording asks for: stable, where one decimal
    prints (and judges) it as +0,2."""
    items = _one_unit_items([(5.0, 5.15, 0.15)] + [(5.0, 5.6, 0.6)] * 9)
    for lang, stable in (("nl", "Stabiel"), ("fr", "Stable")):
        t = report.Text(lang, precision={"mean": 2})
        rows = report.item_rows(items, "project", "antwerpen", "domain", INSTRUMENT, t.fmt)
        assert rows[0].diff_text == "+0,15" and not report.all_improved(rows)
        assert stable in " ".join(report.comment(rows, t, "domain"))
        assert ("5 van de 6" if lang == "nl" else "5 des 6") in report.headline(rows, "domain", "X", t)
        t = report.Text(lang)
        rows = report.item_rows(items, "project", "antwerpen", "domain", INSTRUMENT, t.fmt)
        assert rows[0].diff_text == "+0,2" and report.all_improved(rows)


def test_the_notes_state_the_cohort_precision():
    """The note under an average over items says how far it may be from the exact one: half
    the last printed decimal of a mean (0,05 at one decimal, 0,005 at two)."""
    nl = report.Text("nl", precision={"mean": 2, "pct": 1})
    assert nl.rounding() == {
        "mean_decimals": "twee decimalen",
        "pct_decimals": "één decimaal",
        "mean_half": "0,005",
    }
    assert "0,005 punt" in nl("claims.average_note", **nl.rounding())
    fr = report.Text("fr", precision={"mean": 0})
    assert fr.rounding() == {"mean_decimals": "l'unité", "pct_decimals": "l'unité", "mean_half": "0,5"}
    assert report.Text("nl").rounding()["mean_half"] == "0,05"


@pytest.mark.parametrize(
    ("lang", "space", "method"),
    [
        ("nl", "\u00a0", ("op twee decimalen of op één decimaal", "op één decimaal of op een geheel getal")),
        ("fr", "\u202f", ("à deux décimales ou à une décimale", "à une décimale ou à l'unité")),
    ],
)
def test_the_report_prints_at_the_cohort_precision(tmp_path, lang, space, method):
    """A cohort file's `precision: {mean: 2, pct: 1}` (disclosure publishes its tables so):
    the report's tables print the published 5.25 and 76.5 as "5,25" and "76,5 %", not rounded
    again to one decimal and whole percentages; the change is that of the printed percentages
    (76,5 % - 70,0 %); the method says how the numbers are rounded."""
    items = _one_unit_items([(5.25, 5.9, 0.65)] + [(5.0, 5.6, 0.6)] * 9, level="national", unit="BE")
    _, units, _ = make_tables()
    shares = _shares(
        [
            ("regular_gp", "baseline", 879, 615, 69.95),
            ("regular_gp", "endline", 879, 672, 76.5),
            ("regular_gp", "change", 879, None, 6.55),
        ]
    )
    tables = {"items": items, "units": units, "shares": shares}

    def table_rows(precision, out):
        paths = report.write_sources(
            tables, COHORT, INSTRUMENT, lang, make_figures(tmp_path, lang), tmp_path / out,
            min_n=10, catalogue=CATALOGUE, precision=precision,
        )  # fmt: skip
        text = paths[0].read_text(encoding="utf-8")
        return [line for line in text.splitlines() if line.startswith("|")], " ".join(text.split())

    own, text = table_rows({"mean": 2, "pct": 1}, "own")
    assert any(row.startswith("| Financ") and "| 5,25 | 5,90 | +0,65 |" in row for row in own)
    assert any(f"| 70,0{space}% | 76,5{space}% | +6,5 |" in row for row in own)
    assert method[0] in text and method[1] not in text
    default, text = table_rows(None, "default")  # config.yaml's precision: one decimal, whole %
    assert any(row.startswith("| Financ") and "| 5,3 | 5,9 | +0,7 |" in row for row in default)
    assert any(f"| 70{space}% | 77{space}% | +7 |" in row for row in default)
    assert method[1] in text


def _units_with(reason, published=False, counts=True):
    _, units, _ = make_tables()
    units = units.copy()
    mask = (units["level"] == "project") & (units["unit"] == "brussel")
    units.loc[mask, "published"] = published
    units.loc[mask, "reason"] = reason
    if not counts:
        for column in ("n_women", "n_baseline", "n_endline", "n_paired"):
            units.loc[mask, column] = math.nan
    return units


@pytest.mark.parametrize("reason", ["n_below_min_n", "count_below_min_count", "secondary"])
def test_a_withheld_sheet_states_the_rules_never_its_reason(tmp_path, reason):
    """Which rule withheld a unit is for reviewers: a sheet saying "a neighbour is protected"
    would tell its counts are at least min_count. Every withheld sheet says the same."""
    items, _, _ = make_tables()
    units = _units_with(reason)
    never = ["naburige groep", "groupe voisin", "minder dan 10 vrouwen hebben", "moins de 10 femmes ont"]
    for lang, expected in (("nl", "minstens 10 vrouwen"), ("fr", "au moins 10 femmes")):
        paths = report.write_sources(
            {"items": items, "units": units}, COHORT, INSTRUMENT, lang, tmp_path / "f", tmp_path / lang,
            min_n=10, min_count=5,
        )  # fmt: skip
        name = "factsheet-brussel.qmd" if lang == "nl" else "factsheet-bruxelles.qmd"
        text = next(p for p in paths if p.name == name).read_text(encoding="utf-8")
        body = " ".join(_own_part(text).replace("\u00a0", " ").replace("\u202f", " ").split())
        assert expected in body, body[:600]
        assert not any(phrase in body for phrase in never)
        assert not re.search(r"\d,\d", body)
    index = report.write_index(units, "2023-2024", ["nl", "fr"], tmp_path / "ix", min_n=10, min_count=5)
    html = " ".join(index.read_text(encoding="utf-8").split())
    assert "ter bescherming van de deelneemsters" in html
    assert not any(phrase in html for phrase in never)


def test_a_published_unit_with_withheld_counts_prints_n_as_a_dash(tmp_path):
    items, _, _ = make_tables()
    units = _units_with("secondary", published=True, counts=False)
    for lang in ("nl", "fr"):
        paths = report.write_sources(
            {"items": items, "units": units}, COHORT, INSTRUMENT, lang, tmp_path / "f", tmp_path / lang,
            min_n=10, min_count=5,
        )  # fmt: skip
        name = "factsheet-brussel.qmd" if lang == "nl" else "factsheet-bruxelles.qmd"
        text = next(p for p in paths if p.name == name).read_text(encoding="utf-8")
        heading = "Resultaten Brussel (n=–)" if lang == "nl" else "Résultats Bruxelles (n\u00a0=\u00a0–)"
        assert heading in text
        assert ("wordt niet getoond" if lang == "nl" else "n'est pas affiché") in text
        assert "| Financieel |" in text or "| Finances |" in text  # the means are shown


def test_index_regions_row_headers_and_other_cohorts(tmp_path):
    """The other cohorts come from the build's configuration, linked whether or not their
    page is written yet (job order must not change a page)."""
    _, units, _ = make_tables()
    here = tmp_path / "results" / "demo-2023-2024" / "report"
    html = report.write_index(
        units, "2023-2024", ["nl", "fr"], here, other_cohorts=[("demo-2022-2023", "2022-2023")]
    ).read_text(encoding="utf-8")
    assert "Brussels Hoofdstedelijk Gewest" in html and "Région de Bruxelles-Capitale" in html
    assert 'href="../../demo-2022-2023/report/index.html"' in html and "MIRIAM 2022-2023" in html
    assert "tbody th { font-weight: normal" in html  # a project name is no header cell to the eye
    alone = report.write_index(units, "2023-2024", ["nl"], tmp_path / "solo" / "x" / "report")
    assert "../../" not in alone.read_text(encoding="utf-8")


def test_cohort_figures_are_included_when_they_exist(tmp_path):
    items, units, _ = make_tables()
    figures = make_figures(tmp_path, "nl")
    paths = report.write_sources(
        {"items": items, "units": units}, COHORT, INSTRUMENT, "nl", figures, tmp_path / "a", min_n=10
    )
    assert "scale_ocmws.svg" not in paths[0].read_text(encoding="utf-8")  # absent: no error
    for name in ("scale_ocmws", "trend_reach", "trend_scores"):
        (figures / f"{name}.svg").write_text(SVG, encoding="utf-8")
        (figures / f"{name}.txt").write_text(f"Alt {name}", encoding="utf-8")
    paths = report.write_sources(
        {"items": items, "units": units}, COHORT, INSTRUMENT, "nl", figures, tmp_path / "b", min_n=10
    )
    text = paths[0].read_text(encoding="utf-8")
    for name in ("scale_ocmws", "trend_reach", "trend_scores"):
        assert f"(figures/{name}.svg)" in text and f'fig-alt="Alt {name}"' in text
        assert (tmp_path / "b" / "figures" / f"{name}.svg").exists()
    assert "illustratieve waarden" in text  # a demo cohort: the scale chart says so
    real = report.write_sources(
        {"items": items, "units": units}, {**COHORT, "demo": False}, INSTRUMENT, "nl", figures,
        tmp_path / "c", min_n=10,
    )[0].read_text(encoding="utf-8")  # fmt: skip
    assert "illustratieve" not in real and "(figures/scale_ocmws.svg)" in real


def test_french_typography_and_capitals():
    t = report.Text("fr")
    labels = tables._subgroup_labels(CATALOGUE, t)
    assert "100\u202f000" in labels["city_size"]["values"]["large"]  # narrow no-break space
    assert sections._value_stat("2022-2023", "mesure de début", t) == "2022-2023\u00a0: mesure de début"
    assert report.capitalise("quatre indicateurs") == "Quatre indicateurs"
    assert report.capitalise("**het OCMW**") == "**Het OCMW**" and report.capitalise("75 %") == "75 %"
    assert t.place("Anvers") == "d'Anvers" and t.place("Liège") == "de Liège"
    assert t.item("Temps libre", "domain", article=True) == "le domaine «\u00a0Temps libre\u00a0»"


def test_statistical_annex_has_the_regions_of_the_tests_table():
    rows = []
    for level, unit in (("national", "BE"), ("region", "flanders"), ("region", "brussels")):
        for item in DOMAINS:
            rows.append({"level": level, "unit": unit, "item": item, "group": "domain", "n": 52,
                         "mean_diff": -0.123, "sd_diff": 1.2, "se_diff": 0.1, "ci_low": -0.3,
                         "ci_high": 0.05, "t": -1.2, "df": 51, "p": 0.2, "p_holm": 0.9,
                         "status": "published", "reason": ""})  # fmt: skip
    _, units, _ = make_tables()
    out = sections._tests_section({"tests": pd.DataFrame(rows), "units": units}, INSTRUMENT,
                                report.Text("nl"), ["domain"])  # fmt: skip
    assert [b["title"] for b in out["tests"]] == ["België", "Vlaanderen", "Brussel"]
    assert "\u22120,12" in out["tests"][0]["tests_t"]  # exact mean difference, real minus sign


def test_cohort_figures_from_the_programme_figures_directory(tmp_path):
    """The scale and trend charts of the whole cohort live in their own directory
    (results/<cohort>/figures_programme/<lang>/); a real cohort with an illustrative
    reference table still says so."""
    items, units, _ = make_tables()
    figures = make_figures(tmp_path, "fr")
    programme = tmp_path / "figures_programme" / "fr"
    programme.mkdir(parents=True)
    (programme / "scale_ocmws.svg").write_text(SVG, encoding="utf-8")
    (programme / "scale_ocmws.txt").write_text("Alt scale", encoding="utf-8")
    text = report.write_sources(
        {"items": items, "units": units}, {**COHORT, "demo": False}, INSTRUMENT, "fr", figures,
        tmp_path / "out", min_n=10, programme_figures_dir=programme, scale_illustrative=True,
    )[0].read_text(encoding="utf-8")  # fmt: skip
    assert "(figures/scale_ocmws.svg)" in text and "valeurs illustratives" in text
    assert "trend_reach.svg" not in text


def _followup_table() -> pd.DataFrame:
    rows = []
    for item in ("dom_financial", "dom_daytime", "dom_housing", "dom_mobility", "dom_leisure", "dom_health"):
        for wave, counts in (("endline_to_followup", (6, 18, 8)), ("baseline_to_followup", (16, 10, 6))):
            for category, count in zip(("improved", "stable", "declined"), counts, strict=True):
                rows.append((f"followup_{item}", wave, category, False, 32, count, 100 * count / 32))
    for k, count in enumerate((12, 9, 6, 5, 0, 0, 0)):
        rows.append(
            ("followup_domains_declined", "endline_to_followup", str(k), False, 32, count, 100 * count / 32)
        )
    for category, count in (("employed", 9), ("training", 7), ("job_seeking", 11), ("not_available", 5)):
        rows.append(("work_situation", "followup", category, False, 32, count, 100 * count / 32))
    frame = pd.DataFrame(rows, columns=["indicator", "wave", "category", "multi", "n", "count", "pct"])
    return frame.assign(level="national", unit="BE", status="published", reason="")


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_followup_section_with_its_caution(lang):
    t = report.Text(lang)
    cohort = {"followup": {"measurement": "2025-06"}}
    out = sections._followup_section({"followup": _followup_table()}, cohort, None, INSTRUMENT, t)
    assert out["followup_table"].count("\n") >= 7  # header, separator, six domains
    assert t.fmt.pct100(100 * 6 / 32) in out["followup_table"] and "2025" in out["followup_intro"]
    assert t.fmt.int(12) in out["followup_declined"] and "32" in out["followup_work"]
    assert sections._followup_section({}, cohort, None, INSTRUMENT, t)["followup_table"] == ""


def test_the_trend_section_needs_two_cohorts():
    """A first cohort's trend is its own reach, already shown: no trend section; with a
    second cohort, one column per cohort and the comparable items' scores."""
    reach = pd.DataFrame(
        {"cohort": "a", "label": "2022-2023", "measure": ["women", "ocmws"], "count": [987, 39]}
    )
    scores = pd.DataFrame(
        {
            "cohort": "a",
            "label": "2022-2023",
            "item": ["dom_financial"],
            "comparable": [True],
            "mean_baseline": [4.04],
            "mean_endline": [5.51],
            "mean_diff": [1.47],
        }
    )
    t = report.Text("nl")
    single = sections._trend_section({"reach": reach, "scores": scores}, INSTRUMENT, t)
    assert single == {"trend_reach": "", "trend_scores": "", "trend_compared": ""}
    later_reach = reach.assign(cohort="b", label="2023-2024", count=[1141, 44])
    later_scores = scores.assign(
        cohort="b", label="2023-2024", mean_baseline=4.2, mean_endline=5.9, mean_diff=1.7
    )
    both = sections._trend_section(
        {"reach": pd.concat([reach, later_reach]), "scores": pd.concat([scores, later_scores])}, INSTRUMENT, t
    )
    assert "2022-2023" in both["trend_reach"] and "2023-2024" in both["trend_reach"]
    assert "1.141" in both["trend_reach"]
    assert "+1,5" in both["trend_scores"] and "+1,7" in both["trend_scores"]


@pytest.mark.parametrize(
    "lang, caption, label",
    [
        ("nl", "Kinderen naar leeftijd", "Geen geboortejaar"),
        ("fr", "Enfants par âge", "Sans année de naissance"),
    ],  # fmt: skip
)
def test_children_table_is_printed_as_tabel_11_children_not_women(lang, caption, label):
    counts = {"0-2": 12, "3-5": 10, "6-12": 9, "12-15": 5, "15-18": 0, "18+": 0, "no_birth_year": 4}
    children = pd.DataFrame(
        [
            {
                "level": "national",
                "unit": "BE",
                "indicator": "children_age",
                "wave": "baseline",
                "category": c,
                "n": 40,
                "count": v,
                "pct": 100 * v / 40,
                "multi": False,
            }
            for c, v in counts.items()
        ]  # fmt: skip
    )
    t = report.Text(lang)
    blocks = profile.profile_section({"children": children}, CATALOGUE, INSTRUMENT, t)
    assert [b["caption"] for b in blocks] == [f"{caption} ({t.n(40)})"]  # n: the 40 children
    table = blocks[0]["table"]
    assert label in table and "| 12 " in table and "30" in table  # 12 of 40 children = 30 %
    assert table.index("0-2") < table.index("6-12") < table.index(label)  # the bands in order
    assert blocks[0]["note"]  # says the n counts children


@pytest.mark.parametrize(
    "lang, value, word",
    [
        ("fr", "+1,7", "point"),
        ("fr", "−0,4", "point"),
        ("fr", "+2,0", "points"),
        ("fr", "12", "points"),
        ("fr", "0", "point"),
        ("nl", "1", "punt"),
        ("nl", "+1,7", "punten"),
    ],  # fmt: skip
)
def test_a_word_agrees_with_its_number_as_each_language_has_it(lang, value, word):
    """French takes the singular below 2 ("+1,7 point"), Dutch for exactly one."""
    from miriam.report import text

    one, other = ("point", "points") if lang == "fr" else ("punt", "punten")
    match = text._PLURAL.search(f"{{diff|{one}|{other}}}")
    assert text._plural_form(match, {"diff": value}, lang) == word


def test_french_sources_keep_guillemets_with_their_text(sources):
    """« and » never stand alone at a line's end or start: a no-break space inside them."""
    for qmd in sources["fr"]:
        text = qmd.read_text(encoding="utf-8")
        assert "« " not in text and " »" not in text, qmd.name


def test_a_fully_withheld_profile_table_is_named_not_printed_as_dashes():
    """Every count and % of 'Leeftijd' withheld: no grid of dashes, one sentence names it;
    a table with one published count is printed as usual."""
    rows = [("age_band", c, math.nan, math.nan) for c in ("18-24", "25-29")]
    rows += [("n_children", "1", 30.0, 60.0), ("n_children", "2", math.nan, math.nan)]
    distributions = pd.DataFrame(
        [
            {
                "level": "national",
                "unit": "BE",
                "indicator": i,
                "wave": "baseline",
                "category": c,
                "n": math.nan,
                "count": v,
                "pct": p,
                "multi": False,
            }
            for i, c, v, p in rows
        ]  # fmt: skip
    )
    t = report.Text("nl")
    blocks = profile.profile_section({"distributions": distributions}, CATALOGUE, INSTRUMENT, t)
    assert [b["caption"].split(" (")[0] for b in blocks if b["table"]] == ["Aantal kinderen"]
    assert blocks[-1]["table"] == "" and "Leeftijd" in blocks[-1]["note"]
    assert "getoond" in blocks[-1]["note"]
