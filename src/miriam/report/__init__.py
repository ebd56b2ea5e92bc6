"""Report content: from the published tables to Quarto sources (.qmd), one set per language.

Modules, bottom up: :mod:`~miriam.report.formatting` (numbers and text as printed),
:mod:`~miriam.report.text` (the wording), :mod:`~miriam.report.tables` (reading the published
tables), :mod:`~miriam.report.findings` (the rules that choose sentences),
:mod:`~miriam.report.sections` and :mod:`~miriam.report.documents` (what each document says),
:mod:`~miriam.report.writing` (templates -> sources, index pages), :mod:`~miriam.report.render`
(sources -> HTML and PDF).

This module decides *what* the documents say; :mod:`miriam.report.render` turns the sources into HTML
and PDF. It reads only published, disclosure-checked tables (``results/<cohort>/``):

- ``items``: one row per unit x item with begin, end and difference (NaN when withheld);
- ``units``: names in both languages, report languages, counts, ``published``;
- ``reconciliation``: the counts of the clean stage (``scope, measure, count``).

Every sentence comes from ``report/strings/<lang>.yaml`` and every number is formatted with
Babel for ``nl_BE`` / ``fr_BE``. Findings and headlines are *rules over the data*: a sentence
that is not true for this cohort (say "progress on each of the six domains" when one domain
went down) is never printed; the rule picks the sentence that is true instead.

The sources are plain pandoc markdown that Quarto also accepts: YAML front matter, pipe tables
with a header row, fenced divs (``::: {.callout-warning}``), images as
``![caption](figures/x.svg){fig-alt="..."}``. The engine line of the colophon is the Quarto
shortcode ``{{< meta miriam-engine >}}``: Quarto fills it from ``-M``, the pandoc path of
:mod:`miriam.report.render` substitutes it before conversion.
"""

from miriam.printed import Fmt
from miriam.report.findings import comment, headline, key_findings
from miriam.report.formatting import capitalise
from miriam.report.publication import document_name
from miriam.report.tables import Item, all_improved, item_rows
from miriam.report.text import STRINGS, TEMPLATES, Text
from miriam.report.writing import write_index, write_sources

__all__ = [
    "document_name",
    "STRINGS",
    "TEMPLATES",
    "Fmt",
    "Item",
    "Text",
    "all_improved",
    "capitalise",
    "comment",
    "headline",
    "item_rows",
    "key_findings",
    "write_index",
    "write_sources",
]
