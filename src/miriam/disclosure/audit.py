"""The audit: attack the published tables and measure how well each withheld value survives.

For every withheld value the audit computes the tightest interval [lower, upper] that the
published numbers prove (:mod:`miriam.disclosure.solver`: linear programs on HiGHS, and whole
numbers by branch and bound where a count's optimum is fractional), and compares its width
with the protection required (docs/disclosure.md). It sees the published families as the same
cells and relations as the suppression does (:mod:`miriam.disclosure.cells`). The attacker is
given what is public, and more:

- every published number, with the interval its rounding allows: counts exact, means +- half a
  unit of their last decimal (the annex's mean difference: two decimals), a percentage of a
  known n as the whole numbers that round to it;
- the relations: sums along the hierarchy, across subgroup values, categories and gaps;
  ``n_paired * mean`` likewise; ``mean_diff = mean_endline - mean_baseline``; the
  inequalities between the counts of a unit; the identities between a share's n and a unit
  count;
- the public rules, not the reasons (none is published): a withheld count is at least 1, or 0
  where another withheld cell or the min_n rule can hide a zero; every mean lies in the score
  range;
- every n_paired, even withheld ones (the true ones when ``private`` is given). Knowing more
  can only narrow the attacker's interval, so this keeps the audit on the safe side and the
  weighted sums of means linear.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
import pandas as pd

from miriam.disclosure.cells import LEVELS, MEAN_QUANTITIES, MEANS, Cell, Model, add_gaps, build, identities
from miriam.disclosure.rules import TEST_DECIMALS
from miriam.disclosure.solver import INF, TOL, System, integer_point, intervals
from miriam.errors import DisclosureError

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
    "cell",
]


# size: most of its lines are the docstring of what the attacker is given; the body is one
# pass per family of cells (counts, then means per item), each a call of its own.
def audit(
    published: Mapping[str, pd.DataFrame],
    *,
    min_n: int,
    min_count: int,
    score_range: tuple[float, float] | dict[str, tuple[float, float]] = (0, 10),
    mean_width: float = 2.0,
    mean_decimals: int = 1,
    pct_decimals: int = 0,
    private: Mapping[str, pd.DataFrame] | None = None,
    cache: dict | None = None,
    exact: bool = False,
) -> pd.DataFrame:
    """The attacker's tightest interval for every withheld value.

    Parameters
    ----------
    published
        Everything published, as returned by :func:`miriam.disclosure.disclose.disclose` (a disclosure
        log among them is ignored: it says nothing the tables' reason columns do not).
    min_n, min_count
        The thresholds the tables were disclosed with.
    score_range
        Range of the item scores, one for all or per item (from the instruments' scales);
        mean_diff ranges over plus or minus its width.
    mean_width
        A withheld mean must not be pinned to an interval narrower than this, in points of a
        0-10 scale (scaled to each item's range: 14 points on a 0-70 scale).
    mean_decimals, pct_decimals
        Decimals means and percentages are published with (the rounding the attacker sees).
    private
        The unsuppressed tables. Used only to give the attacker more than is published (every
        n_paired; which withheld counts are the small ones); without them, an integer point
        consistent with the published counts stands in for n_paired.
    cache
        A dict kept between calls on similar tables (the repair rounds): linear programs of
        unchanged components are not solved again.
    exact
        Solve every interval exactly (slower): by default a value is not solved once the
        points already found prove it wide enough.

    Returns
    -------
    DataFrame
        One row per withheld value: table, level, unit, item (the row key), quantity, lower,
        upper, width, required_width, exact, ok, and ``cell`` (the model's name for it).
        Complements (required width 0) are listed without an interval. ``exact`` False: the
        interval is spanned by solutions already found for other cells, wide enough to prove
        ``ok``; it lies inside the attacker's, so ``width`` is a lower bound. Only
        :func:`report` of it may be published (no bounds).
    """
    pub = build(published)
    truth = build(private) if private is not None else None
    if truth is not None:
        add_gaps(truth)
    add_gaps(pub, truth)
    _check_rounding(published, pub, mean_decimals, pct_decimals)
    bounds, required = count_knowledge(pub, truth, published, min_n, min_count, pct_decimals)
    counts = count_system(pub, bounds, truth)
    results = _solve_counts(counts, required, pub, cache, exact)
    n_star = _paired_counts(pub, truth, counts)
    half = 0.5 * 10.0**-mean_decimals
    precise = 0.5 * 10.0 ** -TEST_DECIMALS["mean_diff"]
    by_item: dict[tuple[str, str], list[Cell]] = defaultdict(list)
    for cell in pub.values:
        if cell[3] == MEANS:
            by_item[(cell[0], cell[2])].append(cell)
    columns = _mean_columns(published)
    for (_, item), cells in sorted(by_item.items()):
        lo, hi = _item_range(score_range, item)
        system, targets = mean_system(pub, columns, cells, n_star, (lo, hi), half, precise)
        need = {c: _mean_required(c, pub, truth, min_n, mean_width * (hi - lo) / 10) for c in cells}
        wanted = {c: need[c[:3] + (MEANS,)] for c in targets if need[c[:3] + (MEANS,)] > 0}
        solved = intervals(system, list(wanted), enough=None if exact else wanted, cache=cache)
        for cell in targets:
            lo_c, hi_c, proven_exact = solved.get(cell, (np.nan, np.nan, False))
            means_cell = cell[:3] + (MEANS,)
            results.append(_result(pub, means_cell, cell[3], lo_c, hi_c, need[means_cell], proven_exact))
    out = pd.DataFrame(results, columns=AUDIT_COLUMNS)
    out["_l"] = out["level"].map({level: i for i, level in enumerate(LEVELS)})
    out = out.sort_values(["table", "_l", "unit", "item", "quantity"], kind="stable")
    return out.drop(columns="_l").reset_index(drop=True)


def report(audit_df: pd.DataFrame) -> pd.DataFrame:
    """The audit as it may be published: widths and verdicts, never the bounds."""
    return audit_df.drop(columns=["lower", "upper", "cell"])


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
        hint=f"Suppression withheld all it could next to it. In the cohort file, withhold a unit "
        f"whole (`suppress: [{row['unit']}]`, or a neighbour of it), or raise this cohort's "
        "thresholds; docs/disclosure.md, 'When the build stops'",
    )


def _check_rounding(
    published: Mapping[str, pd.DataFrame], pub: Model, mean_decimals: int, pct_decimals: int
) -> None:
    """The audit's rounding intervals are only sound if values are published that rounded."""
    for name, kind in pub.kinds.items():
        df = published[name]
        checks = [(c, pct_decimals) for c in df.columns if c.startswith("pct")]
        if kind in ("scores", "subgroups"):
            checks += [(c, mean_decimals) for c in MEAN_QUANTITIES if c in df.columns]
        if kind == "tests":
            checks += [("mean_diff", TEST_DECIMALS["mean_diff"])]
        for column, places in checks:
            v = pd.to_numeric(df[column], errors="coerce").astype("float64").dropna().to_numpy()
            if not np.allclose(v, np.round(v, places), rtol=0, atol=1e-9):
                raise DisclosureError(
                    f"table '{name}' column '{column}' is published with more than {places} decimals",
                    expected="values rounded by miriam.disclosure.disclose.disclose",
                )


def count_knowledge(
    pub: Model,
    truth: Model | None,
    published: Mapping[str, pd.DataFrame],
    min_n: int,
    min_count: int,
    pct_decimals: int = 0,
) -> tuple[dict[Cell, tuple[float, float]], dict[Cell, float]]:
    """What the attacker knows of every count cell, and the width each withheld one needs.

    The attacker reads only what is public: the tables and the rules (docs/disclosure.md),
    not why a value is withheld (no reason is published). So:

    - a published count is exact; a count printed only as a rounded percentage of a known n
      (improved / unchanged / declined) lies in the integers that round to it;
    - a withheld count is a whole number of at least 1, since zeros are always published,
      except where a zero may hide too: the categories of a share below ``min_n``, the counts
      behind the percentages of withheld means, the women without a subgroup value (at least
      0);
    - the relations, the inequalities and the cross-table identities (:func:`count_system`).

    A withheld count is *sensitive* when a primary rule withheld it (1 to min_count - 1, or a
    category of a share below min_n): its interval must stay at least ``min_count - 2`` wide
    (what the rule itself leaves: 1 to 4), or its n if that is smaller. The requirement is
    never lowered to what the published numbers allow: where they narrow it, disclose
    withholds more. Complements need nothing (their interval is not computed).
    """
    bounds: dict[Cell, tuple[float, float]] = {}
    required: dict[Cell, float] = {}
    shared = _shared_places(pub)
    public_zeros = _implied_zeros(pub)
    for cell, value in pub.values.items():
        if cell[3] == MEANS:
            continue
        if cell in pub.rounded:
            interval = _from_percentage(cell, pub, truth, published, pct_decimals)
            if interval is not None:
                bounds[cell] = interval
                continue
        elif not np.isnan(value):
            bounds[cell] = (value, value)
            continue
        true = truth.values.get(cell, np.nan) if truth is not None else np.nan
        required[cell] = _count_required(cell, true, pub, truth, min_n, min_count)
        if cell in public_zeros:
            required[cell] = 0.0  # a published 0 above it says so already: nothing to protect
        zero = cell in shared or _zero_may_hide(cell, pub, truth, min_n)
        bounds[cell] = (0.0 if zero else 1.0, INF)
    return bounds, required


def _implied_zeros(pub: Model) -> set[Cell]:
    """Cells that a published 0 of a larger unit makes 0 (nobody in the country is in a
    category: nobody in any OCMW is), whatever is withheld below it."""
    kids_of: dict[Cell, list[Cell]] = defaultdict(list)
    for parent, kids in pub.relations():
        if parent[3] != MEANS:
            kids_of[parent].extend(kids)
    out: set[Cell] = set()
    stack = [c for c, v in pub.values.items() if v == 0 and c[3] != MEANS and c not in pub.rounded]
    while stack:
        for kid in kids_of.get(stack.pop(), ()):
            if kid not in out:
                out.add(kid)
                stack.append(kid)
    return out


def _shared_places(pub: Model) -> set[Cell]:
    """Cells that another withheld cell can hide, zeros included: every column that prints
    them prints another cell too (a share's yes and its implied no; the counts behind the
    percentages of a row, which its means hide), or nothing prints them at all."""
    owners: dict[tuple[str, int, str], set[Cell]] = defaultdict(set)
    for cell, places in pub.places.items():
        for family, row, columns in places:
            for column in columns:
                owners[(family, row, column)].add(cell)
    out = set()
    for cell in pub.values:
        places = pub.places.get(cell, [])
        if all(len(owners[(f, r, c)]) > 1 for f, r, columns in places for c in columns):
            out.add(cell)
    return out


def _from_percentage(
    cell: Cell, pub: Model, truth: Model | None, published: Mapping[str, pd.DataFrame], decimals: int
) -> tuple[float, float] | None:
    """The whole numbers a published percentage of a known n allows (None: not published)."""
    total, family, column, row = pub.rounded[cell]
    pct = _numeric(published, family, column)[row]
    n = pub.values.get(total, np.nan)
    if np.isnan(n) and truth is not None:
        n = truth.values.get(total, np.nan)  # credited: every n_paired
    if pd.isna(pct) or np.isnan(n):
        return None
    half = 0.5 * 10.0**-decimals
    return float(math.ceil(n * (pct - half) / 100 - TOL)), float(math.floor(n * (pct + half) / 100 + TOL))


_NUMERIC: dict[tuple[int, str, str], tuple[pd.DataFrame, np.ndarray]] = {}


def _numeric(published: Mapping[str, pd.DataFrame], family: str, column: str) -> np.ndarray:
    """A published column as floats, converted once per table (not once per cell)."""
    df = published[family]
    key = (id(df), family, column)
    if key not in _NUMERIC or _NUMERIC[key][0] is not df:
        _NUMERIC.clear() if len(_NUMERIC) > 64 else None
        _NUMERIC[key] = (df, pd.to_numeric(df[column], errors="coerce").astype("float64").to_numpy())
    return _NUMERIC[key][1]


def _zero_may_hide(cell: Cell, pub: Model, truth: Model | None, min_n: int) -> bool:
    """Whether a withheld count may be 0 by the rules: the women without a subgroup value
    (never printed), and the categories of a share below min_n (no count shown at all)."""
    if cell in pub.residual:
        return True
    return cell in pub.total_of and _below_min_n(pub.total_of[cell], pub, truth, min_n)


def _count_required(
    cell: Cell, true: float, pub: Model, truth: Model | None, min_n: int, min_count: int
) -> float:
    """The width a withheld count needs: ``min_count - 2`` (capped by its n) for the counts a
    primary rule withholds; 0 for complements and the women without a subgroup value."""
    if cell in pub.residual:
        return 0.0
    need = min_count - 2.0
    if cell in pub.total_of:
        n = truth.values.get(pub.total_of[cell], np.nan) if truth is not None else np.nan
        if not np.isnan(n):
            need = min(need, n)
            if n < min_n:
                return need  # below min_n every category count is protected, zeros included
    if np.isnan(true):
        return need  # no private tables: every withheld count is taken as sensitive
    return need if 0 < true < min_count else 0.0


def _below_min_n(total: Cell, pub: Model, truth: Model | None, min_n: int) -> bool:
    """Whether the n of a share or distribution is below min_n (unknown: assume so)."""
    n = pub.values[total]
    if np.isnan(n) and truth is not None:
        n = truth.values.get(total, np.nan)
    return bool(np.isnan(n) or n < min_n)


def _mean_required(cell: Cell, pub: Model, truth: Model | None, min_n: int, width: float) -> float:
    """Means withheld by a primary rule need `width`; complements need nothing. Without the
    private tables every withheld mean is taken as primary."""
    if truth is not None and cell in truth.values:
        n, unit_n = truth.values[cell], truth.unit_n.get(cell[1], min_n)
        return width if n < min_n or unit_n < min_n else 0.0
    return width


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


def count_system(pub: Model, bounds: dict[Cell, tuple[float, float]], truth: Model | None = None) -> System:
    """Every count cell, the relations between them and the inequalities between counts.

    Besides the sums: within a unit, paired <= baseline, endline <= women and an item's
    counts <= the unit's; a share's or distribution's n <= the unit's women through its gap
    (:func:`miriam.disclosure.cells.add_gaps`, where the definitions make it so); and every identity that
    holds between a share's n and a unit count (credited from the private tables: an analyst
    can guess them from the definitions and confirm them on the published units).
    """
    system = System()
    system.bounds = dict(bounds)
    for parent, kids in pub.relations():
        if parent[3] != MEANS:
            system.equal({parent: 1.0, **{k: -1.0 for k in kids}})
    for parent, (kid,) in identities(truth) if truth is not None else ():
        system.equal({parent: 1.0, kid: -1.0})
    units = pub.units_name
    units = pub.units_name
    for unit, level in pub.level.items():
        if level in LEVELS:
            _wave_inequalities(system, (units, unit, ""), (units, unit, ""))
    for table, unit, item, q in list(bounds):
        if table == pub.scores_name and q == "n_paired":
            _wave_inequalities(system, (table, unit, item), (units, unit, ""))
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


def mean_system(
    pub: Model,
    columns: dict[str, dict[str, np.ndarray]],
    cells: list[Cell],
    n_star: dict[Cell, float],
    score_range: tuple[float, float],
    half: float,
    precise: float,
) -> tuple[System, list[Cell]]:
    """The means of one item: weighted sums along the relations, rounding intervals, ranges.

    Returns the system and the withheld mean cells (the targets), named
    ``(table, unit, item, mean_baseline | mean_endline | mean_diff)``.
    """
    lo, hi = score_range
    span = {"mean_baseline": (lo, hi), "mean_endline": (lo, hi), "mean_diff": (lo - hi, hi - lo)}
    system, targets = System(), []
    weights = {c: n_star.get(c[:3] + ("n_paired",), 0.0) for c in cells}
    for cell in cells:
        if weights[cell] <= 0:
            continue  # no paired woman, no mean
        for q in MEAN_QUANTITIES:
            target, (a, b) = (*cell[:3], q), span[q]
            low, high = a, b
            shown = False
            for k, (family, row) in enumerate(pub.mean_sources[cell]):
                if q not in columns[family]:
                    continue
                value = columns[family][q][row]
                if np.isnan(value):
                    continue
                if not a - half <= value <= b + half:
                    raise DisclosureError(
                        f"item '{cell[2]}' has a published {q} outside its score range {lo}-{hi}",
                        expected="score_range set from the item's scale in the instrument",
                    )
                width = half if k == 0 else precise
                low, high, shown = max(low, value - width), min(high, value + width), True
            system.bounds[target] = (low, high)
            if not shown:
                targets.append(target)
    for parent, kids in pub.relations(weights):
        if parent[3] != MEANS or parent not in weights:
            continue
        for q in MEAN_QUANTITIES:
            coefs = {(*parent[:3], q): weights[parent]}
            coefs.update({(*k[:3], q): -weights[k] for k in kids})
            system.equal(coefs)
    for cell in cells:
        key = cell[:3]
        system.equal({(*key, "mean_diff"): 1.0, (*key, "mean_endline"): -1.0, (*key, "mean_baseline"): 1.0})
    return system, targets


def _mean_columns(published: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, np.ndarray]]:
    """The mean columns of every table as float arrays."""
    return {
        name: {
            q: pd.to_numeric(df[q], errors="coerce").astype("float64").to_numpy()
            for q in MEAN_QUANTITIES
            if q in df.columns
        }
        for name, df in published.items()
    }


def _paired_counts(pub: Model, truth: Model | None, counts: System) -> dict[Cell, float]:
    """n_paired of every unit x item: the true ones if given, else a consistent integer point.

    Any n consistent with everything published is a world the attacker cannot exclude, so the
    interval computed with it lies inside the attacker's: the audit stays on the safe side.
    """
    paired = [c for c in counts.bounds if c[0] == pub.scores_name and c[3] == "n_paired"]
    n = {c: counts.bounds[c][0] for c in paired if counts.bounds[c][0] == counts.bounds[c][1]}
    missing = [c for c in paired if c not in n]
    if not missing:
        return n
    if truth is not None:
        n.update({c: truth.values[c] for c in missing if c in truth.values})
        if all(c in n for c in missing):
            return n
    point = integer_point(counts)
    n.update({c: point[c] for c in missing if c not in n})
    return n


def _solve_counts(
    system: System, required: dict[Cell, float], pub: Model, cache: dict | None = None, exact: bool = False
) -> list[tuple]:
    """Audit rows for every withheld count (intervals rounded inwards to integers)."""
    withheld = [c for c in system.bounds if c in required]  # not the counts of a rounded pct
    wanted = {c: required[c] for c in withheld if required[c] > 0}
    solved = intervals(system, list(wanted), enough=None if exact else wanted, cache=cache, integer=True)
    if any(np.isnan(lo) for lo, _, _ in solved.values()):
        raise DisclosureError(
            "the published counts admit no whole-number solution: the tables do not add up along "
            "the hierarchy (a project whose OCMWs lie in different regions?)",
            expected="counts that add up from the OCMWs to the projects, regions and the country",
        )
    solved = {c: _inwards(*v) for c, v in solved.items()}
    out = []
    for cell in withheld:
        lo, hi, exact = solved.get(cell, (np.nan, np.nan, False))
        out.append(_result(pub, cell, cell[3], lo, hi, required[cell], exact))
    return out


def _inwards(lo: float, hi: float, exact: bool) -> tuple[float, float, bool]:
    """A count interval rounded inwards to integers."""
    return math.ceil(lo - TOL), (math.floor(hi + TOL) if hi < INF else INF), exact


def _result(
    pub: Model, cell: Cell, quantity: str, lo: float, hi: float, required: float, exact: bool
) -> tuple:
    family, level, unit, key = pub.label[cell]
    width = hi - lo
    ok = bool(required == 0 or width >= required - TOL)  # a complement needs no protection
    return (family, level, unit, key, quantity, lo, hi, width, required, exact, ok, cell)
