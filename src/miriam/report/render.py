"""Rendering the report sources (.qmd) to HTML and PDF: Quarto when there is one, else
pandoc + Typst.

Engine choice (config ``render.engine``):

- ``quarto``: a quarto binary is required (``QUARTO_PATH`` or ``quarto`` on ``PATH``);
- ``pandoc``: pandoc (the pypandoc-binary wheel, or ``pandoc`` on ``PATH``) makes the HTML and
  the Typst source, and the typst wheel compiles the PDF in this process;
- ``auto`` (default): quarto when found, else pandoc.

Both engines read the same sources. Quarto renders a whole directory (one language) in one
``quarto render`` call; the pandoc path renders many documents in one Python process with a
small thread pool (pandoc runs as a subprocess, typst releases the GIL), because start-up per
document would dominate a build of ~100 documents.

Every output records its engine: the colophon line (``{{< meta miriam-engine >}}`` in the
sources: Quarto fills it from ``-M``, we substitute it here) and, in HTML, the
``<meta name="generator">`` of the pandoc template. Outputs are deterministic: no dates, no
timestamps; Typst gets ``date: none`` and a fixed font set.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import metadata, util
from pathlib import Path

import yaml

from miriam.config import ROOT
from miriam.errors import MiriamError
from miriam.provenance.cache import Cache, key, source_of
from miriam.provenance.code_digest import module_digest

log = logging.getLogger(__name__)

ASSETS = ROOT / "report" / "assets"
ENGINES = ("auto", "quarto", "pandoc")
FORMATS = ("html", "pdf")
ENGINE_SHORTCODE = "{{< meta miriam-engine >}}"
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


class RenderError(MiriamError):
    """A document could not be rendered (names the document and the engine's message)."""


# --- engines ------------------------------------------------------------------------------------


def quarto_binary() -> str | None:
    """The quarto executable: ``QUARTO_PATH`` if it exists, else ``quarto`` on PATH."""
    env = os.environ.get("QUARTO_PATH")
    if env and Path(env).is_file():
        return env
    return shutil.which("quarto")


def choose_engine(requested: str = "auto") -> str:
    """``quarto`` or ``pandoc`` for a configured ``auto`` / ``quarto`` / ``pandoc``."""
    if requested not in ENGINES:
        raise RenderError(f"render.engine is {requested!r}", expected=" / ".join(ENGINES))
    if requested == "quarto" and quarto_binary() is None:
        raise RenderError(
            "render.engine is 'quarto' but no quarto binary was found",
            expected="quarto on PATH or QUARTO_PATH set",
            hint="install Quarto (conda-forge 'quarto') or set render.engine: auto",
        )
    if requested == "auto":
        return "quarto" if quarto_binary() else "pandoc"
    return requested


@cache
def pandoc_path() -> str:
    """pandoc from the pypandoc-binary wheel, else from PATH."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        path = shutil.which("pandoc")
        if path is None:
            raise RenderError(
                "pandoc not found", expected="the pypandoc-binary wheel or pandoc on PATH"
            ) from None
        return path


@cache
def pandoc_version() -> str:
    out = subprocess.run([pandoc_path(), "--version"], capture_output=True, text=True, check=True).stdout
    return out.split()[1]


@cache
def typst_version() -> str:
    """The version of the typst compiler that writes the PDFs, as the PDFs name it (their
    Creator, "Typst 0.15.1"): the typst wheel's own version (0.15.2) can differ from the
    compiler it bundles, and the colophon must name what made the document."""
    try:
        import typst
    except ImportError:
        return "?"
    pdf = typst.compile(b"#set document(date: none)\n.")
    found = re.search(rb"/Creator\s*\((?:Typst|typst)\s+([0-9][^)\s]*)\)", pdf)
    return found.group(1).decode() if found else metadata.version("typst")


@cache
def quarto_version() -> str:
    binary = quarto_binary()
    if binary is None:
        return "?"
    return subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout.strip()


def engine_label(engine: str) -> str:
    """What made the outputs, as printed in them: "pandoc 3.9 + typst 0.15.2" / "Quarto 1.7.32"."""
    if engine == "quarto":
        return f"Quarto {quarto_version()}"
    return f"pandoc {pandoc_version()} + typst {typst_version()}"


# --- the pandoc + typst path --------------------------------------------------------------------


def front_matter(text: str) -> dict:
    m = _FRONT.match(text)
    return (yaml.safe_load(m.group(1)) or {}) if m else {}


@cache
def _font_paths() -> tuple[list[str], bool]:
    """Fonts for typst: matplotlib's DejaVu files when present (the charts' font, the same
    bytes on every machine), and then no system fonts, for reproducible PDFs."""
    spec = util.find_spec("matplotlib")
    if spec and spec.origin:
        ttf = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
        if (ttf / "DejaVuSans.ttf").exists():
            return [str(ttf)], True
    return [], False


def document_formats(qmd: Path, formats: Iterable[str]) -> list[str]:
    """The formats a document is made in: `formats`, restricted by its front matter's
    ``miriam-formats`` (the reviewers' provenance page is HTML only)."""
    formats = list(formats)
    only = front_matter(Path(qmd).read_text(encoding="utf-8")).get("miriam-formats")
    return [f for f in formats if f in only] if only else formats


def quarto_error(stderr: str) -> str:
    """Quarto's own ``ERROR:`` lines (else the end of its output), not a stack trace."""
    lines = [line for line in stderr.splitlines() if line.strip().startswith("ERROR")]
    return "\n".join(lines) if lines else stderr.strip()[-2000:]


def _pandoc(args: list[str], source: str, cwd: Path, what: str) -> bytes:
    proc = subprocess.run([pandoc_path(), *args], input=source.encode("utf-8"), capture_output=True, cwd=cwd)
    if proc.returncode != 0:
        raise RenderError(
            f"pandoc failed ({what}): {proc.stderr.decode('utf-8', 'replace').strip()}", file=what
        )
    warnings = proc.stderr.decode("utf-8", "replace").strip()
    if "Could not fetch resource" in warnings:  # a page without its CSS or figure: not a page
        raise RenderError(f"pandoc could not embed a resource ({what}): {warnings}", file=what)
    if warnings:
        log.warning("pandoc (%s): %s", what, warnings)
    return proc.stdout


def _write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _prepare(qmd: Path, assets: Path) -> tuple[str, list[str]]:
    """The source with the engine filled in, and the pandoc options common to both formats."""
    qmd = qmd.resolve()  # pandoc runs in the source's directory: every path must be absolute
    label = engine_label("pandoc")
    text = qmd.read_text(encoding="utf-8").replace(ENGINE_SHORTCODE, label)
    meta = front_matter(text)
    common = [
        *("--from", "markdown", "--standalone", "--lua-filter", str(assets / "miriam.lua")),
        *("--resource-path", str(qmd.parent), "--metadata", f"miriam-engine={label}"),
    ]
    if meta.get("toc"):
        common += ["--toc", f"--toc-depth={meta.get('toc-depth', 2)}"]
    return text, common


def to_html(qmd: Path, *, assets: Path = ASSETS) -> bytes:
    """Self-contained HTML (CSS and SVG figures embedded) from pandoc."""
    qmd = Path(qmd).resolve()
    text, common = _prepare(qmd, assets)
    css = qmd.parent / "style.css"
    args = [
        *(*common, "--to", "html5", "--embed-resources", "--template", str(assets / "miriam.html")),
        *("--css", str(css if css.exists() else assets / "style.css")),
    ]
    return _pandoc(args, text, qmd.parent, str(qmd))


def typst_includes(meta: dict, folder: Path, assets: Path = ASSETS) -> list[str]:
    """The Typst texts of the front matter's ``format: typst: include-in-header`` entries, in
    order, as Quarto includes them: a file name (next to the source, else in `assets`) or
    ``{text: ...}`` / ``{file: ...}``."""
    entries = ((meta.get("format") or {}).get("typst") or {}).get("include-in-header") or []
    out = []
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, dict) and "text" in entry:
            out.append(str(entry["text"]))
            continue
        name = entry["file"] if isinstance(entry, dict) else str(entry)
        path = folder / name if (folder / name).exists() else assets / name
        if not path.exists():
            raise RenderError(f"include-in-header file {name} not found next to the source or in {assets}")
        out.append(path.read_text(encoding="utf-8"))
    return out


