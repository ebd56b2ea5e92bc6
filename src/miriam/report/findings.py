"""Findings and headlines are *rules over the data and the tests*: a sentence that is not true
for this cohort is never printed; the rule picks the sentence that is true instead, and a
withheld number drops its sentence. Progress and decline are claimed only where the configured
paired test supports them (:mod:`miriam.report.claims`); units without a published test are
described. The printed difference is the rounded exact mean difference; ties are named
together.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import pandas as pd

from miriam.config import Instrument
from miriam.printed import is_missing as _missing
from miriam.report.claims import (
    DESCRIPTIVE,
    DOWN,
    UNCLEAR,
    UP,
    Claim,
    ClaimRules,
    UnitClaims,
    adds_up,
    higher,
    lower,
    mean_of,
    ties,
    unit_claims,
)
from miriam.report.formatting import CHANGE_MIN, _lower, capitalise, footnote
from miriam.report.tables import (
    KNOWLEDGE,
    OUTCOMES_PAIRED,
    SUBGROUP_GAP,
    Item,
    _category_order,
    _scale,
    _step,
    _subgroup_labels,
    _theme,
    _withheld,
    category_label,
    distribution,
    indicator_definition,
    item_rows,
    over_all_women,
    progress_definition,
    reach_counts,
    share_pct,
    share_row,
    subgroup_contrasts,
    table,
)
from miriam.report.text import Text
from miriam.vocab import NATIONAL_UNIT


def _claims_for(rows: list[Item], claims: UnitClaims | None) -> UnitClaims:
    return claims if claims is not None else UnitClaims({r.item: Claim(DESCRIPTIVE) for r in rows})


def supported(rows: list[Item], claims: UnitClaims | None, verdict: str = UP) -> list[Item]:
    """The published items whose test supports `verdict` (UP or DOWN)."""
    c = _claims_for(rows, claims)
    return [r for r in rows if r.published and c.tested and c.of(r.item).verdict == verdict]


def _diffs(rows: list[Item], t: Text) -> str:
    return t.fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in rows)


def headline(
    rows: list[Item],
    group: str,
    name: str,
    t: Text,
    *,
    where: str | None = None,
    claims: UnitClaims | None = None,
) -> str:
    """The headline of one group for one unit, chosen by the data and the tests.

    The participants are the subject, never the town. With a published test for the unit
    (`claims` tested): "gaan duidelijk vooruit op elk van de zes levensdomeinen" only when the
    configured test supports progress on every item; else it counts and names the supported
    ones, or says no change is clear. Without one (a project, a small unit): descriptive
    wording ("de gemiddelde score ligt hoger"), judged on the printed difference (at least
    +0,2). `where` overrides the place phrase (the national report: "in België")."""
    c = _claims_for(rows, claims)
    count = len(rows)
    place = where if where is not None else t.place(name)
    if c.tested:
        up, key = supported(rows, c), "claims.headline"
    else:
        up, key = [r for r in rows if r.published and higher(r.diff, t.fmt.mean_places)], "claims.describe"
    complete = all(r.published for r in rows)
    values = {"where": place, "count": t.fmt.int(count), "threshold": t.fmt.number(CHANGE_MIN)}
    if up and len(up) == count and complete:
        text = t(f"{key}.{group}_all", count_word=t.count_word(count), **values)
    elif up:
        text = t(
            f"{key}.{group}_some",
            k=t.fmt.int(len(up)),
            list=t.fmt.join(t.item(r.label) for r in up),
            **values,
        )
    else:
        text = t(f"{key}.{group}_none", **values)
    return capitalise(text)


def _tie_sentence(t: Text, key: str, rows: list[Item], group: str | None, value: str, **extra) -> str:
    """One sentence that names every tied item together ("vrije tijd en mobiliteit (elk +1,2)")."""
    names = t.fmt.join(t.item(r.label, group, article=True) for r in rows)
    return t(f"{key}_tie" if len(rows) > 1 else key, list=names, **extra, **value_kw(key, value))


def value_kw(key: str, value: str) -> dict[str, str]:
    return {"x": value} if key.endswith("lowest") else {"diff": value}


def comment(
    rows: list[Item], t: Text, group: str | None = None, claims: UnitClaims | None = None
) -> list[str]:
    """Sentences under a headline: the largest step, the weakest start, declines, changes
    that are not clear (with their interval), stable items, withheld items. Ties are named
    together. With tests (national, regional): "step" and "decline" only where the test
    supports them; without (projects, small units): differences, "lower", "stable"."""
    c = _claims_for(rows, claims)
    published = [r for r in rows if r.published]
    out: list[str] = []
    if not published:
        return out
    places = t.fmt.mean_places
    lowest = ties(published, lambda r: -t.fmt.rounded_mean(r.baseline))
    if c.tested:
        ups = supported(rows, c)
        largest = ties(ups, lambda r: _step(r))
        key = "claims.largest"
    else:
        ups = [r for r in published if higher(r.diff, places)]
        largest = ties(ups, lambda r: _step(r))
        key = "claims.largest_diff"
    if largest:
        out.append(_tie_sentence(t, key, largest, group, largest[0].diff_text))
        if len(largest) == 1 and largest == lowest:
            out.append(t("claims.was_lowest", x=lowest[0].begin_text))
    if not (largest and len(largest) == 1 and largest == lowest):
        out.append(_tie_sentence(t, "claims.lowest", lowest, group, lowest[0].begin_text))
    if c.tested:
        down = supported(rows, c, DOWN)
        if down:
            out.append(t("claims.declines", list=_diffs(down, t)))
        unclear = [r for r in published if c.of(r.item).verdict in (UNCLEAR, DESCRIPTIVE)]
        if unclear:
            out.append(unclear_sentence(unclear, c, t))
    else:
        down = [r for r in published if lower(r.diff, places)]
        if down:
            out.append(t("claims.lower", list=_diffs(down, t)))
        stable = [r for r in published if not higher(r.diff, places) and not lower(r.diff, places)]
        if stable:
            out.append(t("headline.stable", threshold=t.fmt.number(CHANGE_MIN), list=_diffs(stable, t)))
    hidden = [r for r in rows if not r.published]
    if hidden:
        out.append(t("headline.withheld_items", list=t.fmt.join(t.item(r.label) for r in hidden)))
    return [capitalise(x) for x in out]


def unclear_sentence(rows: list[Item], c: UnitClaims, t: Text) -> str:
    """ "Voor x (+0,4; 95 %-BI −0,11 tot 0,93) is de verandering niet duidelijk: ..." """
    rules = c.rules
    parts = []
    for r in rows:
        claim = c.of(r.item)
        parts.append(
            t(
                "claims.unclear_item",
                item=t.item(r.label),
                diff=r.diff_text,
                low=t.fmt.dec(claim.ci_low, 2),
                high=t.fmt.dec(claim.ci_high, 2),
            )
        )
    return t(
        "claims.unclear",
        list=t.fmt.join(parts),
        test=t(f"claims.tests.{rules.test}"),
        alpha=t.fmt.dec(rules.alpha, 2),
        adjust=t(f"claims.adjust.{rules.adjust}"),
    )


def rounding_note(rows: list[Item], t: Text) -> str:
    """The note under a table whose printed begin, end and difference seem not to add up."""
    places = t.fmt.mean_places
    odd = [r for r in rows if r.published and not adds_up(r.baseline, r.endline, r.exact_diff, places)]
    return t("claims.rounding_note", list=t.fmt.join(t.item(r.label) for r in odd)) if odd else ""


def _reason_phrase(code: str, instrument: Instrument, t: Text) -> str:
    """A dropout reason inside a sentence ("onvrede met MIRIAM", "un déménagement"): the
    strings' phrase, else the codebook label in lower case."""
    phrase = t.s.get("phrases", {}).get("stop_reason", {}).get(str(code))
    return str(phrase) if phrase else _lower(category_label("stop_reason", code, instrument, t))


