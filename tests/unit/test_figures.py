"""miriam.figures: begin/end charts as deterministic, locale-formatted SVG with alt text."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from miriam import figures
from miriam.errors import DisclosureError
from miriam.figures import charts, programme, theme
from miriam.printed import Fmt, printed_diff

NaN = math.nan

LABELS = {
    "nl": {
        "dom_financial": "Financieel",
        "dom_leisure": "Vrije tijd",
        "emp_wellbeing": "Psychisch welzijn",
        "emp_rely": "Ik kan rekenen op de mensen van wie ik hou",
    },
    "fr": {
        "dom_financial": "Finances",
        "dom_leisure": "Temps libre",
        "emp_wellbeing": "Bien-être psychique",
        "emp_rely": "Je peux compter sur les personnes que j'aime",
    },
}


def _row(level, unit, item, group, n, base, end, status="published"):
    diff = end - base if not (math.isnan(base) or math.isnan(end)) else NaN
    return dict(
        level=level,
        unit=unit,
        item=item,
        group=group,
        n_paired=n,
        mean_baseline=base,
        mean_endline=end,
        mean_diff=diff,
        status=status,
    )


def _tables():
    items = pd.DataFrame(
        [
            _row("national", "BE", "dom_financial", "domain", 900, 5.2, 5.9),
            _row("national", "BE", "dom_leisure", "domain", 900, 4.1, 3.8),  # a decrease
            _row("national", "BE", "emp_wellbeing", "empowerment", 900, 4.7, 5.8),
            # marked withheld but still holding numbers (bad input): must not be drawn
            _row("national", "BE", "emp_rely", "empowerment", 900, 5.61, 6.43, "withheld"),
            _row("project", "antwerpen", "dom_financial", "domain", 52, 5.24, 5.93),
            _row("project", "antwerpen", "dom_leisure", "domain", 52, 4.1, 5.6),
            _row("project", "antwerpen", "emp_wellbeing", "empowerment", 4, NaN, NaN, "withheld"),
            _row("project", "antwerpen", "emp_rely", "empowerment", 4, NaN, NaN, "withheld"),
            _row("project", "liedekerke", "dom_financial", "domain", 3, NaN, NaN, "withheld"),
            _row("project", "liedekerke", "dom_leisure", "domain", 3, NaN, NaN, "withheld"),
            _row("ocmw", "11002", "dom_financial", "domain", 52, 5.2, 5.9),
            _row("ocmw", "11002", "dom_leisure", "domain", 52, 4.1, 5.6),
        ]
    )
    units = pd.DataFrame(
        {
            "level": ["national", "project", "project", "ocmw"],
            "unit": ["BE", "antwerpen", "liedekerke", "11002"],
            "name_nl": ["België", "Antwerpen", "Liedekerke", "Antwerpen"],
            "name_fr": ["Belgique", "Anvers", "Liedekerke", "Anvers"],
            "published": pd.array([True, True, False, True], dtype="boolean"),
            "languages": ["nl|fr", "nl", "nl", "nl"],
        }
    )
    return items, units


def _scales() -> dict:
    from miriam import config

    instrument = config.load_instrument(config.instrument_path("miriam-2023"))
    return {v.name: figures.scale_of(v.scale, "nl") for v in instrument.items()}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Figures drawn once for the module (drawing is the slow part)."""
    items, units = _tables()
    outdir = tmp_path_factory.mktemp("figures") / "nl"
    paths = figures.write_figures(items, units, LABELS, "nl", outdir, scales=_scales())
    return outdir, paths


