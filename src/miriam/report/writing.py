"""Writing the sources: jinja2 templates -> one Quarto project per cohort and language (.qmd,
_quarto.yml, stylesheet, figures), and the index pages that link every document.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

import miriam
from miriam.config import Instrument, check_publication_date
from miriam.printed import (
    LANGUAGES,
    is_published,
    unit_languages,
)
from miriam.printed import is_missing as _missing
from miriam.report.context import leefloon_sentence
from miriam.report.documents import factsheet_context, national_context, withheld_reason
from miriam.report.formatting import french_guillemets, md, yaml_str
from miriam.report.publication import document_name, publication_context
from miriam.report.tables import _as_instrument, table, unit_name
from miriam.report.text import TEMPLATES, Text, log
from miriam.vocab import DOC_LANG


@cache
def _environment(templates: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # markdown templates are escaped explicitly with |md; the HTML index autoescapes
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
    )
    env.filters["md"] = md
    env.filters["yaml"] = yaml_str
    env.filters["attr"] = lambda s: str(s).replace("\\", "\\\\").replace('"', '\\"')
    return env


def render_template(name: str, context: Mapping[str, Any], templates: Path | None = None) -> str:
    return _environment(str(templates or TEMPLATES)).get_template(name).render(**context)


_TABLE_CAPTION = re.compile(r"((?:^\|.*\n)+)\n(: .*\n)", re.M)


def with_legends(text: str, legend: str) -> str:
    """After every table that shows the withheld symbol "–" in a cell (and its caption), the
    legend that explains it: the reader meets the explanation where the symbol is."""

    def add(m: re.Match) -> str:
        rows = m.group(1).splitlines()[2:]  # the body, below the header and its rule
        if any(cell.strip() in ("–", "*–*") for row in rows for cell in row.strip().strip("|").split("|")):
            return f"{m.group(1)}\n{m.group(2)}\n::: {{.legend}}\n{legend}\n:::\n"
        return m.group(0)

    return _TABLE_CAPTION.sub(add, text)


def with_table_labels(text: str) -> str:
    """Every table caption labelled ``{#tbl-1}``, ``{#tbl-2}``, ... in document order: Quarto's
    Typst output drops the caption of an unlabelled table (quarto-cli issue 11733); pandoc
    keeps the label as the table's id. A caption that has a label keeps it."""
    numbers = itertools.count(1)

    def add(m: re.Match) -> str:
        caption = m.group(2).rstrip("\n")
        if "{#" in caption:
            return m.group(0)
        return f"{m.group(1)}\n{caption} {{#tbl-{next(numbers)}}}\n"

    return _TABLE_CAPTION.sub(add, text)


def _write(path: Path, text: str, lang: str | None = None) -> Path:
    if lang == "fr":  # a document's guillemets, from the strings and the data alike
        text = french_guillemets(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def projects_in(units: pd.DataFrame, lang: str) -> list[pd.Series]:
    """Project rows whose factsheet is made in `lang` (their ``languages``), by id."""
    projects = units[units["level"] == "project"].sort_values("unit", kind="stable")
    return [r for _, r in projects.iterrows() if lang in unit_languages(r)]


#: The report assets a Quarto project of sources names (copied next to the sources).
PROJECT_ASSETS = ("style.css", "miriam-header.typ", "miriam.lua")


# size: a straight sequence (copy the project files, national report, one factsheet per project)
# whose keyword arguments take one line each
def write_sources(
    tables: Mapping[str, pd.DataFrame],
    cohort_cfg: Mapping,
    instrument: Instrument | str | Path,
    lang: str,
    figures_dir: Path,
    outdir: Path,
    *,
    min_n: int,
    min_count: int | None = None,
    catalogue: Mapping | None = None,
    manifest: Mapping | None = None,
    trend: Mapping[str, pd.DataFrame] | None = None,
    programme_figures_dir: Path | None = None,
    scale_illustrative: bool | None = None,
    leefloon: pd.DataFrame | None = None,
    templates: Path | None = None,
    strings_dir: Path | None = None,
    report_cfg: Mapping | None = None,
    publication: Mapping | None = None,
    formats: Iterable[str] = ("html", "pdf"),
    precision: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write the national report (``nationaal-rapport.qmd`` / ``rapport-national.qmd``), the
    reviewers' provenance page (``herkomst.qmd`` / ``provenance.qmd``, HTML only) and
    ``factsheet-<name in lang>.qmd`` (projects in `lang`) to `outdir`.

    `tables` holds the published tables by family (``items``, ``units``, ``shares``,
    ``distributions``, ``tests``, ``subgroups``, ``reach``) plus ``reconciliation`` and
    ``disclosure_log``; any may be missing, its sections are then left out. `trend` holds
    ``reach`` and ``scores`` over cohorts. The needed SVGs are copied to ``outdir/figures/``
    and ``_quarto.yml`` next to the sources, so that `outdir` is a self-contained Quarto
    project. Numbers are printed at the cohort's published `precision` (``{mean, pct}``, as
    disclosure rounded the tables; one decimal and whole percentages without). Returns the .qmd
    paths, national first.
    """
    instrument = _as_instrument(instrument)
    # the cohort's own publication facts (its date) over config.yaml's, never before its data
    publication = {**(publication or {}), **(cohort_cfg.get("publication") or {})}
    if "measurement" in cohort_cfg:
        where = f"config/config.yaml or config/cohorts/{cohort_cfg.get('cohort', '<cohort>')}.yaml"
        check_publication_date(dict(cohort_cfg), publication.get("date"), where)
    t = Text(lang, strings_dir, precision)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    figures_dir = Path(figures_dir)
    quarto_yml = Path(templates or TEMPLATES).parent / "_quarto.yml"
    if quarto_yml.exists():
        _write(outdir / "_quarto.yml", quarto_yml.read_text(encoding="utf-8"))
    # the files the project names: the CSS and the typst look (each source's front matter), the
    # filter (_quarto.yml); Quarto reads them next to the sources, as the pandoc path does
    for name in PROJECT_ASSETS:
        asset = Path(templates or TEMPLATES).parent / "assets" / name
        if asset.exists():
            _write(outdir / name, asset.read_text(encoding="utf-8"))

    written = []
    ctx = national_context(
        tables,
        cohort_cfg,
        instrument,
        t,
        figures_dir=figures_dir,
        outdir=outdir,
        min_n=min_n,
        catalogue=catalogue,
        manifest=manifest,
        trend=trend,
        programme_figures_dir=programme_figures_dir,
        scale_illustrative=scale_illustrative,
        report_cfg=report_cfg,
    )
    national_name = document_name("national", lang)
    provenance_name = document_name("provenance", lang)
    formats = list(formats)
    ctx.update(
        # the citation names the document whole: title and subtitle (cohort, kind of document)
        publication_context(
            publication,
            t,
            title=f"{t('national.title', label=ctx['label'])}. {t('national.subtitle')}",
            label=ctx["label"],
        )  # fmt: skip
    )
    ctx["provenance_href"] = f"{provenance_name}.html"
    ctx["nav"] = _nav(t, lang, national_name, formats, other=_other_national(lang))
    legend = t("publication.suppression.legend")
    ctx["min_count"] = t.fmt.int(min_count) if min_count else "–"
    written.append(
        _write(
            outdir / f"{national_name}.qmd",
            with_table_labels(with_legends(render_template("national.qmd.j2", ctx, templates), legend)),
            lang,
        )
    )
    pctx = dict(ctx, nav=_nav(t, lang, provenance_name, ["html"], other=_other_provenance(lang)))
    written.append(
        _write(
            outdir / f"{provenance_name}.qmd",
            with_table_labels(render_template("provenance.qmd.j2", pctx, templates)),
            lang,
        )
    )
    findings = ctx["findings"]
    units = table(tables, "units")
    for row in projects_in(units, lang) if not units.empty else []:
        fctx = factsheet_context(
            tables,
            cohort_cfg,
            instrument,
            t,
            str(row["unit"]),
            figures_dir=figures_dir,
            outdir=outdir,
            min_n=min_n,
            min_count=min_count,
            findings=findings,
            catalogue=catalogue,
            report_cfg=report_cfg,
        )
        name = document_name("factsheet", lang, unit_name(row, lang))
        # the citation names the document whole: title and subtitle (cohort, kind of document)
        cited = f"{t('factsheet.title', name=fctx['name'])}. {t('factsheet.subtitle', label=fctx['label'])}"
        fctx.update(publication_context(publication, t, title=cited, label=fctx["label"]))
        fctx["provenance_href"] = f"{provenance_name}.html"
        fctx["national_href"] = f"{national_name}.html"
        # the reference's leefloon counts: illustrative ones are said to be (as in the scale chart)
        fctx["context_figure"] = leefloon_sentence(units, row, leefloon, t, illustrative=ctx["illustrative"])
        # the project's own history (cohort config `projects[].since`), after the programme's
        since = next(
            (p.get("since") for p in cohort_cfg.get("projects", []) if p.get("id") == row["unit"]), None
        )
        fctx["since"] = (
            t("publication.factsheet.history_local", name=fctx["name"], since=since) if since else ""
        )
        fctx["nav"] = _nav(t, lang, name, formats, other=_other_factsheet(row, lang), national=national_name)
        written.append(
            _write(
                outdir / f"{name}.qmd",
                with_table_labels(with_legends(render_template("factsheet.qmd.j2", fctx, templates), legend)),
                lang,
            )
        )
    log.info("%s: %d report sources written to %s", lang, len(written), outdir)
    return written


def _nav(
    t: Text, lang: str, name: str, formats: list[str], *, other: str | None, national: str | None = None
) -> list[dict[str, str]]:
    """The HTML's navigation bar of one document: the index, the national report (from a
    factsheet), this document's PDF, and the same document in the other language (or, when
    there is none, the other language's part of the index)."""
    # the index at this language's part (it opens on the first language otherwise)
    links = [{"href": f"../index.html#{lang}", "label": t("publication.nav.index")}]
    if national:
        links.append({"href": f"{national}.html", "label": t("publication.nav.national")})
    if "pdf" in formats:
        links.append({"href": f"{name}.pdf", "label": t("publication.nav.pdf")})
    if other:
        links.append({"href": other, "label": t("other_language_name"), "lang": other_lang(lang)})
    return links


def other_lang(lang: str) -> str:
    return next((o for o in LANGUAGES if o != lang), lang)


def _other_national(lang: str) -> str:
    o = other_lang(lang)
    return f"../{o}/{document_name('national', o)}.html"


def _other_provenance(lang: str) -> str:
    o = other_lang(lang)
    return f"../{o}/{document_name('provenance', o)}.html"


def _other_factsheet(row: pd.Series, lang: str) -> str:
    o = other_lang(lang)
    if o in unit_languages(row):
        return f"../{o}/{document_name('factsheet', o, unit_name(row, o))}.html"
    return f"../index.html#{o}"


def _other_cohort_links(others: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """Links to the other cohorts' index pages (``results/<other>/report/index.html``), by
    label. They come from the configuration, not from the pages on disk: which pages exist
    while this one is written depends on the order the jobs ran in, and the page must not."""
    out = [
        {"cohort": cohort, "label": label, "href": f"../../{cohort}/report/index.html"}
        for cohort, label in others
    ]
    return sorted(out, key=lambda o: (o["label"], o["cohort"]))


# size: a signature of 15 lines; the body builds one section per language in order, with nothing to
# share between the parts
def write_index(
    units: pd.DataFrame,
    cohort_label: str,
    languages: Iterable[str],
    report_dir: Path,
    *,
    demo: bool = False,
    formats: Iterable[str] = ("html", "pdf"),
    engine: str | None = None,
    min_n: int | None = None,
    min_count: int | None = None,
    templates: Path | None = None,
    strings_dir: Path | None = None,
    other_cohorts: Iterable[tuple[str, str]] = (),
) -> Path:
    """``report_dir/index.html``: per language, the national report and every factsheet
    (HTML and PDF), with a language switch and links to the index pages of `other_cohorts`
    ((cohort, label) of the other cohorts the build makes). A withheld factsheet says why, in
    the words of its reason (as the sheet itself). Links are relative (``nl/national.html``)."""
    report_dir = Path(report_dir)
    sections = []
    languages = [lang for lang in languages if lang in LANGUAGES]
    others = _other_cohort_links(other_cohorts)
    for lang in languages:
        t = Text(lang, strings_dir)
        thresholds = {
            "min_n": t.fmt.int(min_n) if min_n else "–",
            "min_count": t.fmt.int(min_count) if min_count else "–",
        }
        sheets = []
        for row in projects_in(units, lang):
            region = row.get("region")
            published = is_published(row)
            sheets.append(
                {
                    "id": str(row["unit"]),
                    "name": unit_name(row, lang),
                    "region": t.s["regions"].get(str(region), str(region)) if not _missing(region) else "",
                    "published": published,
                    "why": ""
                    if published
                    else t(f"index.not_published.{withheld_reason(row)}", **thresholds),
                    "href": {
                        f: f"{lang}/{document_name('factsheet', lang, unit_name(row, lang))}.{f}"
                        for f in formats
                    },
                }
            )
        sheets.sort(key=lambda s: (s["name"].casefold(), s["id"]))
        sections.append(
            {
                "lang": lang,
                "doc_lang": DOC_LANG[lang],
                "t": t,
                "national": {f: f"{lang}/{document_name('national', lang)}.{f}" for f in formats},
                "provenance": f"{lang}/{document_name('provenance', lang)}.html",
                "sheets": sheets,
                "other": [o for o in languages if o != lang],
                "cohorts": others,
            }
        )
    html = render_template(
        "index.html.j2",
        {
            "sections": sections,
            "label": str(cohort_label),
            "demo": demo,
            "formats": list(formats),
            "version": miriam.__version__,
            "engine": engine,
        },
        templates,
    )
    return _write(report_dir / "index.html", html)
