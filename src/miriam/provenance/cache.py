"""A content-addressed cache for the expensive, deterministic outputs: charts and rendered
documents.

Snakemake re-runs a rule when any of its inputs changed and deletes its outputs first; the
figure and render rules make dozens of files each, and after a change in one OCMW's answers
most of them are byte for byte what they were. So each output is stored under a key that
hashes everything it is made from (its data, its wording, the code that draws or renders it,
the engine's version): an unchanged key means the very same bytes, which are copied back
instead of being drawn or rendered again. The outputs are deterministic, so a build with the
cache writes exactly what a build without it writes. Delete the directory to start afresh.

The code in a key is :func:`miriam.provenance.code_digest.module_digest` of the calling module: that module
and every package module it imports, transitively (the rounding the charts print included), so
that no hand-kept list of files can miss one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

#: Where the cache lives, relative to the working directory (beside Snakemake's own state;
#: never published, never committed). `MIRIAM_CACHE` overrides it; an empty value disables.
DEFAULT_DIR = ".snakemake/miriam-cache"


def key(*parts: bytes | str) -> str:
    """The hash of the parts, in order (each length-prefixed, so parts cannot run together)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def source_of(*files: str | Path) -> bytes:
    """The bytes of source files (a module, a template), to put the code into a key."""
    return b"".join(Path(f).read_bytes() for f in files)


class Cache:
    """Files stored by key and kind: `get` copies them to their targets, `put` stores them."""

    def __init__(self, root: str | Path | None, kind: str) -> None:
        root = os.environ.get("MIRIAM_CACHE", str(root) if root else "")
        self.root = Path(root) / kind if root else None

    def get(self, digest: str, targets: list[Path]) -> bool:
        """Copy the stored files of `digest` onto `targets`; False (and nothing copied) when
        any is missing."""
        if self.root is None:
            return False
        stored = [self.root / digest[:2] / f"{digest}-{i}" for i in range(len(targets))]
        if not all(p.is_file() for p in stored):
            return False
        for source, target in zip(stored, targets, strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return True

    def put(self, digest: str, files: list[Path]) -> None:
        if self.root is None:
            return
        folder = self.root / digest[:2]
        folder.mkdir(parents=True, exist_ok=True)
        for i, path in enumerate(files):
            tmp = folder / f"{digest}-{i}.tmp{os.getpid()}"
            shutil.copyfile(path, tmp)
            os.replace(tmp, folder / f"{digest}-{i}")
