"""The code digest a rule re-runs on and a cache key covers (miriam.code_digest), on a small
package written into a temporary directory: which modules a script reaches, and that the digest
changes with them and only with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from miriam.provenance import code_digest

# A package `miriam` laid out like the real one will be: modules at the top, a subpackage with
# an __init__ of its own, absolute and relative imports, an import inside a function, a
# parenthesised import over several lines, and a module nobody imports.
PACKAGE = {
    "__init__.py": '"""The package."""\n__version__ = "1"\n',
    "vocab.py": "LEVELS = ['national']\n",
    "printed.py": "from miriam.vocab import LEVELS\n\ndef round1(x):\n    return round(x, 1)\n",
    "figures.py": "from miriam.printed import round1\nfrom miriam import cache\n",
    "cache.py": "import hashlib\n",
    "indicators/__init__.py": "from .compute import compute\n",
    "indicators/compute.py": (
        "from __future__ import annotations\n\nfrom ..stats import (\n    paired,\n)\n\n"
        "def compute():\n    from miriam.vocab import LEVELS\n    return paired(LEVELS)\n"
    ),
    "stats.py": "import math\n\ndef paired(x):\n    return x\n",
    "demo.py": "import miriam.vocab\n",
    "unrelated.py": "X = 1\n",
}
SCRIPTS = {
    "compute_indicators.py": "from miriam import indicators, io_missing\n",
    "make_figures.py": "from miriam import figures\n",
    "generate_demo.py": '"""Prose like code:\n\nfrom miriam import stats\n"""\nimport miriam.demo\n',
}


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    root = tmp_path / "src" / "miriam"
    for name, text in PACKAGE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    for name, text in SCRIPTS.items():
        (scripts / name).write_text(text, encoding="utf-8")
    code_digest.clear()
    yield root, scripts
    code_digest.clear()


def _edit(path: Path, text: str = "\n# a comment\n") -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    code_digest.clear()


def test_a_script_reaches_every_module_it_imports_transitively(project):
    root, scripts = project
    assert code_digest.script_modules(scripts / "compute_indicators.py", root) == [
        "miriam",
        "miriam.indicators",
        "miriam.indicators.compute",  # through the subpackage's __init__ (relative import)
        "miriam.stats",  # `from ..stats import (...)` over several lines
        "miriam.vocab",  # imported inside a function
    ]
    assert code_digest.script_modules(scripts / "make_figures.py", root) == [
        "miriam",
        "miriam.cache",
        "miriam.figures",
        "miriam.printed",
        "miriam.vocab",
    ]
    # `import miriam.demo`; an import-like line of a docstring counts (a module too many at worst)
    assert code_digest.script_modules(scripts / "generate_demo.py", root) == [
        "miriam",
        "miriam.demo",
        "miriam.stats",
        "miriam.vocab",
    ]


def test_the_digest_changes_with_an_imported_module_only(project):
    root, scripts = project
    indicators, figures = scripts / "compute_indicators.py", scripts / "make_figures.py"
    before = {s: code_digest.script_digest(s, root) for s in (indicators, figures)}
    assert before == {s: code_digest.script_digest(s, root) for s in (indicators, figures)}

    _edit(root / "unrelated.py")
    assert {s: code_digest.script_digest(s, root) for s in (indicators, figures)} == before

    _edit(root / "stats.py")  # reached by indicators through two modules, not by figures
    after = {s: code_digest.script_digest(s, root) for s in (indicators, figures)}
    assert after[indicators] != before[indicators]
    assert after[figures] == before[figures]

    _edit(scripts / "make_figures.py", "\nprint('the script itself')\n")
    assert code_digest.script_digest(figures, root) != before[figures]


def test_a_module_digest_covers_what_the_module_imports(project):
    root, _ = project
    assert code_digest.module_modules("miriam.figures", root) == [
        "miriam",
        "miriam.cache",
        "miriam.figures",
        "miriam.printed",
        "miriam.vocab",
    ]
    before = code_digest.module_digest("miriam.figures", root)
    _edit(root / "indicators" / "compute.py")
    assert code_digest.module_digest("miriam.figures", root) == before
    _edit(root / "printed.py")  # the rounding the charts print
    assert code_digest.module_digest("miriam.figures", root) != before


def test_the_digest_does_not_depend_on_where_the_code_lies(project, tmp_path):
    import shutil

    root, scripts = project
    digest = code_digest.script_digest(scripts / "compute_indicators.py", root)
    copy = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "src", copy / "src")
    shutil.copytree(scripts, copy / "scripts")
    assert code_digest.script_digest(copy / "scripts" / "compute_indicators.py", copy / "src" / "miriam") == (
        digest
    )


def test_the_real_scripts_reach_the_modules_they_use():
    """On the shipped package: the indicators' module is code of the indicators rule, not of
    ingest; the rounding module is code of the charts (and so of their cache keys)."""
    from miriam import figures

    scripts = Path(__file__).resolve().parents[2] / "workflow" / "scripts"
    modules = {s.stem: code_digest.script_modules(s) for s in scripts.glob("*.py")}
    indicators = [m for m in code_digest.module_modules(figures.__name__) if m.endswith(".printed")]
    assert indicators, "the charts' code covers the rounding they print"
    assert any(m.endswith(".indicators") for m in modules["compute_indicators"])
    assert not any(m.endswith(".indicators") for m in modules["ingest_exports"])