def _theme_phrase(indicator: str, instrument: Instrument, t: Text) -> str:
    """A knowledge theme inside a sentence, with its article in French ("les loisirs")."""
    phrase = t.s.get("phrases", {}).get("learned", {}).get(indicator)
    return str(phrase) if phrase else _lower(_theme(indicator, instrument, t))


def _withheld_room(rows: pd.DataFrame) -> float:
    """The largest share (0-100) a withheld category of a distribution may have, from what is
    published: n minus the published counts (0 when nothing is withheld; 100 when n is too)."""
    if rows.empty:
        return 0.0
    hidden = [_withheld(r) for _, r in rows.iterrows()]
    if not any(hidden):
        return 0.0
    n = pd.to_numeric(rows["n"], errors="coerce").dropna()
    if n.empty or n.iloc[0] <= 0:
        return 100.0
    shown = pd.to_numeric(rows.loc[[not h for h in hidden], "count"], errors="coerce").fillna(0).sum()
    return 100.0 * float(n.iloc[0] - shown) / float(n.iloc[0])


def dropout_finding(tables: Mapping, instrument: Instrument, t: Text, catalogue: Mapping | None) -> str:
    """Why women stop, honestly ranked: the most frequent reasons among the women who stopped
    (dissatisfaction in its place like any other; ties at the cut are all named), and the
    share that stopped out of dissatisfaction over *all* women when it is published
    (``stopped_dissatisfied``), else over the women who stopped. "Practical reasons" only
    when dissatisfaction is known and ranks below every reason named."""
    fmt = t.fmt
    reasons = distribution(tables, "stop_reason")
    room = _withheld_room(reasons)
    if not reasons.empty:
        reasons = reasons[[not _withheld(r) for _, r in reasons.iterrows()]]
    all_share = share_pct(tables, "stopped_dissatisfied", "endline")
    all_women = over_all_women(tables, catalogue, "stopped_dissatisfied", "endline")
    if reasons.empty:
        if _missing(all_share):
            return ""
        key = "findings.dissatisfied_all" if all_women else "findings.dissatisfied_endline"
        return capitalise(t(key, pct=fmt.pct100(all_share)))
    order = _category_order("stop_reason", instrument, t)
    ranked = sorted(
        (r for _, r in reasons.iterrows() if str(r["category"]) != "other"),
        key=lambda r: (
            -fmt.rounded_pct(r["pct"]),
            order.index(r["category"]) if r["category"] in order else 99,
        ),
    )
    if not ranked:
        return ""
    cut = fmt.rounded_pct(ranked[min(2, len(ranked) - 1)]["pct"])
    named = [r for r in ranked if fmt.rounded_pct(r["pct"]) >= cut]
    words = fmt.join(
        f"{_reason_phrase(str(r['category']), instrument, t)} ({fmt.pct100(r['pct'])})" for r in named
    )
    dissatisfied = [r for r in ranked if str(r["category"]) == "dissatisfied"]
    named_codes = {str(r["category"]) for r in named}
    pragmatic = bool(dissatisfied) and "dissatisfied" not in named_codes
    if room >= min(float(r["pct"]) for r in named):
        # a withheld reason may be cited as often as one named: no ranking is known, and no
        # claim that the reasons named are the main ones (issue 17: rank only what is known)
        key = "findings.dropout_reasons_partial"
    else:
        key = "findings.dropout_pragmatic" if pragmatic else "findings.dropout_reasons"
    out = t(key, reasons=words)
    if not _missing(all_share):
        key = "findings.dissatisfied_all" if all_women else "findings.dissatisfied_endline"
        out += " " + t(key, pct=fmt.pct100(all_share))
    elif dissatisfied and "dissatisfied" not in named_codes:
        out += " " + t("findings.dissatisfied_stoppers", pct=fmt.pct100(dissatisfied[0]["pct"]))
    return capitalise(out)


