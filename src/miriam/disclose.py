"""Disclosure control: primary and secondary suppression of the aggregate tables (docs/disclosure.md).

The tables are seen as *cells* bound by *relations*:

- a cell is one publishable quantity: a count (``n_women``, ``n_paired``, a category count, the
  implicit total behind a ``pct`` column) or the group of means of one unit and item
  (``mean_baseline``, ``mean_endline``, ``mean_diff``, ``sd_diff`` share one fate, because
  ``mean_diff = mean_endline - mean_baseline`` would otherwise give one away from the others);
- a relation says that a parent cell is the sum of its children: a count at a parent unit is the
  sum of its children's counts, and ``n_paired * mean`` at a parent is the sum of its children's.

Primary suppression withholds the cells the thresholds forbid; secondary suppression then makes
sure that no relation has exactly one withheld member (it could be recovered by differencing),
to a fixed point. A project with one OCMW is a relation with a single child, so both always share
a fate. The tables are language-independent: the Dutch and French reports print the same cells,
so they show the same pattern by construction. :func:`miriam.audit.audit` judges the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from miriam.errors import DisclosureError

LEVELS = ("national", "region", "project", "ocmw")
UNIT_COUNTS = ("n_women", "n_baseline", "n_endline", "n_paired")
ITEM_COUNTS = ("n_baseline", "n_endline", "n_paired")
MEANS = "means"  # the quantity name of a unit x item group of means
TOTAL = "total"  # the quantity name of the implicit total behind a pct column
LOG_COLUMNS = ["table", "level", "unit", "key", "columns", "reason", "rule"]
# Reasons, most telling first: a row's `reason` is the first that applies to one of its cells.
REASONS = ("count_below_min_count", "n_below_min_n", "secondary")
_COUNT_COLUMNS = frozenset((*UNIT_COUNTS, "count"))

Cell = tuple[str, str, str, str]  # (table, unit, key: item or category or "", quantity)
Relation = tuple[Cell, list[Cell]]  # (parent, children)


def table_kind(name: str, df: pd.DataFrame) -> str:
    """Tell what a table is from its columns: 'units', 'items', 'counts' or 'log'.

    Raises
    ------
    DisclosureError
        When the shape is unknown: an unknown table must never pass the gate unchecked.
    """
    columns = set(df.columns)
    if {"table", "columns", "reason", "rule"} <= columns:
        return "log"
    if {"unit", "parent", "n_women"} <= columns:
        return "units"
    if {"unit", "item", "n_paired", "mean_diff"} <= columns:
        return "items"
    if {"unit", "category", "count"} <= columns:
        return "counts"
    raise DisclosureError(
        f"table '{name}' has a shape the disclosure step does not know",
        expected="a units, items or counts table as in docs/data-contracts.md",
    )


class Hierarchy:
    """The OCMW -> project -> region -> national tree, from the `units` table.

    Parameters
    ----------
    units
        The units table (columns ``level``, ``unit``, ``parent``).
    """

    def __init__(self, units: pd.DataFrame) -> None:
        self.level: dict[str, str] = dict(zip(units["unit"], units["level"], strict=True))
        self.children: dict[str, list[str]] = defaultdict(list)
        for unit, parent in sorted(zip(units["unit"], units["parent"].fillna(""), strict=True)):
            if parent:
                self.children[parent].append(unit)

    def families(self) -> list[tuple[str, list[str]]]:
        """Every (parent, sorted children) pair, in a deterministic order."""
        return sorted((p, kids) for p, kids in self.children.items() if kids)


def cell_values(name: str, kind: str, df: pd.DataFrame) -> dict[Cell, float]:
    """The value of every cell of one table (for a group of means: its n_paired).

    Parameters
    ----------
    name, kind
        Table name (as in the tables dict) and its kind (:func:`table_kind`).
    df
        The unsuppressed table.
    """
    values: dict[Cell, float] = {}
    if kind == "units":
        for q in UNIT_COUNTS:
            values.update({(name, u, "", q): float(v) for u, v in zip(df["unit"], df[q], strict=True)})
    elif kind == "items":
        for q in (*ITEM_COUNTS, MEANS):
            column = df["n_paired"] if q == MEANS else df[q]
            values.update(
                {(name, u, i, q): float(v) for u, i, v in zip(df["unit"], df["item"], column, strict=True)}
            )
    elif kind == "counts":
        rows = zip(df["unit"], df["category"], df["count"], strict=True)
        values.update({(name, u, c, "count"): float(v) for u, c, v in rows})
        if "pct" in df.columns:  # count / total: a published pct gives the total away
            totals = df.groupby("unit")["count"].sum()
            values.update({(name, u, "", TOTAL): float(v) for u, v in totals.items()})
    return values


def relations(values: dict[Cell, float], tree: Hierarchy) -> list[Relation]:
    """Every parent = sum(children) relation among the cells, deterministic order.

    Groups of means whose n_paired is 0 have no mean and carry no weight, so they are left
    out of the relations of means. Categories of a counts table with a pct column sum to the
    implicit total of their unit (the margin that pct reveals).
    """
    by_key: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for table, unit, key, q in values:
        by_key[(table, key, q)].add(unit)
    out: list[Relation] = []
    for (table, key, q), units in sorted(by_key.items()):
        for parent, kids in tree.families():
            cells = [(table, u, key, q) for u in kids if u in units]
            if q == MEANS:
                cells = [c for c in cells if values[c] > 0]
            p = (table, parent, key, q)
            if parent in units and cells and not (q == MEANS and values[p] == 0):
                out.append((p, cells))
    margins: dict[Cell, list[Cell]] = defaultdict(list)
    for cell in values:
        if cell[3] == "count" and (cell[0], cell[1], "", TOTAL) in values:
            margins[(cell[0], cell[1], "", TOTAL)].append(cell)
    out.extend((total, sorted(kids)) for total, kids in sorted(margins.items()))
    return out


def primary(
    values: dict[Cell, float], unit_n: dict[str, float], *, min_n: int, min_count: int
) -> dict[Cell, str]:
    """Cells the thresholds forbid, with their reason.

    Counts of 1 to min_count - 1 are withheld; 0 is published (config: "a published count cell
    is 0 or at least min_count"). Means need n_paired >= min_n for the item and for the unit.
    """
    withheld: dict[Cell, str] = {}
    for cell, value in values.items():
        if cell[3] == MEANS:
            if value < min_n or unit_n.get(cell[1], min_n) < min_n:
                withheld[cell] = "n_below_min_n"
        elif 0 < value < min_count:
            withheld[cell] = "count_below_min_count"
    return withheld


def _needed(cell: Cell, value: float, reason: str, min_count: int) -> float:
    """Smallest complement count that keeps `cell` as vague as its own rule makes it.

    With x and a complement y >= min_count summing to a known s, x <= s - min_count. For a
    primary x (known to lie in [1, m-1]) that must not cut below m-1: y >= 2m - 1 - x; for a
    secondary x (known >= m) the interval [m, x + y - m] must be m wide: y >= 3m - x.
    """
    if cell[3] == MEANS:
        return 0.0
    if reason == "count_below_min_count":
        return 2 * min_count - 1 - value
    return 3 * min_count - value


def _complement(
    hidden: Cell,
    relation: Relation,
    values: dict[Cell, float],
    withheld: dict[Cell, str],
    min_count: int,
    size: dict[str, float],
) -> Cell | None:
    """The published member to withhold so that `hidden` is not the only one of `relation`.

    Children first (the parent, a larger unit, is worth more to readers): the smallest child
    (by the unit's number of women, then id, so that every quantity picks the same unit) big
    enough to protect (see :func:`_needed`), else the largest child, else the parent. Zeros and
    empty means are never chosen: a withheld zero would make the attacker's knowledge
    ("0 or at least min_count") non-convex and the audit's linear program unsound.
    """
    parent, kids = relation
    free = [c for c in kids if c not in withheld and values[c] > 0]
    if free:
        need = _needed(hidden, values[hidden], withheld[hidden], min_count)
        ranked = sorted(free, key=lambda c: (size.get(c[1], 0.0), c[1]))
        enough = [c for c in ranked if values[c] >= need]
        return enough[0] if enough else max(free, key=lambda c: (values[c], c[1]))
    if parent not in withheld and values[parent] > 0:
        return parent
    return None


def count_groups(values: dict[Cell, float]) -> dict[str, list[Cell]]:
    """The nonzero counts of each unit, across all tables: they share one fate.

    Counts of one unit are tied by inequalities (paired <= baseline <= women, an item's n <=
    the unit's n): were some published, they would bound the withheld ones of the same unit
    and, through the sums, their complements. Zeros stay published (the attacker knows them).
    """
    groups: dict[str, list[Cell]] = defaultdict(list)
    for cell, value in sorted(values.items()):
        if cell[3] != MEANS and value > 0:
            groups[cell[1]].append(cell)
    return groups


def _withhold(
    cell: Cell,
    rule: str,
    withheld: dict[Cell, str],
    rules: dict[Cell, str],
    groups: dict[str, list[Cell]],
) -> None:
    """Withhold `cell` as secondary, and the other counts of its unit with it."""
    if cell not in withheld:
        withheld[cell], rules[cell] = "secondary", rule
    if cell[3] != MEANS:
        for other in groups.get(cell[1], []):
            if other not in withheld:
                withheld[other] = "secondary"
                rules[other] = f"secondary: counts of a unit share one fate ({_label(cell)})"


def secondary(
    values: dict[Cell, float],
    rels: list[Relation],
    withheld: dict[Cell, str],
    min_count: int,
    size: dict[str, float] | None = None,
) -> dict[Cell, str]:
    """Withhold complements until no relation has exactly one withheld member.

    Parameters
    ----------
    values
        Every cell's value (:func:`cell_values`).
    rels
        The relations (:func:`relations`).
    withheld
        Primary cells and their reasons; updated in place with the secondary ones.
    min_count
        The count threshold (how big a complement must be).
    size
        Number of women per unit, to rank complements.

    Returns
    -------
    dict
        For every secondary cell, the rule that made it (which cell and relation it protects).
    """
    size = size or {}
    groups = count_groups(values)
    rules: dict[Cell, str] = {}
    for cell in [c for c in withheld if c[3] != MEANS]:
        _withhold(cell, "", withheld, rules, groups)
    changed = True
    while changed:  # each pass only adds cells, so this ends
        changed = False
        for relation in rels:
            members = [relation[0], *relation[1]]
            hidden = [c for c in members if c in withheld]
            if len(hidden) != 1:
                continue
            choice = _complement(hidden[0], relation, values, withheld, min_count, size)
            if choice is not None:
                rule = f"secondary: complement of {_label(hidden[0])} under {relation[0][1]}"
                _withhold(choice, rule, withheld, rules, groups)
                changed = True
    return rules


def _label(cell: Cell) -> str:
    """A row-level name for a cell (table/unit/key): which value of the row is never said."""
    table, unit, key, _ = cell
    return "/".join(part for part in (table, unit, key) if part)


def disclose(
    tables: dict[str, pd.DataFrame],
    *,
    min_n: int,
    min_count: int,
    mean_decimals: int = 1,
    pct_decimals: int = 0,
    score_range: tuple[float, float] | dict[str, tuple[float, float]] = (0, 10),
    mean_width: float = 2.0,
    max_repairs: int = 20,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Apply primary and secondary suppression and round what is published.

    The pattern rules (:func:`secondary`) stop differencing by one relation; combinations of
    relations and inequalities can still narrow a value. So the audit is run on the result and,
    while a sensitive value fails, one more complement is withheld next to it (then the rules
    again), at most `max_repairs` rounds. The workflow audits the final result once more.

    Parameters
    ----------
    tables
        Unsuppressed tables by name; exactly one must be a units table (the hierarchy).
    min_n
        Means need at least this many paired women.
    min_count
        A published count is 0 or at least this.
    mean_decimals, pct_decimals
        Published means (and sd) and percentages are rounded here, so that what the audit
        assumes about rounding is what is published.
    score_range, mean_width, max_repairs
        Passed to the audit that drives the repair rounds.

    Returns
    -------
    published : dict of DataFrame
        Same rows and columns, withheld values null, plus ``status`` and ``reason``
        (units: ``published`` and ``reason``).
    log : DataFrame
        One row per table row with a withheld value: table, level, unit, key (item or
        category), columns (the withheld ones, '|'-joined), reason, rule; never a value.
    """
    kinds = {name: table_kind(name, df) for name, df in tables.items()}
    units_names = [n for n, k in kinds.items() if k == "units"]
    if len(units_names) != 1:
        raise DisclosureError(
            f"disclosure needs exactly one units table, got {len(units_names)}",
            expected="a table with columns unit, parent, n_women",
        )
    units = tables[units_names[0]]
    tree = Hierarchy(units)
    values: dict[Cell, float] = {}
    for name, df in tables.items():
        values.update(cell_values(name, kinds[name], df))
    unit_n = dict(zip(units["unit"], units["n_paired"].astype(float), strict=True))
    withheld = primary(values, unit_n, min_n=min_n, min_count=min_count)
    rules = {c: _primary_rule(r, min_n, min_count) for c, r in withheld.items()}
    size = dict(zip(units["unit"], units["n_women"].astype(float), strict=True))
    rels = relations(values, tree)
    rules.update(secondary(values, rels, withheld, min_count, size))
    from miriam.audit import audit  # here: the audit module builds on this one

    for _ in range(max_repairs + 1):
        published, log = _publish(tables, kinds, units_names[0], withheld, rules, mean_decimals, pct_decimals)
        result = audit(
            published,
            min_n=min_n,
            min_count=min_count,
            score_range=score_range,
            mean_width=mean_width,
            mean_decimals=mean_decimals,
            pct_decimals=pct_decimals,
            private=tables,
        )
        failing = result[~result["ok"]]
        if failing.empty or not _repair(failing, rels, values, withheld, rules, min_count, size):
            break
        rules.update(secondary(values, rels, withheld, min_count, size))
    return published, log


def _publish(
    tables: dict[str, pd.DataFrame],
    kinds: dict[str, str],
    units_name: str,
    withheld: dict[Cell, str],
    rules: dict[Cell, str],
    mean_decimals: int,
    pct_decimals: int,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The published tables and the log for a suppression pattern."""
    published, log_rows = {}, []
    for name, df in tables.items():
        published[name], rows = _apply(name, kinds[name], df, withheld, rules, mean_decimals, pct_decimals)
        log_rows.extend(rows)
    published[units_name] = _unit_flags(published, kinds, units_name, withheld)
    order = {level: i for i, level in enumerate(LEVELS)}
    log = pd.DataFrame(log_rows, columns=LOG_COLUMNS).astype("string")
    log = log.assign(_l=log["level"].map(order)).sort_values(["table", "_l", "unit", "key"])
    return published, log.drop(columns="_l").reset_index(drop=True)


def _repair(
    failing: pd.DataFrame,
    rels: list[Relation],
    values: dict[Cell, float],
    withheld: dict[Cell, str],
    rules: dict[Cell, str],
    min_count: int,
    size: dict[str, float],
) -> bool:
    """Withhold one more complement next to every value the audit could narrow.

    Returns
    -------
    bool
        Whether anything was added (if not, repairing cannot help and the audit will fail).
    """
    added, touched = False, set()  # one complement per parent and round: then audit again
    groups = count_groups(values)
    for row in failing.itertuples():
        quantity = MEANS if row.quantity.startswith("mean") else row.quantity
        cell: Cell | None = (row.table, row.unit, row.item, quantity)
        while cell is not None:  # no complement left here: widen one level up
            done = False
            for relation in (r for r in rels if cell in r[1] or cell == r[0]):
                if relation[0][1] in touched:
                    done = True
                    break
                choice = _complement(cell, relation, values, withheld, min_count, size)
                if choice is not None:
                    rule = f"secondary: audit repair for {_label((row.table, row.unit, row.item, ''))}"
                    _withhold(choice, rule, withheld, rules, groups)
                    added, done = True, True
                    touched.add(relation[0][1])
                    break
            above = [r[0] for r in rels if cell in r[1]]
            cell = None if done or not above else above[0]
    return added


def _primary_rule(reason: str, min_n: int, min_count: int) -> str:
    if reason == "n_below_min_n":
        return f"primary: n_paired below min_n ({min_n})"
    return f"primary: count between 1 and min_count - 1 ({min_count - 1})"


def statistic_columns(df: pd.DataFrame) -> list[str]:
    """The columns of an items table that follow the fate of its means.

    Every column that is not an identifier or a count: the means, ``sd_diff``, and any other
    statistic over the paired women (``pct_improved`` ...). A column added later is withheld
    with the means by default rather than published by mistake.
    """
    fixed = {"level", "unit", "item", "group", *ITEM_COUNTS, "status", "reason"}
    return [c for c in df.columns if c not in fixed]


def _columns(kind: str, q: str, df: pd.DataFrame) -> list[str]:
    """The columns a cell's quantity occupies in its table's row."""
    if q == MEANS:
        return statistic_columns(df)
    if q == "count":
        return ["count", "pct"] if "pct" in df.columns else ["count"]
    if q == TOTAL:
        return ["pct"]
    return [q]


def _row_cells(name: str, kind: str, df: pd.DataFrame) -> Iterable[tuple[int, Cell]]:
    """(row position, cell) for every cell of a table; a total cell maps to all its rows."""
    if kind == "units":
        for i, u in enumerate(df["unit"]):
            yield from ((i, (name, u, "", q)) for q in UNIT_COUNTS)
    elif kind == "items":
        for i, (u, item) in enumerate(zip(df["unit"], df["item"], strict=True)):
            yield from ((i, (name, u, item, q)) for q in (*ITEM_COUNTS, MEANS))
    elif kind == "counts":
        for i, (u, c) in enumerate(zip(df["unit"], df["category"], strict=True)):
            yield i, (name, u, c, "count")
            if "pct" in df.columns:
                yield i, (name, u, "", TOTAL)


def _apply(
    name: str,
    kind: str,
    df: pd.DataFrame,
    withheld: dict[Cell, str],
    rules: dict[Cell, str],
    mean_decimals: int,
    pct_decimals: int,
) -> tuple[pd.DataFrame, list[tuple]]:
    """Null the withheld values of one table, round the rest, add status and reason.

    A row's reason is the most telling reason among its withheld values; it is all that is
    published about why (per value reasons would tell the attacker, e.g., that a count next
    to a small one is at least min_count, which can pin the small one down).

    Returns
    -------
    The published table and its log rows (table, level, unit, key, columns, reason, rule).
    """
    out = df.copy().reset_index(drop=True)
    if kind == "log":
        return out, []
    rounded = statistic_columns(out) if kind == "items" else ["pct"] if "pct" in out else []
    for column in rounded:  # percentages to pct_decimals, means and sds to mean_decimals
        decimals = pct_decimals if column.startswith("pct") else mean_decimals
        out[column] = out[column].astype("float64").round(decimals)
    for column in ITEM_COUNTS + UNIT_COUNTS + ("count",):
        if column in out.columns:  # nullable, so that a withheld count is null, not a float
            out[column] = out[column].astype("Int64")
    hidden: dict[int, list[Cell]] = defaultdict(list)
    for i, cell in _row_cells(name, kind, out):
        if cell in withheld:
            for column in _columns(kind, cell[3], out):
                out.loc[i, column] = pd.NA if column in _COUNT_COLUMNS else np.nan
            hidden[i].append(cell)
    top = {i: min(cells, key=lambda c: REASONS.index(withheld[c])) for i, cells in hidden.items()}
    first = {i: withheld[c] for i, c in top.items()}
    # A unit with a small count says so on every row whose counts it withholds: a row saying
    # "secondary" would tell that its counts are >= min_count and bound the small ones.
    small_units = {c[1] for c, r in withheld.items() if r == "count_below_min_count"}
    for i, cells in hidden.items():
        if cells[0][1] in small_units and any(c[3] != MEANS for c in cells):
            first[i] = "count_below_min_count"
            top[i] = next((c for c in cells if withheld[c] == first[i]), top[i])
    keys = row_keys(out)
    log = [
        (
            name,
            out.loc[i, "level"],
            out.loc[i, "unit"],
            keys[i],
            "|".join(dict.fromkeys(col for c in hidden[i] for col in _columns(kind, c[3], out))),
            first[i],
            rules[top[i]],
        )
        for i in sorted(hidden)
    ]
    out["reason"] = pd.array([first.get(i, "") for i in range(len(out))], dtype="string")
    if kind != "units":
        status = ["withheld" if i in first else "published" for i in range(len(out))]
        out["status"] = pd.array(status, dtype="string")
        out = out[[c for c in out.columns if c != "reason"] + ["reason"]]
    return out, log


def row_keys(df: pd.DataFrame) -> list[str]:
    """The item or category of every row ('' in the units table)."""
    for column in ("item", "category"):
        if column in df.columns:
            return list(df[column])
    return [""] * len(df)


def _unit_flags(
    published: dict[str, pd.DataFrame], kinds: dict[str, str], units_name: str, withheld: dict
) -> pd.DataFrame:
    """`published` is True when a unit's counts are shown and at least one of its items is.

    That is what a chart or a factsheet of the unit needs; `reason` then explains a False.
    """
    units = published[units_name].copy()
    item_reasons: dict[str, list[str]] = defaultdict(list)
    shown: set[str] = set()
    for cell, reason in withheld.items():
        if cell[3] == MEANS:
            item_reasons[cell[1]].append(reason)
    for name, kind in kinds.items():
        if kind == "items":
            df = published[name]
            shown |= set(df.loc[df["mean_diff"].notna(), "unit"])
    has_items = any(k == "items" for k in kinds.values())
    flags, reasons = [], []
    for unit, reason in zip(units["unit"], units["reason"], strict=True):
        ok = reason == "" and (unit in shown or not has_items)
        flags.append(ok)
        if reason == "" and not ok:
            reason = min(item_reasons.get(unit, ["n_below_min_n"]), key=REASONS.index)
        reasons.append("" if ok else reason)
    units["published"] = pd.array(flags, dtype="boolean")
    units["reason"] = pd.array(reasons, dtype="string")
    return units
