"""Figures: begin versus end charts per unit and item group, as deterministic SVG.

Modules: :mod:`~miriam.figures.theme` (house style, chart words, deterministic SVG),
:mod:`~miriam.figures.charts` (begin/end charts and their alt text),
:mod:`~miriam.figures.programme` (the scale chart and the trend over cohorts).

One chart per published unit (Belgium, and each project in its factsheet's languages) and
group (life domains, empowerment): for each item a dumbbell from the baseline mean to the endline mean on the
0-10 scale, with the signed difference printed in the page's locale ("+0,7"). Every chart
uses :func:`house_theme` and the Okabe-Ito colour-blind-safe palette.

Charts are drawn with plotnine and saved with matplotlib directly (faster than
``ggplot.save``). The SVG keeps its text as text (``svg.fonttype = 'none'``), so that screen
readers, search and tests see "+0,7", and is byte-for-byte reproducible: a fixed
``svg.hashsalt`` and no date or creator metadata. Each chart comes with an alternative text
(``<unit>_<group>.txt``) that states the numbers in a sentence.

Numbers are rounded half up at the cohort's decimals of means (``precision.mean``, one unless
the cohort sets more) before formatting, like the published tables and the report. The
printed difference is the published mean difference rounded once (:func:`miriam.printed.printed_diff`),
the same number as the tables, the text and the statistical annex (to two decimals there).
"""

from miriam.figures.charts import CHART_LEVELS, alt_text, begin_end_chart, write_figures
from miriam.figures.programme import write_programme_figures
from miriam.figures.theme import (
    DIFF_COLOUR,
    PALETTE,
    WAVE_COLOURS,
    chart_size,
    format_diff,
    format_score,
    house_theme,
    save_svg,
    scale_of,
)

__all__ = [
    "CHART_LEVELS",
    "DIFF_COLOUR",
    "PALETTE",
    "WAVE_COLOURS",
    "alt_text",
    "begin_end_chart",
    "chart_size",
    "format_diff",
    "format_score",
    "house_theme",
    "save_svg",
    "scale_of",
    "write_figures",
    "write_programme_figures",
]
