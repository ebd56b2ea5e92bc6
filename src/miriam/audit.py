"""The audit: attack the published tables and measure how well each withheld value survives.

For every withheld value the audit computes the tightest interval [lower, upper] that the
published numbers prove, by linear programming (scipy's HiGHS through ``linprog``), and compares
its width with the protection required (docs/disclosure.md). What the attacker is given:

- every published number, with the interval its rounding allows: counts exact, means
  +- half a unit of their last decimal, percentages likewise;
- the hierarchy: a count at a parent is the sum of its children's; ``n_paired * mean`` at a
  parent is the sum of its children's; ``mean_diff = mean_endline - mean_baseline``;
- the obvious inequalities between counts (paired <= baseline <= women ...);
- the disclosure log: a count withheld by the primary rule lies in [1, min_count - 1], a
  secondary one is at least min_count, every mean lies in the score range;
- every n_paired, even withheld ones (the true ones when ``private`` is given). Knowing more
  can only narrow the attacker's interval, so this keeps the audit on the safe side and the
  weighted sums of means linear.

Counts are relaxed to reals (then the bounds are rounded inwards to integers); an attacker who
solves the integer problem may do slightly better, see docs/disclosure.md.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array

from miriam.disclose import (
    ITEM_COUNTS,
    LEVELS,
    MEANS,
    TOTAL,
    UNIT_COUNTS,
    Cell,
    Hierarchy,
    relations,
    row_keys,
    table_kind,
)
from miriam.errors import DisclosureError

MEAN_QUANTITIES = ("mean_baseline", "mean_endline", "mean_diff")
AUDIT_COLUMNS = [
    "table",
    "level",
    "unit",
    "item",
    "quantity",
    "lower",
    "upper",
    "width",
    "required_width",
    "exact",
    "ok",
]
Row = tuple[dict[Cell, float], float, float]  # lower <= sum(coef * cell) <= upper
INF = math.inf
TOL = 1e-6


class System:
    """A linear system over cells: bounds per cell and two-sided rows."""

    def __init__(self) -> None:
        self.bounds: dict[Cell, tuple[float, float]] = {}
        self.rows: list[Row] = []

    def equal(self, coefs: dict[Cell, float], value: float = 0.0) -> None:
        """Add sum(coef * cell) == value, when every cell is in the system."""
        if all(c in self.bounds for c in coefs):
            self.rows.append((coefs, value, value))

    def at_most(self, coefs: dict[Cell, float], value: float = 0.0) -> None:
        """Add sum(coef * cell) <= value, when every cell is in the system."""
        if all(c in self.bounds for c in coefs):
            self.rows.append((coefs, -INF, value))


def audit(
    published: dict[str, pd.DataFrame],
    *,
    min_n: int,
    min_count: int,
    score_range: tuple[float, float] | dict[str, tuple[float, float]] = (0, 10),
    mean_width: float = 2.0,
    mean_decimals: int = 1,
    pct_decimals: int = 0,
    private: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The attacker's tightest interval for every withheld value.

    Parameters
    ----------
    published
        Everything published, as returned by :func:`miriam.disclose.disclose` (a disclosure
        log among them is ignored: it says nothing the tables' reason columns do not).
    min_n, min_count
        The thresholds the tables were disclosed with.
    score_range
        Range of the item scores, one for all or per item (from the instrument's scales);
        mean_diff ranges over plus or minus its width.
    mean_width
        A withheld mean must not be pinned to an interval narrower than this, in points of a
        0-10 scale (scaled to each item's range: 14 points on a 0-70 scale).
    mean_decimals, pct_decimals
        Decimals means and percentages are published with (the rounding the attacker sees).
    private
        The unsuppressed tables. Used only to give the attacker more than is published (every
        n_paired; which count of a row is the small one when the row's n_paired is 0); without
        them, an integer point consistent with the published counts stands in for n_paired.

    Returns
    -------
    DataFrame
        One row per withheld value: table, level, unit, item, quantity, lower, upper, width,
        required_width, exact, ok. Complements (required width 0) are listed without an
        interval. ``exact`` False: the interval is spanned by solutions already found for other
        cells, wide enough to prove ``ok``; it lies inside the attacker's, so ``width`` is a lower
        bound. Only :func:`report` of it may be published (no bounds).
    """
    kinds = {name: table_kind(name, df) for name, df in published.items()}
    tables = {n: df for n, df in published.items() if kinds[n] != "log"}
    kinds = {n: kinds[n] for n in tables}
    units_name = next(n for n, k in kinds.items() if k == "units")
    tree = Hierarchy(tables[units_name])
    _check_rounding(tables, kinds, mean_decimals, pct_decimals)
    bounds, required = count_knowledge(tables, kinds, min_n, min_count, private)
    counts = count_system(tables, kinds, tree, bounds, 0.5 * 10.0**-pct_decimals)
    results = _solve_counts(counts, required, tree)
    n_star = _paired_counts(tables, kinds, counts, private)
    for name, kind in kinds.items():
        if kind == "items":
            for item in sorted(tables[name]["item"].unique()):
                lo, hi = _item_range(score_range, item)
                half = 0.5 * 10.0**-mean_decimals
                system, targets = mean_system(tables[name], name, item, tree, n_star, (lo, hi), half)
                need = _mean_required(tables[name], item, mean_width * (hi - lo) / 10)
                wanted = {c: need[c[1]] for c in targets if need[c[1]] > 0}
                solved = _intervals(system, list(wanted), enough=wanted)
                for cell in targets:
                    lo, hi, exact = solved.get(cell, (np.nan, np.nan, False))
                    results.append(_result(cell, tree, lo, hi, need[cell[1]], exact))
    out = pd.DataFrame(results, columns=AUDIT_COLUMNS)
    out["_l"] = out["level"].map({level: i for i, level in enumerate(LEVELS)})
    out = out.sort_values(["table", "_l", "unit", "item", "quantity"], kind="stable")
    return out.drop(columns="_l").reset_index(drop=True)


