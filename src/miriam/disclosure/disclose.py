"""Disclosure control: primary and secondary suppression of every published family
(docs/disclosure.md).

The families are first seen as cells bound by relations (:mod:`miriam.disclosure.cells`). Primary
suppression withholds the cells the thresholds forbid; secondary suppression then makes sure
that no relation has exactly one withheld member (it could be recovered by differencing), to a
fixed point; the audit (:mod:`miriam.disclosure.audit`) attacks the result and drives a few repair
rounds where combinations of relations still narrow a value. The tables carry no language:
the Dutch and French reports print the same cells, so they show the same pattern by
construction.
"""

# size: about 610 lines: the rules and the publishing of a pattern share the cell model's
# bookkeeping (places, groups, reasons); the audit, its solver and the processing counts are
# modules of their own.

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from miriam.disclosure.cells import (
    COUNT,
    ITEM_COUNTS,
    LEVELS,
    MEANS,
    TOTAL,
    UNIT_COUNTS,
    Cell,
    Model,
    Relation,
    add_gaps,
    build,
    identities,
    statistic_columns,
)
from miriam.disclosure.rules import BY_SETTING, PRIMARY, REASONS, TEST_DECIMALS
from miriam.printed import round_half_up

LOG_COLUMNS = ["table", "level", "unit", "key", "columns", "reason", "rule"]
_INTEGER_COLUMNS = frozenset((*UNIT_COUNTS, "count", "n", "df"))


def decimals(kind: str, column: str, mean_decimals: int, pct_decimals: int) -> int:
    """How many decimals a published statistic column keeps."""
    if kind == "tests":
        return TEST_DECIMALS.get(column, 2)
    return pct_decimals if column.startswith("pct") else mean_decimals


def filter_levels(tables: Mapping[str, pd.DataFrame], levels: Mapping[str, list[str]] | None) -> dict:
    """Keep only the levels each family is published at (config ``disclosure.levels``).

    Data minimisation: what no reader needs is not published (profile tables of a dozen
    women per OCMW are exactly where women become recognisable).
    """
    out = {}
    for name, df in tables.items():
        wanted = (levels or {}).get(name)
        out[name] = df if wanted is None else df[df["level"].isin(list(wanted))].reset_index(drop=True)
    return out


# --- the rules ------------------------------------------------------------------------------


def primary(m: Model, *, min_n: int, min_count: int) -> dict[Cell, str]:
    """Cells the thresholds forbid, with their reason.

    Counts of 1 to min_count - 1 are withheld; 0 is published (config: "a published count
    cell is 0 or at least min_count"). Means need n_paired >= min_n for the item and for the
    unit. A share or distribution whose n is below min_n shows no category count at all, not
    even a 0 (with n, a 0 would give every other count away).
    """
    withheld: dict[Cell, str] = {}
    for cell, value in m.values.items():
        if cell in m.residual and cell[3] != MEANS:
            continue  # women without a subgroup value: no attribute to protect
        if cell[3] == MEANS:
            if value < min_n or m.unit_n.get(cell[1], min_n) < min_n:
                withheld[cell] = "n_below_min_n"
            continue
        if 0 < value < min_count:
            withheld[cell] = "count_below_min_count"
        elif cell in m.total_of and 0 < m.values[m.total_of[cell]] < min_n:
            withheld[cell] = "n_below_min_n"
    for cell, (total, *_) in m.rounded.items():  # printed with the means: hidden with them too
        means = total[:3] + (MEANS,)
        if means in withheld and cell not in withheld:
            withheld[cell] = withheld[means]
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
    hidden: Cell, relation: Relation, m: Model, withheld: dict[Cell, str], min_count: int
) -> Cell | None:
    """The published member to withhold so that `hidden` is not the only one of `relation`.

    Children first (the parent, a larger unit, is worth more to readers): the smallest child
    of `hidden`'s own region (a complement elsewhere would carry the suppression into another
    region through the subgroups that cross regions, such as city size), by the unit's number
    of women, then id, then value (so that every quantity picks the same unit and a margin
    its smallest category), big enough to protect (see
    :func:`_needed`), else the largest child, else the parent. Figures of larger units than
    `hidden`'s are taken only when nothing else can protect it (:func:`_kept`). Zeros and
    empty means are never chosen: a withheld zero would make the attacker's knowledge ("0 or
    at least min_count") non-convex and the audit's linear program unsound.
    """
    for strict in (True, False):
        choice = _choose(hidden, relation, m, withheld, min_count, strict)
        if choice is not None:
            return choice
    return None


