"""The publication plan: what may reach results/ (config/publication.yaml, docs/disclosure.md).

Publish by plan, fail closed. The indicator stage computes more than is published; this module
keeps the levels and columns the plan lists (a column it does not list stays private, so a new
catalogue column is never published by accident) and, once disclosure control has run, checks
that every published number about women is printed by a cell of the disclosure model
(:mod:`miriam.disclosure.cells`): a number no cell covers is a number no rule and no attack has seen, and
stops the build.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from miriam.disclosure.cells import Model
from miriam.errors import DisclosureError

log = logging.getLogger(__name__)


def load_plan(path: str | Path) -> dict[str, Any]:
    """The plan, validated against workflow/schemas/publication.schema.yaml."""
    from miriam import config

    return config.validate(config.load_yaml(path), "publication", path)


def apply_plan(
    tables: Mapping[str, pd.DataFrame], plan: Mapping[str, Any], levels: Mapping[str, list[str]] | None = None
) -> tuple[dict[str, pd.DataFrame], set[tuple[str, int, str]]]:
    """The tables cut to the plan's levels and columns (and to `levels`, config
    ``disclosure.levels``, where it is narrower), and the (family, row, column) of a column
    the plan publishes at some levels only (``values_at``) on the rows of the other levels.
    Those values stay in the tables: :func:`miriam.disclosure.disclose.disclose` withholds them (reason
    ``plan``), so that suppression and audit see what will really be published.

    Raises
    ------
    DisclosureError
        For a family the plan does not list: a table nobody declared is never published.
    """
    out, hidden = {}, set()
    for name, df in tables.items():
        spec = plan["tables"].get(name)
        if spec is None:
            raise DisclosureError(
                f"table '{name}' is not in the publication plan",
                expected="an entry tables.{name} in config/publication.yaml (levels, identifiers, values)",
            )
        wanted = [
            lvl for lvl in spec["levels"] if levels is None or name not in levels or lvl in levels[name]
        ]
        df = df[df["level"].astype(str).isin(wanted)].reset_index(drop=True)
        at_levels = spec.get("values_at", {})
        planned = [*spec["identifiers"], *spec["values"], *spec.get("facts", [])]
        planned += [c for cols in at_levels.values() for c in cols if c not in planned]
        dropped = [c for c in df.columns if c not in planned]
        if dropped:
            log.info("publication plan: table %s keeps private the columns %s", name, ", ".join(dropped))
        df = df[[c for c in df.columns if c in planned]].copy()
        for column in sorted({c for cols in at_levels.values() for c in cols} - set(spec["values"])):
            if column in df.columns:
                allowed = [lvl for lvl, cols in at_levels.items() if column in cols]
                rows = np.flatnonzero(~df["level"].astype(str).isin(allowed).to_numpy())
                hidden.update((name, int(i), column) for i in rows)
        out[name] = df
    return out, hidden


def check_coverage(published: Mapping[str, pd.DataFrame], model: Model, plan: Mapping[str, Any]) -> None:
    """Stop if a published number about women is printed by no cell of the model.

    Raises
    ------
    DisclosureError
        Naming the first few table / row / column that nothing covers.
    """
    covered: set[tuple[str, int, str]] = set()
    for places in model.places.values():
        for family, row, columns in places:
            covered.update((family, row, c) for c in columns)
    loose = []
    for name, df in published.items():
        spec = plan["tables"][name]
        values = [*spec["values"], *{c for cols in spec.get("values_at", {}).values() for c in cols}]
        facts = pd.Series(False, index=df.index)
        for column, rows in spec.get("fact_rows", {}).items():
            facts |= df[column].astype(str).isin([str(r) for r in rows])
        for column in (c for c in values if c in df.columns):
            shown = df[column].notna() & ~facts
            for i in np.flatnonzero(shown.to_numpy()):
                if (name, int(i), column) not in covered:
                    loose.append(f"{name} row {i} ({df.at[i, 'level']} {df.at[i, 'unit']}) column {column}")
    if loose:
        raise DisclosureError(
            f"{len(loose)} published number(s) are covered by no cell of the disclosure model, first: "
            + "; ".join(loose[:5]),
            expected="every published number about women is a cell of miriam.disclosure.cells (a "
            "relation the suppression and the audit know), or listed as a fact in config/publication.yaml",
        )