def _svg_texts(path):
    """The strings of the SVG's <text> elements (text is kept as text, not glyph paths)."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", path.read_text(encoding="utf-8"))


# --- which figures ----------------------------------------------------------------------------


@pytest.mark.slow
def test_one_figure_and_alt_text_per_published_unit_and_group(written):
    outdir, paths = written
    names = sorted(p.name for p in outdir.iterdir())
    assert names == [
        "BE_domain.svg",
        "BE_domain.txt",
        "BE_empowerment.svg",
        "BE_empowerment.txt",
        "antwerpen_domain.svg",
        "antwerpen_domain.txt",
    ]
    assert sorted(p.name for p in paths) == names


def test_withheld_unit_and_all_withheld_group_produce_no_figure(written):
    outdir, _ = written
    assert not list(outdir.glob("liedekerke_*"))  # unit published == False
    assert not (outdir / "antwerpen_empowerment.svg").exists()  # every mean withheld
    assert not list(outdir.glob("11002_*"))  # OCMW level: not charted


def test_withheld_item_is_shown_as_not_published_without_its_numbers(written):
    outdir, _ = written
    texts = _svg_texts(outdir / "BE_empowerment.svg")
    assert "+0,8" not in texts and "–" in texts
    alt = (outdir / "BE_empowerment.txt").read_text(encoding="utf-8")
    assert "Ik kan rekenen op de mensen van wie ik hou: niet gepubliceerd" in alt
    assert "5,6" not in alt and "6,4" not in alt


def test_stale_figures_of_a_unit_withheld_since_are_removed(tmp_path):
    items, units = _tables()
    outdir = tmp_path / "nl"
    outdir.mkdir()
    (outdir / "liedekerke_domain.svg").write_text("<svg/>")  # left by an earlier run
    (outdir / "liedekerke_domain.txt").write_text("old")
    (outdir / "README.md").write_text("not a figure")
    units = units.assign(published=False)
    assert figures.write_figures(items, units, LABELS, "nl", outdir) == []
    assert sorted(p.name for p in outdir.iterdir()) == ["README.md"]


def test_units_table_without_published_flag_is_refused(tmp_path):
    items, units = _tables()
    with pytest.raises(DisclosureError, match="published"):
        figures.write_figures(items, units.drop(columns="published"), LABELS, "nl", tmp_path)
    assert not list(tmp_path.iterdir())


# --- bytes --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_svg_is_byte_for_byte_deterministic(written, tmp_path):
    outdir, _ = written
    items, units = _tables()
    again = figures.write_figures(items, units.iloc[:2], LABELS, "nl", tmp_path, scales=_scales())
    assert [p.name for p in again][:2] == ["BE_domain.svg", "BE_domain.txt"]
    for path in again:
        assert path.read_bytes() == (outdir / path.name).read_bytes(), path.name
    svg = (outdir / "BE_domain.svg").read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib" not in svg.split("<defs>")[0]
    assert not list(tmp_path.glob("*.tmp"))  # atomic writes leave no temp file
    # text stays text, in DejaVu Sans with a sans-serif fallback for viewers without it
    assert "font-family: 'DejaVu Sans', Verdana, sans-serif" in svg


# --- language and numbers -----------------------------------------------------------------------


def test_signed_difference_in_svg_uses_decimal_comma(written):
    outdir, _ = written
    texts = _svg_texts(outdir / "BE_domain.svg")
    assert "+0,7" in texts and "\u22120,3" in texts  # a real minus (U+2212), as in the text
    assert not any(re.search(r"[+-]\d\.\d", t) for t in texts)
    assert not any(re.search(r"-\d", t) for t in texts)  # no hyphen-minus before a number
    # rounding is of the mean paired difference: 5.93 - 5.24 = 0.69 -> +0,7
    assert "+0,7" in _svg_texts(outdir / "antwerpen_domain.svg")


def test_svg_carries_dutch_legend_scale_anchors_and_item_labels(written):
    outdir, _ = written
    texts = " ".join(_svg_texts(outdir / "BE_domain.svg"))
    for expected in (
        "Beginmeting",
        "Eindmeting",
        "uiterst ontevreden (0)",
        "uiterst tevreden (10)",
    ):
        assert expected in texts
    assert "Financieel" in texts and "Vrije tijd" in texts


def test_french_chart_and_alt_text():
    items, _ = _tables()
    be_domain = items[(items.unit == "BE") & (items.group == "domain")]
    alt = figures.alt_text(be_domain, "fr", LABELS["fr"], "Belgique")
    assert "Finances de 5,2 à 5,9 (+0,7)" in alt
    assert "Temps libre de 4,1 à 3,8 (\u22120,3)" in alt
    assert "Belgique" in alt and "n\u00a0=\u00a0900" in alt
    assert not re.search(r"\d\.\d", alt)
    plot = figures.begin_end_chart(be_domain, "fr", LABELS["fr"])
    assert plot.scales.get_scales("color").labels == ["Mesure de début", "Mesure de fin"]


def test_dutch_alt_text_states_every_number():
    items, _ = _tables()
    rows = items[(items.unit == "antwerpen") & (items.group == "domain")]
    alt = figures.alt_text(rows, "nl", LABELS["nl"], "Antwerpen")
    assert alt.startswith("Gemiddelde score op de levensdomeinen bij begin- en eindmeting")
    assert "Antwerpen (n=52)" in alt
    assert "Financieel van 5,2 naar 5,9 (+0,7)" in alt and "Vrije tijd van 4,1 naar 5,6 (+1,5)" in alt


@pytest.mark.parametrize(
    "value, text",
    [(0.7, "+0,7"), (0.65, "+0,7"), (-0.25, "\u22120,3"), (0.04, "0,0"), (-0.04, "0,0"), (1.0, "+1,0")],
)
@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_format_diff(value, text, lang):
    assert figures.format_diff(value, lang) == text


def test_format_score_and_missing():
    assert figures.format_score(5.25, "nl") == "5,3"  # half up, as in the published tables
    assert figures.format_score(10, "fr") == "10,0"
    assert figures.format_diff(NaN, "nl") == "–"


# --- house style --------------------------------------------------------------------------------


OKABE_ITO = {
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
}  # fmt: skip


def test_palette_is_okabe_ito_and_charts_use_it(written):
    assert set(figures.PALETTE) == OKABE_ITO and len(figures.PALETTE) == 8
    assert set(figures.WAVE_COLOURS.values()) <= OKABE_ITO
    outdir, _ = written
    svg = (outdir / "BE_domain.svg").read_text(encoding="utf-8").lower()
    assert "#e69f00" in svg and "#0072b2" in svg  # begin, end


def test_one_colour_meaning_blue_is_the_end_never_a_difference(written):
    """Read from the SVGs: every printed difference ("+0,7", "−0,2", "0,0") is in the text colour,
    never in a wave's colour (blue would say progress where the test may not) nor vermillion."""
    outdir, _ = written
    waves = {c.lower() for c in figures.WAVE_COLOURS.values()} | {"#d55e00"}
    texts = [
        (fill.lower(), label)
        for path in sorted(outdir.glob("*.svg"))
        for fill, label in re.findall(
            r'<text style="[^"]*fill: (#[0-9a-fA-F]{6})[^>]*>([^<]*)', path.read_text("utf-8")
        )
    ]
    diffs = [(fill, label) for fill, label in texts if re.fullmatch(r"[+\u2212]?\d+,\d", label.strip())]
    signed = [d for d in diffs if d[1].strip()[0] in "+\u2212"]
    assert signed, "no printed difference found in the charts"
    assert not [d for d in diffs if d[0] in waves], diffs[:5]


