"""The code an output depends on, as one digest: a script or module and every module of the
package it imports, transitively.

Snakemake watches the rule's script (workflow/scripts/*.py) but not the package that script
calls, where the logic lives. So each rule passes the digest of its script's code as a
``params:`` value (workflow/rules/common.smk): Snakemake re-runs a job whose params changed
(the default ``--rerun-triggers`` include ``params``), and everything downstream of it. The
chart and render caches (:mod:`miriam.provenance.cache`) put the same digest of their module into every
key, so that a change in, say, the rounding the charts print draws them again.

The imports are found by reading the source (``ast``), not by importing it: every ``import``
and ``from ... import`` of the package anywhere in a file (also inside functions), absolute or
relative, with the ``__init__`` of every package on the way. Nothing is hard-coded: moving a
module into a subpackage changes the imports, and the digest follows them. The digest covers
each module's name (relative to the package) and bytes, so it is the same in every checkout of
the same code, wherever it lies. Data files a module reads (templates, wording, stylesheets)
are not code: rules declare them as inputs and cache keys hash them as data.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import re
import sys
from pathlib import Path

#: The top-level package whose modules are followed (imports of anything else are libraries).
PACKAGE = __name__.split(".")[0]


def package_dir() -> Path:
    """The directory of the package as imported in this process."""
    return Path(sys.modules[PACKAGE].__file__).parent


def _module_file(name: str, root: Path) -> Path | None:
    """The file of module `name` (``miriam.x.y``) under the package directory `root`."""
    parts = name.split(".")[1:]
    base = root.joinpath(*parts)
    for candidate in (base / "__init__.py", base.with_name(base.name + ".py") if parts else None):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _is_package(name: str, root: Path) -> bool:
    return (root.joinpath(*name.split(".")[1:]) / "__init__.py").is_file()


#: An import statement at the start of a line: `import a.b`, `from .a import (b, c)` (with its
#: parenthesised or backslash-continued lines). Parsing only these, not the whole module, keeps
#: the digest of every rule well under a second at the workflow's start.
_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+[.\w]+[ \t]+import[ \t]*(?:\([^)]*\)|(?:[^\n\\]|\\\n)*)"
    rb"|import[ \t]+(?:[^\n\\]|\\\n)*)",
    re.MULTILINE,
)


@functools.cache
def _parse(path: Path) -> tuple[bytes, tuple[ast.stmt, ...]]:
    """The file's bytes and its import statements (also those inside functions or `if` blocks;
    a line of a docstring that reads like an import counts too: at worst the digest covers a
    module too many)."""
    data = path.read_bytes()
    statements: list[ast.stmt] = []
    for match in _IMPORT.finditer(data):
        try:
            statements += ast.parse(match.group(0).strip().decode("utf-8", "replace")).body
        except SyntaxError:
            continue
    return data, tuple(statements)


def _with_parents(name: str) -> list[str]:
    """`miriam.a.b` -> miriam, miriam.a, miriam.a.b: importing a module runs its packages' __init__."""
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


@functools.cache
def _imports(path: Path, module: str | None, root: Path) -> frozenset[str]:
    return frozenset(imports_of(path, module, root))


def imports_of(path: Path, module: str | None, root: Path) -> set[str]:
    """The package modules that the file at `path` imports directly (with their parent packages).

    `module` is the file's own dotted name, to resolve relative imports; None for a script
    outside the package (which has no relative imports)."""
    _, statements = _parse(path)
    own_package = None
    if module is not None:
        own_package = module if _is_package(module, root) else module.rpartition(".")[0]
    found: set[str] = set()

    def add(name: str) -> None:
        for candidate in _with_parents(name):
            if _module_file(candidate, root) is not None:
                found.add(candidate)

    for node in statements:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if own_package is None:
                    continue
                base_parts = own_package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if not (base == PACKAGE or base.startswith(PACKAGE + ".")):
                continue
            add(base)
            for alias in node.names:  # `from miriam import figures`: a module, not a name
                if alias.name != "*":
                    add(f"{base}.{alias.name}")
    return found


def _closure(path: Path, module: str | None, root: Path) -> list[str]:
    """Every package module the file imports, directly or through other modules, sorted."""
    seen: set[str] = set()
    todo = sorted(_imports(path, module, root))
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(sorted(_imports(_module_file(name, root), name, root) - seen))
    return sorted(seen)


def _digest(own: bytes, modules: list[str], root: Path) -> str:
    digest = hashlib.sha256()
    for label, data in [("", own)] + [(m, _parse(_module_file(m, root))[0]) for m in modules]:
        for part in (label.encode(), data):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


@functools.cache
def _script(script: Path, root: Path) -> tuple[str, tuple[str, ...]]:
    modules = _closure(script, None, root)
    return _digest(_parse(script)[0], modules, root), tuple(modules)


@functools.cache
def _module(module: str, root: Path) -> tuple[str, tuple[str, ...]]:
    path = _module_file(module, root)
    if path is None:
        raise ModuleNotFoundError(f"no module {module} under {root}")
    modules = sorted(set(_closure(path, module, root)) | set(_with_parents(module)))
    return _digest(b"", modules, root), tuple(modules)


def _root(root: str | Path | None) -> Path:
    return Path(root).resolve() if root is not None else package_dir().resolve()


def script_digest(script: str | Path, root: str | Path | None = None) -> str:
    """SHA-256 of a script and every package module it imports, transitively. `root` is the
    package directory (default: the package imported here). Computed once per process."""
    return _script(Path(script).resolve(), _root(root))[0]


def script_modules(script: str | Path, root: str | Path | None = None) -> list[str]:
    """The package modules `script_digest` covers (for logs, docs and tests)."""
    return list(_script(Path(script).resolve(), _root(root))[1])


def module_digest(module: str, root: str | Path | None = None) -> str:
    """SHA-256 of module `module` (dotted name, e.g. ``__name__``), the packages it lies in
    and every package module it imports, transitively."""
    return _module(module, _root(root))[0]


def module_modules(module: str, root: str | Path | None = None) -> list[str]:
    """The package modules `module_digest` covers."""
    return list(_module(module, _root(root))[1])


def clear() -> None:
    """Forget what was read (after editing a source in the same process, as tests do)."""
    for cached in (_parse, _imports, _script, _module):
        cached.cache_clear()
