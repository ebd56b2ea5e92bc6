"""The published tables as cells bound by relations: the model that disclosure control
(:mod:`miriam.disclosure.disclose`) and its audit (:mod:`miriam.disclosure.audit`) share (docs/disclosure.md).

A *cell* is one publishable quantity, named ``(table, unit, key, quantity)``:

- a count of women: ``n_women`` ... ``n_paired`` of a unit or of a unit x item, a category
  count of a share or distribution (quantity ``count``), or the population behind its
  percentages (quantity ``n``);
- the group of statistics of one unit and item (quantity ``means``): its means, difference,
  SD and the tests share one fate, because ``mean_diff = mean_endline - mean_baseline`` and
  the rest are functions of the same women.

A *relation* says that a parent cell is the sum of its children: along the OCMW -> project ->
region -> national tree, across the values of a subgroup (with the women whose value is
missing as an implied residual), from the OCMWs to a subgroup defined by an OCMW attribute (city size),
and across the categories of a share or distribution (which add up to its ``n``). A share's
"no" count is not printed but is ``n - count``: it is an *implicit* cell with the same rules.

Every family of the indicators stage maps onto these cells (a *placement* says which columns
of which row print a cell):

======================  =====================================================================
family (kind)           cells
======================  =====================================================================
units                   the unit's counts
scores                  counts and means per unit x item
subgroups               the same per subgroup value, as a pseudo-unit ``BE~age_group=35_plus``
tests                   none of its own: a row prints its scores row's means and n_paired
shares                  ``n``, ``count`` (yes) and the implicit no, per unit, indicator, wave
distributions           ``n`` and one count per category (multi-response: yes / not, each)
reach                   none of its own: women and paired women are the unit's counts; the
                        numbers of OCMWs and projects are public facts, not about women
======================  =====================================================================

The same function builds the model of the unsuppressed tables (for suppression) and of the
published ones (for the attack; withheld values are NaN), so both name the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from miriam.errors import DisclosureError

LEVELS = ("national", "region", "project", "ocmw")
SUBGROUP_LEVEL = "subgroup"
UNIT_COUNTS = ("n_women", "n_baseline", "n_endline", "n_paired")
ITEM_COUNTS = ("n_baseline", "n_endline", "n_paired")
MEANS = "means"
COUNT = "count"
TOTAL = "n"
UNKNOWN = "unknown"  # the subgroup value of women whose value is missing
MEAN_QUANTITIES = ("mean_baseline", "mean_endline", "mean_diff")
#: The shares of paired women whose score went up, stayed, went down: with n_paired known,
#: a rounded percentage pins the count (28 % of 7 is 2), so each is a count cell of its own.
SIGNS = (("improved", "pct_improved"), ("unchanged", "pct_unchanged"), ("declined", "pct_declined"))
SIGN_COLUMNS = tuple(column for _, column in SIGNS)
#: Columns of a scores-like row that are neither identifiers nor counts.
_ID_COLUMNS = {"level", "unit", "item", "group", "subgroup", "value", "status", "reason"}
#: Columns of a tests row that give its n away (df = n - 1).
TEST_N_COLUMNS = ("n", "df")

Cell = tuple[str, str, str, str]  # (table, unit, key, quantity)
Relation = tuple[Cell, list[Cell]]  # (parent, children): parent = sum(children)
Place = tuple[str, int, tuple[str, ...]]  # (family, row position, columns)

KINDS = ("units", "scores", "subgroups", "tests", "shares", "distributions", "reach")


def table_kind(name: str, df: pd.DataFrame) -> str:
    """Tell what a family is from its columns.

    Raises
    ------
    DisclosureError
        When the shape is unknown: an unknown table must never pass the gate unchecked.
    """
    columns = set(df.columns)
    shapes = (
        ("units", {"unit", "parent", "n_women"}),
        ("subgroups", {"unit", "subgroup", "value", "item", "n_paired"}),
        ("tests", {"unit", "item", "n", "t", "p"}),
        ("scores", {"unit", "item", "n_paired", "mean_diff"}),
        ("distributions", {"unit", "indicator", "wave", "category", "n", "count"}),
        ("shares", {"unit", "indicator", "wave", "n", "count"}),
        ("reach", {"unit", "measure", "count"}),
    )
    for kind, needed in shapes:
        if needed <= columns:
            return kind
    raise DisclosureError(
        f"table '{name}' has a shape the disclosure step does not know",
        expected="one of the indicator families of docs/data-contracts.md "
        "(units, scores, subgroups, tests, shares, distributions, reach)",
    )


def statistic_columns(df: pd.DataFrame) -> list[str]:
    """The columns of a scores-like row that follow the fate of its means.

    Every column that is not an identifier or a count: the means, ``sd_diff``, any other
    statistic over the paired women (``pct_improved`` ...). A column added later is withheld
    with the means by default rather than published by mistake.
    """
    fixed = _ID_COLUMNS | set(ITEM_COUNTS) | set(TEST_N_COLUMNS)
    return [c for c in df.columns if c not in fixed]


def pseudo_unit(unit: str, subgroup: str, value: str) -> str:
    """The id of a subgroup value as a unit: ``BE~age_group=35_plus``."""
    return f"{unit}~{subgroup}={value}"


def _value(v) -> float:
    return np.nan if v is None or v is pd.NA or pd.isna(v) else float(v)


def _floats(column: pd.Series) -> np.ndarray:
    """A count column as floats, NaN where withheld."""
    return pd.to_numeric(column, errors="coerce").astype("float64").to_numpy()


@dataclass
class Model:
    """Cells, where they are printed, and the relations between them.

    Attributes
    ----------
    kinds
        Family name -> kind.
    values
        Every cell's value: a count, or for a ``means`` cell its ``n_paired`` (its weight).
        NaN when the table it comes from does not show it (a withheld value).
    places
        Cell -> the (family, row, columns) that print it; empty for a cell that is only
        implied (a subgroup's unknown value is printed; a share's "no" is not).
    families
        Every (parent unit, child units) along which cells add up.
    margins
        Explicit relations inside a unit: categories -> n, a paired share's two n's.
    total_of
        Category count -> the ``n`` of its share or distribution (the min_n rule).
    level, region, size, unit_n
        Unit -> its level; its region; its number of women (both rank complements); its
        n_paired (means rule).
    core
        Tables whose counts of one unit share one fate (units and scores, see disclose).
    residual
        Cells of the women without a subgroup value: implied by the others, never printed;
        their counts tell no attribute of anyone (only that a value is missing).
    label
        Cell -> (family, level, unit, key) as a reviewer reads it.
    rounded
        Count cell printed only as a rounded percentage -> (the cell of its n, family, column,
        row): the shares of women improved, unchanged or declined of a scores row.
    mean_sources
        Means cell -> the (family, row, decimals) that print its mean_diff (scores or
        subgroups row first, then tests rows).
    """

    kinds: dict[str, str]
    values: dict[Cell, float] = field(default_factory=dict)
    places: dict[Cell, list[Place]] = field(default_factory=lambda: defaultdict(list))
    families: list[tuple[str, list[str]]] = field(default_factory=list)
    margins: list[Relation] = field(default_factory=list)
    total_of: dict[Cell, Cell] = field(default_factory=dict)
    level: dict[str, str] = field(default_factory=dict)
    region: dict[str, str] = field(default_factory=dict)
    size: dict[str, float] = field(default_factory=dict)
    unit_n: dict[str, float] = field(default_factory=dict)
    core: set[str] = field(default_factory=set)
    residual: set[Cell] = field(default_factory=set)
    label: dict[Cell, tuple[str, str, str, str]] = field(default_factory=dict)
    mean_sources: dict[Cell, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    rounded: dict[Cell, tuple[Cell, str, str, int]] = field(default_factory=dict)
    units_name: str = "units"
    scores_name: str | None = None
    _by_key: tuple[int, list] = (-1, [])

    def add(self, cell: Cell, value: float, place: Place | None, label: tuple[str, str, str, str]) -> None:
        if cell not in self.values:
            self.values[cell] = value
            self.label[cell] = label
        if place is not None:
            self.places[cell].append(place)

    def relations(self, weight: Mapping[Cell, float] | None = None) -> list[Relation]:
        """Every parent = sum(children) relation, in a deterministic order.

        Means relate through their weights (``n_paired``): a means cell whose weight is 0 or
        unknown has no mean and is left out. `weight` defaults to the model's own values.
        """
        weight = self.values if weight is None else weight
        if self._by_key[0] != len(self.values):  # cells are only ever added: their count tells
            by_key: dict[tuple[str, str, str], set[str]] = defaultdict(set)
            for table, unit, key, q in self.values:
                by_key[(table, key, q)].add(unit)
            self._by_key = (len(self.values), sorted(by_key.items()))
        out: list[Relation] = []
        for (table, key, q), units in self._by_key[1]:
            for parent, kids in self.families:
                if parent not in units:
                    continue
                p = (table, parent, key, q)
                cells = [(table, u, key, q) for u in kids if u in units]
                if q == MEANS:
                    if not weight.get(p, 0) > 0:
                        continue
                    cells = [c for c in cells if weight.get(c, 0) > 0]
                if cells:
                    out.append((p, cells))
        out.extend(self.margins)
        return out


def build(tables: Mapping[str, pd.DataFrame]) -> Model:
    """The cell model of a set of families (unsuppressed or published).

    Exactly one units table is needed (the hierarchy); tests and subgroups need a scores
    table, reach needs the units table. A disclosure log among the tables is ignored.
    """
    kinds = {n: table_kind(n, df) for n, df in tables.items() if not _is_log(df)}
    named = defaultdict(list)
    for name, kind in kinds.items():
        named[kind].append(name)
    if len(named["units"]) != 1:
        raise DisclosureError(
            f"disclosure needs exactly one units table, got {len(named['units'])}",
            expected="a table with columns unit, parent, n_women",
        )
    if len(named["scores"]) > 1:
        raise DisclosureError("disclosure takes at most one scores table", expected="one items table")
    m = Model(kinds=kinds, units_name=named["units"][0])
    m.scores_name = named["scores"][0] if named["scores"] else None
    units = tables[m.units_name].reset_index(drop=True)
    _add_units(m, units)
    if m.scores_name:
        _add_scores(m, m.scores_name, tables[m.scores_name].reset_index(drop=True))
    elif named["tests"] or named["subgroups"]:
        raise DisclosureError(
            "tests and subgroups tables need the scores table they belong to",
            expected="the scores (items) family among the tables",
        )
    for name in named["subgroups"]:
        _add_subgroups(m, name, tables[name].reset_index(drop=True), units)
    for name in named["tests"]:
        _add_tests(m, name, tables[name].reset_index(drop=True))
    for name in named["reach"]:
        _add_reach(m, name, tables[name].reset_index(drop=True))
    for name in named["shares"]:
        _add_shares(m, name, tables[name].reset_index(drop=True))
    for name in named["distributions"]:
        _add_distributions(m, name, tables[name].reset_index(drop=True))
    m.families.sort()
    return m


def _is_log(df: pd.DataFrame) -> bool:
    return {"table", "columns", "reason", "rule"} <= set(df.columns)


def _add_units(m: Model, units: pd.DataFrame) -> None:
    name = m.units_name
    m.core.add(name)
    children: dict[str, list[str]] = defaultdict(list)
    for i, row in enumerate(units.itertuples(index=False)):
        unit, level = str(row.unit), str(row.level)
        m.level[unit] = level
        m.region[unit] = str(getattr(row, "region", "") or "") if level != "region" else unit
        m.size[unit] = _value(row.n_women)
        m.unit_n[unit] = _value(row.n_paired)
        parent = "" if pd.isna(row.parent) else str(row.parent)
        if parent:
            children[parent].append(unit)
        for q in (q for q in UNIT_COUNTS if q in units.columns):  # the plan may publish fewer
            m.add((name, unit, "", q), _value(getattr(row, q)), (name, i, (q,)), (name, level, unit, ""))
    m.families.extend((p, sorted(kids)) for p, kids in children.items())


def _add_scores(m: Model, name: str, df: pd.DataFrame) -> None:
    m.core.add(name)
    stats = tuple(statistic_columns(df))
    counts = {q: _floats(df[q]) for q in ITEM_COUNTS if q in df.columns}
    ids = zip(df["level"].astype(str), df["unit"].astype(str), df["item"].astype(str), strict=True)
    for i, (level, unit, item) in enumerate(ids):
        label = (name, level, unit, item)
        for q, column in counts.items():
            m.add((name, unit, item, q), column[i], (name, i, (q,)), label)
        cell = (name, unit, item, MEANS)
        m.add(cell, counts["n_paired"][i], (name, i, stats), label)
        m.mean_sources[cell].append((name, i))
    _add_signs(m, name, name, df, df["unit"].astype(str).tolist())


def _add_signs(m: Model, scores: str, name: str, df: pd.DataFrame, units: list[str]) -> None:
    """The counts of paired women improved, unchanged and declined behind a row's percentages:
    they add up to the row's n_paired, and along every relation like any count."""
    if not set(SIGN_COLUMNS) <= set(df.columns):
        return
    pct = {column: _floats(df[column]) for column in SIGN_COLUMNS}
    for i, (unit, item) in enumerate(zip(units, df["item"].astype(str), strict=True)):
        total = (scores, unit, item, "n_paired")
        n = m.values.get(total, np.nan)
        kids = []
        for sign, column in SIGNS:
            cell = (scores, unit, f"{item}|{sign}", COUNT)
            value = pct[column][i] * n / 100
            label = (name, m.label[total][1], m.label[total][2], f"{m.label[total][3]}/{sign}")
            m.add(
                cell,
                float(np.round(value)) if not np.isnan(value) else np.nan,
                (name, i, SIGN_COLUMNS),
                label,
            )
            m.total_of[cell] = total
            m.rounded[cell] = (total, name, column, i)
            kids.append(cell)
        m.margins.append((total, kids))