def report(audit_df: pd.DataFrame) -> pd.DataFrame:
    """The audit as it may be published: widths and verdicts, never the bounds."""
    return audit_df.drop(columns=["lower", "upper"])


def check_audit(audit_df: pd.DataFrame) -> None:
    """Raise if any withheld value can be narrowed below its required width.

    Raises
    ------
    DisclosureError
        Naming the first failing cell and its width (never its bounds).
    """
    failing = audit_df[~audit_df["ok"].astype(bool)]
    if failing.empty:
        return
    row = failing.iloc[0]
    where = "/".join(str(p) for p in (row["table"], row["unit"], row["item"], row["quantity"]) if p)
    raise DisclosureError(
        f"the withheld value {where} ({row['level']}) can be recovered to within "
        f"{row['width']:.3g}, {len(failing)} value(s) fail in all",
        expected=f"an interval at least {row['required_width']:.3g} wide",
        hint="Withhold more cells (see docs/disclosure.md) or raise the thresholds",
    )


def _check_rounding(tables: dict, kinds: dict, mean_decimals: int, pct_decimals: int) -> None:
    """The audit's rounding intervals are only sound if values are published that rounded."""
    for name, df in tables.items():
        for column, decimals in [*((c, mean_decimals) for c in MEAN_QUANTITIES), ("pct", pct_decimals)]:
            if column in df.columns:
                v = df[column].astype("float64").dropna().to_numpy()
                if not np.allclose(v, np.round(v, decimals), rtol=0, atol=1e-9):
                    raise DisclosureError(
                        f"table '{name}' column '{column}' is published with more than {decimals} decimals",
                        expected="values rounded by miriam.disclose.disclose",
                    )


def _count_columns(kind: str) -> tuple[str, ...]:
    return UNIT_COUNTS if kind == "units" else ITEM_COUNTS if kind == "items" else ("count",)


