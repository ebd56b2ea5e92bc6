"""Reading and writing the tables that pass between stages, deterministically.

Parquet files are written without pandas' index, with rows sorted by the caller's keys,
without statistics that vary between runs, so that the same inputs give the same bytes.

Owner-only zones: whatever is written under the project's `qa/` or `private/` folder (paths
taken relative to the working directory, which Snakemake sets to the project) gets directories
of mode 0700 and files of mode 0600, whatever the umask: row-level data and the reviewers'
files are for the research team's account only. The rule goes by path, so a new output under
these folders is covered without a change here. Atomic writes create their temporary file with
mode 0600, so the data is never readable by others, not even for a moment.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

OWNER_ONLY_ZONES = ("qa", "private", "verification")
OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600


def owner_only_zone(path: str | Path) -> Path | None:
    """The `qa/` or `private/` folder of the project that holds `path`, or None when `path`
    lies elsewhere (relative to the working directory: only the project's own zones count)."""
    absolute = Path(os.path.abspath(path))
    cwd = Path.cwd()
    try:
        parts = absolute.relative_to(cwd).parts
    except ValueError:
        return None
    if len(parts) > 1 and parts[0] in OWNER_ONLY_ZONES:
        return cwd / parts[0]
    return None


def make_owner_only_dirs(directory: str | Path, zone: Path) -> Path:
    """Create `directory` (inside `zone`) and every folder from `zone` down to it, mode 0700."""
    directory = Path(os.path.abspath(directory))
    for folder in [*reversed(directory.relative_to(zone).parents), directory.relative_to(zone)]:
        current = zone / folder
        current.mkdir(mode=OWNER_ONLY_DIR, exist_ok=True)
        if current.stat().st_mode & 0o777 != OWNER_ONLY_DIR:
            current.chmod(OWNER_ONLY_DIR)  # made earlier, or by Snakemake, with the umask's mode
    return directory


def _prepare(path: str | Path) -> tuple[Path, Path, bool]:
    """The target, its temporary twin (created 0600 in an owner-only zone) and whether the
    target is owner-only; creates the parent folders."""
    path = Path(path)
    zone = owner_only_zone(path)
    tmp = path.with_name(path.name + ".tmp")
    if zone is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path, tmp, False
    make_owner_only_dirs(path.parent, zone)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY_FILE))
    return path, tmp, True


def prepare_owner_only(path: str | Path) -> bool:
    """For writers that open `path` themselves (a log handler): inside an owner-only zone,
    create its folders (0700) and the file itself (0600) before anything is written into it.
    Returns whether `path` is owner-only."""
    zone = owner_only_zone(path)
    if zone is None:
        return False
    make_owner_only_dirs(Path(path).parent, zone)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, OWNER_ONLY_FILE))
    os.chmod(path, OWNER_ONLY_FILE)
    return True


def _commit(tmp: Path, path: Path, owner_only: bool) -> None:
    if owner_only:
        tmp.chmod(OWNER_ONLY_FILE)  # whatever the writer did; os.replace keeps the mode
    os.replace(tmp, path)


def write_table(df: pd.DataFrame, path: str | Path, *, sort_by: list[str] | None = None) -> None:
    """Write `df` as Parquet (and nothing else) atomically: a half-written file never exists."""
    path, tmp, owner_only = _prepare(path)
    if sort_by:
        df = df.sort_values(sort_by, kind="stable")
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    # pandas metadata embeds the pandas version and column index details; drop it so
    # the bytes depend on the data only (dtypes are carried by the Arrow schema).
    table = table.replace_schema_metadata(None)
    pq.write_table(table, tmp, compression="zstd", write_statistics=False)
    _commit(tmp, path, owner_only)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a Parquet table written by :func:`write_table`, nullable dtypes preserved."""
    return pq.read_table(path).to_pandas(types_mapper=_nullable_types)


def _nullable_types(arrow_type: pa.DataType):
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Write a CSV twin (UTF-8, comma, '.' decimals, LF) atomically."""
    path, tmp, owner_only = _prepare(path)
    df.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6g")
    _commit(tmp, path, owner_only)


def write_text(text: str, path: str | Path) -> None:
    """Write a text file atomically (UTF-8, LF)."""
    path, tmp, owner_only = _prepare(path)
    tmp.write_text(text, encoding="utf-8", newline="\n")
    _commit(tmp, path, owner_only)


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file, read in chunks (raw exports can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_private_dir(path: str | Path) -> Path:
    """Create a private-zone directory readable by its owner only (mode 0700), and so every
    folder above it inside the project's `qa/` or `private/` zone."""
    path = Path(path)
    zone = owner_only_zone(path / "_")
    if zone is not None:
        make_owner_only_dirs(path, zone)
        return path
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(OWNER_ONLY_DIR)
    return path