def _add_subgroups(m: Model, name: str, df: pd.DataFrame, units: pd.DataFrame) -> None:
    """Subgroup values as pseudo-units of the scores table, with their relations: the values
    of a subgroup and the *residual* (women without a value: the unit minus the values,
    never printed) add up to their unit, and a subgroup that is an OCMW attribute (a column
    of the units table, such as city_size) is the sum of the OCMWs that have that value."""
    scores = m.scores_name
    stats = tuple(statistic_columns(df))
    counts = {q: _floats(df[q]) for q in ITEM_COUNTS if q in df.columns}
    partitions: dict[tuple[str, str], set[str]] = defaultdict(set)
    ids = df[["level", "unit", "subgroup", "value", "item"]].astype(str)
    for i, (level, unit, subgroup, value, item) in enumerate(ids.itertuples(index=False)):
        pseudo = pseudo_unit(unit, subgroup, value)
        m.level[pseudo] = SUBGROUP_LEVEL
        partitions[(unit, subgroup)].add(pseudo)
        label = (name, level, unit, f"{subgroup}={value}/{item}")
        for q, column in counts.items():
            m.add((scores, pseudo, item, q), column[i], (name, i, (q,)), label)
        cell = (scores, pseudo, item, MEANS)
        m.add(cell, counts["n_paired"][i], (name, i, stats), label)
        m.mean_sources[cell].append((name, i))
    pseudos_of_rows = [pseudo_unit(*r) for r in ids[["unit", "subgroup", "value"]].itertuples(index=False)]
    _add_signs(m, scores, name, df, pseudos_of_rows)
    for (unit, subgroup), pseudos in sorted(partitions.items()):
        residual = pseudo_unit(unit, subgroup, UNKNOWN)
        m.level[residual] = SUBGROUP_LEVEL
        for item in sorted({c[2] for c in m.values if c[0] == scores and c[1] in pseudos}):
            quantities = [COUNT] if "|" in item else [*counts, MEANS]
            for q in quantities:  # women without a value: the unit minus the values
                source = "n_paired" if q == MEANS else q
                rest = m.values.get((scores, unit, item, source), np.nan) - sum(
                    m.values.get((scores, p, item, source), np.nan) for p in pseudos
                )
                cell = (scores, residual, item, q)
                m.add(cell, rest, None, (name, "national", unit, f"{subgroup}={UNKNOWN}/{item}"))
                m.residual.add(cell)
        m.families.append((unit, sorted({*pseudos, residual})))
        if subgroup in units.columns:  # an attribute of the OCMWs: the value is a sum of OCMWs
            ocmws = units[units["level"] == "ocmw"]
            for pseudo in sorted(pseudos):
                value = pseudo.rsplit("=", 1)[1]
                kids = sorted(ocmws.loc[ocmws[subgroup].astype("string") == value, "unit"].astype(str))
                if kids:
                    m.families.append((pseudo, kids))