def completed_sentence(tables: Mapping, catalogue: Mapping | None, t: Text, *, national: bool) -> str:
    """Full-year participation with its population in words: "of all women" when the share
    counts every woman, "of the women with an end form" otherwise (never without it)."""
    row = share_row(tables, "completed", "endline")
    if row is None:
        return ""
    all_women = over_all_women(tables, catalogue, "completed", "endline")
    pct = t.fmt.pct100(None if _withheld(row) else row["pct"])
    definition = indicator_definition(catalogue, "completed", t)
    if national:
        key = "national.completed_all" if all_women else "national.completed_endline"
        text = t(key, pct=pct, n=t.n(row.get("n")))
        if definition:
            text += " " + t("definition", text=definition[:1].lower() + definition[1:])
        return capitalise(text)
    if _withheld(row):
        return ""
    key = "findings.completed_all" if all_women else "findings.completed_endline"
    return capitalise(t(key, pct=pct)) + (footnote(definition) if definition else "")


def key_findings(
    tables: Mapping[str, pd.DataFrame],
    cohort_cfg: Mapping,
    instrument: Instrument,
    t: Text,
    catalogue: Mapping | None = None,
    rules: ClaimRules | None = None,
) -> list[str]:
    """National key findings: each a sentence with a number, printed only when it is true
    for this cohort and its numbers are published (a withheld number drops its sentence).
    Progress is claimed only where the national test supports it (`rules`: config
    ``report.claims``). Each rule below gives the sentences of one theme, in the order the
    findings are printed."""
    rules = rules or ClaimRules()
    out = [
        *_reach_findings(tables, cohort_cfg, t),
        *_participation_findings(tables, instrument, t, catalogue),
        *_knowledge_findings(tables, instrument, t),
        *_loneliness_findings(tables, t),
        *_domain_findings(tables, instrument, t, rules),
        *_progress_findings(tables, instrument, t, catalogue),
        *_empowerment_findings(tables, instrument, t, rules),
        *_stronger_findings(tables, t, catalogue),
        *_outcome_findings(tables, t),
        *_subgroup_findings(tables, instrument, t, catalogue),
    ]
    return [capitalise(f) for f in out]