def count_knowledge(
    tables: dict[str, pd.DataFrame],
    kinds: dict[str, str],
    min_n: int,
    min_count: int,
    private: dict[str, pd.DataFrame] | None,
) -> tuple[dict[Cell, tuple[float, float]], dict[Cell, float]]:
    """What the attacker knows of every count cell, and the width each withheld one needs.

    A published count is exact. A withheld one is not zero (zeros are published). The row's
    reason tells the rest: ``count_below_min_count`` means that the unit has a small count
    (1 to min_count - 1) somewhere; the attacker is credited with knowing exactly which counts
    are small (from the private tables; without them, the row's n_paired is taken as the small
    one, which is only an approximation). Any other reason means no count of the row is small
    (>= min_count), and, for an item, ``n_below_min_n`` bounds n_paired by min_n - 1 while
    ``secondary`` means at least min_n.

    Small counts are sensitive: they need the width of the rule's own interval (min_count - 2),
    i.e. the published numbers must not narrow it at all. Other withheld cells are complements:
    they need no protection (their interval is not computed).
    """
    bounds: dict[Cell, tuple[float, float]] = {}
    required: dict[Cell, float] = {}
    small = min_count - 1.0
    for name, kind in kinds.items():
        df = tables[name]
        keys = row_keys(df)
        columns = _count_columns(kind)
        values = {q: df[q].astype("Float64").astype("float64").to_numpy() for q in columns}
        truth = _private_rows(private, name, columns)
        for i, (unit, key, reason) in enumerate(zip(df["unit"], keys, df["reason"].fillna(""), strict=True)):
            row = {q: values[q][i] for q in columns}
            low = "count" if kind == "counts" else "n_paired"  # the smallest count of a row
            for q, v in row.items():
                cell = (name, unit, key, q)
                if not np.isnan(v):
                    bounds[cell] = (v, v)
                    continue
                lo, hi = 1.0, INF
                if reason == "count_below_min_count":
                    # The row (or another row of its unit) holds a small count. The attacker is
                    # credited with knowing which counts are small (more than is published).
                    true = truth.get((unit, key, q))
                    if true is None:  # no private tables: n_paired is the row's smallest
                        hi = small if q == low else INF
                    else:
                        hi = small if true <= small else INF
                    required[cell] = min_count - 2.0 if hi == small or true is None else 0.0
                else:
                    required[cell] = 0.0
                    lo = float(min_count)
                    if kind == "items" and q == "n_paired":
                        lo, hi = (lo, min_n - 1.0) if reason == "n_below_min_n" else (max(lo, min_n), hi)
                bounds[cell] = (lo, hi)
        if kind == "counts" and "pct" in df.columns:
            for unit in df["unit"].unique():
                bounds[(name, unit, "", TOTAL)] = (0.0, INF)
                required[(name, unit, "", TOTAL)] = 0.0
    return bounds, required


def _private_rows(
    private: dict[str, pd.DataFrame] | None, name: str, columns: tuple[str, ...]
) -> dict[tuple[str, str, str], float]:
    """True counts by (unit, key, column), when the private tables are given."""
    if private is None or name not in private:
        return {}
    df = private[name]
    keys = row_keys(df)
    return {(u, k, q): float(v) for q in columns for u, k, v in zip(df["unit"], keys, df[q], strict=True)}


def _item_range(
    score_range: tuple[float, float] | dict[str, tuple[float, float]], item: str
) -> tuple[float, float]:
    """The score range of one item."""
    if not isinstance(score_range, dict):
        return float(score_range[0]), float(score_range[1])
    if item not in score_range:
        raise DisclosureError(
            f"the audit has no score range for item '{item}'",
            expected="a range for every item (its scale's min and max in the instrument)",
        )
    lo, hi = score_range[item]
    return float(lo), float(hi)


def _mean_required(df: pd.DataFrame, item: str, mean_width: float) -> dict[str, float]:
    """Means withheld by a primary rule need `mean_width`; complements need nothing."""
    rows = df[df["item"] == item]
    primary = rows["reason"].fillna("").isin(["n_below_min_n", "count_below_min_count"])
    return dict(zip(rows["unit"], np.where(primary, mean_width, 0.0), strict=True))


