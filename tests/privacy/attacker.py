"""An outside analyst's attack on the published tables of one cohort (GitHub issue 12, item 4).

Separate from the pipeline's own audit on purpose: `miriam.disclosure.audit` checks the suppression
pattern against the pipeline's own model of cells and relations (`miriam.disclosure.cells`), so a relation
that model forgets is forgotten by both the suppression and its check. This module imports
nothing from `miriam` and sees only what a reader sees:

- every CSV in results/<cohort>/ except the data dictionary, `disclosure_audit.csv`,
  `disclosure_log.csv` and `reconciliation.csv`, without any `status`, `reason` or
  `published` column (those are being removed from public output); withheld = empty cell;
- public reference facts: the hierarchy (the units table's `parent`, the same as
  config/reference/ocmw.csv and the cohort's projects) and the score range of the items;
- what the analyst can read off the published rows themselves: how many decimals a column
  is rounded to, and identities that hold in every fully published row (e.g. a share's `n`
  equals its unit's `n_women`, or `n_women = n_baseline + n_endline - n_paired`).

The model is an integer program (scipy.optimize.milp) over the unknown counts and integer
score sums:

- published counts exact; withheld counts integers >= 0; a unit listed in the units table has
  at least one woman;
- OCMW -> project -> region -> national: every count, score sum (mean x n_paired: means are
  over the paired women, scores are whole numbers) and sign count (improved / unchanged /
  declined women) of a parent is the sum of its children's;
- within a unit: paired <= baseline, endline <= women, baseline + endline - paired <= women;
  an item's counts <= the unit's; a share's count <= its n; single-choice categories add up to
  their n, multi-response ones are each <= n; subgroup values add up to at most the national;
- rounding: a published percentage p with n pins the count to [n(p - h), n(p + h)] / 100
  (h half the last printed unit), a mean m pins the score sum to n(m - h) .. n(m + h), both
  linear also when n is withheld; pct_improved / unchanged / declined pin the sign counts,
  which add up to n_paired and bound the sum of differences (I - R D <= sum <= R I - D);
- follow-up: sum_k k * (women with k domains declined) <= sum over domains of women declined
  (equality when every domain has the same n).

Findings (each a string naming table, unit, key and interval):

- "forbidden": a published count in 1..min_count-1, a count implied by two published ones
  (n - count of a share, n_women - n_baseline ...) in 1..min_count-1, or a published
  mean / percentage / test whose n is below min_n;
- "narrowed count": a withheld count that may be small (its lower bound < min_count) whose
  attainable interval [lo, hi] has hi - lo < min_count - 2 (with min_count 5: a small count
  must keep at least 1..4; in particular it must not be pinned); an implied count (as above,
  with a member withheld) proven to lie in 1..min_count-1 with hi - lo < min_count - 2;
- "narrowed mean": a withheld mean whose interval is narrower than 2 points on a 0-10 scale
  (scaled to the item's range), computed from integer score sums for each attainable n_paired;
- "narrowed pct": a withheld pct_improved / unchanged / declined narrower than 20 points.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
from program import BIG, Program

IGNORED_FILES = {"disclosure_audit.csv", "disclosure_log.csv", "reconciliation.csv", "data_dictionary.csv"}
SIDE_CHANNEL_COLUMNS = {"status", "reason", "published"}
UNIT_COUNTS = ["n_women", "n_baseline", "n_endline", "n_paired"]
ITEM_COUNTS = ["n_baseline", "n_endline", "n_paired"]
MEANS = ["mean_baseline", "mean_endline", "mean_diff"]
SIGNS = {"pct_improved": "up", "pct_unchanged": "same", "pct_declined": "down"}


# --- reading what is public ---------------------------------------------------------------------


def load_public(folder: Path) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, float]]]:
    """The public tables (withheld = NaN, side-channel columns dropped) and, per table and
    numeric column, half the last printed unit (the rounding an analyst reads off the CSV)."""
    tables, half = {}, {}
    for path in sorted(Path(folder).glob("*.csv")):
        if path.name in IGNORED_FILES or path.name.startswith("trend_"):
            continue
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        name = path.stem
        raw = raw.drop(columns=[c for c in raw.columns if c in SIDE_CHANNEL_COLUMNS])
        table, half[name] = raw.copy(), {}
        for column in raw.columns:
            values = raw[column]
            numeric = pd.to_numeric(values.replace("", np.nan), errors="coerce")
            if values.ne("").any() and numeric[values.ne("")].notna().all():
                table[column] = numeric
                decimals = max((len(v.split(".")[1]) if "." in v else 0) for v in values if v)
                half[name][column] = 0.5 * 10.0**-decimals
            else:
                table[column] = values.replace("", np.nan) if column not in ("unit", "parent") else values
        # A count the plan does not publish still exists by definition: an unknown to solve for.
        expected = {"units": UNIT_COUNTS, "items": ITEM_COUNTS, "subgroups": ITEM_COUNTS}.get(name, [])
        for column in (c for c in expected if c not in table.columns):
            table[column] = np.nan
        tables[name] = table
    return tables, half


class Attack:
    def __init__(
        self, folder: Path, *, min_n: int, min_count: int, score_range: dict[str, tuple[float, float]]
    ):
        self.tables, self.half = load_public(folder)
        self.min_n, self.min_count, self.score_range = min_n, min_count, score_range
        self.p = Program()
        self.cells: dict[tuple, int] = {}
        self.withheld: list[tuple[tuple, int]] = []  # withheld counts: (key, var)
        self.implied: list[tuple[tuple, dict[int, float], bool]] = []  # (key, expr, all published)
        self.means: list[tuple[tuple, int, int, float]] = []  # (key, sum var, n var, range width)
        self.pcts: list[tuple[tuple, int, int]] = []  # (key, sign count var, n var)
        self.findings: list[str] = []
        self.children: dict[str, list[str]] = defaultdict(list)
        units = self.tables.get("units")
        if units is not None and "parent" in units:
            for row in units.itertuples():
                if isinstance(row.parent, str) and row.parent:
                    self.children[row.parent].append(row.unit)
        self._build()

    # --- cells ------------------------------------------------------------------------------

    def count(self, key: tuple, value, structural: bool = False) -> int:
        """The variable of a count cell; published: fixed; withheld: a target (unless the
        cell is empty in every row of its kind: then it does not exist)."""
        if key in self.cells:
            return self.cells[key]
        if structural:
            var = self.p.var(str(key))
        elif value is None or (isinstance(value, float) and math.isnan(value)):
            var = self.p.var(str(key))
            self.withheld.append((key, var))
        else:
            var = self.p.var(str(key), float(value), float(value))
        self.cells[key] = var
        return var

    def aux(self, key: tuple, lo: float = 0, hi: float = BIG) -> int:
        if key not in self.cells:
            self.cells[key] = self.p.var(str(key), lo, hi)
        return self.cells[key]

    def pin_pct(self, count: int, n: int, pct: float, half: float) -> None:
        """A published percentage: 100 count in [n (p - h), n (p + h)]."""
        self.p.add({count: 100, n: -(pct - half - 1e-9)}, 0, np.inf)
        self.p.add({count: 100, n: -(pct + half + 1e-9)}, -np.inf, 0)

    def forbidden_count(self, where: str, value) -> None:
        if isinstance(value, (int, float)) and not math.isnan(value) and 1 <= value < self.min_count:
            self.findings.append(f"forbidden: published count {where} = {value:g}")

    def forbidden_n(self, where: str, n_var: int, n_value) -> None:
        """A statistic is published: its n must be at least min_n (published or attainable)."""
        if isinstance(n_value, (int, float)) and not math.isnan(n_value):
            if n_value < self.min_n:
                self.findings.append(f"forbidden: {where} published with n = {n_value:g} < {self.min_n}")
            return
        self._late_n_checks.append((where, n_var))

    # --- the model --------------------------------------------------------------------------

    def _build(self) -> None:
        self._late_n_checks: list[tuple[str, int]] = []
        t = self.tables
        if "units" in t:
            self._units(t["units"])
        if "items" in t:
            self._items(t["items"], "items", ("unit", "item"))
        if "subgroups" in t:
            self._items(t["subgroups"], "subgroups", ("unit", "subgroup", "value", "item"))
            self._subgroup_sums(t["subgroups"])
        if "shares" in t:
            self._shares(t["shares"])
        for name in ("distributions", "followup"):
            if name in t:
                self._distributions(t[name], name)
        if "followup" in t:
            self._followup_identity(t["followup"])
        if "children" in t and "distributions" in t:
            self._children(t["children"], t["distributions"])
        if "tests" in t:
            self._tests(t["tests"])
        if "reach" in t:
            self._reach(t["reach"])
        self._hierarchy()

    def _units(self, units: pd.DataFrame) -> None:
        full = units.dropna(subset=UNIT_COUNTS)
        exact_union = len(full) > 0 and bool(
            (full["n_women"] == full["n_baseline"] + full["n_endline"] - full["n_paired"]).all()
        )
        for row in units.to_dict("records"):
            u = row["unit"]
            v = {c: self.count(("units", u, c), row[c]) for c in UNIT_COUNTS}
            for c in UNIT_COUNTS:
                self.forbidden_count(f"units {u} {c}", row[c])
            w, b, e, pr = v["n_women"], v["n_baseline"], v["n_endline"], v["n_paired"]
            self.p.add({w: 1}, 1)  # the table lists the units that have women
            for small, big in ((pr, b), (pr, e), (b, w), (e, w)):
                self.p.add({big: 1, small: -1}, 0)
            union = {w: 1, b: -1, e: -1, pr: 1}
            self.p.add(union, 0, 0 if exact_union else np.inf)
            for label, expr in (
                ("women with only an endline form", {w: 1, b: -1}),
                ("women with only a baseline form", {w: 1, e: -1}),
            ):
                self.implied.append(
                    (("units", u, label), expr, not any(pd.isna(row[c]) for c in UNIT_COUNTS))
                )

    def _items(self, items: pd.DataFrame, table: str, key_cols: tuple[str, ...]) -> None:
        half = self.half.get(table, {})
        for row in items.to_dict("records"):
            key = tuple(row[c] for c in key_cols)
            u, item = row["unit"], row["item"]
            v = {c: self.count((table, *key, c), row[c]) for c in ITEM_COUNTS}
            for c in ITEM_COUNTS:
                self.forbidden_count(f"{table} {key} {c}", row[c])
            n = v["n_paired"]
            self.p.add({v["n_baseline"]: 1, n: -1}, 0)
            self.p.add({v["n_endline"]: 1, n: -1}, 0)
            if table == "items" and ("units", u, "n_paired") in self.cells:
                for c in ITEM_COUNTS:
                    self.p.add({self.cells[("units", u, c)]: 1, v[c]: -1}, 0)
            lo, hi = self.score_range.get(item, (0, 10))
            width = hi - lo
            sums = {}
            for m in MEANS:
                if m not in row:
                    continue
                s_lo, s_hi = (-width, width) if m == "mean_diff" else (lo, hi)
                s = self.aux((table, *key, f"sum:{m}"), -BIG, BIG)
                sums[m] = s
                self.p.add({s: 1, n: -s_lo}, 0)
                self.p.add({s: 1, n: -s_hi}, -np.inf, 0)
                value = row[m]
                if pd.isna(value):
                    self.means.append(((table, *key, m), s, n, width))
                else:
                    self.forbidden_n(f"{table} {key} {m}", n, row["n_paired"])
                    h = half.get(m, 0.05) + 1e-9
                    self.p.add({s: 1, n: -(value - h)}, 0)
                    self.p.add({s: 1, n: -(value + h)}, -np.inf, 0)
            if {"mean_baseline", "mean_endline", "mean_diff"} <= set(sums):
                self.p.equal({sums["mean_diff"]: 1, sums["mean_endline"]: -1, sums["mean_baseline"]: 1})
            if all(c in row for c in SIGNS):
                signs = {c: self.aux((table, *key, f"signs:{c}")) for c in SIGNS}
                self.p.equal({**{s: 1 for s in signs.values()}, n: -1})
                if "mean_diff" in sums:
                    up, down, d = signs["pct_improved"], signs["pct_declined"], sums["mean_diff"]
                    self.p.add({d: 1, up: -1, down: width}, 0)  # sum >= I - R D
                    self.p.add({d: 1, up: -width, down: 1}, -np.inf, 0)  # sum <= R I - D
                for c, s in signs.items():
                    if pd.isna(row[c]):
                        self.pcts.append(((table, *key, c), s, n))
                    else:
                        self.forbidden_n(f"{table} {key} {c}", n, row["n_paired"])
                        self.pin_pct(s, n, row[c], half.get(c, 0.5))
            if "sd_diff" in row and not pd.isna(row["sd_diff"]):
                self.forbidden_n(f"{table} {key} sd_diff", n, row["n_paired"])

    def _subgroup_sums(self, subgroups: pd.DataFrame) -> None:
        """The values of a subgroup cover at most the unit's women (the rest have no value)."""
        for (unit, subgroup, item), rows in subgroups.groupby(["unit", "subgroup", "item"]):
            for c in ITEM_COUNTS:
                parent = self.cells.get(("items", unit, item, c))
                if parent is None:
                    continue
                terms = {self.cells[("subgroups", unit, subgroup, v, item, c)]: 1 for v in rows["value"]}
                self.p.add({**terms, parent: -1}, -np.inf, 0)

    def _shares(self, shares: pd.DataFrame) -> None:
        half = self.half.get("shares", {}).get("pct", 0.5)
        units = self.tables.get("units")
        same = self._share_n_identities(shares, units)
        shown = shares.groupby(["indicator", "wave"])[["n", "count"]].transform(lambda x: x.notna().any())
        for row, exists in zip(shares.to_dict("records"), shown.to_dict("records"), strict=True):
            key = ("shares", row["unit"], row["indicator"], row["wave"])
            n = self.count((*key, "n"), row["n"], structural=not exists["n"])
            c = self.count((*key, "count"), row["count"], structural=not exists["count"])
            self.forbidden_count(f"{key} n", row["n"])
            self.forbidden_count(f"{key} count", row["count"])
            self.p.add({n: 1, c: -1}, 0)
            published = not (pd.isna(row["n"]) or pd.isna(row["count"]))
            if exists["n"] and exists["count"]:
                self.implied.append(((*key, "n - count"), {n: 1, c: -1}, published))
            if not pd.isna(row["pct"]):
                self.forbidden_n(f"{key} pct", n, row["n"])
                if exists["count"]:
                    self.pin_pct(c, n, row["pct"], half)
            unit_n = self.cells.get(("units", row["unit"], "n_women"))
            if unit_n is not None:
                column = same.get((row["indicator"], row["wave"]))
                if column:
                    self.p.equal({n: 1, self.cells[("units", row["unit"], column)]: -1})
                else:
                    self.p.add({unit_n: 1, n: -1}, 0)

    @staticmethod
    def _share_n_identities(shares: pd.DataFrame, units: pd.DataFrame | None) -> dict:
        """(indicator, wave) -> the unit count its n equals in every fully published row."""
        if units is None:
            return {}
        merged = shares.merge(units[["unit", *UNIT_COUNTS]], on="unit", how="inner")
        out = {}
        for (indicator, wave), rows in merged.groupby(["indicator", "wave"]):
            for column in UNIT_COUNTS:
                both = rows.dropna(subset=["n", column])
                if len(both) and (both["n"] == both[column]).all():
                    out[(indicator, wave)] = column
                    break
        return out

    def _distributions(self, table: pd.DataFrame, name: str) -> None:
        half = self.half.get(name, {}).get("pct", 0.5)
        multi = table["multi"].astype(str).str.lower().isin(["true", "1"]) if "multi" in table else None
        table = table.assign(_multi=multi if multi is not None else False)
        for (unit, indicator, wave), rows in table.groupby(["unit", "indicator", "wave"], sort=False):
            key = (name, unit, indicator, wave)
            ns = rows["n"].dropna().unique()
            n = self.count((*key, "n"), ns[0] if len(ns) else np.nan)
            for value in rows["n"]:
                self.forbidden_count(f"{key} n", value)
            counts = []
            for row in rows.to_dict("records"):
                c = self.count((*key, row["category"], "count"), row["count"])
                counts.append(c)
                self.forbidden_count(f"{key} {row['category']} count", row["count"])
                self.p.add({n: 1, c: -1}, 0)
                if row["_multi"]:
                    published = not (pd.isna(row["n"]) or pd.isna(row["count"]))
                    self.implied.append(((*key, row["category"], "n - count"), {n: 1, c: -1}, published))
                if not pd.isna(row["pct"]):
                    self.forbidden_n(f"{key} {row['category']} pct", n, row["n"])
                    self.pin_pct(c, n, row["pct"], half)
            if not rows["_multi"].any():
                self.p.equal({**{c: 1 for c in counts}, n: -1})

    def _followup_identity(self, table: pd.DataFrame) -> None:
        """sum_k k c_k (women by domains declined) <= sum of per-domain declined counts."""
        declined = table[table["indicator"] == "followup_domains_declined"]
        for wave, rows in declined.groupby("wave"):
            domains = table[
                table["indicator"].str.startswith("followup_dom_")
                & (table["wave"] == wave)
                & (table["category"] == "declined")
            ]
            if domains.empty:
                continue
            terms: dict[int, float] = defaultdict(float)
            for row in rows.to_dict("records"):
                terms[
                    self.cells[("followup", row["unit"], row["indicator"], wave, row["category"], "count")]
                ] += int(row["category"])
            for row in domains.to_dict("records"):
                terms[self.cells[("followup", row["unit"], row["indicator"], wave, "declined", "count")]] -= 1
            equal = rows["n"].notna().all() and set(domains["n"].dropna()) == set(rows["n"].dropna())
            equal = equal and domains["n"].notna().all()
            self.p.add(dict(terms), 0 if equal else -np.inf, 0)

    def _children(self, children: pd.DataFrame, distributions: pd.DataFrame) -> None:
        """Children (not women) per age band, nationally: what an analyst knows of the women
        counts beside them. All children >= sum_k k x (women with k children), the open top
        category ("4+") counted at its lower bound; a band's children >= the women with a child
        in the band of the same label, and at least one such woman when it has a child."""
        for unit, rows in children.groupby("unit"):
            if rows["count"].isna().any():
                continue  # withheld: nothing to use
            total = float(rows["count"].sum())
            mothers = distributions[
                (distributions["unit"] == unit) & (distributions["indicator"] == "n_children")
            ]
            terms: dict[int, float] = defaultdict(float)
            for row in mothers.to_dict("records"):
                k = int(re.match(r"\d+", str(row["category"])).group())
                terms[
                    self.cells[("distributions", unit, "n_children", row["wave"], row["category"], "count")]
                ] += k
            if terms:
                self.p.add(dict(terms), -np.inf, total)
            bands = distributions[
                (distributions["unit"] == unit) & (distributions["indicator"] == "children_age_bands")
            ]
            for row in bands.to_dict("records"):
                same = rows[rows["category"].astype(str) == str(row["category"])]
                if same.empty:
                    continue
                kids = float(same["count"].iloc[0])
                var = self.cells[
                    ("distributions", unit, "children_age_bands", row["wave"], row["category"], "count")
                ]
                self.p.add({var: 1}, min(kids, 1), kids)

    def _tests(self, tests: pd.DataFrame) -> None:
        n_col = next((c for c in ("n", "n_paired") if c in tests), None)
        if n_col is None:
            return
        stats = [c for c in tests.columns if c not in ("level", "unit", "item", "test", n_col)]
        for row in tests.to_dict("records"):
            shown = [c for c in stats if isinstance(row[c], float) and not math.isnan(row[c])]
            self.forbidden_count(f"tests {row['unit']} {row['item']} {n_col}", row[n_col])
            if shown and not pd.isna(row[n_col]) and row[n_col] < self.min_n:
                self.findings.append(
                    f"forbidden: tests {row['unit']} {row['item']} published with n = {row[n_col]:g}"
                )
            if "item" in row and ("items", row["unit"], row["item"], "n_paired") in self.cells:
                n = self.count(("tests", row["unit"], row["item"], n_col), row[n_col])
                self.p.equal({n: 1, self.cells[("items", row["unit"], row["item"], "n_paired")]: -1})
                if "mean_diff" in row and not pd.isna(row["mean_diff"]):
                    s = self.cells[("items", row["unit"], row["item"], "sum:mean_diff")]
                    h = self.half.get("tests", {}).get("mean_diff", 0.005) + 1e-9
                    self.p.add({s: 1, n: -(row["mean_diff"] - h)}, 0)
                    self.p.add({s: 1, n: -(row["mean_diff"] + h)}, -np.inf, 0)

    def _reach(self, reach: pd.DataFrame) -> None:
        link = {"women": "n_women", "women_paired": "n_paired"}
        for row in reach.to_dict("records"):
            if row["measure"] in link:
                self.forbidden_count(f"reach {row['unit']} {row['measure']}", row["count"])
                unit_var = self.cells.get(("units", row["unit"], link[row["measure"]]))
                if unit_var is not None:
                    v = self.count(("reach", row["unit"], row["measure"]), row["count"])
                    self.p.equal({v: 1, unit_var: -1})

    def _hierarchy(self) -> None:
        """Every count, score sum and sign count of a parent is the sum of its children's."""
        by_rest: dict[tuple, dict[str, int]] = defaultdict(dict)
        for key, var in self.cells.items():
            if key[0] in ("units", "items", "shares") and len(key) >= 3:
                by_rest[(key[0], *key[2:])][key[1]] = var
        for rest, per_unit in by_rest.items():
            for parent, kids in self.children.items():
                if parent in per_unit and any(kid in per_unit for kid in kids):
                    # a child with no row at all (a level the table is not published at) is an
                    # unknown of its own, not a zero
                    terms = {per_unit[parent]: 1.0}
                    for kid in kids:
                        var = per_unit.get(kid)
                        if var is None:
                            var = self.aux(("unpublished", rest, kid))
                        terms[var] = terms.get(var, 0) - 1
                    self.p.equal(terms)

    # --- the attack -------------------------------------------------------------------------

    def run(self) -> list[str]:
        findings = list(self.findings)
        self.p.freeze()
        if self.p.contradiction:
            raise RuntimeError("attacker: the published tables contradict the attacker's model")
        self.p.spread_all(
            [{v: 1} for _, v in self.withheld]
            + [e for _, e, _ in self.implied]
            + [{s: 1} for _, s, *_ in self.means]
            + [{s: 1} for _, s, _ in self.pcts]
        )
        counts = self._counts()
        # the n behind published statistics last: the counts' solves have filled the pool
        findings += self._late_n() + counts
        for key, s, n, width in self.means:
            interval = self._ratio(s, n, 0.2 * width)
            if interval and interval[1] - interval[0] < 0.2 * width - 1e-9:
                findings.append(
                    f"narrowed mean: {key} withheld, attacker proves [{interval[0]:.2f}, {interval[1]:.2f}]"
                )
        for key, s, n in self.pcts:
            interval = self._ratio(s, n, 0.2)
            if interval and 100 * (interval[1] - interval[0]) < 20 - 1e-9:
                findings.append(
                    f"narrowed pct: {key} withheld, attacker proves "
                    f"[{100 * interval[0]:.0f}, {100 * interval[1]:.0f}] %"
                )
        return findings

    def _late_n(self) -> list[str]:
        """A statistic published over a withheld n: that n must be able to reach min_n."""
        findings = []
        self.p.raise_all({n: self.min_n for _, n in self._late_n_checks})
        for where, n in self._late_n_checks:
            # a point with n >= min_n already found: the max is at least that (counts are whole)
            if self.p.pool_range({n: 1})[1] >= self.min_n - 0.5:
                continue
            hi = self.p.optimum({n: 1}, -1)
            if hi < self.min_n:
                findings.append(
                    f"forbidden: {where} published, its withheld n is at most {hi:g} < {self.min_n}"
                )
        return findings

    def _counts(self) -> list[str]:
        """Withheld and implied counts narrowed to a small interval."""
        findings, mc = [], self.min_count
        self.p.diversify(
            [{v: 1} for _, v in self.withheld] + [e for _, e, p in self.implied if not p], mc - 2
        )
        # a count whose pool shows no spread yet: one point where many of them reach low + width
        self.p.raise_all({var: self.p.pool_range({var: 1})[0] + mc - 2 for _, var in self.withheld})
        for key, var in self.withheld:
            interval = self.p.interval({var: 1}, mc - 2, (1, mc - 1))
            if interval is None:
                continue
            lo, hi = interval
            if hi >= 1 and lo < mc and hi - lo < mc - 2:
                findings.append(f"narrowed count: {key} withheld, attacker proves [{lo:g}, {hi:g}]")
        for key, expr, published in self.implied:
            if published:
                lo, hi = self.p.extremes(expr)
            else:
                # a point below 1 or at least min_count found: not in 1..min_count-1 (whole values)
                low, high = self.p.pool_range(expr)
                interval = (
                    None if low < 0.5 or high > mc - 0.5 else self.p.interval(expr, mc - 2, (1, mc - 1))
                )
                if interval is None:
                    continue
                lo, hi = interval
            if lo >= 1 and hi < mc and (published or hi - lo < mc - 2):
                kind = "forbidden: implied count" if published else "narrowed count: implied"
                findings.append(f"{kind} {key} in [{lo:g}, {hi:g}]")
        return findings

    def _ratio(self, s: int, n: int, required: float, most: int = 40) -> tuple[float, float] | None:
        """min and max of s / n over every attainable n >= 1 (None: proven wide enough, or too
        many n to try)."""
        if self.p.ratio_span(s, n) >= required:
            return None
        # too many n to try is settled by the pool or by the max alone, when they show enough
        low, high = self.p.pool_range({n: 1})
        if high - max(low, 1) + 1 > most:
            return None
        hi = self.p.optimum({n: 1}, -1)
        if hi - max(low, 1) + 1 > most:
            return None
        lo = max(self.p.optimum({n: 1}, 1), 1)
        if hi < lo or hi - lo + 1 > most:
            return None
        best = [np.inf, -np.inf]
        for value in range(int(round(lo)), int(round(hi)) + 1):
            found = self.p.extremes({s: 1}, fix={n: value})
            if found is not None:
                best = [min(best[0], found[0] / value), max(best[1], found[1] / value)]
            if best[1] - best[0] >= required:
                return None  # already as wide as required: the rest of the n cannot narrow it
        return None if best[0] == np.inf else (best[0], best[1])


def attack(folder: Path, *, min_n: int = 10, min_count: int = 5, score_range=None) -> list[str]:
    """Every finding on the public CSVs in `folder` (empty: nothing recovered)."""
    return Attack(folder, min_n=min_n, min_count=min_count, score_range=score_range or {}).run()


def side_channels(folder: Path) -> list[str]:
    """Files and columns that tell why a value is withheld, or log what was withheld."""
    out = []
    for path in sorted(Path(folder).glob("*")):
        if (
            path.name in ("disclosure_audit.csv", "disclosure_log.csv")
            or "audit" in path.name
            or "log" in path.stem
        ):
            out.append(f"side channel: {path.name} is public")
        if path.suffix == ".csv":
            columns = pd.read_csv(path, nrows=0).columns
            for column in columns:
                if column in SIDE_CHANNEL_COLUMNS:
                    out.append(f"side channel: {path.name} has a `{column}` column")
    return out