def _add_tests(m: Model, name: str, df: pd.DataFrame) -> None:
    """A tests row prints its scores row's means (mean_diff, more precisely) and n_paired:
    sd and se together give n away, so every statistic also follows n_paired."""
    scores = m.scores_name
    stats = tuple(c for c in statistic_columns(df))
    for i, row in enumerate(df[["unit", "item"]].itertuples(index=False)):
        unit, item = str(row.unit), str(row.item)
        means, n = (scores, unit, item, MEANS), (scores, unit, item, "n_paired")
        if means not in m.values:
            raise DisclosureError(
                f"tests table '{name}' has a row for {unit}/{item} that the scores table lacks",
                expected="tests computed from the same women as the scores",
            )
        m.places[means].append((name, i, stats))
        m.places[n].append((name, i, (*TEST_N_COLUMNS, *stats)))
        m.mean_sources[means].append((name, i))


def _add_reach(m: Model, name: str, df: pd.DataFrame) -> None:
    """Women and paired women are the unit's counts; OCMWs, projects, consortia and new
    entrants count organisations, which the programme makes public: no cell of their own."""
    own = {"women": "n_women", "women_paired": "n_paired"}
    for i, row in enumerate(df[["unit", "measure"]].itertuples(index=False)):
        q = own.get(str(row.measure))
        if q is not None:
            m.places[(m.units_name, str(row.unit), "", q)].append((name, i, ("count",)))