def count_system(
    tables: dict[str, pd.DataFrame],
    kinds: dict[str, str],
    tree: Hierarchy,
    bounds: dict[Cell, tuple[float, float]],
    pct_half: float,
) -> System:
    """Every count cell, the sums along the hierarchy and the inequalities between counts."""
    system = System()
    system.bounds = dict(bounds)
    for parent, kids in relations(dict.fromkeys(bounds, 1.0), tree):
        system.equal({parent: 1.0, **{k: -1.0 for k in kids}})
    units_name = next(n for n, k in kinds.items() if k == "units")
    for unit in tree.level:
        _wave_inequalities(system, (units_name, unit, ""), (units_name, unit, ""))
    for name, kind in kinds.items():
        if kind == "items":
            for unit, item in zip(tables[name]["unit"], tables[name]["item"], strict=True):
                _wave_inequalities(system, (name, unit, item), (units_name, unit, ""))
        if kind == "counts" and "pct" in tables[name].columns:
            _pct_rows(system, name, tables[name], pct_half)
    return system


def _wave_inequalities(system: System, row: tuple, unit_row: tuple) -> None:
    """paired <= baseline, endline <= the unit's; baseline or endline <= women of the unit."""
    b, e, p = ((*row, q) for q in ("n_baseline", "n_endline", "n_paired"))
    women = (*unit_row, "n_women")
    system.at_most({p: 1.0, b: -1.0})
    system.at_most({p: 1.0, e: -1.0})
    system.at_most({b: 1.0, e: 1.0, p: -1.0, women: -1.0})
    if row != unit_row:
        for q in ("n_baseline", "n_endline", "n_paired"):
            system.at_most({(*row, q): 1.0, (*unit_row, q): -1.0})


def _pct_rows(system: System, name: str, df: pd.DataFrame, half: float) -> None:
    """A published pct of a published count bounds the unit's total: count ~ pct/100 * total."""
    for unit, category, pct in zip(df["unit"], df["category"], df["pct"].astype("float64"), strict=True):
        if not np.isnan(pct):
            count, total = (name, unit, category, "count"), (name, unit, "", TOTAL)
            system.rows.append(({count: 1.0, total: -max(pct - half, 0.0) / 100}, 0.0, INF))
            system.rows.append(({count: 1.0, total: -(pct + half) / 100}, -INF, 0.0))


def mean_system(
    df: pd.DataFrame,
    name: str,
    item: str,
    tree: Hierarchy,
    n_star: dict[Cell, float],
    score_range: tuple[float, float],
    half: float,
) -> tuple[System, list[Cell]]:
    """The means of one item: weighted sums along the hierarchy, rounding intervals, ranges.

    Returns the system and the withheld mean cells (the targets).
    """
    lo, hi = score_range
    span = {"mean_baseline": (lo, hi), "mean_endline": (lo, hi), "mean_diff": (lo - hi, hi - lo)}
    system, targets = System(), []
    rows = df[df["item"] == item]
    weights = {(name, u, item, MEANS): n_star[(name, u, item, "n_paired")] for u in rows["unit"]}
    for q in MEAN_QUANTITIES:
        for unit, value in zip(rows["unit"], rows[q].astype("float64"), strict=True):
            if weights[(name, unit, item, MEANS)] <= 0:
                continue  # no paired woman, no mean
            cell, (a, b) = (name, unit, item, q), span[q]
            if np.isnan(value):
                system.bounds[cell] = (a, b)
                targets.append(cell)
            elif not a - half <= value <= b + half:
                raise DisclosureError(
                    f"item '{item}' has a published {q} outside its score range {lo}-{hi}",
                    expected="score_range set from the item's scale in the instrument",
                )
            else:
                system.bounds[cell] = (max(a, value - half), min(b, value + half))
    for parent, kids in relations(weights, tree):
        for q in MEAN_QUANTITIES:
            coefs = {(*parent[:3], q): weights[parent]}
            coefs.update({(*k[:3], q): -weights[k] for k in kids})
            system.equal(coefs)
    for unit in rows["unit"]:
        key = (name, unit, item)
        system.equal({(*key, "mean_diff"): 1.0, (*key, "mean_endline"): -1.0, (*key, "mean_baseline"): 1.0})
    return system, targets