def _reach_findings(tables: Mapping, cohort_cfg: Mapping, t: Text) -> list[str]:
    """How many women, OCMWs and projects (and consortia), and the new projects."""
    fmt, label = t.fmt, str(cohort_cfg.get("label", ""))
    reach = reach_counts(table(tables, "units"), cohort_cfg, table(tables, "reach"))
    out = []
    if not _missing(reach["women"]):
        out.append(t("findings.reach", women=fmt.int(reach["women"]), label=label))
    if reach["projects"] and not _missing(reach["ocmws"]):
        key = "findings.ocmws_consortia" if reach["consortia"] else "findings.ocmws"
        out.append(
            t(
                key,
                ocmws=fmt.int(reach["ocmws"]),
                projects=fmt.int(reach["projects"]),
                consortia=fmt.int(reach["consortia"]),
            )
        )
    if reach["new"] == 1:
        out.append(t("findings.new_project", label=label))
    elif not _missing(reach["new"]) and reach["new"] > 1:
        out.append(t("findings.new_projects", new=fmt.int(reach["new"]), label=label))
    return out


def _participation_findings(
    tables: Mapping, instrument: Instrument, t: Text, catalogue: Mapping | None
) -> list[str]:
    """Full-year participation, then why women stop."""
    completed = completed_sentence(tables, catalogue, t, national=False)
    dropout = dropout_finding(tables, instrument, t, catalogue)
    return [s for s in (completed, dropout) if s]


def _knowledge_findings(tables: Mapping, instrument: Instrument, t: Text) -> list[str]:
    """The three themes most women learned about (by printed percentage)."""
    learned = [(k, share_pct(tables, k, "endline")) for k in KNOWLEDGE]
    fmt = t.fmt
    learned = sorted(((k, p) for k, p in learned if not _missing(p)), key=lambda kp: -fmt.rounded_pct(kp[1]))
    if not learned:
        return []
    words = fmt.join(f"{_theme_phrase(k, instrument, t)} ({fmt.pct100(p)})" for k, p in learned[:3])
    return [t("findings.knowledge", list=words)]