def test_house_theme_uses_dejavu_sans_and_a4_column_size():
    theme = figures.house_theme()
    assert theme.complete
    assert theme.themeables["text"].theme_element.properties["family"] == "DejaVu Sans"
    width, height = figures.chart_size(6)
    assert width == 6.5 and 2.3 <= height <= 3.5


def test_printed_difference_is_the_rounded_mean_difference(tmp_path):
    """4.96 -> 5.74 is printed "5,0" -> "5,7", and the chart and alt text say the rounded exact
    mean difference "+0,8" (issue 13: one rounding rule), as the tables and the annex do; the
    report's note says why begin and end then seem not to add up."""
    rows = pd.DataFrame(
        {
            "level": "national",
            "unit": "BE",
            "item": ["dom_financial"],
            "group": "domain",
            "n_paired": [900],
            "mean_baseline": [4.96],
            "mean_endline": [5.74],
            "mean_diff": [0.78],
        }
    )
    assert printed_diff(4.96, 5.74, 0.78) == pytest.approx(0.8)
    assert printed_diff(4.96, 5.74) == pytest.approx(0.7)  # no mean difference: end minus begin
    assert "(+0,8)" in figures.alt_text(rows, "nl", LABELS["nl"], "België")
    svg = figures.save_svg(figures.begin_end_chart(rows, "nl", LABELS["nl"]), tmp_path / "x.svg")
    assert "+0,8" in svg.read_text(encoding="utf-8")


def test_charts_print_at_the_cohort_precision_and_are_cached_per_precision(tmp_path):
    """A cohort with `precision: {mean: 2}`: the chart and its alt text say "5,24" and "+0,69",
    as the report's table beside it (Fmt at the same precision), not "5,2" and "+0,7"; a chart
    drawn at one decimal is never copied from the cache for it."""
    items, units = _tables()
    antwerpen, cache = units[units["unit"] == "antwerpen"], tmp_path / "cache"
    figures.write_figures(items, antwerpen, LABELS, "nl", tmp_path / "one", cache_dir=cache)
    figures.write_figures(items, antwerpen, LABELS, "nl", tmp_path / "two", cache_dir=cache, mean_places=2)
    assert "+0,7" in _svg_texts(tmp_path / "one" / "antwerpen_domain.svg")
    texts = _svg_texts(tmp_path / "two" / "antwerpen_domain.svg")
    assert "+0,69" in texts and "+1,50" in texts and "+0,7" not in texts
    alt = (tmp_path / "two" / "antwerpen_domain.txt").read_text(encoding="utf-8")
    assert "Financieel van 5,24 naar 5,93 (+0,69)" in alt and "Vrije tijd van 4,10 naar 5,60 (+1,50)" in alt
    table = Fmt.of("nl", {"mean": 2})
    assert table.diff(printed_diff(5.24, 5.93, 5.93 - 5.24, table.mean_places)) == "+0,69"
    _, reach, scores = _programme_tables()
    assert "4,20 → 5,60" in programme.trend_alt(scores, reach, "nl", {}, mean_places=2)[1]


