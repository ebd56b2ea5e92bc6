"""Contracts at stage boundaries, checked with pandera (lazy: every failure at once).

The schemas are built from the codebook, so a new instrument version brings its own checks.
A failure is not a traceback: the failure cases become rows of the QA report (file, row,
pseudonym, column, check), never with a name or a register number.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from miriam.config import Instrument
from miriam.vocab import ALL_WAVES

QA_COLUMNS = ["source_file", "source_row", "pseudonym", "column", "check", "value"]


def responses_schema(instrument: Instrument) -> pa.DataFrameSchema:
    """What clean guarantees: linked, typed, in range, one row per woman and wave."""
    columns: dict[str, pa.Column] = {
        "source_file": pa.Column("string"),
        "source_row": pa.Column("int64", pa.Check.ge(1)),
        "wave": pa.Column("string", pa.Check.isin(list(ALL_WAVES))),
        "pseudonym": pa.Column("string", pa.Check.str_matches(r"^[0-9a-f]{16}$")),
        "ocmw_id": pa.Column("string", pa.Check.str_matches(r"^\d{5}$")),
        "project_id": pa.Column("string", nullable=False),
        "region": pa.Column("string", pa.Check.isin(["flanders", "brussels", "wallonia"])),
    }
    for var in instrument.with_role("analysis", "quasi_identifier"):
        if var.kind in ("score", "integer"):
            check = pa.Check.in_range(var.scale["min"], var.scale["max"])
            columns[var.name] = pa.Column("Int64", check, nullable=True, required=False)
        elif var.kind == "category":
            codes = [str(c["code"]) for c in var.scale["categories"]]
            columns[var.name] = pa.Column("string", pa.Check.isin(codes), nullable=True, required=False)
    return pa.DataFrameSchema(
        columns,
        unique=["pseudonym", "wave"],
        strict=False,  # technical columns (dates, age) pass through; protect removes them
        name="clean responses",
    )


def check(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Validate lazily; return the failures as QA rows (empty when the frame is valid)."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _qa_rows(frame, errors.failure_cases)
    return pd.DataFrame(columns=QA_COLUMNS)


def _qa_rows(frame: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for case in cases.itertuples():
        index = case.index if isinstance(case.index, int) else None
        record = frame.loc[index] if index is not None and index in frame.index else None
        column = case.column if isinstance(case.column, str) else ""
        rows.append(
            {
                "source_file": record["source_file"] if record is not None else "",
                "source_row": int(record["source_row"]) if record is not None else -1,
                "pseudonym": record["pseudonym"] if record is not None else "",
                "column": column,
                "check": str(case.check),
                # Values of codebook analysis columns only: identifiers never reach this frame.
                "value": "" if column in ("pseudonym",) else str(case.failure_case),
            }
        )
    return pd.DataFrame(rows, columns=QA_COLUMNS)
