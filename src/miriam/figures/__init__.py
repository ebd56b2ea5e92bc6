"""Figures: begin versus end charts per unit and item group, as deterministic SVG.

One chart per published unit (Belgium, and each project in its factsheet's languages) and
group (life domains, empowerment): for each item a dumbbell from the baseline mean to the endline mean on the
0-10 scale, with the signed difference printed in the page's locale ("+0,7"). Every chart
uses :func:`house_theme` and the Okabe-Ito colour-blind-safe palette.

Charts are drawn with plotnine and saved with matplotlib directly (faster than
``ggplot.save``). The SVG keeps its text as text (``svg.fonttype = 'none'``), so that screen
readers, search and tests see "+0,7", and is byte-for-byte reproducible: a fixed
``svg.hashsalt`` and no date or creator metadata. Each chart comes with an alternative text
(``<unit>_<group>.txt``) that states the numbers in a sentence.

Numbers are rounded half up to one decimal before formatting, like the published tables. The
printed difference is the difference of the two printed means (:func:`miriam.printed.printed_diff`), so
that a reader's arithmetic checks out; the exact mean difference is in the statistical annex.
"""

from __future__ import annotations

import copy
import functools
import io
import logging
import os
import textwrap
from collections.abc import Iterable
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import plotnine as p9
from babel.numbers import format_decimal

from miriam.errors import DisclosureError
from miriam.printed import printed_diff, round1, unit_languages
from miriam.provenance.cache import Cache, key, source_of
from miriam.vocab import GROUPS, LOCALES

log = logging.getLogger(__name__)

# --- house style ----------------------------------------------------------------------------

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
#: colour-vision deficiency. The house palette, in this order.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
PALETTE: tuple[str, ...] = tuple(OKABE_ITO.values())

#: Wave colours: light orange versus dark blue also differ in lightness (greyscale print).
WAVE_COLOURS = {"baseline": OKABE_ITO["orange"], "endline": OKABE_ITO["blue"]}
#: Difference text: an increase in the endline colour, a decrease in vermillion (the sign is
#: printed too, so colour is never the only cue).
UP_COLOUR, DOWN_COLOUR, NEUTRAL_COLOUR = OKABE_ITO["blue"], OKABE_ITO["vermillion"], "#333333"
SEGMENT_COLOUR = "#9A9A9A"
GRID_COLOUR = "#E3E3E3"

FONT_FAMILY = "DejaVu Sans"  # shipped with matplotlib: same metrics on every machine
BASE_SIZE = 8.5  # points; fits an A4 column at 100 %
WIDTH_IN = 6.5  # inches: an A4 text column (210 mm minus 2 x 20 mm margins is 6.7 in)
SVG_HASHSALT = "miriam-figures"
SVG_METADATA = {"Date": None, "Creator": None}
#: Charts are drawn for what the report shows: Belgium in every language, and each project in
#: the languages of its factsheet (a Flemish project's French chart would never be read, and
#: drawing is the slowest part of the build).
CHART_LEVELS = ("national", "project")

TEXT = {
    "nl": {
        "baseline": "Beginmeting",
        "endline": "Eindmeting",
        "lowest": "laagste score",
        "highest": "hoogste score",
        "diff": "Verschil",
        "missing": "niet gepubliceerd",
        "group": {"domain": "de levensdomeinen", "empowerment": "de empowermentindicatoren"},
        "lead": "Gemiddelde score op {group} bij begin- en eindmeting voor {unit}{n}, "
        "op een schaal van {lo} ({low}) tot {hi} ({high}): ",
        "item": "{label} van {begin} naar {end} ({diff})",
        "item_missing": "{label}: {missing}",
        "sep": "; ",
        "n": " (n={n})",
        "n_range": " (n={lo} tot {hi})",
    },
    "fr": {
        "baseline": "Mesure de début",
        "endline": "Mesure de fin",
        "lowest": "score le plus bas",
        "highest": "score le plus haut",
        "diff": "Différence",
        "missing": "non publié",
        "group": {"domain": "les domaines de vie", "empowerment": "les indicateurs d'empowerment"},
        "lead": "Score moyen pour {group} à la mesure de début et à la mesure de fin "
        "pour {unit}{n}, sur une échelle de {lo} ({low}) à {hi} ({high})\u00a0: ",
        "item": "{label} de {begin} à {end} ({diff})",
        "item_missing": "{label}\u00a0: {missing}",
        "sep": "\u00a0; ",
        "n": " (n\u00a0=\u00a0{n})",
        "n_range": " (n\u00a0=\u00a0{lo} à {hi})",
    },
}