def _choose(
    hidden: Cell, relation: Relation, m: Model, withheld: dict[Cell, str], min_count: int, strict: bool
) -> Cell | None:
    values = m.values
    parent, kids = relation

    def allowed(c: Cell) -> bool:
        return c not in withheld and c != hidden and values[c] > 0 and not _kept(c, m, hidden, strict)

    free = [c for c in kids if allowed(c)]
    if free:
        need = _needed(hidden, values[hidden], withheld.get(hidden, "secondary"), min_count)
        home = m.region.get(hidden[1], "")
        ranked = sorted(
            free, key=lambda c: (m.region.get(c[1], "") != home, m.size.get(c[1], 0.0), c[1], values[c], c)
        )
        enough = [c for c in ranked if values[c] >= need]
        return enough[0] if enough else max(free, key=lambda c: (values[c], c))
    return parent if allowed(parent) else None


_RANK = {"national": 0, "subgroup": 1, "region": 2, "project": 3, "ocmw": 4}


def _kept(cell: Cell, m: Model, hidden: Cell, strict: bool = True) -> bool:
    """Cells not to choose as complements of `hidden`.

    Strictly: no national or regional figure to protect a smaller unit's. Every report is
    built on them, and their sizes make them the worst choice anyway (withholding one would
    hide a whole region's numbers to protect a dozen women). A figure of the same unit or
    level may be chosen (another category of the same table, another region next to a region
    of a few women). When nothing else protects `hidden`, a regional figure may be chosen
    after all (and a national one of a share or distribution, never the national scores and
    counts): withholding it beats publishing a recoverable value. Residuals (women without a
    subgroup value) never: they are not printed, so withholding them hides nothing.
    """
    if cell in m.residual:
        return True
    level = m.level.get(cell[1], "ocmw")
    if level not in ("national", "region"):
        return False
    if strict:
        return _RANK[level] < _RANK.get(m.level.get(hidden[1], "ocmw"), 4)
    if cell[0] in m.core:  # never the national scores, nor a region that is all the country
        return level == "national" or _only_child(cell[1], m)
    return False


def _only_child(unit: str, m: Model) -> bool:
    """Whether the unit is the only child of its parent (then they are the same women)."""
    return any(kids == [unit] for _, kids in m.families)


def count_groups(m: Model) -> dict[str, list[Cell]]:
    """The nonzero counts of each unit in the units and scores tables: they share one fate.

    Counts of one unit are tied by inequalities (paired <= baseline <= women, an item's n <=
    the unit's n): were some published, they would bound the withheld ones of the same unit
    and, through the sums, their complements. Zeros stay published (the attacker knows them).
    Shares and distributions are tied to them only by upper bounds, which never narrow a
    small count, so their counts follow their own margins instead.
    """
    groups: dict[str, list[Cell]] = defaultdict(list)
    for cell, value in sorted(m.values.items()):
        if cell[0] in m.core and cell[3] != MEANS and value > 0 and cell not in m.rounded:
            groups[cell[1]].append(cell)
    return groups


def _withhold(
    cell: Cell, rule: str, withheld: dict[Cell, str], rules: dict[Cell, str], groups: dict[str, list[Cell]]
) -> None:
    """Withhold `cell` as secondary, and the other core counts of its unit with it."""
    if cell not in withheld:
        withheld[cell], rules[cell] = "secondary", rule
    if cell[3] != MEANS and cell in groups.get(cell[1], ()):
        for other in groups[cell[1]]:
            if other not in withheld:
                withheld[other] = "secondary"
                rules[other] = f"secondary: counts of a unit share one fate ({_label(cell)})"


