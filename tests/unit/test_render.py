"""Rendering: engine choice, the pandoc + typst path (self-contained HTML, A4 PDF with the
running header, deterministic bytes) and, when a quarto binary exists, the Quarto path."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from miriam.report import render

sys.path.insert(0, str(Path(__file__).parent))
from test_report import write_both  # noqa: E402


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return write_both(tmp_path_factory.mktemp("render"))


@pytest.fixture(scope="module")
def rendered(sources):
    """One Dutch national report and one French factsheet, each to HTML and PDF."""
    docs = [sources["nl"][0], next(p for p in sources["fr"] if p.name == "factsheet-bruxelles.qmd")]
    return render.render_all(docs, ["html", "pdf"], engine="pandoc")


def no_quarto(monkeypatch):
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setattr(render.shutil, "which", lambda name: None)


# --- engine choice ------------------------------------------------------------------------------


def test_auto_falls_back_to_pandoc_without_quarto(monkeypatch):
    no_quarto(monkeypatch)
    assert render.choose_engine("auto") == "pandoc"
    assert render.choose_engine("pandoc") == "pandoc"


def test_quarto_required_but_missing_is_a_clear_error(monkeypatch):
    no_quarto(monkeypatch)
    with pytest.raises(render.RenderError, match="no quarto binary"):
        render.choose_engine("quarto")
    with pytest.raises(render.RenderError, match="render.engine"):
        render.choose_engine("latex")


def test_quarto_path_env_is_honoured(monkeypatch, tmp_path):
    fake = tmp_path / "quarto"
    fake.write_text("#!/bin/sh\necho 9.9.9\n")
    fake.chmod(0o755)
    monkeypatch.setenv("QUARTO_PATH", str(fake))
    assert render.quarto_binary() == str(fake)
    assert render.choose_engine("auto") == "quarto"


def test_engine_label_names_versions():
    label = render.engine_label("pandoc")
    assert re.fullmatch(r"pandoc \d+(\.\d+)+ \+ typst \d+(\.\d+)+", label)


# --- the pandoc + typst path --------------------------------------------------------------------


@pytest.mark.slow
def test_outputs_and_engine(rendered):
    names = sorted(p.name for p in rendered)
    assert names == [  # names per language: the Dutch report, the French factsheet
        "factsheet-bruxelles.html",
        "factsheet-bruxelles.pdf",
        "nationaal-rapport.html",
        "nationaal-rapport.pdf",
    ]
    assert set(rendered.values()) == {"pandoc"}


@pytest.mark.slow
def test_html_is_self_contained_and_accessible(rendered):
    html = next(p for p in rendered if p.name == "factsheet-bruxelles.html").read_text(encoding="utf-8")
    assert '<html lang="fr-BE">' in html
    # nothing it needs lies outside it (images, styles); links to the other documents are navigation
    assert not re.search(r'src="(?!data:|#|https?:)[^"]+', html)
    assert not re.search(r'<link\b[^>]*href="(?!data:)', html)
    assert all(
        re.search(r"\.(html|pdf)(#.*)?$", link)
        for link in re.findall(r'href="(?!data:|#|https?:|mailto:)([^"]+)"', html)
    )
    assert 'src="data:image/svg+xml' in html and "<style" in html
    assert 'alt="Alt fr brussel domain' in html  # the figure's alt text
    assert "<thead>" in html and "<th" in html  # tables have header rows
    assert re.search(r'<meta name="generator" content="pandoc [\d.]+ \+ typst', html)
    assert "Réalisé avec pandoc" in html  # colophon records the engine
    assert "données synthétiques" in html  # demo note
    levels = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


@pytest.mark.slow
def test_pdf_is_a4_with_running_header_on_every_page(rendered, sources):
    pdf = next(p for p in rendered if p.name == "nationaal-rapport.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert re.search(rb"/MediaBox ?\[0 0 595\.2\d* 841\.8\d*\]", pdf)  # A4 in points
    assert b"/FontFile2" in pdf  # fonts embedded
    typ = render.to_typst(sources["nl"][0]).decode("utf-8")
    assert "date: none" in typ and 'paper: "a4"' in typ
    assert "MIRIAM 2023-2024 · Nederlands" in typ and "Demo: synthetische gegevens" in typ  # page header
    assert 'counter(page).display("1 / 1", both: true)' in typ  # page numbers
    assert "#outline(" in typ  # table of contents in the national report
    assert 'alt: "' in typ  # figure alt text reaches the tagged PDF


@pytest.mark.slow
def test_rendering_twice_gives_identical_bytes(rendered, tmp_path):
    for path in rendered:
        copy_dir = tmp_path / path.parent.name
        if not copy_dir.exists():
            shutil.copytree(path.parent, copy_dir)
    again = render.render_all(
        [tmp_path / p.parent.name / p.with_suffix(".qmd").name for p in rendered if p.suffix == ".pdf"],
        ["html", "pdf"],
        engine="pandoc",
        jobs=1,
    )
    for path in rendered:
        twin = tmp_path / path.parent.name / path.name
        assert twin in again
        assert path.read_bytes() == twin.read_bytes(), path.name


@pytest.mark.slow
def test_withheld_factsheet_renders(sources, tmp_path):
    qmd = next(p for p in sources["fr"] if p.name == "factsheet-huy.qmd")
    out = render.render_all([qmd], ["html"], engine="pandoc")
    html = next(iter(out)).read_text(encoding="utf-8")
    text = " ".join(html.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "au moins 10 femmes" in text and "<table" not in html


# --- the quarto path ----------------------------------------------------------------------------


@pytest.mark.skipif(
    render.quarto_binary() is None,
    reason="no quarto binary on this machine (PATH or QUARTO_PATH); "
    "the pandoc + typst path is tested instead",
)
def test_quarto_renders_the_same_sources(sources, tmp_path):
    project = tmp_path / "fr"
    shutil.copytree(sources["fr"][0].parent, project)
    out = render.render_all(sorted(project.glob("*.qmd")), ["html", "pdf"], engine="quarto")
    assert set(out.values()) == {"quarto"}
    html = (project / "rapport-national.html").read_text(encoding="utf-8")
    assert 'lang="fr-BE"' in html and "Réalisé avec Quarto" in html
    pdf = project / "rapport-national.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):  # the running header (include-in-header) and a table caption
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "MIRIAM" in text.splitlines()[0] or "Démo" in text
        assert "par région" in text


def test_the_sources_are_one_quarto_project_both_engines_read(sources):
    """What Quarto needs next to the sources: the filter _quarto.yml names, and each document's
    CSS and typst include-in-header files; no raw typst in header-includes (Quarto drops it),
    and every table caption labelled (Quarto's typst output drops unlabelled ones)."""
    import yaml

    folder = sources["fr"][0].parent
    project = yaml.safe_load((folder / "_quarto.yml").read_text(encoding="utf-8"))
    assert project["filters"] and all((folder / f).exists() for f in project["filters"])
    for qmd in sources["fr"]:
        text = qmd.read_text(encoding="utf-8")
        meta = render.front_matter(text)
        assert "header-includes" not in meta, qmd.name
        typst = (meta.get("format") or {}).get("typst")
        if typst:
            files = [e for e in typst["include-in-header"] if isinstance(e, str)]
            assert files and all((folder / f).exists() for f in files), qmd.name
            assert any(
                "#set page(" in e.get("text", "") for e in typst["include-in-header"] if isinstance(e, dict)
            )
        assert (folder / meta["format"]["html"]["css"]).exists()
        captions = re.findall(r"^\|.*\|\n\n(: .*)$", text, re.M)
        assert all(re.search(r"\{#tbl-\d+\}$", c) for c in captions), qmd.name


def test_typst_includes_are_passed_to_pandoc_in_order(tmp_path):
    (tmp_path / "look.typ").write_text("// the look\n", encoding="utf-8")
    meta = {"format": {"typst": {"include-in-header": ["look.typ", {"text": "#set page(numbering: none)"}]}}}
    assert render.typst_includes(meta, tmp_path) == ["// the look\n", "#set page(numbering: none)"]
    with pytest.raises(render.RenderError, match="not found"):
        render.typst_includes({"format": {"typst": {"include-in-header": ["none.typ"]}}}, tmp_path)


def test_a_page_whose_resource_is_missing_is_an_error_not_a_page(tmp_path, monkeypatch):
    """A relative source path (as the workflow passes them) still finds its CSS; a figure that
    does not exist stops the render instead of leaving a broken image in the page."""
    (tmp_path / "style.css").write_text("body { color: black; }", encoding="utf-8")
    good = tmp_path / "good.qmd"
    good.write_text("---\ntitle: x\nlang: nl-BE\n---\n\nTekst.\n", encoding="utf-8")
    bad = tmp_path / "bad.qmd"
    bad.write_text("---\ntitle: x\nlang: nl-BE\n---\n\n![x](figures/none.svg)\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)
    html = render.to_html(Path(tmp_path.name) / "good.qmd").decode("utf-8")
    assert "color: black" in html and 'href="style.css"' not in html
    with pytest.raises(render.RenderError, match="could not embed"):
        render.to_html(Path(tmp_path.name) / "bad.qmd")


def test_a_missing_figure_stops_every_engine_before_it_renders(tmp_path, monkeypatch):
    """Checked before the engine runs: an HTML-only Quarto build would not notice it."""
    qmd = tmp_path / "doc.qmd"
    qmd.write_text("---\ntitle: x\nlang: nl-BE\n---\n\n![x](figures/none.svg)\n", encoding="utf-8")
    monkeypatch.setattr(render, "choose_engine", lambda engine: "quarto")
    monkeypatch.setattr(render, "render_quarto", lambda *a: pytest.fail("rendered with a missing figure"))
    with pytest.raises(render.RenderError, match="figures/none.svg"):
        render.render_all([qmd], ["html"], engine="quarto")


def test_unchanged_documents_come_from_the_cache_with_the_same_bytes(sources, tmp_path, monkeypatch):
    import shutil

    nl = sources["nl"][0].parent
    work = tmp_path / "nl"
    shutil.copytree(nl, work)
    qmd = work / sources["nl"][0].name
    cache = tmp_path / "cache"
    first = render.render_all([qmd], ["html"], engine="pandoc", cache_dir=cache)
    html = next(iter(first)).read_bytes()
    calls = []
    monkeypatch.setattr(render, "to_html", lambda *a, **k: calls.append(a) or b"")
    render.render_all([qmd], ["html"], engine="pandoc", cache_dir=cache)
    assert calls == [] and next(iter(first)).read_bytes() == html  # from the cache
    qmd.write_text(qmd.read_text(encoding="utf-8") + "\nEen zin meer.\n", encoding="utf-8")
    render.render_all([qmd], ["html"], engine="pandoc", cache_dir=cache)
    assert len(calls) == 1  # a changed source is rendered again


def test_the_pool_never_runs_more_documents_at_once_than_the_jobs_it_is_given(monkeypatch, tmp_path):
    """render_report passes the rule's `threads:` as `jobs`: the pool must keep to it."""
    import threading
    import time

    running, peak, lock = 0, 0, threading.Lock()

    def fake_render(qmd, formats, cache_dir=None):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)  # long enough for the other workers to start, if there were any
        with lock:
            running -= 1
        return {qmd.with_suffix(".html"): "pandoc"}

    monkeypatch.setattr(render, "render_pandoc", fake_render)
    docs = [tmp_path / f"doc{i}.qmd" for i in range(8)]
    for jobs in (1, 2):
        peak = 0
        out = render.render_all(docs, ["html"], engine="pandoc", jobs=jobs)
        assert len(out) == 8 and peak <= jobs


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) not installed")
def test_the_colophon_names_the_typst_compiler_that_wrote_the_pdf(tmp_path):
    """The engine label's typst version is the one poppler reads as the PDF's Creator (the
    wheel's own version may differ from the compiler it bundles)."""
    import typst

    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(typst.compile(b"x"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    creator = re.search(r"^Creator:\s+Typst\s+(\S+)", info, re.M | re.I).group(1)
    assert render.typst_version() == creator
    assert f"typst {creator}" in render.engine_label("pandoc")