def to_typst(qmd: Path, *, assets: Path = ASSETS) -> bytes:
    """The Typst source of the PDF (our A4 template), from pandoc, with the front matter's
    include-in-header entries where Quarto's template has them (``$header-includes$``)."""
    qmd = Path(qmd).resolve()
    text, common = _prepare(qmd, assets)
    args = [*common, "--to", "typst", "--template", str(assets / "miriam.typ")]
    with tempfile.TemporaryDirectory() as tmp:
        for i, include in enumerate(typst_includes(front_matter(text), qmd.parent, assets)):
            part = Path(tmp) / f"header-{i}.typ"
            part.write_text(include, encoding="utf-8")
            args += ["--include-in-header", str(part)]
        return _pandoc(args, text, qmd.parent, str(qmd))


def compile_pdf(source: bytes, root: Path, *, what: str = "") -> bytes:
    """Typst -> PDF in this process; fonts are embedded (subset) by typst.

    The PDF is tagged (alt texts, structure) for screen readers. Its catalogue then has
    ``/MarkInfo << /Marked true /Suspects false >>``, which poppler 22.x reports as "Suspects
    object is wrong type (boolean)": a poppler bug on a valid entry (not our template or
    metadata). Turning the tags off would silence it at the cost of accessibility, so we don't.
    """
    import typst

    fonts, no_system = _font_paths()
    try:
        return typst.compile(source, root=str(root), font_paths=fonts, ignore_system_fonts=no_system)
    except Exception as error:  # typst.TypstError carries the diagnostics
        raise RenderError(f"typst failed: {error}", file=what or str(root)) from None