def secondary(m: Model, rels: list[Relation], withheld: dict[Cell, str], min_count: int) -> dict[Cell, str]:
    """Withhold complements until no relation of counts has exactly one withheld member.

    Counts are exact, so one withheld member of a sum is recovered exactly. Means are
    published rounded, and the rounding of a large parent often hides a small child well
    enough already (a region of 300 women rounded to 0.1 leaves a 7-woman project 4 points
    of room); where it does not, the audit finds the mean and :func:`disclose` withholds a
    complement then. So means get complements only where they need them, except that a
    unit with a single child (a project of one OCMW) always shares its child's fate: the two
    are the same women, and rounding cannot tell them apart.

    Parameters
    ----------
    m
        The cell model of the unsuppressed tables.
    rels
        Its relations (:meth:`miriam.disclosure.cells.Model.relations`).
    withheld
        Primary cells and their reasons; updated in place with the secondary ones.
    min_count
        The count threshold (how big a complement must be).

    Returns
    -------
    dict
        For every secondary cell, the rule that made it (which cell and relation it protects).
    """
    groups = count_groups(m)
    rules: dict[Cell, str] = {}
    for cell in [c for c, r in withheld.items() if c[3] != MEANS and r not in BY_SETTING]:
        _withhold(cell, "", withheld, rules, groups)
    changed = True
    while changed:  # each pass only adds cells, so this ends
        changed = False
        for relation in rels:
            if relation[0][3] == MEANS and len(relation[1]) > 1:
                continue  # rounding protects many means already: the audit asks for the rest
            hidden = [c for c in (relation[0], *relation[1]) if c in withheld]
            if len(hidden) != 1 or withheld[hidden[0]] in BY_SETTING:
                continue  # a value left out by a setting is not sensitive: nothing to protect
            choice = _complement(hidden[0], relation, m, withheld, min_count)
            if choice is not None:
                rule = f"secondary: complement of {_label(hidden[0])} under {relation[0][1]}"
                _withhold(choice, rule, withheld, rules, groups)
                changed = True
    return rules


def _label(cell: Cell) -> str:
    """A row-level name for a cell (table/unit/key): which value of the row is never said."""
    table, unit, key, _ = cell
    key = key.split("|")[0]  # a category count names its indicator, not the category's side
    return "/".join(part for part in (table, unit, key) if part)


def _primary_rule(reason: str, min_n: int, min_count: int) -> str:
    if reason == "n_below_min_n":
        return f"primary: n below min_n ({min_n})"
    return f"primary: count between 1 and min_count - 1 ({min_count - 1})"


# --- the whole step -------------------------------------------------------------------------