def _text(lang: str) -> dict:
    try:
        return TEXT[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r}; expected one of {sorted(TEXT)}") from None


# --- number formatting ----------------------------------------------------------------------


def format_score(value: float, lang: str) -> str:
    """A mean in the page's locale, one decimal: 5.2 -> "5,2"."""
    if value is None or pd.isna(value):
        return "–"
    return format_decimal(round1(value), format="0.0", locale=LOCALES[lang])


def format_diff(value: float, lang: str) -> str:
    """A signed difference in the page's locale: 0.7 -> "+0,7", -0.3 -> "-0,3", 0 -> "0,0"."""
    if value is None or pd.isna(value):
        return "–"
    rounded = round1(value)
    if rounded == 0:
        return format_decimal(rounded, format="0.0", locale=LOCALES[lang])
    return format_decimal(rounded, format="+0.0;-0.0", locale=LOCALES[lang])


# --- theme and chart ------------------------------------------------------------------------


def house_theme() -> p9.theme:
    """The one theme for every MIRIAM figure: quiet, legible at print size, DejaVu Sans.

    A complete theme (theme_minimal plus the house settings), so adding it to a plot replaces
    plotnine's default theme instead of being merged into it.
    """
    return p9.theme_minimal(base_size=BASE_SIZE, base_family=FONT_FAMILY) + p9.theme(
        text=p9.element_text(family=FONT_FAMILY, color="#222222", size=BASE_SIZE),
        axis_text_y=p9.element_text(size=BASE_SIZE, color="#222222", ha="right", ma="right"),
        axis_text_x=p9.element_text(size=BASE_SIZE - 1, color="#444444"),
        axis_title=p9.element_blank(),
        panel_grid_major_y=p9.element_blank(),
        panel_grid_minor=p9.element_blank(),
        panel_grid_major_x=p9.element_line(color=GRID_COLOUR, size=0.5),
        legend_position="top",
        legend_direction="horizontal",
        legend_title=p9.element_blank(),
        legend_text=p9.element_text(size=BASE_SIZE),
        legend_key=p9.element_blank(),
        legend_margin=0,
        plot_background=p9.element_rect(fill="white", color="white"),
        plot_margin=0.02,
        dpi=150,
    )


def _wrap(label: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(label, width=width)) or label


def _direction(value: float) -> str:
    if value is None or pd.isna(value):
        return "na"
    rounded = round1(value)
    return "up" if rounded > 0 else "down" if rounded < 0 else "same"


def chart_size(n_items: int, n_lines: int | None = None) -> tuple[float, float]:
    """Width and height in inches: an A4 column wide, 0.33 in per item, more for wrapped labels.

    `n_lines` is the total number of label lines (defaults to one per item).
    """
    extra = max(0, (n_lines or n_items) - n_items)
    return WIDTH_IN, round(max(2.3, 1.2 + 0.33 * n_items + 0.14 * extra), 2)


#: x positions (score units) of the difference column, right-aligned, beyond the 0-10 scale.
DIFF_SPACE = 0.19  # the difference column, right of the scale, as a share of the scale's width
Scale = tuple[float, float, tuple[str, str] | None]  # min, max, what they mean (or None)
DEFAULT_SCALE: Scale = (0.0, 10.0, None)


def scale_of(instrument_scale: dict, lang: str) -> Scale:
    """(min, max, anchors in `lang`) of a codebook scale."""
    anchors = (instrument_scale.get("anchors") or {}).get(lang)
    return (
        float(instrument_scale.get("min", 0)),
        float(instrument_scale.get("max", 10)),
        tuple(anchors) if anchors else None,
    )


def _anchors(scale: Scale, t: dict) -> tuple[str, str]:
    lo, hi, anchors = scale
    low, high = anchors or (t["lowest"], t["highest"])
    return f"{low} ({_int_text(lo)})", f"{high} ({_int_text(hi)})"