def _add_shares(m: Model, name: str, df: pd.DataFrame) -> None:
    """Per unit, indicator and wave: n, the yes count and the implicit no (n - count). A paired
    share (one with a "change" row) has the same n at both waves; its change row follows
    both waves' cells."""
    rows = df[["level", "unit", "indicator", "wave"]].astype(str)
    ns, yeses = _floats(df["n"]), _floats(df["count"])
    waves: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    for i, (_, unit, indicator, wave) in enumerate(rows.itertuples(index=False)):
        waves[(unit, indicator)].append((i, wave))
    # A change row with a count of its own (a share measured on the change, such as progress
    # on the domains: no baseline or endline row) is a share like any other: n, yes and no.
    own_count = {i for rows_w in waves.values() if all(w == "change" for _, w in rows_w) for i, _ in rows_w}
    for i, (level, unit, indicator, wave) in enumerate(rows.itertuples(index=False)):
        if wave == "change" and i not in own_count:
            continue
        key = f"{indicator}@{wave}"
        n, yes = ns[i], yeses[i]
        total = (name, unit, key, TOTAL)
        label = (name, level, unit, key)
        m.add(total, n, (name, i, ("n", "pct")), label)
        kids = []
        for category, value, place in (
            ("yes", yes, (name, i, ("count", "pct"))),
            ("no", n - yes, (name, i, ("count", "pct"))),
        ):
            cell = (name, unit, f"{key}|{category}", COUNT)
            m.add(cell, value, place, (name, level, unit, f"{key}/{category}"))
            m.total_of[cell] = total
            kids.append(cell)
        m.margins.append((total, kids))
    for (unit, indicator), rows_w in sorted(waves.items()):
        change = [i for i, w in rows_w if w == "change" and i not in own_count]
        measured = [w for _, w in rows_w if w != "change"]
        if not change:
            continue
        totals = [(name, unit, f"{indicator}@{w}", TOTAL) for w in measured]
        counts = [(name, unit, f"{indicator}@{w}|{c}", COUNT) for w in measured for c in ("yes", "no")]
        for i in change:
            for cell in totals:
                m.places[cell].append((name, i, ("n", "pct")))
            for cell in counts:
                m.places[cell].append((name, i, ("pct",)))
        if len(totals) == 2:  # the same women answered at both waves: one n
            m.margins.append((totals[0], [totals[1]]))


