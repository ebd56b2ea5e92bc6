"""The attacker's solver: the tightest interval a system of linear rows proves for a cell.

A :class:`System` holds bounds per cell and two-sided rows; :func:`intervals` minimises and
maximises each target over it, component by component (HiGHS through its own Python
interface: the model is passed once and only the objective changes between solves). Counts
are whole numbers: where the linear optimum is fractional, the component is solved again as an
integer program (HiGHS branch and bound through scipy's milp). Apart from the audit so that
the audit reads as what it attacks, and this as how.
"""

from __future__ import annotations

import math
from collections import defaultdict

import highspy
import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_array

from miriam.disclosure.cells import Cell
from miriam.errors import DisclosureError

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


def integer_point(system: System) -> dict[Cell, float]:
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


# size: the components, the cache and the solve are one loop over the same union-find;
# split, the pieces would pass the same five structures around.
def intervals(
    system: System,
    targets: list[Cell],
    enough: dict[Cell, float] | None = None,
    cache: dict | None = None,
    integer: bool = False,
) -> dict[Cell, tuple[float, float, bool]]:
    """Min and max of every target cell over the system, component by component.

    Cells fixed by their bounds are substituted; the free cells split into connected
    components, each solved on its own (small LPs). With `enough`, a target whose solutions of
    earlier programs already lie that far apart is not solved: it gets the interval those
    solutions span, which lies inside the attacker's, so its width is a proven lower bound.
    With `cache`, a component seen before (same cells, bounds, rows and targets) is not solved
    again.
    """
    fixed = {c: lo for c, (lo, hi) in system.bounds.items() if lo == hi}
    rows: list[Row] = []
    for coefs, lo, hi in system.rows:
        shift = sum(v * fixed[c] for c, v in coefs.items() if c in fixed)
        free = {c: v for c, v in coefs.items() if c not in fixed}
        if free:
            rows.append((free, lo - shift, hi - shift))
        elif not lo - TOL <= shift <= hi + TOL:
            raise DisclosureError(f"the published tables contradict each other (audit): {coefs} = {shift}")
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
        cells = sorted(groups[root])
        key = None
        if cache is not None:  # the repair rounds of disclose re-audit mostly unchanged parts
            rows_key = sorted((tuple(sorted(coefs.items())), lo, hi) for coefs, lo, hi in by_root[root])
            key = (
                integer,
                tuple(cells),
                tuple(system.bounds[c] for c in cells),
                tuple(rows_key),
                tuple(sorted((t, (enough or {}).get(t, INF)) for t in wanted)),
            )
            if key in cache:
                out.update(cache[key])
                continue
        program = _Program(cells, by_root[root], system.bounds, integer)
        try:
            if enough:  # programs that push all targets at once prove most of them
                program.sweep({t: enough.get(t, INF) for t in wanted})
            solved = {t: program.min_max(t, (enough or {}).get(t, INF)) for t in wanted}
        except _Infeasible:
            # Only without the private tables: a guessed n_paired that the published means
            # do not fit. Nothing is proven then, so every target fails (the safe side).
            solved = {t: (np.nan, np.nan, False) for t in wanted}
        if key is not None:
            cache[key] = solved
        out.update(solved)
    return out


def _solver() -> highspy.Highs:
    """One HiGHS instance per process, reused for every program (it prints its banner once)."""
    if not _SOLVER:
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        _SOLVER.append(solver)
    return _SOLVER[0]


_SOLVER: list = []