def _loneliness_findings(tables: Mapping, t: Text) -> list[str]:
    """Loneliness at the start and at the end, and the change of the printed percentages."""
    begin, end = share_pct(tables, "often_lonely", "baseline"), share_pct(tables, "often_lonely", "endline")
    if _missing(begin) or _missing(end):
        return []
    change = t.fmt.rounded_pct(end) - t.fmt.rounded_pct(begin)
    key = (
        "findings.lonely_down"
        if change < 0
        else "findings.lonely_up"
        if change > 0
        else "findings.lonely_same"
    )
    return [t(key, begin=t.fmt.pct100(begin), end=t.fmt.pct100(end), pp=t.fmt.pp(change))]


def national_claims(tables: Mapping, rows: list[Item], rules: ClaimRules) -> UnitClaims:
    """The claims of Belgium's items from the published tests table."""
    return unit_claims(table(tables, "tests"), "national", NATIONAL_UNIT, rows, rules)


def _domain_findings(tables: Mapping, instrument: Instrument, t: Text, rules: ClaimRules) -> list[str]:
    """The life domains: which went clearly up (tested) or are higher (no test), then the
    lowest start and the largest supported gain, ties named together."""
    fmt = t.fmt
    domains = item_rows(table(tables, "items"), "national", NATIONAL_UNIT, "domain", instrument, fmt)
    published = [r for r in domains if r.published]
    if not (domains and published):
        return []
    _, top = _scale(instrument, "domain")
    c = national_claims(tables, domains, rules)
    up = supported(domains, c) if c.tested else [r for r in published if higher(r.diff, fmt.mean_places)]
    key = "claims.findings.domains_" if c.tested else "claims.findings.domains_higher_"
    if up and len(up) == len(domains):
        lo, hi = min(up, key=_step), max(up, key=_step)
        out = [t(key + "all", count_word=t.count_word(len(domains)), lo=lo.diff_text, hi=hi.diff_text)]
    elif up:
        out = [t(key + "some", k=fmt.int(len(up)), count=fmt.int(len(domains)), list=_diffs(up, t))]
    else:
        out = [t(key + "none", count=fmt.int(len(domains)), threshold=fmt.number(CHANGE_MIN))]
    lowest = ties(published, lambda r: -fmt.rounded_mean(r.baseline))
    best = ties(supported(domains, c), _step)  # a gain is a finding only where it is supported
    if len(best) == 1 and best == lowest:
        item = t.item(best[0].label, "domain", article=True)
        out.append(
            t(
                "claims.findings.lowest_and_largest",
                item=item,
                x=best[0].begin_text,
                max=fmt.int(top),
                diff=best[0].diff_text,
            )
        )
        return out
    names = fmt.join(t.item(r.label, "domain", article=True) for r in lowest)
    if len(lowest) == 1:
        out.append(t("findings.lowest_baseline", item=names, x=lowest[0].begin_text, max=fmt.int(top)))
    else:
        out.append(t("claims.findings.lowest_tie", list=names, x=lowest[0].begin_text, max=fmt.int(top)))
    if best:
        names = fmt.join(t.item(r.label, "domain", article=True) for r in best)
        key = "claims.findings.largest_gain_tie" if len(best) > 1 else "claims.findings.largest_gain"
        out.append(t(key, list=names, diff=best[0].diff_text))
    return out


def _progress_findings(
    tables: Mapping, instrument: Instrument, t: Text, catalogue: Mapping | None
) -> list[str]:
    """The share of women who progressed over the domains, with its definition as a footnote."""
    progress = share_pct(tables, "progress_domains", "change")
    if _missing(progress):
        return []
    definition = progress_definition(catalogue, instrument, t)
    return [t("findings.progress", pct=t.fmt.pct100(progress)) + footnote(definition)]