def _int_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _breaks(lo: float, hi: float) -> list[float]:
    """About six round ticks over the scale (0-10: every 2; 0-5: every 1; 0-70: every 10)."""
    span = hi - lo
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if span / s <= 7)
    first = -(-lo // step) * step
    return [first + i * step for i in range(int((hi - first) // step) + 1)]


def begin_end_chart(
    items_unit: pd.DataFrame, lang: str, labels: dict[str, str], scale: Scale = DEFAULT_SCALE
) -> p9.ggplot:
    """Dumbbell chart of baseline vs endline mean per item, with the signed difference.

    `items_unit` holds the rows of one unit and one group (columns item, mean_baseline,
    mean_endline, mean_diff), in display order, first item on top; `labels` maps
    item -> label in `lang`. A withheld item (NaN means) keeps its row, without points, and
    shows "–" as its difference.

    The x axis is the items' scale (`scale`: min, max and what they mean, from the codebook).
    The y axis is numeric (item i at y = n - i) so that every text (differences, column
    header, scale anchors) fits in one layer: each plotnine layer costs time per figure.
    """
    t = _text(lang)
    lo, hi, _ = scale
    diff_x = hi + DIFF_SPACE * (hi - lo)
    low_text, high_text = _anchors(scale, t)
    df = items_unit.reset_index(drop=True)
    n = len(df)
    ys = [float(n - i) for i in range(n)]
    rows = pd.DataFrame(
        {
            "y": ys,
            "baseline": pd.to_numeric(df["mean_baseline"], errors="coerce").astype(float),
            "endline": pd.to_numeric(df["mean_endline"], errors="coerce").astype(float),
        }
    )
    points = pd.DataFrame(
        {
            "y": ys + ys,
            "mean": list(rows["baseline"]) + list(rows["endline"]),
            "wave": pd.Categorical(["baseline"] * n + ["endline"] * n, ["baseline", "endline"]),
        }
    ).dropna(subset=["mean"])
    segments = rows.dropna(subset=["baseline", "endline"])
    item_labels = [_wrap(labels.get(item, item)) for item in df["item"]]

    small, note = BASE_SIZE - 1, "#555555"
    # (x, y, label, colour key, ha, size, weight): differences, column header, scale anchors,
    # and "not published" in the row of a withheld item.
    shown = [
        printed_diff(b, e, d)
        for b, e, d in zip(rows["baseline"], rows["endline"], df["mean_diff"], strict=True)
    ]
    text_rows = [
        (diff_x, y, format_diff(v, lang), _direction(v), "right", BASE_SIZE, "bold")
        for y, v in zip(ys, shown, strict=True)
    ]
    text_rows += [
        (diff_x, n + 0.75, t["diff"], "note", "right", small, "normal"),
        (lo, 0.3, "\u2190 " + low_text, "note", "left", small, "normal"),
        (hi, 0.3, high_text + " \u2192", "note", "right", small, "normal"),
    ]
    text_rows += [
        ((lo + hi) / 2, y, t["missing"], "note", "center", small, "normal")
        for y, b, e in zip(ys, rows["baseline"], rows["endline"], strict=True)
        if pd.isna(b) and pd.isna(e)
    ]
    texts = pd.DataFrame(text_rows, columns=["x", "y", "label", "colour", "ha", "size", "fontweight"])

    # Build in place (`+=`): `+` deep-copies the whole plot at every step, which is slow.
    plot = p9.ggplot()
    plot += p9.geom_segment(
        segments,
        p9.aes(x="baseline", xend="endline", y="y", yend="y"),
        color=SEGMENT_COLOUR,
        size=1.6,
    )
    plot += p9.geom_point(points, p9.aes(x="mean", y="y", color="wave"), size=3.2)
    plot += p9.geom_text(
        texts,
        p9.aes(
            x="x",
            y="y",
            label="label",
            color="colour",
            ha="ha",
            size="size",
            fontweight="fontweight",
        ),
        family=FONT_FAMILY,
        show_legend=False,
    )
    plot += p9.scale_color_manual(
        values={
            "baseline": WAVE_COLOURS["baseline"],
            "endline": WAVE_COLOURS["endline"],
            "up": UP_COLOUR,
            "down": DOWN_COLOUR,
            "same": NEUTRAL_COLOUR,
            "na": NEUTRAL_COLOUR,
            "note": note,
        },
        breaks=["baseline", "endline"],
        labels=[t["baseline"], t["endline"]],
    )
    plot += p9.scale_size_identity()
    plot += p9.scale_x_continuous(limits=(lo, diff_x), breaks=_breaks(lo, hi), expand=(0, 0.03 * (hi - lo)))
    plot += p9.scale_y_continuous(
        limits=(0.0, n + 1.0),
        breaks=ys,
        labels=item_labels,
        expand=(0, 0.1),
    )
    n_lines = sum(label.count("\n") + 1 for label in item_labels)
    plot += _sized_theme(chart_size(n, n_lines))
    return plot


@functools.lru_cache(maxsize=16)
def _sized_theme_cached(size: tuple[float, float]) -> p9.theme:
    return house_theme() + p9.theme(figure_size=size)


def _sized_theme(size: tuple[float, float]) -> p9.theme:
    """The house theme at a figure size, built once per size (building a theme is slow).

    Each plot gets its own shallow copy: plotnine attaches the figure to the theme at draw.
    """
    return copy.copy(_sized_theme_cached(size))


# --- alternative text -----------------------------------------------------------------------


def _n_phrase(items_unit: pd.DataFrame, t: dict) -> str:
    if "n_paired" not in items_unit:
        return ""
    ns = pd.to_numeric(items_unit["n_paired"], errors="coerce").dropna().astype(int)
    if ns.empty:
        return ""
    lo, hi = int(ns.min()), int(ns.max())
    return t["n"].format(n=hi) if lo == hi else t["n_range"].format(lo=lo, hi=hi)


def alt_text(
    items_unit: pd.DataFrame,
    lang: str,
    labels: dict[str, str],
    unit_name: str,
    group: str | None = None,
    scale: Scale = DEFAULT_SCALE,
) -> str:
    """One sentence in `lang` that states what the chart shows, with every number."""
    t = _text(lang)
    if group is None and "group" in items_unit and items_unit["group"].nunique() == 1:
        group = str(items_unit["group"].iloc[0])
    group_phrase = t["group"].get(group or "", t["group"]["domain"])
    parts = []
    for row in items_unit.itertuples(index=False):
        label = labels.get(row.item, row.item)
        if pd.isna(row.mean_baseline) or pd.isna(row.mean_endline):
            parts.append(t["item_missing"].format(label=label, missing=t["missing"]))
            continue
        parts.append(
            t["item"].format(
                label=label,
                begin=format_score(row.mean_baseline, lang),
                end=format_score(row.mean_endline, lang),
                diff=format_diff(printed_diff(row.mean_baseline, row.mean_endline, row.mean_diff), lang),
            )
        )
    lo, hi, anchors = scale
    low, high = anchors or (t["lowest"], t["highest"])
    lead = t["lead"].format(
        group=group_phrase,
        unit=unit_name,
        n=_n_phrase(items_unit, t),
        lo=_int_text(lo),
        hi=_int_text(hi),
        low=low,
        high=high,
    )
    return lead + t["sep"].join(parts) + "."


# --- writing --------------------------------------------------------------------------------

_RC = {
    "svg.hashsalt": SVG_HASHSALT,
    "svg.fonttype": "none",  # text stays text: searchable, accessible, small
    "font.family": FONT_FAMILY,
}


_SVG_FONT = f"font-family: '{FONT_FAMILY}'".encode()
_SVG_FONT_WITH_FALLBACK = f"font-family: '{FONT_FAMILY}', Verdana, sans-serif".encode()


def save_svg(plot: p9.ggplot, path: Path) -> Path:
    """Draw `plot` and write it as deterministic SVG, atomically (temp file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig = plot.draw()
        try:
            fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
        finally:
            plt.close(fig)
    # Text is kept as text; a viewer without DejaVu Sans should fall back to a sans-serif of
    # similar widths (Verdana), not to its default serif font.
    svg = buffer.getvalue().replace(_SVG_FONT, _SVG_FONT_WITH_FALLBACK)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(svg)
    os.replace(tmp, path)
    return path


def _write_text(text: str, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def _is_published(value) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def _order_items(df: pd.DataFrame, item_order: Iterable[str] | None) -> pd.DataFrame:
    if item_order is None:
        return df
    rank = {item: i for i, item in enumerate(item_order)}
    return (
        df.assign(_rank=df["item"].map(rank).fillna(len(rank)))
        .sort_values(["_rank", "item"], kind="stable")
        .drop(columns="_rank")
    )


def _withheld_masked(items: pd.DataFrame) -> pd.DataFrame:
    """Blank the means of rows marked withheld, whatever they hold (belt and braces)."""
    if "status" not in items:
        return items
    withheld = (items["status"] == "withheld").fillna(False).to_numpy(dtype=bool)
    if not withheld.any():
        return items
    items = items.copy()
    for column in ("mean_baseline", "mean_endline", "mean_diff"):
        items[column] = items[column].astype(float).mask(withheld)
    return items


@functools.cache
def _drawing_code() -> bytes:
    """This module's source and the versions of the libraries that draw: part of every key."""
    import matplotlib as mpl

    return source_of(__file__) + f"plotnine {p9.__version__} matplotlib {mpl.__version__}".encode()


def _chart_key(rows: pd.DataFrame, lang: str, labels: dict, scale: Scale, name: str, group: str) -> str:
    columns = ["item", "mean_baseline", "mean_endline", "mean_diff", "n_paired"]
    data = rows[[c for c in columns if c in rows.columns]].to_json(orient="values", double_precision=15)
    words = repr((lang, [labels.get(i, i) for i in rows["item"]], scale, name, group))
    return key(_drawing_code(), data, words)


def _remove_stale(outdir: Path, keep: set[Path], groups: set[str]) -> None:
    """Delete figure files (`<unit>_<group>.svg|.txt`, and temp files) this run did not write."""
    for path in sorted(outdir.iterdir()):
        name = path.name.removesuffix(".tmp")
        stem, _, suffix = name.rpartition(".")
        is_figure = suffix in {"svg", "txt"} and any(stem.endswith(f"_{g}") for g in groups)
        if is_figure and path.is_file() and path not in keep:
            log.info("removing stale figure file %s", path)
            path.unlink()


ITEM_COLUMNS = ("level", "unit", "item", "group", "mean_baseline", "mean_endline", "mean_diff")
UNIT_COLUMNS = ("level", "unit", "published")


def _require_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Only a disclosure-checked table may be charted: its columns must be there."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DisclosureError(
            f"the published {table} table lacks column(s) {', '.join(missing)}",
            expected="the output of disclose (docs/data-contracts.md)",
        )


def write_figures(
    items: pd.DataFrame,
    units: pd.DataFrame,
    labels_by_lang: dict[str, dict[str, str]],
    lang: str,
    outdir: Path,
    *,
    item_order: Iterable[str] | None = None,
    scales: dict[str, Scale] | None = None,
    cache_dir: str | Path | None = None,
) -> list[Path]:
    """Write `<unit>_<group>.svg` and its alt text `<unit>_<group>.txt` for each published unit.

    `scales` gives each item's scale (:func:`scale_of`); a group's chart uses its first item's
    (the items of a group share one scale in every codebook). With `cache_dir`, a chart whose
    data, wording, scale and drawing code are unchanged is copied from the cache
    (:mod:`miriam.provenance.cache`) instead of drawn again: the same bytes, in a fraction of the time.

    Belgium and the projects whose factsheet is in `lang` (``languages``), with ``published``
    true; per group, a chart is
    skipped when every mean of that unit and group is withheld (NaN). Items appear in
    `item_order` (the codebook order) when given, else in the table's order. Figure files left
    in `outdir` by an earlier run that this run did not write (a unit withheld since) are
    removed. Returns the paths written, SVG and text, in a stable order.
    """
    _text(lang)
    labels = labels_by_lang[lang]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    item_order = list(item_order) if item_order is not None else None
    _require_columns(items, ITEM_COLUMNS, "items")
    _require_columns(units, UNIT_COLUMNS, "units")
    items = _withheld_masked(items)

    cache = Cache(cache_dir, "figures")
    name_col = f"name_{lang}"
    wanted = units[units["level"].isin(CHART_LEVELS)]
    written: list[Path] = []
    for unit_row in wanted.itertuples(index=False):
        unit = str(unit_row.unit)
        if unit_row.level != "national" and lang not in unit_languages(unit_row._asdict()):
            continue
        if not _is_published(unit_row.published):
            log.info("unit %s withheld: no figures", unit)
            continue
        name = getattr(unit_row, name_col, None)
        name = unit if name is None or pd.isna(name) else str(name)
        of_unit = items[(items["level"] == unit_row.level) & (items["unit"] == unit)]
        present = set(of_unit["group"].dropna())
        groups = [g for g in GROUPS if g in present] + sorted(present - set(GROUPS))
        for group in groups:
            rows = _order_items(of_unit[of_unit["group"] == group], item_order)
            if rows[["mean_baseline", "mean_endline"]].isna().all().all():
                log.info("unit %s group %s: every mean withheld, no figure", unit, group)
                continue
            scale = (scales or {}).get(str(rows["item"].iloc[0]), DEFAULT_SCALE)
            svg = outdir / f"{unit}_{group}.svg"
            txt = svg.with_suffix(".txt")
            digest = _chart_key(rows, lang, labels, scale, name, group)
            if not cache.get(digest, [svg, txt]):
                save_svg(begin_end_chart(rows, lang, labels, scale), svg)
                _write_text(alt_text(rows, lang, labels, name, group=group, scale=scale), txt)
                cache.put(digest, [svg, txt])
            written += [svg, txt]

    _remove_stale(outdir, keep=set(written), groups=set(GROUPS) | set(items["group"].dropna()))
    log.info("%d figures written to %s", len(written) // 2, outdir)
    return written


# --- programme-level charts: the scale chart and the trend over cohorts -----------------------

PROGRAMME_TEXT = {
    "nl": {
        "rank": "OCMW's gerangschikt naar aantal leefloners",
        "recipients": "Leefloners (log-schaal)",
        "projects": {"0": "geen MIRIAM", "1": "1 jaargang MIRIAM", "2+": "2 of meer jaargangen"},
        "illustrative": "Illustratieve demowaarden: geen echte aantallen",
        "scale_alt": "Puntendiagram van {total} OCMW's, gerangschikt van veel naar weinig leefloners "
        "(logaritmische schaal), gekleurd naar het aantal jaargangen MIRIAM tot en met {label}: "
        "{counts}.{illustrative}",
        "scale_alt_illustrative": " De aantallen leefloners zijn illustratief, geen echte gegevens.",
        "women": "Vrouwen",
        "women_paired": "Met beide metingen",
        "reach_alt": "Staafdiagram van het aantal deelneemsters per jaargang: {values}.",
        "scores_alt": "Gemiddelde beginscore en eindscore per jaargang voor de levensdomeinen die "
        "beide vragenlijsten gemeen hebben: {values}.",
    },
    "fr": {
        "rank": "CPAS classés selon le nombre de bénéficiaires du RIS",
        "recipients": "Bénéficiaires du RIS (échelle log.)",
        "projects": {"0": "pas de MIRIAM", "1": "1 édition de MIRIAM", "2+": "2 éditions ou plus"},
        "illustrative": "Valeurs de démonstration illustratives\u202f: pas de chiffres réels",
        "scale_alt": "Graphique à points de {total}\u00a0CPAS, classés du plus grand au plus petit "
        "nombre de bénéficiaires du revenu d'intégration (échelle logarithmique), colorés selon le "
        "nombre d'éditions de MIRIAM jusqu'à {label} inclus\u00a0: {counts}.{illustrative}",
        "scale_alt_illustrative": " Les nombres de bénéficiaires sont illustratifs, pas des données réelles.",
        "women": "Femmes",
        "women_paired": "Avec les deux mesures",
        "reach_alt": "Diagramme en barres du nombre de participantes par édition\u00a0: {values}.",
        "scores_alt": "Score moyen de début et de fin par édition pour les domaines de vie communs "
        "aux deux questionnaires\u00a0: {values}.",
    },
}
PROJECT_COLOURS = {"0": "#C8C8C8", "1": OKABE_ITO["sky_blue"], "2+": OKABE_ITO["blue"]}


def participation_band(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2+"


def scale_chart(
    reference: pd.DataFrame, participation: dict[str, int], lang: str, *, illustrative: bool
) -> p9.ggplot:
    """Every OCMW ranked by its number of leefloon recipients, coloured by the number of
    cohorts it ran MIRIAM in (`participation`: OCMW id -> count)."""
    t = PROGRAMME_TEXT[lang]
    df = reference.sort_values(["leefloon_recipients", "ocmw_id"], ascending=[False, True]).reset_index(
        drop=True
    )
    df["rank"] = range(1, len(df) + 1)
    band = df["ocmw_id"].astype(str).map(lambda o: participation_band(participation.get(o, 0)))
    df["projects"] = pd.Categorical(band.map(t["projects"]), list(t["projects"].values()))
    # Every OCMW a small grey point along the ranked curve; those that ran MIRIAM drawn again,
    # larger and coloured, so that a few dozen stand out among 581 (bars would be 1 px wide).
    miriam = df[band != "0"]
    plot = p9.ggplot(df, p9.aes(x="rank", y="leefloon_recipients", color="projects"))
    plot += p9.geom_point(size=0.6)
    plot += p9.geom_point(miriam, size=2.2)
    plot += p9.scale_color_manual(
        values={t["projects"][k]: c for k, c in PROJECT_COLOURS.items()}, drop=False
    )
    plot += p9.scale_y_log10(labels=lambda values: [format_decimal(v, locale=LOCALES[lang]) for v in values])
    plot += p9.scale_x_continuous(expand=(0, 4))
    plot += p9.labs(x=t["rank"], y=t["recipients"])
    if illustrative:
        top = float(df["leefloon_recipients"].max())
        plot += p9.annotate(
            "text", x=len(df) * 0.98, y=top, label=t["illustrative"], ha="right", va="top",
            size=BASE_SIZE - 1, color=DOWN_COLOUR, family=FONT_FAMILY,
        )  # fmt: skip
    # `+`, not `+=`: the sized theme is shared through its cache, and `+=` would change it
    # for every later chart of this size.
    plot += _sized_theme((WIDTH_IN, 3.0)) + p9.theme(
        axis_title=p9.element_text(size=BASE_SIZE - 1, color="#444444"),
        axis_title_y=p9.element_text(size=BASE_SIZE - 1, color="#444444", rotation=90),
        panel_grid_major_y=p9.element_line(color=GRID_COLOUR, size=0.5),
    )
    return plot


def scale_alt(
    reference: pd.DataFrame, participation: dict[str, int], lang: str, label: str, *, illustrative: bool
) -> str:
    t = PROGRAMME_TEXT[lang]
    bands = reference["ocmw_id"].astype(str).map(lambda o: participation_band(participation.get(o, 0)))
    counts = ", ".join(f"{t['projects'][k]}: {int((bands == k).sum())}" for k in t["projects"])
    return t["scale_alt"].format(
        total=len(reference),
        label=label,
        counts=counts,
        illustrative=t["scale_alt_illustrative"] if illustrative else "",
    )


def trend_reach_chart(reach: pd.DataFrame, lang: str) -> p9.ggplot:
    """Women and paired women per cohort (national), side by side."""
    t = PROGRAMME_TEXT[lang]
    df = reach[reach["measure"].isin(["women", "women_paired"])].copy()
    df["count"] = pd.to_numeric(df["count"], errors="coerce")
    df = df.dropna(subset=["count"])
    df["what"] = pd.Categorical(df["measure"].map({"women": t["women"], "women_paired": t["women_paired"]}),
                                [t["women"], t["women_paired"]])  # fmt: skip
    df["text"] = [format_decimal(int(v), locale=LOCALES[lang]) for v in df["count"]]
    plot = p9.ggplot(df, p9.aes(x="label", y="count", fill="what"))
    plot += p9.geom_col(position=p9.position_dodge(width=0.8), width=0.75)
    plot += p9.geom_text(p9.aes(label="text"), position=p9.position_dodge(width=0.8), va="bottom",
                         size=BASE_SIZE - 1, family=FONT_FAMILY)  # fmt: skip
    plot += p9.scale_fill_manual(values=[OKABE_ITO["sky_blue"], OKABE_ITO["blue"]])
    plot += p9.scale_y_continuous(
        expand=(0, 0, 0.12, 0),
        labels=lambda values: [format_decimal(v, locale=LOCALES[lang]) for v in values],
    )
    plot += _sized_theme((WIDTH_IN * 0.7, 2.4))
    return plot


def trend_scores_chart(scores: pd.DataFrame, lang: str, labels: dict[str, str]) -> p9.ggplot:
    """Begin and end means of the comparable items, one row per item and cohort."""
    df = scores[scores["comparable"].astype(bool)].copy()
    df = df.sort_values(["item", "label"], ascending=[True, False]).reset_index(drop=True)
    df["item"] = [f"{labels.get(i, i)} ({lb})" for i, lb in zip(df["item"], df["label"], strict=True)]
    return begin_end_chart(
        df[["item", "mean_baseline", "mean_endline", "mean_diff"]], lang, {}, DEFAULT_SCALE
    )


def trend_alt(
    scores: pd.DataFrame, reach: pd.DataFrame, lang: str, labels: dict[str, str]
) -> tuple[str, str]:
    t = PROGRAMME_TEXT[lang]
    women = reach[reach["measure"] == "women"]
    reach_text = t["reach_alt"].format(
        values=", ".join(
            f"{lb}: {format_decimal(int(c), locale=LOCALES[lang])}"
            for lb, c in zip(women["label"], women["count"], strict=True)
        )  # fmt: skip
    )
    df = scores[scores["comparable"].astype(bool)]
    parts = [
        f"{labels.get(r.item, r.item)} {r.label}: "
        f"{format_score(r.mean_baseline, lang)} → {format_score(r.mean_endline, lang)}"
        for r in df.itertuples()
    ]
    return reach_text, t["scores_alt"].format(values="; ".join(parts))


def write_programme_figures(
    outdir: Path,
    lang: str,
    *,
    reference: pd.DataFrame,
    participation: dict[str, int],
    label: str,
    illustrative: bool,
    trend_scores: pd.DataFrame | None = None,
    trend_reach: pd.DataFrame | None = None,
    labels: dict[str, str] | None = None,
    cache_dir: str | Path | None = None,
) -> list[Path]:
    """`scale_ocmws.svg` and, with more than one cohort, `trend_reach.svg` and
    `trend_scores.svg` (only comparable items), each with its alt text beside it.

    With `cache_dir`, a chart whose data and wording are unchanged is copied from the cache
    (the scale chart of 581 OCMWs is the slowest chart of the build, and a new answer in one
    OCMW changes the trend tables but seldom this chart)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    cache = Cache(cache_dir, "programme_figures")
    labels = labels or {}
    charts = []  # (name, data key, how to draw it, how to say it)
    used = reference.sort_values("ocmw_id").to_json(orient="values", double_precision=15)
    charts.append(
        (
            "scale_ocmws",
            key(used, repr(sorted(participation.items())), repr((lang, label, illustrative))),
            lambda: scale_chart(reference, participation, lang, illustrative=illustrative),
            lambda: scale_alt(reference, participation, lang, label, illustrative=illustrative),
        )
    )
    several = trend_reach is not None and trend_reach["label"].nunique() > 1
    if several and trend_scores is not None:
        reach_data = key(trend_reach.to_json(orient="values", double_precision=15), lang)
        scores_data = key(
            trend_scores.to_json(orient="values", double_precision=15), repr((lang, sorted(labels.items())))
        )
        charts.append(
            (
                "trend_reach",
                reach_data,
                lambda: trend_reach_chart(trend_reach, lang),
                lambda: trend_alt(trend_scores, trend_reach, lang, labels)[0],
            )
        )
        if trend_scores["comparable"].astype(bool).any():
            charts.append(
                (
                    "trend_scores",
                    scores_data,
                    lambda: trend_scores_chart(trend_scores, lang, labels),
                    lambda: trend_alt(trend_scores, trend_reach, lang, labels)[1],
                )
            )
    written = []
    for name, data, draw, say in charts:
        svg = outdir / f"{name}.svg"
        txt = svg.with_suffix(".txt")
        digest = key(_drawing_code(), name, data)
        if not cache.get(digest, [svg, txt]):
            save_svg(draw(), svg)
            _write_text(say(), txt)
            cache.put(digest, [svg, txt])
        written += [svg, txt]
    return written