# size: the docstring names every parameter; the body is the rules in their order (plan,
# primary, secondary, the repair rounds with the audit), each a call of its own.
def disclose(
    tables: Mapping[str, pd.DataFrame],
    *,
    min_n: int,
    min_count: int,
    mean_decimals: int = 1,
    pct_decimals: int = 0,
    score_range: tuple[float, float] | dict[str, tuple[float, float]] = (0, 10),
    mean_width: float = 2.0,
    max_repairs: int = 20,
    levels: Mapping[str, list[str]] | None = None,
    hidden: set[tuple[str, int, str]] | None = None,
    suppress: Iterable[str] = (),
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Apply primary and secondary suppression and round what is published.

    The pattern rules (:func:`secondary`) stop differencing by one relation; combinations of
    relations and inequalities can still narrow a value. So the audit is run on the result and,
    while a sensitive value fails, one more complement is withheld next to it (then the rules
    again), at most `max_repairs` rounds. The workflow audits the final result once more.

    Parameters
    ----------
    tables
        Unsuppressed families by name (:func:`miriam.disclosure.cells.table_kind` tells them apart);
        exactly one units table.
    min_n
        Means, percentages and tests need at least this many women.
    min_count
        A published count is 0 or at least this.
    mean_decimals, pct_decimals
        Published means (and sd) and percentages are rounded here (tests: as the annex prints
        them, :data:`TEST_DECIMALS`), so that what the audit assumes is what is published.
    score_range, mean_width, max_repairs
        Passed to the audit that drives the repair rounds.
    levels
        Family -> the levels it is published at (others are dropped first); default all.
    hidden
        (family, row, column) the publication plan does not publish (:mod:`miriam.disclosure.publication`):
        their cells are withheld from the start (reason ``plan``), need no complement of their
        own, and a gap with such an operand cannot be read off (it is not withheld for itself).
    suppress
        Units (cohort file ``suppress``) whose every cell is withheld (reason ``manual``): the
        way out a person has when the audit names a value nothing else protects.

    Returns
    -------
    published : dict of DataFrame
        Same rows and columns, withheld values null, plus ``status`` and ``reason``
        (units: ``reason`` and ``published``).
    log : DataFrame
        One row per table row with a withheld value: table, level, unit, key, columns (the
        withheld ones, '|'-joined), reason, rule; never a value.
    """
    from miriam.disclosure.audit import audit  # here: the audit module builds on this one

    tables = filter_levels(tables, levels)
    m = build(tables)
    gaps = add_gaps(m)
    by_plan = _hidden_by_plan(m, hidden or set())
    unreadable = {g for g, operands in gaps.items() if by_plan & set(operands)}
    withheld = {c: r for c, r in primary(m, min_n=min_n, min_count=min_count).items() if c not in unreadable}
    rules = {c: _primary_rule(r, min_n, min_count) for c, r in withheld.items()}
    manual = {str(u) for u in suppress}
    for cell in sorted(c for c in m.values if c[1] in manual or c[1].split("~")[0] in manual):
        withheld[cell], rules[cell] = "manual", "withheld whole by the cohort file (suppress)"
    for cell in sorted(by_plan | unreadable):
        if cell not in withheld:
            withheld[cell], rules[cell] = "plan", "not in the publication plan at this level"
    rels = m.relations() + identities(m)
    rules.update(secondary(m, rels, withheld, min_count))
    cache: dict = {}
    for _ in range(max_repairs + 1):
        published, log = publish(tables, m, withheld, rules, mean_decimals, pct_decimals)
        result = audit(
            published,
            min_n=min_n,
            min_count=min_count,
            score_range=score_range,
            mean_width=mean_width,
            mean_decimals=mean_decimals,
            pct_decimals=pct_decimals,
            private=tables,
            cache=cache,
        )
        failing = [c for c, ok in zip(result["cell"], result["ok"], strict=True) if not ok]
        if not failing or not _repair(failing, rels, m, withheld, rules, min_count):
            break
        rules.update(secondary(m, rels, withheld, min_count))
    return published, pd.concat([log, _hide_second_moments(published, m, rels, withheld)], ignore_index=True)


#: Statistics of the second moment of the differences: with a parent's and the siblings', they
#: bound a withheld unit's sum of squares, and with it its mean (|mean| <= sqrt(sum d^2 / n)).
SECOND_MOMENTS = tuple(c for c in TEST_DECIMALS if c != "mean_diff")  # the annex's statistics


def _hide_second_moments(
    published: dict[str, pd.DataFrame], m: Model, rels: list[Relation], withheld: dict[Cell, str]
) -> pd.DataFrame:
    """Withhold the SDs and tests of the siblings of a unit whose means are withheld.

    The audit attacks sums, not the quadratic variance decomposition: so that no attack on it
    is needed, a relation with a withheld mean shows no second moment of its other children
    (the parent keeps its own: with every sibling's hidden it bounds nothing). Returns the log
    rows of what this hides.
    """
    targets: dict[tuple[str, int], tuple[str, str]] = {}  # (family, row) -> (item, parent)
    for parent, kids in rels:
        if parent[3] != MEANS or not any(k in withheld for k in kids):
            continue
        for kid in kids:
            if kid not in withheld:
                for family, row in m.mean_sources[kid]:
                    targets.setdefault((family, row), (kid[2], parent[1]))
    rows = []
    for family in sorted({f for f, _ in targets}):
        df = published[family]
        at = sorted(r for f, r in targets if f == family)
        columns = [c for c in SECOND_MOMENTS if c in df.columns]
        shown = df.loc[at, columns].notna().to_numpy()
        levels, units = df["level"].to_numpy(), df["unit"].to_numpy()
        for k, row in enumerate(at):
            hidden = [c for c, on in zip(columns, shown[k], strict=True) if on]
            if hidden:
                item, parent = targets[(family, row)]
                rule = f"secondary: second moments beside the withheld means under {parent}"
                rows.append((family, levels[row], units[row], item, "|".join(hidden), "secondary", rule))
        for column in columns:
            df.loc[at, column] = np.nan
    return pd.DataFrame(rows, columns=LOG_COLUMNS).astype("string")


def _hidden_by_plan(m: Model, hidden: set[tuple[str, int, str]]) -> set[Cell]:
    """Cells every place of which the publication plan leaves out."""
    return {
        cell
        for cell, places in m.places.items()
        if places and all((f, r, c) in hidden for f, r, columns in places for c in columns)
    }


def _repair(
    failing: list[Cell],
    rels: list[Relation],
    m: Model,
    withheld: dict[Cell, str],
    rules: dict[Cell, str],
    min_count: int,
) -> bool:
    """Withhold one more complement next to every value the audit could narrow.

    Returns
    -------
    bool
        Whether anything was added (if not, repairing cannot help and the audit will fail).
    """
    added, touched = False, set()  # one complement per relation and round: then audit again
    groups = count_groups(m)
    around: dict[Cell, list[Relation]] = defaultdict(list)
    for relation in rels:
        for member in (relation[0], *relation[1]):
            around[member].append(relation)
    for target in failing:
        rule = f"secondary: audit repair for {_label(target)}"
        choice, relation = _nearest_complement(target, around, m, withheld, min_count)
        if choice is None or relation[0] in touched:
            continue  # nothing left to withhold, or this round has added next to it already
        before = set(withheld)
        _withhold(choice, rule, withheld, rules, groups)
        added = True
        # The complement took its unit's other counts with it (one fate): every relation they
        # are in has changed, so the values there are audited again before anything more is
        # withheld next to them.
        for cell in set(withheld) - before:
            touched.update(r[0] for r in around[cell])
        touched.add(relation[0])
    return added


def _nearest_complement(
    target: Cell, around: Mapping[Cell, list[Relation]], m: Model, withheld: dict[Cell, str], min_count: int
) -> tuple[Cell | None, Relation | None]:
    """The published member to withhold next to a value the audit could narrow.

    First in the value's own relations, the least protected first (the fewest withheld
    members); when every member of those is withheld already (four small OCMWs under a
    withheld region total that the other regions give away), one relation further out, through
    the withheld members (the region total's own relation), up to three steps: the attacker
    got there through them, so that is where the gap is.
    """
    frontier, seen = [target], {target}
    for _ in range(4):
        further = []
        for cell in frontier:
            ranked = sorted(around[cell], key=lambda r: (sum(c in withheld for c in (r[0], *r[1])), r[0]))
            for relation in ranked:
                choice = _complement(cell, relation, m, withheld, min_count)
                if choice is not None:
                    return choice, relation
                for member in (relation[0], *relation[1]):
                    if member in withheld and member not in seen:
                        seen.add(member)
                        further.append(member)
        frontier = further
    return None, None


# --- publishing -----------------------------------------------------------------------------


def publish(
    tables: Mapping[str, pd.DataFrame],
    m: Model,
    withheld: dict[Cell, str],
    rules: dict[Cell, str],
    mean_decimals: int = 1,
    pct_decimals: int = 0,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The published tables and the log for a suppression pattern."""
    hidden: dict[str, dict[int, set[str]]] = {name: defaultdict(set) for name in tables}
    cells_at: dict[str, dict[int, list[Cell]]] = {name: defaultdict(list) for name in tables}
    for cell, places in m.places.items():
        if cell in withheld:
            for family, row, columns in places:
                hidden[family][row].update(columns)
                cells_at[family][row].append(cell)
    # A unit with a small count says so on every row whose core counts it withholds: a row
    # saying "secondary" would tell that its counts are >= min_count and bound the small ones.
    small_units = {c[1] for c, r in withheld.items() if r == REASONS[0] and c[0] in m.core}
    published, log_rows = {}, []
    for name, df in tables.items():
        if name not in m.kinds:  # a disclosure log given back: nothing to publish
            continue
        kind = m.kinds[name]
        out = _rounded(df.reset_index(drop=True), kind, mean_decimals, pct_decimals)
        reasons, keys = {}, row_keys(out, kind)
        by_column: dict[str, list[int]] = defaultdict(list)
        for i, columns in hidden[name].items():
            for column in columns:
                by_column[column].append(i)
        for column, rows in by_column.items():
            out.loc[sorted(rows), column] = pd.NA if column in _INTEGER_COLUMNS else np.nan
        for i, columns in sorted(hidden[name].items()):
            ordered = [c for c in out.columns if c in columns]
            cells = cells_at[name][i]
            if all(withheld[c] == "plan" for c in cells):  # (a manual suppression is logged)
                continue  # left out by the plan: not a suppression
            top = min(cells, key=lambda c: (REASONS.index(withheld[c]), c))
            reason = withheld[top]
            if any(c[0] in m.core and c[3] != MEANS and c[1] in small_units for c in cells):
                reason = REASONS[0]
                top = next((c for c in sorted(cells) if withheld[c] == reason), top)
            reasons[i] = reason
            log_rows.append(
                (name, out.at[i, "level"], out.at[i, "unit"], keys[i], "|".join(ordered), reason, rules[top])
            )
        # No status or reason column: which value is small and which is a complement is for
        # reviewers only (the log); published, it would bound the withheld values.
        published[name] = out
    units_name = m.units_name
    published[units_name] = _unit_flags(published, m)
    order = {level: i for i, level in enumerate(LEVELS)}
    log = pd.DataFrame(log_rows, columns=LOG_COLUMNS).astype("string")
    log = log.assign(_l=log["level"].map(order)).sort_values(["table", "_l", "unit", "key"], kind="stable")
    return published, log.drop(columns="_l").reset_index(drop=True)


def _rounded(df: pd.DataFrame, kind: str, mean_decimals: int, pct_decimals: int) -> pd.DataFrame:
    """Statistics rounded as published, counts as nullable integers (a withheld count is
    null, not a float)."""
    out = df.copy()
    if kind in ("scores", "subgroups", "tests"):
        rounded = statistic_columns(out)
    else:
        rounded = [c for c in ("pct",) if c in out.columns]
    for column in rounded:
        if pd.api.types.is_numeric_dtype(out[column]):
            places = decimals(kind, column, mean_decimals, pct_decimals)
            out[column] = round_half_up(out[column].astype("float64"), places)
    for column in _INTEGER_COLUMNS & set(out.columns):
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("Int64")
    return out


def row_keys(df: pd.DataFrame, kind: str) -> list[str]:
    """The key of every row within its unit, as the log names it."""
    if kind == "units":
        return [""] * len(df)
    if kind in ("scores", "tests"):
        return df["item"].astype(str).tolist()
    if kind == "subgroups":
        return [f"{s}={v}/{i}" for s, v, i in zip(df["subgroup"], df["value"], df["item"], strict=True)]
    if kind == "shares":
        return [f"{i}@{w}" for i, w in zip(df["indicator"], df["wave"], strict=True)]
    if kind == "distributions":
        parts = zip(df["indicator"], df["wave"], df["category"], strict=True)
        return [f"{i}@{w}/{c}" for i, w, c in parts]
    return df["measure"].astype(str).tolist()


def _unit_flags(published: dict[str, pd.DataFrame], m: Model) -> pd.DataFrame:
    """`published` is True when at least one of a unit's items has its means shown: what a
    chart or a factsheet of the unit needs (its counts may still be withheld, as a complement
    of a smaller neighbour's: the factsheet then prints the results without n). It says
    nothing the items table does not."""
    units = published[m.units_name].copy()
    if m.scores_name:
        scores = published[m.scores_name]
        shown = set(scores.loc[scores["mean_diff"].notna(), "unit"].astype(str))
        flags = [unit in shown for unit in units["unit"].astype(str)]
    else:
        flags = [True] * len(units)
    units["published"] = pd.array(flags, dtype="boolean")
    return units


__all__ = [
    "COUNT",
    "ITEM_COUNTS",
    "MEANS",
    "PRIMARY",
    "REASONS",
    "TEST_DECIMALS",
    "TOTAL",
    "decimals",
    "disclose",
    "filter_levels",
    "primary",
    "publish",
    "row_keys",
    "secondary",
]