def _add_distributions(m: Model, name: str, df: pd.DataFrame) -> None:
    """Per unit, indicator and wave: n and one count per category. Single choice: the counts
    add up to n. Multi-response (column ``multi``,
    else counts that do not add up): each category and its implicit complement add up to n."""
    ids = df[["level", "unit", "indicator", "wave", "category"]].astype(str)
    ns, all_counts = _floats(df["n"]), _floats(df["count"])
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, (_, unit, indicator, wave, _) in enumerate(ids.itertuples(index=False)):
        groups[(unit, indicator, wave)].append(i)
    for (unit, indicator, wave), rows in sorted(groups.items()):
        key = f"{indicator}@{wave}"
        level = ids.at[rows[0], "level"]
        n = ns[rows[0]]
        total = (name, unit, key, TOTAL)
        m.add(total, n, None, (name, level, unit, key))
        for i in rows:
            m.places[total].append((name, i, ("n", "pct")))
        counts = {i: all_counts[i] for i in rows}
        multi = bool(df.at[rows[0], "multi"]) if "multi" in df.columns else None
        if multi is None:
            multi = (
                not np.isnan(n)
                and not any(np.isnan(v) for v in counts.values())
                and sum(counts.values()) != n
            )
        kids = []
        for i in rows:
            category = ids.at[i, "category"]
            cell = (name, unit, f"{key}|{category}", COUNT)
            m.add(cell, counts[i], (name, i, ("count", "pct")), (name, level, unit, f"{key}/{category}"))
            m.total_of[cell] = total
            if not multi:
                kids.append(cell)
                continue
            other = (name, unit, f"{key}|{category}|not", COUNT)
            m.add(
                other,
                n - counts[i],
                (name, i, ("count", "pct")),
                (name, level, unit, f"{key}/not {category}"),
            )
            m.total_of[other] = total
            m.margins.append((total, [cell, other]))
        if not multi:
            known = not np.isnan(n) and not any(np.isnan(v) for v in counts.values())
            if known and sum(counts.values()) != n:
                raise DisclosureError(
                    f"distribution {indicator} ({wave}) of unit {unit}: the categories add up to "
                    f"{sum(counts.values()):g}, not to n = {n:g}",
                    expected="single-choice categories that cover every answer, or multi = true",
                )
            m.margins.append((total, kids))


