"""The attacker's integer program (attacker.py builds it): variables with bounds, linear rows,
and the questions the attack asks of it, answered by scipy.optimize.milp (HiGHS).

Most of the attack's cost is solving: a cohort of a few OCMWs has hundreds of targets, each
asking for a min and a max. Three things keep the number of solves down without changing any
answer:

- the program is split into connected components; a target lives in one and only that one is
  solved;
- every solution found (for whatever objective, with or without a fixed value) is a feasible
  point of the program and goes into its component's pool: the spread of a target over the
  pool is a proven lower bound on the width of its interval, so a target already shown wide
  enough is never solved;
- the pool is filled on purpose, cheaply: time-limited seeds (any feasible point will do),
  sums of the unsettled targets pushed up and down (diversify), and feasibility solves
  with many wanted lower bounds at once (raise_all), halved when infeasible;
- an exact optimum is remembered, so a question asked twice (the same n behind several
  statistics) is solved once.

A target that could be a finding is always solved exactly, as before: only the proof that
a target is not one changed, so the findings are the same as with one min and one max each.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix
from scipy.sparse.csgraph import connected_components

BIG = 100_000
SEED_SECONDS = 0.3


@dataclass
class Part:
    """One connected component: its columns (program variable -> column), compiled rows,
    bounds and the feasible points found so far."""

    columns: dict[int, int]
    constraint: LinearConstraint | None
    lo: np.ndarray
    hi: np.ndarray
    pool: list[np.ndarray] = field(default_factory=list)
    _stack: np.ndarray | None = None

    def points(self) -> np.ndarray:
        """The pool as one matrix (a row per point), rebuilt only after new points."""
        if self._stack is None or len(self._stack) != len(self.pool):
            self._stack = np.array(self.pool) if self.pool else np.zeros((0, len(self.columns)))
        return self._stack


@dataclass
class Program:
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def var(self, name: str, lo: float = 0, hi: float = BIG) -> int:
        self.lo.append(lo)
        self.hi.append(hi)
        self.names.append(name)
        return len(self.lo) - 1

    def add(self, terms: dict[int, float], lo: float = -np.inf, hi: float = np.inf) -> None:
        clean = {k: v for k, v in terms.items() if v}
        if clean:
            self.rows.append((clean, lo, hi))

    def equal(self, terms: dict[int, float], value: float = 0) -> None:
        self.add(terms, value, value)

    def freeze(self) -> None:
        """Substitute the published (fixed) values, split the rest into connected components
        and compile each once: every later solve only changes the objective (or a bound)."""
        lo, hi = np.array(self.lo, float), np.array(self.hi, float)
        fixed = lo == hi
        free = np.flatnonzero(~fixed)
        index = {int(v): i for i, v in enumerate(free)}
        matrix = lil_matrix((max(len(self.rows), 1), max(len(free), 1)))
        lows, highs, keep = [], [], []
        self.contradiction, self.broken = False, []
        for terms, r_lo, r_hi in self.rows:
            const = sum(v * lo[k] for k, v in terms.items() if fixed[k])
            live = {index[k]: v for k, v in terms.items() if not fixed[k]}
            if not live:
                if const < r_lo - 1e-6 or const > r_hi + 1e-6:
                    self.contradiction = True
                    self.broken.append({self.names[k]: v for k, v in terms.items()})
                continue
            for k, v in live.items():
                matrix[len(keep), k] += v
            lows.append(r_lo - const)
            highs.append(r_hi - const)
            keep.append(live)
        matrix = matrix.tocsr()[: len(keep)]
        adjacency = (abs(matrix).T @ abs(matrix)).tocsr() if len(keep) else lil_matrix((len(free), len(free)))
        _, label = connected_components(adjacency, directed=False)
        self.component = {int(v): int(label[i]) for i, v in enumerate(free)}
        self.parts: dict[int, Part] = {}
        self.known: dict[tuple, float] = {}  # (objective, sign) -> its exact optimum
        lows, highs = np.array(lows), np.array(highs)
        row_label = np.array([label[next(iter(live))] for live in keep], int)
        for c in np.unique(label):
            columns = np.flatnonzero(label == c)
            rows = np.flatnonzero(row_label == c)
            self.parts[int(c)] = Part(
                columns={int(free[j]): i for i, j in enumerate(columns)},
                constraint=LinearConstraint(matrix[rows][:, columns], lows[rows], highs[rows])
                if len(rows)
                else None,
                lo=lo[free[columns]],
                hi=hi[free[columns]],
            )

    # --- solving ----------------------------------------------------------------------------

    def _vector(self, objective: dict[int, float]) -> tuple[Part | None, np.ndarray | None, float]:
        """The objective over its component's columns, and its constant (published) part."""
        const = sum(v * self.lo[k] for k, v in objective.items() if self.lo[k] == self.hi[k])
        live = {k: v for k, v in objective.items() if self.lo[k] != self.hi[k]}
        if not live:
            return None, None, const
        parts = {self.component[k] for k in live}
        assert len(parts) == 1, "an objective spans components"
        part = self.parts[parts.pop()]
        c = np.zeros(len(part.columns))
        for k, v in live.items():
            c[part.columns[k]] += v
        return part, c, const

    def _solve(
        self,
        part: Part,
        c: np.ndarray,
        sign: int,
        fix: dict[int, float] | None = None,
        seconds: float | None = None,
    ) -> float | None:
        """min (sign 1) or max (sign -1) of c x over the component; None when infeasible."""
        lo, hi = part.lo, part.hi
        if fix:
            lo, hi = lo.copy(), hi.copy()
            for k, value in fix.items():
                if k in part.columns:
                    lo[part.columns[k]] = hi[part.columns[k]] = value
        res = milp(
            sign * c,
            constraints=part.constraint if part.constraint is not None else (),
            bounds=Bounds(lo, hi),
            integrality=np.ones(len(c)),
            options={"time_limit": seconds} if seconds else None,
        )
        if seconds:  # a seed: any feasible point will do
            if res.x is not None:
                part.pool.append(res.x)
            return None
        if res.status == 2:
            return None
        if res.status != 0:
            raise RuntimeError(f"attacker: solver status {res.status}: {res.message}")
        part.pool.append(res.x)  # feasible with a value fixed too: a point of the program
        return sign * res.fun

    def optimum(self, objective: dict[int, float], sign: int) -> float:
        """The exact min (sign 1) or max (sign -1) of an objective, each solved once."""
        part, c, const = self._vector(objective)
        if part is None:
            return const
        key = (tuple(sorted(objective.items())), sign)
        if key not in self.known:
            found = self._solve(part, c, sign)
            if found is None:
                raise RuntimeError("attacker: the published tables contradict the attacker's model")
            self.known[key] = found + const
        return self.known[key]

    def extremes(
        self, objective: dict[int, float], fix: dict[int, float] | None = None
    ) -> tuple[float, float] | None:
        """min and max of a linear objective; None when the program is infeasible."""
        if not fix:
            return self.optimum(objective, 1), self.optimum(objective, -1)
        part, c, const = self._vector(objective)
        if part is None:
            return const, const
        out = []
        for sign in (1, -1):
            found = self._solve(part, c, sign, fix)
            if found is None:
                return None
            out.append(found + const)
        return out[0], out[1]

    def interval(
        self, objective: dict[int, float], width: float, meets: tuple[float, float]
    ) -> tuple[float, float] | None:
        """The exact [min, max] of an integer objective, or None once it is proven at least
        `width` wide or proven not to meet [meets[0], meets[1]] (by the pool or by one solve:
        the side that is likelier to settle it first)."""
        low, high = self.pool_range(objective)
        if high - low >= width:
            return None
        if low > meets[1] + 0.5:  # looks large: a min above the range settles it
            # the LP relaxation's min is a lower bound on the integer min, and 5-10x cheaper
            if self._relaxed_min(objective) > meets[1] + 1e-3:
                return None
            lo = self.optimum(objective, 1)
            if lo > meets[1] + 0.5 or high - lo >= width:
                return None
            return lo, self.optimum(objective, -1)
        hi = self.optimum(objective, -1)
        if hi < meets[0] - 0.5 or hi - low >= width:
            return None
        return self.optimum(objective, 1), hi

    def _relaxed_min(self, objective: dict[int, float]) -> float:
        """The min of an objective over the LP relaxation (no integrality)."""
        part, c, const = self._vector(objective)
        if part is None:
            return const
        res = milp(
            c,
            constraints=part.constraint if part.constraint is not None else (),
            bounds=Bounds(part.lo, part.hi),
        )
        return res.fun + const if res.status == 0 else -np.inf

    # --- what the feasible points found so far prove --------------------------------------------

    def pool_range(self, objective: dict[int, float]) -> tuple[float, float]:
        """min and max of an objective over the points found so far ((inf, -inf): none yet)."""
        part, c, const = self._vector(objective)
        if part is None:
            return const, const
        values = part.points() @ c
        if not len(values):
            return np.inf, -np.inf
        return float(values.min()) + const, float(values.max()) + const

    def span(self, objective: dict[int, float]) -> float:
        """The spread of an objective over the solutions found so far: a proven lower bound on
        the width of its attainable interval (0 when nothing is known yet)."""
        low, high = self.pool_range(objective)
        return max(high - low, 0.0)

    def ratio_span(self, s: int, n: int) -> float:
        """The spread of s / n over the solutions found so far (n >= 1 only)."""
        keys = [k for k in (s, n) if self.lo[k] != self.hi[k]]
        if not keys:
            return 0.0
        part = self.parts[self.component[keys[0]]]
        points = part.points()
        if not len(points):
            return 0.0
        s_val, n_val = (
            points[:, part.columns[k]] if k in part.columns else np.full(len(points), self.lo[k])
            for k in (s, n)
        )
        shown = n_val >= 0.5
        if not shown.any():
            return 0.0
        values = s_val[shown] / np.round(n_val[shown])
        return float(values.max() - values.min())

    def spread_all(self, targets: list[dict[int, float]]) -> None:
        """Seed the solution pools: min and max of the sum of each component's targets."""
        by_part: dict[int, dict[int, float]] = defaultdict(dict)
        for objective in targets:
            for k, v in objective.items():
                if self.lo[k] != self.hi[k]:
                    by_part[self.component[k]][k] = by_part[self.component[k]].get(k, 0) + v
        for terms in by_part.values():
            for objective in (terms, {k: -v if i % 2 else v for i, (k, v) in enumerate(terms.items())}):
                part, c, _ = self._vector(objective)
                for sign in (1, -1):
                    self._solve(part, c, sign, seconds=SEED_SECONDS)
        for part in self.parts.values():
            if not part.pool:  # the seeds ran out of time: any point, to measure spreads from
                self._solve(part, np.zeros(len(part.columns)), 1)

    def diversify(self, targets: list[dict[int, float]], width: float, rounds: int = 3) -> None:
        """More seeds: push the sum of the targets not yet shown `width` wide up and down, a
        few rounds, so that one quick solve settles many targets."""
        for _ in range(rounds):
            by_part: dict[int, dict[int, float]] = defaultdict(dict)
            for objective in targets:
                live = {k: v for k, v in objective.items() if self.lo[k] != self.hi[k]}
                if not live or self.span(live) >= width:
                    continue
                terms = by_part[self.component[next(iter(live))]]
                for k, v in live.items():
                    terms[k] = terms.get(k, 0) + v
            if not by_part:
                return
            for terms in by_part.values():
                part, c, _ = self._vector(terms)
                for sign in (1, -1):
                    self._solve(part, c, sign, seconds=SEED_SECONDS)

    def raise_all(self, wants: dict[int, float]) -> None:
        """Look for points where each variable reaches its wanted value, many at once: one
        feasibility solve with all of a component's wanted lower bounds; when that is
        infeasible, each half on its own, down to single variables (left to their own solve).
        A point found this way proves its variables reach their wanted values."""
        by_part: dict[int, dict[int, float]] = defaultdict(dict)
        for k, value in wants.items():
            if self.lo[k] != self.hi[k] and self.pool_range({k: 1})[1] < value - 0.5:
                by_part[self.component[k]][k] = value
        for key, group in by_part.items():
            self._raise(self.parts[key], list(group.items()))

    def _raise(self, part: Part, group: list[tuple[int, float]]) -> None:
        if len(group) < 2:
            return
        lo = part.lo.copy()
        for k, value in group:
            lo[part.columns[k]] = max(lo[part.columns[k]], value)
        if np.all(lo <= part.hi):
            res = milp(
                np.zeros(len(lo)),
                constraints=part.constraint if part.constraint is not None else (),
                bounds=Bounds(lo, part.hi),
                integrality=np.ones(len(lo)),
            )
            if res.status == 0:
                part.pool.append(res.x)
                return
        half = len(group) // 2
        self._raise(part, group[:half])
        self._raise(part, group[half:])