_FIGURE_REFERENCE = re.compile(r"\]\((figures/[^)\s]+)\)")


def _render_key(qmd: Path, assets: Path) -> str:
    """Everything a document's outputs are made from: the source, the figures it embeds, its
    stylesheet, the assets and templates, the code (this module and every package module it
    imports, transitively), and the engines' versions. Each
    format's key adds the format to it (read and hashed once per document)."""
    text = qmd.read_text(encoding="utf-8")
    figures = sorted(set(_FIGURE_REFERENCE.findall(text)))
    parts = [text, engine_label("pandoc"), module_digest(__name__)]
    parts += [source_of(p) for p in sorted(Path(assets).iterdir()) if p.is_file()]
    parts += [f + ":" for f in figures] + [
        source_of(qmd.parent / f) for f in figures if (qmd.parent / f).exists()
    ]
    css = qmd.parent / "style.css"
    if css.exists():
        parts.append(source_of(css))
    return key(*parts)


def render_pandoc(
    qmd: Path, formats: Iterable[str], *, assets: Path = ASSETS, cache_dir: str | Path | None = None
) -> dict[Path, str]:
    """Render one source with pandoc (HTML) and pandoc -> Typst -> typst (PDF), next to it.

    With `cache_dir`, an output whose source, figures, assets and engines are unchanged is
    copied from the cache (:mod:`miriam.provenance.cache`): the same bytes, without rendering."""
    qmd = Path(qmd)
    cache = Cache(cache_dir, "render")
    out: dict[Path, str] = {}
    document = _render_key(qmd, assets) if cache.root else ""
    for fmt in document_formats(qmd, formats):
        target = qmd.with_suffix("." + fmt)
        digest = key(document, fmt) if document else ""
        if digest and cache.get(digest, [target]):
            out[target] = "pandoc"
            continue
        if fmt == "html":
            data = to_html(qmd, assets=assets)
        elif fmt == "pdf":
            data = compile_pdf(to_typst(qmd, assets=assets), qmd.parent, what=str(qmd))
        else:
            raise RenderError(f"unknown output format {fmt!r}", expected=" / ".join(FORMATS))
        _write_bytes(target, data)
        if digest:
            cache.put(digest, [target])
        out[target] = "pandoc"
    return out


