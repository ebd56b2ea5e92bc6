"""What the text may claim about a change: the statistician's rules, in one place.

- A change is *progress* or *decline* only when the paired test the report uses (config
  ``report.claims.test``: the t-test or the Wilcoxon signed-rank test), after the configured
  adjustment (``adjust``: Holm over the instrument's items, or none), has a published p-value
  below ``alpha`` for that unit and item. Otherwise the change is *not clear*, and the text
  gives its 95 % interval when the tests table publishes one.
- A unit without a published test (a project: the tests family is published nationally and
  per region only), or with fewer than ``small_unit_n`` women behind its items, gets
  *descriptive* wording ("the mean is higher at the end") and a visible caution: no
  significance claim without a published test, and none for a small group.
- A contrast between groups (subgroups, regions, big cities) is claimed only with a test of
  the difference between the groups; the published subgroup tables carry no spread (no SD),
  so no such test can be made from them, and contrasts are described, never claimed.

The published p-values have three decimals: p = 0,050 is not below 0,05, so it is not clear
(the rule is strict on purpose: the unrounded value may have been 0.0504).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from miriam.config import Instrument
from miriam.printed import is_missing, rounded
from miriam.report.formatting import CHANGE_MIN, typography
from miriam.report.tables import Item, _scale, _unit_row
from miriam.report.text import Text

#: The p-value column of the tests table for each (test, adjustment).
P_COLUMNS = {
    ("t", "holm"): "p_holm",
    ("t", "none"): "p",
    ("wilcoxon", "holm"): "wilcoxon_p_holm",
    ("wilcoxon", "none"): "wilcoxon_p",
}

#: Verdicts: supported progress / decline, a tested change that is not clear, and no test
#: (descriptive: a project, a small unit, a missing tests row).
UP, DOWN, UNCLEAR, DESCRIPTIVE = "up", "down", "unclear", "descriptive"


@dataclass(frozen=True)
class ClaimRules:
    """``report.claims`` of config/config.yaml (defaults: t-test, Holm, 0.05, 30 women)."""

    alpha: float = 0.05
    adjust: str = "holm"
    test: str = "t"
    small_unit_n: int = 30

    @classmethod
    def from_config(cls, cfg: Mapping | None) -> ClaimRules:
        cfg = dict(cfg or {})
        if "claims" in cfg:  # the whole `report` block
            cfg = dict(cfg["claims"] or {})
        rules = cls(**{k: cfg[k] for k in ("alpha", "adjust", "test", "small_unit_n") if k in cfg})
        if (rules.test, rules.adjust) not in P_COLUMNS:
            raise ValueError(
                f"report.claims: test {rules.test!r} with adjust {rules.adjust!r}; "
                f"expected test in (t, wilcoxon) and adjust in (holm, none)"
            )
        return rules

    @property
    def p_column(self) -> str:
        return P_COLUMNS[(self.test, self.adjust)]


@dataclass(frozen=True)
class Claim:
    """What may be said about one item of one unit."""

    verdict: str
    p: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    n: float = math.nan

    @property
    def tested(self) -> bool:
        return self.verdict in (UP, DOWN, UNCLEAR)


@dataclass
class UnitClaims:
    """The claims of one unit's items: `tested` is False when the unit has no published
    test or is small; then every verdict is DESCRIPTIVE."""

    claims: dict[str, Claim] = field(default_factory=dict)
    tested: bool = False
    small: bool = False
    rules: ClaimRules = field(default_factory=ClaimRules)

    def of(self, item: str) -> Claim:
        return self.claims.get(item, Claim(DESCRIPTIVE))


def _num(row: Mapping | pd.Series, column: str) -> float:
    value = row.get(column) if hasattr(row, "get") else None
    return math.nan if is_missing(value) else float(value)


def claim_of(row: Mapping | pd.Series | None, rules: ClaimRules) -> Claim:
    """The verdict of one tests row: UP / DOWN when the configured p is below alpha (the
    direction is the sign of the mean difference), UNCLEAR when it is not, DESCRIPTIVE when
    there is no row or the p-value is withheld."""
    if row is None:
        return Claim(DESCRIPTIVE)
    p, diff = _num(row, rules.p_column), _num(row, "mean_diff")
    low, high, n = _num(row, "ci_low"), _num(row, "ci_high"), _num(row, "n")
    if math.isnan(p) or math.isnan(diff):
        return Claim(DESCRIPTIVE, n=n)
    if p < rules.alpha and diff != 0:
        return Claim(UP if diff > 0 else DOWN, p, low, high, n)
    return Claim(UNCLEAR, p, low, high, n)


def unit_claims(
    tests: pd.DataFrame | None,
    level: str,
    unit: str,
    items: Iterable[Any],
    rules: ClaimRules,
) -> UnitClaims:
    """The claims of `items` (report Items or names) of one unit from the published tests
    table. Small (any item's n below ``small_unit_n``) or untested units: all DESCRIPTIVE."""
    names = [getattr(i, "item", i) for i in items]
    ns = [getattr(i, "n", math.nan) for i in items]
    known = [float(n) for n in ns if not is_missing(n)]
    small = bool(known) and min(known) < rules.small_unit_n
    rows: dict[str, pd.Series] = {}
    if tests is not None and not tests.empty and {"level", "unit", "item"} <= set(tests.columns):
        sel = tests[(tests["level"].astype(str) == level) & (tests["unit"].astype(str) == unit)]
        rows = {str(r["item"]): r for _, r in sel.iterrows()}
    if not rows:
        return UnitClaims({n: Claim(DESCRIPTIVE) for n in names}, tested=False, small=small, rules=rules)
    claims = {n: claim_of(rows.get(n), rules) for n in names}
    test_ns = [c.n for c in claims.values() if not math.isnan(c.n)]
    small = small or (bool(test_ns) and min(test_ns) < rules.small_unit_n)
    if small:
        return UnitClaims(
            {n: Claim(DESCRIPTIVE, n=claims[n].n) for n in names}, tested=False, small=True, rules=rules
        )
    return UnitClaims(claims, tested=True, small=False, rules=rules)


# --- descriptive direction: the printed (rounded exact) mean difference ---------------------


def step(diff: Any, places: int = 1) -> Decimal:
    """The printed difference as the descriptive wording judges it (`places`: the cohort's
    decimals of means, :attr:`miriam.printed.Fmt.mean_places`)."""
    return rounded(diff, places)


def higher(diff: Any, places: int = 1) -> bool:
    return not is_missing(diff) and step(diff, places) >= CHANGE_MIN


def lower(diff: Any, places: int = 1) -> bool:
    return not is_missing(diff) and step(diff, places) <= -CHANGE_MIN


# --- numbers of the text -------------------------------------------------------------------


def n_range(ns: Iterable[Any]) -> tuple[float, float]:
    """The smallest and largest n of items (NaN, NaN when none is published)."""
    known = [int(n) for n in ns if not is_missing(n)]
    return (min(known), max(known)) if known else (math.nan, math.nan)


def ties(rows: list[Any], key) -> list[Any]:
    """Every row whose key equals the best one (ties named together)."""
    if not rows:
        return []
    best = max(key(r) for r in rows)
    return [r for r in rows if key(r) == best]


def mean_of(values: Iterable[Any]) -> float:
    """An average over items from the values given (the published ones: one decimal), to be
    rounded once when printed."""
    vals = [float(v) for v in values if not is_missing(v)]
    return sum(vals) / len(vals) if vals else math.nan


def adds_up(baseline: Any, endline: Any, diff: Any, places: int = 1) -> bool:
    """Whether the printed begin, end and difference add up for the reader (rounded end minus
    rounded begin equals the rounded mean difference, at `places` decimals)."""
    if is_missing(baseline) or is_missing(endline) or is_missing(diff):
        return True
    return rounded(endline, places) - rounded(baseline, places) == rounded(diff, places)


# --- the words around the numbers: n, scales, cautions, limitations ----------------------------


def scale_anchors(instrument: Instrument, group: str, t: Text) -> tuple[str, str] | None:
    """What the lowest and the highest score of a group's scale mean in the page's language
    (the codebook's ``anchors``: agreement, satisfaction, frequency ...), None without."""
    items = instrument.items(group)
    anchors = (items[0].scale.get("anchors") or {}).get(t.lang) if items else None
    return (typography(anchors[0], t.lang), typography(anchors[1], t.lang)) if anchors else None


def scale_range(instrument: Instrument, group: str, t: Text) -> str:
    """ "0 (uiterst ontevreden) tot 10 (uiterst tevreden)", "0 (helemaal niet) tot 5 (helemaal
    wel)", or "0 tot 70" for a scale without anchors: from the codebook, never assumed."""
    lo, hi = _scale(instrument, group)
    anchors = scale_anchors(instrument, group, t)
    if anchors:
        return t(
            "scale_range_anchored", min=t.fmt.int(lo), max=t.fmt.int(hi), low=anchors[0], high=anchors[1]
        )
    return t("scale_range", min=t.fmt.int(lo), max=t.fmt.int(hi))


def items_n_text(rows: list[Item], t: Text, unit_row: pd.Series | None = None) -> str:
    """The n behind a group's figures: the items' paired n (women with both scores of that
    item), a range when items differ ("n=63–66"); a dash when the units table withholds the
    unit's n (an item's n must not reveal it)."""
    if unit_row is not None and "n_paired" in unit_row.index and is_missing(unit_row["n_paired"]):
        return t.n(math.nan)
    lo, hi = n_range(r.n for r in rows if r.published)
    if is_missing(lo):
        return t.n(math.nan)
    if lo == hi:
        return t.n(lo)
    return t("n", n=f"{t.fmt.int(lo)}\u2013{t.fmt.int(hi)}")


def design_facts(report_cfg: Mapping | None, cohort_cfg: Mapping) -> dict[str, Any]:
    """The design facts the report states: config ``report.design``, overridden by the
    cohort's ``design``; defaults: no control group, answers with the case manager, a
    follow-up sample that is not random."""
    facts = {"control_group": False, "collection": "with_case_manager", "followup_sampling": "not_random"}
    facts.update((report_cfg or {}).get("design") or {})
    facts.update(cohort_cfg.get("design") or {})
    return facts


def caution(claims: Any, t: Text, *, name: str, n_text: str, rules: ClaimRules, design: Mapping) -> str:
    """The factsheet's caution: no published test for a project (so descriptive wording),
    a small group when the items have fewer than ``small_unit_n`` pairs, and the design (no
    control group, answers given with the case manager)."""
    parts = []
    if not claims.tested:
        parts.append(t("claims.caution_untested", of=t.of(name), n=n_text))
    if claims.small:
        parts.append(t("claims.caution_small", small_n=t.fmt.int(rules.small_unit_n)))
    parts.append(t(f"claims.control.{str(bool(design['control_group'])).lower()}"))
    parts.append(t(f"claims.collection.{design['collection']}"))
    return " ".join(parts)


def limitations(
    units: pd.DataFrame, cohort_cfg: Mapping, rules: ClaimRules, design: Mapping, t: Text
) -> list[str]:
    """The national report's limitations, from the design facts and the data: control group
    or not, the share of women with both measurements, how answers were collected, the
    follow-up's sampling (a cohort with a follow-up), the rule the text follows, contrasts
    between groups and rounding."""
    fmt = t.fmt
    out = [t(f"claims.control.{str(bool(design['control_group'])).lower()}")]
    national = _unit_row(units, "national", "BE") if not units.empty else None
    if (
        national is not None
        and not is_missing(national.get("n_women"))
        and not is_missing(national.get("n_paired"))
    ):
        women, paired = int(national["n_women"]), int(national["n_paired"])
        if women:
            out.append(
                t(
                    "claims.paired_share",
                    paired=fmt.int(paired),
                    women=fmt.int(women),
                    pct=fmt.pct(paired / women),
                )
            )
    out.append(t(f"claims.collection.{design['collection']}"))
    if cohort_cfg.get("followup"):
        out.append(t(f"claims.followup.{design['followup_sampling']}"))
    out.append(
        t(
            "claims.rule",
            test=t(f"claims.tests.{rules.test}"),
            adjust=t(f"claims.adjust.{rules.adjust}"),
            alpha=fmt.dec(rules.alpha, 2),
            small_n=fmt.int(rules.small_unit_n),
        )
    )
    out.append(t("claims.contrasts"))
    out.append(t("claims.rounding"))
    return out


def scales_text(instrument: Instrument, t: Text) -> str:
    """How the scores are scaled, with what each end means, from the codebook."""
    parts = []
    for group in instrument.groups:
        items = instrument.items(group)
        parts.append(
            t(
                "scale_sentence_range",
                group=t(f"groups.{group}")[:1].upper() + t(f"groups.{group}")[1:],
                count=t.fmt.int(len(items)),
                range=scale_range(instrument, group, t),
            )
        )
    return " ".join(parts)