def _paired_counts(
    tables: dict, kinds: dict, counts: System, private: dict[str, pd.DataFrame] | None
) -> dict[Cell, float]:
    """n_paired of every unit x item: the true ones if given, else a consistent integer point.

    Any n consistent with everything published is a world the attacker cannot exclude, so the
    interval computed with it lies inside the attacker's: the audit stays on the safe side.
    """
    n = {c: lo for c, (lo, hi) in counts.bounds.items() if c[3] == "n_paired" and lo == hi}
    missing = [c for c, (lo, hi) in counts.bounds.items() if c[3] == "n_paired" and lo != hi]
    if not missing:
        return n
    if private is not None:
        for name, kind in kinds.items():
            if kind == "items":
                df = private[name]
                rows = zip(df["unit"], df["item"], df["n_paired"], strict=True)
                n.update({(name, u, i, "n_paired"): float(v) for u, i, v in rows})
        return n
    n.update(_integer_point(counts))
    return n


def _integer_point(system: System) -> dict[Cell, float]:
    """Any integer solution of a count system (HiGHS MILP)."""
    cells = sorted(system.bounds)
    index = {c: i for i, c in enumerate(cells)}
    lower = np.array([system.bounds[c][0] for c in cells])
    upper = np.array([system.bounds[c][1] for c in cells])
    a = np.zeros((len(system.rows), len(cells)))
    for r, (coefs, _, _) in enumerate(system.rows):
        for c, v in coefs.items():
            a[r, index[c]] = v
    lo = np.array([r[1] for r in system.rows])
    hi = np.array([r[2] for r in system.rows])
    res = milp(
        np.zeros(len(cells)),
        constraints=LinearConstraint(a, lo, hi),
        integrality=np.ones(len(cells)),
        bounds=Bounds(lower, upper),
    )
    if res.x is None:
        raise DisclosureError("the published counts are inconsistent: no integer solution exists")
    return {c: float(round(x)) for c, x in zip(cells, res.x, strict=True)}


def _intervals(
    system: System, targets: list[Cell], enough: dict[Cell, float] | None = None
) -> dict[Cell, tuple[float, float, bool]]:
    """Min and max of every target cell over the system, component by component.

    Cells fixed by their bounds are substituted; the free cells split into connected
    components, each solved on its own (small LPs). With `enough`, a target whose solutions of
    earlier programs already lie that far apart is not solved: it gets the interval those
    solutions span, which lies inside the attacker's, so its width is a proven lower bound.
    """
    fixed = {c: lo for c, (lo, hi) in system.bounds.items() if lo == hi}
    rows: list[Row] = []
    for coefs, lo, hi in system.rows:
        shift = sum(v * fixed[c] for c, v in coefs.items() if c in fixed)
        free = {c: v for c, v in coefs.items() if c not in fixed}
        if free:
            rows.append((free, lo - shift, hi - shift))
        elif not lo - TOL <= shift <= hi + TOL:
            raise DisclosureError("the published tables contradict each other (audit)")
    parent = {c: c for c in system.bounds if c not in fixed}

    def find(c: Cell) -> Cell:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for coefs, _, _ in rows:
        first, *rest = coefs
        for c in rest:
            parent[find(c)] = find(first)
    groups: dict[Cell, list[Cell]] = defaultdict(list)
    for c in parent:
        groups[find(c)].append(c)
    by_root: dict[Cell, list[Row]] = defaultdict(list)
    for row in rows:
        by_root[find(next(iter(row[0])))].append(row)
    by_component: dict[Cell, list[Cell]] = defaultdict(list)
    for target in targets:
        by_component[find(target)].append(target)
    out = {}
    for root, wanted in by_component.items():
        program = _Program(sorted(groups[root]), by_root[root], system.bounds)
        out.update({t: program.min_max(t, (enough or {}).get(t, INF)) for t in wanted})
    return out


