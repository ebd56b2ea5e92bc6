"""The demo generator's marker: proof that a demo cohort's exports are the generator's own.

A demo cohort is pseudonymised with its public `demo_pseudonym_key`, which is harmless for
synthetic women only. A real export dropped into a demo cohort's folder would get pseudonyms
that anyone can recompute from the register numbers. So the demo generator writes
``DEMO-GENERATED.json`` beside the exports it writes, with the SHA-256 of each, and ingest of
a demo cohort refuses every export that is not listed there with that hash
(docs/stages/ingest.md, "Demo cohorts").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from miriam.errors import InputError
from miriam.io import sha256_file, write_text

MARKER_NAME = "DEMO-GENERATED.json"
NOTE = (
    "Written by the MIRIAM demo generator (src/miriam/demo.py, demo_wide.py): the SHA-256 of "
    "each synthetic export it wrote in this folder. Ingest of a demo cohort accepts only these "
    "files with these hashes. Never edit by hand; real exports belong to a real cohort."
)


def marker_path(export: str | Path) -> Path:
    """The marker that vouches for `export`: the one in its folder."""
    return Path(export).parent / MARKER_NAME


def record(paths: Iterable[str | Path]) -> list[Path]:
    """Record the current SHA-256 of each generated export in the marker of its folder (other
    files listed there stay listed); returns the markers written."""
    folders: dict[Path, list[Path]] = {}
    for path in map(Path, paths):
        folders.setdefault(path.parent, []).append(path)
    written = []
    for folder, files in sorted(folders.items()):
        marker = folder / MARKER_NAME
        hashes = _read(marker) or {}
        hashes.update({f.name: sha256_file(f) for f in files})
        data = {"note": NOTE, "sha256": dict(sorted(hashes.items()))}
        write_text(json.dumps(data, indent=2) + "\n", marker)
        written.append(marker)
    return written


def check(cohort_name: str, hashes: dict[str, str], root: Path) -> None:
    """Refuse a demo cohort's export that the demo generator did not write as it is now.

    `hashes`: SHA-256 per export path (relative to `root`), as ingest computed them.
    """
    for export, digest in hashes.items():
        marker = marker_path(export)
        listed = (_read(Path(root) / marker) or {}).get(Path(export).name)
        if listed == digest:
            continue
        if listed is None:
            problem = (
                f"cohort {cohort_name} is a demo cohort, but this export was not written by the "
                f"demo generator (it is not listed in {marker})"
            )
        else:
            problem = (
                f"cohort {cohort_name} is a demo cohort, but this export changed since the demo "
                f"generator wrote it (SHA-256 {digest[:12]}..., {marker} lists {listed[:12]}...)"
            )
        raise InputError(
            problem,
            file=export,
            expected="only exports written by the demo generator in a demo cohort (their public "
            "pseudonym key is for synthetic data only)",
            hint="A real export belongs to a real cohort (demo: false) with a secret pseudonym key "
            "(README, 'Pseudonym key'). To regenerate the demo exports, delete them and run the "
            "workflow again",
        )


def _read(marker: Path) -> dict[str, str] | None:
    if not marker.is_file():
        return None
    try:
        hashes = json.loads(marker.read_text(encoding="utf-8")).get("sha256")
    except (ValueError, AttributeError):
        return None  # unreadable: vouches for nothing
    return hashes if isinstance(hashes, dict) else None
