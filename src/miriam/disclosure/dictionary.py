"""The data dictionary of the published tables: column, type, meaning, Dutch and French label.

The meanings live in workflow/data_dictionary.yaml (a reviewer reads them there); this joins
them with each table's real columns and types, so the dictionary can never describe a column
that is not there, and a published column without a meaning stops the build.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from miriam.errors import ConfigError

COLUMNS = ["table", "column", "type", "meaning", "label_nl", "label_fr"]


def data_dictionary(tables: Mapping[str, pd.DataFrame], spec: Mapping, source: str = "") -> pd.DataFrame:
    """One row per column of every table (tables in name order, columns in table order).

    Raises
    ------
    ConfigError
        Naming the table and column that has no entry in the dictionary.
    """
    shared = spec.get("columns", {})
    rows = []
    for name in sorted(tables):
        own = (spec.get("tables") or {}).get(name) or {}
        for column, dtype in tables[name].dtypes.items():
            entry = own.get(column) or shared.get(column)
            if entry is None:
                raise ConfigError(
                    f"published table '{name}' has a column '{column}' without a dictionary entry",
                    file=source or None,
                    expected=f"an entry under columns: or tables: {name}:",
                )
            rows.append((name, str(column), str(dtype), entry["meaning"], entry["nl"], entry["fr"]))
    return pd.DataFrame(rows, columns=COLUMNS).astype("string")
