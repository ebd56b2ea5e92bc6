"""The house style of every chart: the Okabe-Ito colour-blind-safe palette, one theme, chart
sizes and scales, chart words per language, and deterministic SVG (a fixed ``svg.hashsalt``, no
date or creator metadata, text kept as text).
"""

from __future__ import annotations

import copy
import functools
import io
import os
import textwrap
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import plotnine as p9

from miriam.printed import Fmt

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

#: One colour meaning in every chart (issue 15): orange is the beginning and blue the end, nothing
#: else. A difference is printed in the text colour with its sign, never in the end's blue: blue
#: for "+0,1" would say progress where the test does not (the text may call it not clear).
DIFF_COLOUR = "#333333"
#: A warning on a chart (illustrative numbers), not a wave.
WARNING_COLOUR = OKABE_ITO["vermillion"]

SEGMENT_COLOUR = "#9A9A9A"

GRID_COLOUR = "#E3E3E3"

FONT_FAMILY = "DejaVu Sans"  # shipped with matplotlib: same metrics on every machine

BASE_SIZE = 8.5  # points; fits an A4 column at 100 %

WIDTH_IN = 6.5  # inches: an A4 text column (210 mm minus 2 x 20 mm margins is 6.7 in)

SVG_HASHSALT = "miriam-figures"

SVG_METADATA = {"Date": None, "Creator": None}

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


def format_score(value: float, lang: str, mean_places: int = 1) -> str:
    """A mean in the page's locale at the cohort's decimals of means (one by default):
    5.2 -> "5,2" (:meth:`miriam.printed.Fmt.score`, as the report's tables)."""
    return Fmt(lang, mean_places=mean_places).score(value)


def format_diff(value: float, lang: str, mean_places: int = 1) -> str:
    """A signed difference: 0.7 -> "+0,7", -0.3 -> "−0,3" (U+2212, as in the text), 0 -> "0,0"."""
    return Fmt(lang, mean_places=mean_places).diff(value)


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


@functools.lru_cache(maxsize=16)
def _sized_theme_cached(size: tuple[float, float]) -> p9.theme:
    return house_theme() + p9.theme(figure_size=size)


def _sized_theme(size: tuple[float, float]) -> p9.theme:
    """The house theme at a figure size, built once per size (building a theme is slow).

    Each plot gets its own shallow copy: plotnine attaches the figure to the theme at draw.
    """
    return copy.copy(_sized_theme_cached(size))


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


@functools.cache
def _drawing_code() -> bytes:
    """The code that draws (every module of this package and every package module they import,
    transitively: the rounding the charts print among them) and the versions of the libraries
    that draw: part of every key."""
    import matplotlib as mpl

    from miriam.provenance.code_digest import module_digest

    digest = module_digest("miriam.figures.charts") + module_digest("miriam.figures.programme")
    return f"{digest} plotnine {p9.__version__} matplotlib {mpl.__version__}".encode()