# --- the quarto path ----------------------------------------------------------------------------


def render_quarto(qmd_paths: list[Path], formats: Iterable[str]) -> dict[Path, str]:
    """One ``quarto render <dir>`` per directory (one language project), all formats."""
    binary = quarto_binary()
    if binary is None:
        raise RenderError("no quarto binary found", expected="quarto on PATH or QUARTO_PATH set")
    label = engine_label("quarto")
    formats = list(formats)
    to = {"html": "html", "pdf": "typst"}
    out: dict[Path, str] = {}
    by_dir: dict[Path, list[Path]] = {}
    for qmd in qmd_paths:
        by_dir.setdefault(Path(qmd).parent, []).append(Path(qmd))
    for directory, docs in sorted(by_dir.items()):
        args = [binary, "render", str(directory), "-M", f"miriam-engine:{label}"]
        if set(formats) != set(FORMATS):  # else each document's own formats (front matter)
            args += ["--to", ",".join(to[f] for f in formats)]
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RenderError(f"quarto render failed: {quarto_error(proc.stderr)}", file=str(directory))
        for qmd in docs:
            for fmt in document_formats(qmd, formats):
                target = qmd.with_suffix("." + fmt)
                if not target.exists():
                    raise RenderError(f"quarto did not write {target.name}", file=str(qmd))
                out[target] = "quarto"
    return out


# --- many documents -----------------------------------------------------------------------------


def check_figures(qmd_paths: Iterable[Path]) -> None:
    """Stop before rendering when a source names a figure that is not next to it, whatever the
    engine and formats: an HTML-only Quarto build would otherwise publish a broken image.

    Raises
    ------
    RenderError
        Naming the document and the missing figure files.
    """
    for qmd in qmd_paths:
        if not Path(qmd).exists():
            continue  # the engine names a missing source itself
        text = Path(qmd).read_text(encoding="utf-8")
        missing = [
            f for f in sorted(set(_FIGURE_REFERENCE.findall(text))) if not (Path(qmd).parent / f).exists()
        ]
        if missing:
            raise RenderError(
                f"{qmd}: the figure(s) {', '.join(missing)} are missing",
                file=str(qmd),
                expected="every figure a source names, next to it (the figures rule writes them)",
            )


def render_all(
    qmd_paths: Iterable[Path],
    formats: Iterable[str] = FORMATS,
    engine: str = "auto",
    *,
    jobs: int | None = None,
    cache_dir: str | Path | None = None,
) -> dict[Path, str]:
    """Render every source to each format; outputs are written next to the sources.

    Returns ``{output path: engine}`` in a stable order. ``jobs`` bounds the pandoc path's
    threads (default: twice the CPUs this process may use, at most 8: each thread mostly
    waits for a pandoc subprocess, while typst compiles in-process holding the GIL).
    """
    qmd_paths = [Path(p) for p in qmd_paths]
    formats = list(formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"unknown output format {fmt!r}", expected=" / ".join(FORMATS))
    check_figures(qmd_paths)
    chosen = choose_engine(engine)
    log.info(
        "rendering %d documents to %s with %s",
        len(qmd_paths),
        "+".join(formats),
        engine_label(chosen),
    )
    if chosen == "quarto":
        return dict(sorted(render_quarto(qmd_paths, formats).items()))
    pandoc_version(), typst_version()  # resolve once, before the threads
    if not jobs:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        jobs = min(8, 2 * cpus)  # pandoc runs mostly outside the GIL: overlap it with typst
    out: dict[Path, str] = {}
    if jobs == 1 or len(qmd_paths) == 1:
        for qmd in qmd_paths:
            out.update(render_pandoc(qmd, formats, cache_dir=cache_dir))
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for result in pool.map(lambda q: render_pandoc(q, formats, cache_dir=cache_dir), qmd_paths):
                out.update(result)
    return dict(sorted(out.items()))
