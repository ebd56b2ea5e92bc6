"""Every third-party package the code imports is declared in pyproject.toml, and every declared
package is used: imported, or run as a tool at a place named here.

Import names are mapped to distributions with importlib.metadata.packages_distributions()
(`yaml` -> PyYAML, `pypandoc` -> pypandoc-binary), so the check reads the installed metadata,
not a hand-kept table. (requirements.lock and environment.yml follow pyproject.toml:
test_environment_sync.py.)
"""

import ast
import functools
import re
import sys
from importlib import metadata

from packaging.utils import canonicalize_name
from test_environment_sync import ROOT, declared

# Where imports are read: the package, the rules' scripts, the tests, and the rule files
# (Snakemake syntax, so their import lines are read as text).
PYTHON_TREES = ["src", "workflow/scripts", "tests"]
SNAKEMAKE_FILES = [
    "Snakefile",
    *(f"workflow/rules/{p.name}" for p in (ROOT / "workflow/rules").glob("*.smk")),
]
# Declared packages that are run rather than imported, and the file that runs them.
TOOLS = {
    "snakemake-executor-plugin-slurm": ("profiles/slurm/config.yaml", "executor: slurm"),
    "ruff": ("Makefile", "$(BIN)/ruff"),
    "snakefmt": ("Makefile", "$(BIN)/snakefmt"),
    "pip-tools": ("Makefile", "$(BIN)/pip-compile"),
}


def _local_modules() -> set[str]:
    """The project's own modules: the package and the helper modules beside the tests."""
    local = {"miriam", "miriam_tools"}
    for tree in PYTHON_TREES:
        local |= {p.stem for p in (ROOT / tree).rglob("*.py")}
    return local


@functools.cache
def imported_modules() -> dict[str, set[str]]:
    """Top-level names of every absolute import -> the files that import them."""
    found: dict[str, set[str]] = {}
    for tree in PYTHON_TREES:
        for path in (ROOT / tree).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    for rel in SNAKEMAKE_FILES:
        for match in re.finditer(r"^\s*(?:from|import)\s+([\w.]+)", (ROOT / rel).read_text(), re.M):
            found.setdefault(match.group(1).split(".")[0], set()).add(rel)
    return found


@functools.cache
def packages_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def third_party_imports() -> dict[str, set[str]]:
    local = _local_modules()
    return {
        name: files
        for name, files in imported_modules().items()
        if name not in sys.stdlib_module_names and name not in local
    }


def test_every_third_party_import_is_declared():
    distributions = packages_distributions()
    names = declared()
    undeclared = {}
    for module, files in sorted(third_party_imports().items()):
        provided_by = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not provided_by & set(names):
            undeclared[module] = (sorted(provided_by) or "not installed", sorted(files)[:3])
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_declared_package_is_imported_or_run():
    distributions = packages_distributions()
    imported = {
        canonicalize_name(d) for module in third_party_imports() for d in distributions.get(module, [])
    }
    unused = []
    for name in declared():
        if name in imported:
            continue
        if name in TOOLS:
            path, marker = TOOLS[name]
            assert marker in (ROOT / path).read_text(), f"{name}: {marker!r} not in {path}"
            continue
        unused.append(name)
    assert not unused, f"declared in pyproject.toml but never imported or run: {unused}"


def test_the_check_sees_the_imports_it_must():
    """The scan itself: an aliased distribution, a lazy import, a Snakefile import."""
    found = third_party_imports()
    assert {"yaml", "pypandoc", "jsonschema", "snakemake", "pytest"} <= set(found)
    assert "miriam" not in found and "helpers" not in found and "os" not in found