def identities(m: Model) -> list[Relation]:
    """Cross-table identities an analyst can read off the definitions: a share's or a
    distribution's ``n`` that equals one of its unit's counts (everyone asked, everyone with a
    baseline ...). Taken from the model's known values, each as a relation of one member
    (``unit count = n``), so that withholding one side withholds the other."""
    out: list[Relation] = []
    for cell, value in sorted(m.values.items()):
        if cell[3] != TOTAL or cell[0] == m.units_name or np.isnan(value):
            continue
        for q in UNIT_COUNTS:
            count = (m.units_name, cell[1], "", q)
            if m.values.get(count, np.nan) == value:
                out.append((count, [cell]))
    return out


GAP = "gap"  # the quantity of a difference between two counts of one unit


def add_gaps(m: Model, reference: Model | None = None) -> dict[Cell, tuple[Cell, Cell]]:
    """Differences between two published counts of one unit, as count cells of their own.

    ``n_women - n_paired`` (the women without both measurements) and ``n_women - n`` of a share
    or distribution (the women not asked, or with no answer: "4 women with only an end form")
    are counts of women like any other: the count rules apply to them. Each gap sums along the
    hierarchy like its operands, and the unit's women equal the subtrahend plus the gap.

    `reference` (the unsuppressed model) decides which gaps exist: those it finds whole and
    at least 0 (a table of children counts more children than women: no gap). A gap is printed
    where its minuend is for a unit's own counts (withholding it hides ``n_women``) and where
    its subtrahend is for a share (its ``n`` and ``pct``).

    Returns
    -------
    dict
        Gap cell -> (minuend, subtrahend).
    """
    reference = reference or m
    units = m.units_name
    groups: dict[tuple[str, str, str], list[Cell]] = defaultdict(list)
    for cell in sorted(reference.values):
        table, _, key, q = cell
        if (table == units and q == "n_paired") or (table != units and q == TOTAL):
            groups[(table, key, q)].append(cell)
    out: dict[Cell, tuple[Cell, Cell]] = {}
    for members in groups.values():
        # all of a kind or none: a gap missing under a parent would make its sum wrong
        women_of = {c: (units, c[1], "", "n_women") for c in members}
        known = [reference.values.get(women_of[c], np.nan) - reference.values[c] for c in members]
        if any(v < 0 for v in known if not np.isnan(v)):
            continue
        for cell in members:
            women = women_of[cell]
            if women not in m.values or cell not in m.values:
                continue
            table, unit, key, _ = cell
            gap = (table, unit, f"{key}|{GAP}" if key else GAP, GAP)
            m.add(
                gap, m.values[women] - m.values[cell], None, (*m.label[cell][:3], f"{m.label[cell][3]}/gap")
            )
            m.places[gap].extend(m.places.get(women if table == units else cell, []))
            m.margins.append((women, [cell, gap]))
            out[gap] = (women, cell)
    return out