class _Program:
    """One component's linear program, built once and solved for min and max of each cell.

    HiGHS itself (highspy) rather than scipy's linprog: the model is passed once and only
    the objective changes between solves, so HiGHS starts each solve from the previous basis
    (a solve then takes a few iterations instead of a fresh start: 10-30 times faster on the
    large count components).
    """

    def __init__(self, cells: list[Cell], rows: list[Row], bounds: dict, integer: bool = False) -> None:
        self.index = {c: i for i, c in enumerate(cells)}
        self.integer = integer
        n = len(cells)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, len(rows)
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.array([bounds[c][0] for c in cells], dtype=float)
        lp.col_upper_ = np.array([bounds[c][1] for c in cells], dtype=float)
        lp.row_lower_ = np.array([lo for _, lo, _ in rows], dtype=float)
        lp.row_upper_ = np.array([hi for _, _, hi in rows], dtype=float)
        data, ri, ci = [], [], []
        for r, (coefs, _, _) in enumerate(rows):
            for c, v in coefs.items():
                data.append(v), ri.append(r), ci.append(self.index[c])
        matrix = csc_array((data, (ri, ci)), shape=(len(rows), n))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, len(rows)
        self.lp = lp
        self.matrix = matrix
        self.columns = np.arange(n, dtype=np.int32)
        # every solution found is a point the attacker cannot exclude: keep their span
        self.seen_lo = np.full(n, INF)
        self.seen_hi = np.full(n, -INF)

    def _load(self) -> highspy.Highs:
        solver = _solver()
        if _LOADED[0] is not self:  # the solver is shared: load this component's model
            solver.passModel(self.lp)
            _LOADED[:] = [self]
        return solver

    def _solve(self, cost: np.ndarray) -> np.ndarray | None:
        """Minimise cost . x; the solution, or None when unbounded."""
        solver = self._load()
        solver.changeColsCost(len(cost), self.columns, cost)
        solver.run()
        status = solver.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return None
        if status == highspy.HighsModelStatus.kInfeasible:
            raise _Infeasible
        if status != highspy.HighsModelStatus.kOptimal:
            raise DisclosureError(f"the audit's linear program failed ({solver.modelStatusToString(status)})")
        x = np.asarray(solver.getSolution().col_value)
        if self.integer and not _integral(x):
            return x  # not a world an attacker of whole numbers has to consider
        self.seen_lo = np.minimum(self.seen_lo, x)
        self.seen_hi = np.maximum(self.seen_hi, x)
        return x

    def _solve_integer(self, cost: np.ndarray) -> np.ndarray | None:
        """Minimise cost . x over whole numbers (HiGHS branch and bound through scipy's milp).

        Needed only where the linear program's optimum is fractional: the sums along a tree
        have whole-number optima already, but the rounded percentages and the identities
        can cut a corner off (four withheld 1-4 counts under a total of 4 are each 1).
        """
        lp = self.lp
        res = milp(
            cost,
            constraints=LinearConstraint(self.matrix, lp.row_lower_, lp.row_upper_),
            integrality=np.ones(len(cost)),
            bounds=Bounds(lp.col_lower_, lp.col_upper_),
        )
        if res.status == 0 and res.x is not None:
            x = np.round(res.x)
            self.seen_lo = np.minimum(self.seen_lo, x)
            self.seen_hi = np.maximum(self.seen_hi, x)
            return x
        if res.status == 2:
            raise DisclosureError("the published counts are inconsistent: no whole-number solution exists")
        return None  # unbounded

    def sweep(self, enough: dict[Cell, float], rounds: int = 8) -> None:
        """Minimise, then maximise, the sum of the targets not yet proven, round after round.

        Each solution is a point the attacker cannot exclude; a target is proven once the
        points seen span its required width. Pushing many targets at once proves most of
        them in a few programs (siblings of one sum cannot all be at their upper bound
        together: they are proven over the next rounds, or solved one by one after).
        """
        pending = [t for t in enough if enough[t] < INF]
        for _ in range(rounds):
            if len(pending) < 2:
                return
            # one quantity at a time: quantities tied to each other (mean_diff = endline -
            # baseline; paired <= baseline) would otherwise hold each other back
            by_quantity: dict[str, list[int]] = defaultdict(list)
            for t in pending:
                by_quantity[t[3]].append(self.index[t])
            for where in by_quantity.values():
                cost = np.zeros(len(self.index))
                cost[where] = 1.0
                for sign in (1.0, -1.0):
                    self._solve(sign * cost)
            left = [
                t for t in pending if self.seen_hi[self.index[t]] - self.seen_lo[self.index[t]] < enough[t]
            ]
            if len(left) == len(pending):
                return  # no progress: the rest are solved one by one
            pending = left

    def min_max(self, target: Cell, enough: float = INF) -> tuple[float, float, bool]:
        """Min and max of `target` (infinite when nothing bounds it on that side), exact.

        When earlier solutions already span `enough`, that span is returned unsolved (not exact).
        """
        i = self.index[target]
        if self.seen_hi[i] - self.seen_lo[i] >= enough:
            return float(self.seen_lo[i]), float(self.seen_hi[i]), False
        result = []
        for sign in (1.0, -1.0):
            cost = np.zeros(len(self.index))
            cost[i] = sign
            x = self._solve(cost)
            if x is not None and self.integer and not _integral(x):
                x = self._solve_integer(cost)
            result.append(-sign * INF if x is None else float(x[i]))
        return result[0], result[1], True


_LOADED: list = [None]


class _Infeasible(Exception):
    """The component's program has no solution."""


def _integral(x: np.ndarray) -> bool:
    """Whether a solution is a point of whole numbers (then it is also the integer optimum)."""
    return bool(np.all(np.abs(x - np.round(x)) <= TOL))