class _Program:
    """One component's linear program, built once and solved for min and max of each cell."""

    def __init__(self, cells: list[Cell], rows: list[Row], bounds: dict) -> None:
        self.index = {c: i for i, c in enumerate(cells)}
        eq: list[tuple[dict[Cell, float], float]] = []
        ub: list[tuple[dict[Cell, float], float]] = []
        for coefs, lo, hi in rows:
            if lo == hi:
                eq.append((coefs, lo))
                continue
            if hi < INF:
                ub.append((coefs, hi))
            if lo > -INF:
                ub.append(({c: -v for c, v in coefs.items()}, -lo))
        self.a_eq, self.b_eq = self._matrix(eq)
        self.a_ub, self.b_ub = self._matrix(ub)
        self.box = [tuple(None if math.isinf(x) else x for x in bounds[c]) for c in cells]
        # every solution found is a point the attacker cannot exclude: keep their span
        self.seen_lo = np.full(len(cells), INF)
        self.seen_hi = np.full(len(cells), -INF)

    def _matrix(self, rows: list[tuple[dict[Cell, float], float]]):
        if not rows:
            return None, None
        data, ri, ci = [], [], []
        for r, (coefs, _) in enumerate(rows):
            for c, v in coefs.items():
                data.append(v), ri.append(r), ci.append(self.index[c])
        shape = (len(rows), len(self.index))
        return csr_array((data, (ri, ci)), shape=shape), np.array([b for _, b in rows])

    def min_max(self, target: Cell, enough: float = INF) -> tuple[float, float, bool]:
        """Min and max of `target` (infinite when nothing bounds it on that side), exact.

        When earlier solutions already span `enough`, that span is returned unsolved (not exact).
        """
        i = self.index[target]
        if self.seen_hi[i] - self.seen_lo[i] >= enough:
            return float(self.seen_lo[i]), float(self.seen_hi[i]), False
        result = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(self.index))
            c[self.index[target]] = sign
            res = linprog(
                c,
                A_ub=self.a_ub,
                b_ub=self.b_ub,
                A_eq=self.a_eq,
                b_eq=self.b_eq,
                bounds=self.box,
                method="highs",
            )
            if res.status == 3:
                result.append(-sign * INF)
            elif res.status != 0:
                raise DisclosureError(f"the audit's linear program failed ({res.message})")
            else:
                result.append(sign * res.fun)
                self.seen_lo = np.minimum(self.seen_lo, res.x)
                self.seen_hi = np.maximum(self.seen_hi, res.x)
        return result[0], result[1], True


def _solve_counts(system: System, required: dict[Cell, float], tree: Hierarchy) -> list[tuple]:
    """Audit rows for every withheld count (intervals rounded inwards to integers)."""
    withheld = [c for c, (lo, hi) in system.bounds.items() if lo != hi]
    solved = _intervals(system, [c for c in withheld if required[c] > 0])
    out = []
    for cell in withheld:
        lo, hi, exact = solved.get(cell, (np.nan, np.nan, False))
        if cell in solved:
            lo, hi = math.ceil(lo - TOL), (math.floor(hi + TOL) if hi < INF else INF)
        out.append(_result(cell, tree, lo, hi, required[cell], exact))
    return out


def _result(cell: Cell, tree: Hierarchy, lo: float, hi: float, required: float, exact: bool) -> tuple:
    width = hi - lo
    table, unit, key, quantity = cell
    ok = bool(required == 0 or width >= required - TOL)  # a complement needs no protection
    return (table, tree.level[unit], unit, key, quantity, lo, hi, width, required, exact, ok)
