"""Reading and writing the tables that pass between stages, deterministically.

Parquet files are written without pandas' index, with rows sorted by the caller's keys,
without statistics that vary between runs, so that the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_table(df: pd.DataFrame, path: str | Path, *, sort_by: list[str] | None = None) -> None:
    """Write `df` as Parquet (and nothing else) atomically: a half-written file never exists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if sort_by:
        df = df.sort_values(sort_by, kind="stable")
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    # pandas metadata embeds the pandas version and column index details; drop it so
    # the bytes depend on the data only (dtypes are carried by the Arrow schema).
    table = table.replace_schema_metadata(None)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd", write_statistics=False)
    os.replace(tmp, path)


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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    df.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6g")
    os.replace(tmp, path)


def write_text(text: str, path: str | Path) -> None:
    """Write a text file atomically (UTF-8, LF)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file, read in chunks (raw exports can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_private_dir(path: str | Path) -> Path:
    """Create a private-zone directory readable by its owner only (mode 0700)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path
