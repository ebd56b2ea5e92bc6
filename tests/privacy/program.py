"""The attacker's integer program (attacker.py builds it): variables with bounds, linear rows,
split into connected components, solved by scipy.optimize.milp (HiGHS)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix
from scipy.sparse.csgraph import connected_components

BIG = 100_000


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
        for terms, r_lo, r_hi in self.rows:
            const = sum(v * lo[k] for k, v in terms.items() if fixed[k])
            live = {index[k]: v for k, v in terms.items() if not fixed[k]}
            if not live:
                if const < r_lo - 1e-6 or const > r_hi + 1e-6:
                    self.contradiction = True
                    self.broken = [*getattr(self, "broken", []), {self.names[k]: v for k, v in terms.items()}]
                continue
            for k, v in live.items():
                matrix[len(keep), k] += v
            lows.append(r_lo - const)
            highs.append(r_hi - const)
            keep.append(live)
        self.contradiction = getattr(self, "contradiction", False)
        matrix = matrix.tocsr()[: len(keep)]
        adjacency = (abs(matrix).T @ abs(matrix)).tocsr() if len(keep) else lil_matrix((len(free), len(free)))
        _, label = connected_components(adjacency, directed=False)
        self.component = {int(v): int(label[i]) for i, v in enumerate(free)}
        self.parts = {}
        lows, highs = np.array(lows), np.array(highs)
        row_label = np.array([label[next(iter(live))] for live in keep], int)
        for c in np.unique(label):
            columns = np.flatnonzero(label == c)
            rows = np.flatnonzero(row_label == c)
            sub = matrix[rows][:, columns]
            self.parts[int(c)] = {
                "columns": {int(free[j]): i for i, j in enumerate(columns)},
                "constraint": LinearConstraint(sub, lows[rows], highs[rows]) if len(rows) else None,
                "lo": lo[free[columns]],
                "hi": hi[free[columns]],
                "pool": [],
            }

    def extremes(
        self, objective: dict[int, float], fix: dict[int, float] | None = None
    ) -> tuple[float, float] | None:
        """min and max of a linear objective; None when the program is infeasible."""
        const = sum(v * self.lo[k] for k, v in objective.items() if self.lo[k] == self.hi[k])
        live = {k: v for k, v in objective.items() if self.lo[k] != self.hi[k]}
        if not live:
            return const, const
        parts = {self.component[k] for k in live}
        assert len(parts) == 1, "an objective spans components"
        part = self.parts[parts.pop()]
        columns = part["columns"]
        c = np.zeros(len(columns))
        for k, v in live.items():
            c[columns[k]] += v
        lo, hi = part["lo"].copy(), part["hi"].copy()
        for k, value in (fix or {}).items():
            if k in columns:
                lo[columns[k]] = hi[columns[k]] = value
        out = []
        for sign in (1, -1):
            res = milp(
                sign * c,
                constraints=part["constraint"] if part["constraint"] is not None else (),
                bounds=Bounds(lo, hi),
                integrality=np.ones(len(c)),
            )
            if res.status == 2:
                return None
            if res.status != 0:
                raise RuntimeError(f"attacker: solver status {res.status}: {res.message}")
            out.append(sign * res.fun + const)
            if not fix:
                part["pool"].append(res.x)
        return out[0], out[1]

    def span(self, objective: dict[int, float]) -> float:
        """The spread of an objective over the solutions found so far: a proven lower bound on
        the width of its attainable interval (0 when nothing is known yet)."""
        live = {k: v for k, v in objective.items() if self.lo[k] != self.hi[k]}
        if not live:
            return 0.0
        part = self.parts[self.component[next(iter(live))]]
        if not part["pool"]:
            return 0.0
        values = [sum(v * x[part["columns"][k]] for k, v in live.items()) for x in part["pool"]]
        return max(values) - min(values)

    def ratio_span(self, s: int, n: int) -> float:
        """The spread of s / n over the solutions found so far (n >= 1 only)."""
        keys = [k for k in (s, n) if self.lo[k] != self.hi[k]]
        if not keys:
            return 0.0
        part = self.parts[self.component[keys[0]]]
        values = []
        for x in part["pool"]:
            get = {k: (x[part["columns"][k]] if k in part["columns"] else self.lo[k]) for k in (s, n)}
            if get[n] >= 0.5:
                values.append(get[s] / round(get[n]))
        return max(values) - min(values) if values else 0.0

    def spread_all(self, targets: list[dict[int, float]]) -> None:
        """Seed the solution pools: min and max of the sum of each component's targets."""
        by_part: dict[int, dict[int, float]] = defaultdict(dict)
        for objective in targets:
            for k, v in objective.items():
                if self.lo[k] != self.hi[k]:
                    by_part[self.component[k]][k] = by_part[self.component[k]].get(k, 0) + v
        for terms in by_part.values():
            self.extremes(terms)
            self.extremes({k: -v if i % 2 else v for i, (k, v) in enumerate(terms.items())})