def _empowerment_findings(tables: Mapping, instrument: Instrument, t: Text, rules: ClaimRules) -> list[str]:
    """The empowerment indicators: all clearly up (with the mean start and end over the
    indicators, from the published means, rounded once, with a note that says so), some, or
    none; descriptive wording without a published test."""
    fmt = t.fmt
    emp = item_rows(table(tables, "items"), "national", NATIONAL_UNIT, "empowerment", instrument, fmt)
    published = [r for r in emp if r.published]
    if not (emp and published):
        return []
    c = national_claims(tables, emp, rules)
    up = supported(emp, c) if c.tested else [r for r in published if higher(r.diff, fmt.mean_places)]
    key = "claims.findings.empowerment_" if c.tested else "claims.findings.empowerment_higher_"
    if up and len(up) == len(emp):
        return [
            t(
                key + "all",
                count_word=t.count_word(len(emp)),
                begin=fmt.score(mean_of(r.baseline for r in emp)),
                end=fmt.score(mean_of(r.endline for r in emp)),
                max=fmt.int(_scale(instrument, "empowerment")[1]),
            )
            + footnote(t("claims.average_note", **t.rounding()))
        ]
    if up:
        return [t(key + "some", k=fmt.int(len(up)), count=fmt.int(len(emp)), list=_diffs(up, t))]
    return [t(key + "none", count=fmt.int(len(emp)), threshold=fmt.number(CHANGE_MIN))]


def _stronger_findings(tables: Mapping, t: Text, catalogue: Mapping | None) -> list[str]:
    """The share of women who feel stronger, with the indicator's definition as a footnote."""
    stronger = share_pct(tables, "feels_stronger", "endline")
    if _missing(stronger):
        return []
    definition = indicator_definition(catalogue, "feels_stronger", t)
    return [t("findings.stronger", pct=t.fmt.pct100(stronger)) + (footnote(definition) if definition else "")]


def _outcome_findings(tables: Mapping, t: Text) -> list[str]:
    """Concrete outcomes (the change is that of the printed percentages), then housing."""
    fmt, out = t.fmt, []
    for indicator in OUTCOMES_PAIRED:
        begin, end = share_pct(tables, indicator, "baseline"), share_pct(tables, indicator, "endline")
        change = share_pct(tables, indicator, "change")
        if _missing(begin) or _missing(end) or _missing(change):
            continue
        step = fmt.rounded_pct(end) - fmt.rounded_pct(begin)
        key = "up" if step > 0 else "down" if step < 0 else "same"
        out.append(
            t(f"findings.{indicator}_{key}", pp=fmt.pp(step), begin=fmt.pct100(begin), end=fmt.pct100(end))
        )
    housing = share_pct(tables, "housing_waitlist", "endline")
    if not _missing(housing):
        out.append(t("findings.housing", pct=fmt.pct100(housing)))
    return out


def _subgroup_findings(
    tables: Mapping, instrument: Instrument, t: Text, catalogue: Mapping | None
) -> list[str]:
    """Who starts lower and whose mean difference is larger: only gaps of at least
    SUBGROUP_GAP both ways, and *described*, never claimed: a contrast between groups needs a
    test of the difference, and the published subgroup tables carry no spread to make one
    (claims module). The averages over the domains are of the published means, rounded once."""
    fmt, out = t.fmt, []
    _, top = _scale(instrument, "domain")
    labels = _subgroup_labels(catalogue, t)
    for contrast in subgroup_contrasts(tables, instrument):
        (a, (base_a, diff_a)), (b, (base_b, diff_b)) = sorted(
            contrast["values"].items(), key=lambda kv: kv[1][0]
        )
        gap, printed = Decimal(str(SUBGROUP_GAP)), fmt.rounded_mean
        if not (printed(base_b) - printed(base_a) >= gap and printed(diff_a) - printed(diff_b) >= gap):
            continue
        names = labels.get(contrast["subgroup"], {})
        out.append(
            t(
                "claims.findings.subgroup_lower_larger",
                value=names.get("values", {}).get(a, a),
                subgroup=_lower(names.get("label", contrast["subgroup"])),
                base_a=fmt.score(base_a),
                base_b=fmt.score(base_b),
                max=fmt.int(top),
                diff_a=fmt.diff(diff_a),
                diff_b=fmt.diff(diff_b),
                other=names.get("values", {}).get(b, b),
            )
            + footnote(t("claims.findings.subgroup_note"))
        )
    return out