def test_a_chart_uses_its_items_scale_and_generic_anchors_without_meanings():
    """The 2018-2019 statements are scored 0-5 and their total 0-70: never a 0-10 axis."""
    rows = pd.DataFrame(
        {
            "level": "national",
            "unit": "BE",
            "item": ["emp_total"],
            "group": "empowerment_total",
            "n_paired": [300],
            "mean_baseline": [38.2],
            "mean_endline": [44.9],
            "mean_diff": [6.7],
        }
    )
    plot = figures.begin_end_chart(rows, "nl", {"emp_total": "Totaal"}, (0.0, 70.0, None))
    x = plot.scales.get_scales("x")
    assert x.limits[0] == 0 and x.limits[1] > 70 and list(x.breaks)[-1] == 70
    alt = figures.alt_text(rows, "nl", {"emp_total": "Totaal"}, "België", scale=(0.0, 70.0, None))
    assert "van 0 (laagste score) tot 70 (hoogste score)" in alt and "38,2" in alt
    assert theme._breaks(0, 5) == [0, 1, 2, 3, 4, 5]


def _programme_tables():
    """A reference table of four OCMWs and a two-cohort trend."""
    reference = pd.DataFrame(
        {
            "ocmw_id": ["11002", "44021", "x-001", "x-002"],
            "name_nl": ["Antwerpen", "Gent", "OCMW A", "OCMW B"],
            "name_fr": ["Anvers", "Gand", "CPAS A", "CPAS B"],
            "region": "flanders",
            "population": [536000, 265000, 9000, 12000],
            "leefloon_recipients": [4400, 3100, 60, 90],
        }
    )
    reach = pd.DataFrame(
        {
            "label": ["2022-2023", "2022-2023", "2023-2024", "2023-2024"],
            "measure": ["women", "women_paired"] * 2,
            "count": [987, 747, 1141, 879],
        }  # fmt: skip
    )
    scores = pd.DataFrame(
        {
            "label": ["2022-2023", "2023-2024"],
            "item": "dom_leisure",
            "comparable": True,
            "mean_baseline": [4.2, 4.0],
            "mean_endline": [5.6, 5.7],
            "mean_diff": [1.4, 1.7],
        }  # fmt: skip
    )
    return reference, reach, scores


@pytest.mark.slow
def test_programme_figures_scale_chart_and_trend(tmp_path):
    """The scale chart ranks every OCMW and says when its numbers are illustrative; the trend
    charts appear only with several cohorts and only with comparable items."""
    reference, reach, scores = _programme_tables()
    written = figures.write_programme_figures(
        tmp_path, "nl", reference=reference, participation={"11002": 2, "44021": 1}, label="2023-2024",
        illustrative=True, trend_scores=scores, trend_reach=reach, labels={"dom_leisure": "Vrije tijd"},
    )  # fmt: skip
    assert sorted(p.name for p in written) == [
        "scale_ocmws.svg", "scale_ocmws.txt", "trend_reach.svg", "trend_reach.txt",
        "trend_scores.svg", "trend_scores.txt",
    ]  # fmt: skip
    alt = (tmp_path / "scale_ocmws.txt").read_text(encoding="utf-8")
    assert "4 OCMW's" in alt and "geen MIRIAM: 2" in alt and "illustratief" in alt
    assert "Illustratieve demowaarden" in (tmp_path / "scale_ocmws.svg").read_text(encoding="utf-8")
    assert "1.141" in (tmp_path / "trend_reach.txt").read_text(encoding="utf-8")
    assert "Vrije tijd 2022-2023: 4,2 → 5,6" in (tmp_path / "trend_scores.txt").read_text(encoding="utf-8")
    single = figures.write_programme_figures(
        tmp_path / "one", "fr", reference=reference, participation={}, label="2023-2024",
        illustrative=False, trend_scores=scores.iloc[1:], trend_reach=reach.iloc[2:],
    )  # fmt: skip
    assert [p.name for p in single] == ["scale_ocmws.svg", "scale_ocmws.txt"]
    assert "illustrati" not in (tmp_path / "one" / "scale_ocmws.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_unchanged_charts_come_from_the_cache_with_the_same_bytes(tmp_path, monkeypatch):
    items, units = _tables()
    cache = tmp_path / "cache"
    first = figures.write_figures(
        items, units, LABELS, "nl", tmp_path / "a", scales=_scales(), cache_dir=cache
    )
    drawn = []
    original = figures.save_svg
    monkeypatch.setattr(charts, "save_svg", lambda plot, path: drawn.append(path) or original(plot, path))
    again = figures.write_figures(
        items, units, LABELS, "nl", tmp_path / "b", scales=_scales(), cache_dir=cache
    )
    assert drawn == [] and [p.name for p in again] == [p.name for p in first]
    assert all((tmp_path / "a" / p.name).read_bytes() == p.read_bytes() for p in again)
    changed = items.copy()
    changed.loc[changed["unit"] == "antwerpen", "mean_endline"] += 0.3
    figures.write_figures(changed, units, LABELS, "nl", tmp_path / "c", scales=_scales(), cache_dir=cache)
    assert sorted(p.name for p in drawn) == ["antwerpen_domain.svg"]  # only the changed chart


@pytest.mark.slow
def test_unchanged_programme_charts_come_from_the_cache(tmp_path, monkeypatch):
    """A change in the trend scores redraws their chart only: not the reach chart, nor the scale
    chart of every OCMW."""
    reference, reach, scores = _programme_tables()
    args = dict(reference=reference, participation={"11002": 2}, label="2023-2024", illustrative=True)
    cache = tmp_path / "cache"
    first = figures.write_programme_figures(
        tmp_path / "a", "nl", trend_scores=scores, trend_reach=reach, cache_dir=cache, **args
    )
    drawn = []
    original = figures.save_svg
    monkeypatch.setattr(
        programme, "save_svg", lambda plot, path: drawn.append(path.name) or original(plot, path)
    )
    changed = scores.assign(mean_endline=scores["mean_endline"] + 0.2)
    again = figures.write_programme_figures(
        tmp_path / "b", "nl", trend_scores=changed, trend_reach=reach, cache_dir=cache, **args
    )
    assert drawn == ["trend_scores.svg"]
    assert [p.name for p in again] == [p.name for p in first]
    assert (tmp_path / "a" / "scale_ocmws.svg").read_bytes() == (
        tmp_path / "b" / "scale_ocmws.svg"
    ).read_bytes()


def test_a_change_in_the_rounding_the_charts_print_draws_them_again(tmp_path, monkeypatch):
    """The key covers the code of every module the charts import (code_digest), not a
    hand-kept list: editing the rounding module (printed) invalidates every chart, so a forced
    re-run cannot copy charts drawn by the old rounding back from the cache."""
    import shutil
    from pathlib import Path

    from miriam import printed
    from miriam.figures import theme
    from miriam.provenance import code_digest

    real = code_digest.package_dir()
    package = tmp_path / "code" / "miriam"  # a copy of the package to edit, as a developer would
    shutil.copytree(real, package)
    monkeypatch.setattr(code_digest, "package_dir", lambda: package)

    def fresh_code() -> None:
        code_digest.clear()
        theme._drawing_code.cache_clear()

    fresh_code()
    items, units = _tables()
    cache = tmp_path / "cache"
    figures.write_figures(items, units, LABELS, "nl", tmp_path / "a", scales=_scales(), cache_dir=cache)
    drawn = []
    from miriam.figures import charts

    original = charts.save_svg
    monkeypatch.setattr(charts, "save_svg", lambda plot, path: drawn.append(path) or original(plot, path))
    figures.write_figures(items, units, LABELS, "nl", tmp_path / "b", scales=_scales(), cache_dir=cache)
    assert drawn == []  # unchanged code: from the cache

    # wherever the rounding module lies in the package (it may move into a subpackage)
    with (package / Path(printed.__file__).relative_to(real)).open("a", encoding="utf-8") as handle:
        handle.write("\n# rounding changed\n")
    fresh_code()
    try:
        figures.write_figures(items, units, LABELS, "nl", tmp_path / "c", scales=_scales(), cache_dir=cache)
    finally:
        monkeypatch.undo()
        fresh_code()
    assert drawn, "charts drawn again after the rounding module changed"
