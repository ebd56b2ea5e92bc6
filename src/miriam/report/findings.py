"""Findings and headlines are *rules over the data*: a sentence that is not true for this cohort
(say "progress on each of the six domains" when one domain went down) is never printed; the
rule picks the sentence that is true instead, and a withheld number drops its sentence.
Differences and changes are those of the printed numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from miriam.config import Instrument
from miriam.printed import is_missing as _missing
from miriam.printed import (
    round1,
    round_int,
)
from miriam.report.formatting import CHANGE_MIN, _lower, capitalise, footnote
from miriam.report.tables import (
    KNOWLEDGE,
    OUTCOMES_PAIRED,
    SUBGROUP_GAP,
    Item,
    _avg,
    _category_order,
    _declined,
    _improved,
    _scale,
    _stable,
    _step,
    _subgroup_labels,
    _theme,
    _withheld,
    all_improved,
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


def headline(rows: list[Item], group: str, name: str, t: Text, *, where: str | None = None) -> str:
    """The headline of one group for one unit, chosen by the data.

    The participants are the subject, never the town ("De deelneemsters in Antwerpen gaan
    vooruit op elk van de zes levensdomeinen"). All items published and up: that sentence;
    most up: it names the exceptions; some up: it names them; none up: it says so. "Up" is
    judged on the printed difference (at least +0,2). `where` overrides the place phrase
    (the national report: "in België" / "en Belgique").
    """
    count = len(rows)
    up = _improved(rows)
    place = where if where is not None else t.place(name)
    if all_improved(rows):
        text = t(f"headline.{group}_all", where=place, count_word=t.count_word(count))
    elif up and len(up) > count / 2 and all(r.published for r in rows):
        rest = [r for r in rows if r not in up]
        text = t(
            f"headline.{group}_most",
            where=place,
            k=t.fmt.int(len(up)),
            count=t.fmt.int(count),
            list=t.fmt.join(t.item(r.label) for r in rest),
        )
    elif up:
        text = t(
            f"headline.{group}_some",
            where=place,
            k=t.fmt.int(len(up)),
            count=t.fmt.int(count),
            list=t.fmt.join(t.item(r.label) for r in up),
        )
    else:
        text = t(f"headline.{group}_none", where=place)
    return capitalise(text)


def comment(rows: list[Item], t: Text, group: str | None = None) -> list[str]:
    """Sentences under a headline: the largest step, the weakest start, declines, stable
    items, gaps. All on the printed numbers. `group` picks the French noun of an item
    ("le domaine" / "l'indicateur")."""
    published = [r for r in rows if r.published]
    out: list[str] = []
    if not published:
        return out
    largest = max(published, key=lambda r: (_step(r), -rows.index(r)))
    lowest = min(published, key=lambda r: (round1(r.baseline), rows.index(r)))
    if _step(largest) >= CHANGE_MIN:
        out.append(
            t("headline.largest", item=t.item(largest.label, group, article=True), diff=largest.diff_text)
        )
        if largest is lowest:
            out.append(t("headline.largest_was_lowest", x=lowest.begin_text))
        else:
            out.append(
                t("headline.lowest", item=t.item(lowest.label, group, article=True), x=lowest.begin_text)
            )
    else:
        out.append(t("headline.lowest", item=t.item(lowest.label, group, article=True), x=lowest.begin_text))
    down = _declined(rows)
    if down:
        out.append(
            t("headline.declines", list=t.fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in down))
        )
    stable = _stable(rows)
    if stable:
        out.append(
            t(
                "headline.stable",
                threshold=t.fmt.number(CHANGE_MIN),
                list=t.fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in stable),
            )
        )
    hidden = [r for r in rows if not r.published]
    if hidden:
        out.append(t("headline.withheld_items", list=t.fmt.join(t.item(r.label) for r in hidden)))
    return [capitalise(x) for x in out]


def _reason_phrase(code: str, instrument: Instrument, t: Text) -> str:
    """A dropout reason inside a sentence ("onvrede met MIRIAM", "un déménagement"): the
    strings' phrase, else the codebook label in lower case."""
    phrase = t.s.get("phrases", {}).get("stop_reason", {}).get(str(code))
    return str(phrase) if phrase else _lower(category_label("stop_reason", code, instrument, t))


def _theme_phrase(indicator: str, instrument: Instrument, t: Text) -> str:
    """A knowledge theme inside a sentence, with its article in French ("les loisirs")."""
    phrase = t.s.get("phrases", {}).get("learned", {}).get(indicator)
    return str(phrase) if phrase else _lower(_theme(indicator, instrument, t))


def dropout_finding(tables: Mapping, instrument: Instrument, t: Text, catalogue: Mapping | None) -> str:
    """Why women stop, honestly ranked: the most frequent reasons among the women who stopped
    (dissatisfaction in its place like any other; ties at the cut are all named), and the
    share that stopped out of dissatisfaction over *all* women when it is published
    (``stopped_dissatisfied``), else over the women who stopped. "Practical reasons" only
    when dissatisfaction is known and ranks below every reason named."""
    fmt = t.fmt
    reasons = distribution(tables, "stop_reason")
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
        key=lambda r: (-round_int(r["pct"]), order.index(r["category"]) if r["category"] in order else 99),
    )
    if not ranked:
        return ""
    cut = round_int(ranked[min(2, len(ranked) - 1)]["pct"])
    named = [r for r in ranked if round_int(r["pct"]) >= cut]
    words = fmt.join(
        f"{_reason_phrase(str(r['category']), instrument, t)} ({fmt.pct100(r['pct'])})" for r in named
    )
    dissatisfied = [r for r in ranked if str(r["category"]) == "dissatisfied"]
    named_codes = {str(r["category"]) for r in named}
    pragmatic = bool(dissatisfied) and "dissatisfied" not in named_codes
    out = t("findings.dropout_pragmatic" if pragmatic else "findings.dropout_reasons", reasons=words)
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
) -> list[str]:
    """National key findings: each a sentence with a number, printed only when it is true
    for this cohort and its numbers are published (a withheld number drops its sentence).
    Differences and changes are those of the printed numbers. Each rule below gives the
    sentences of one theme, in the order the findings are printed."""
    out = [
        *_reach_findings(tables, cohort_cfg, t),
        *_participation_findings(tables, instrument, t, catalogue),
        *_knowledge_findings(tables, instrument, t),
        *_loneliness_findings(tables, t),
        *_domain_findings(tables, instrument, t),
        *_progress_findings(tables, instrument, t, catalogue),
        *_empowerment_findings(tables, instrument, t),
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
    learned = sorted(((k, p) for k, p in learned if not _missing(p)), key=lambda kp: -round_int(kp[1]))
    if not learned:
        return []
    fmt = t.fmt
    words = fmt.join(f"{_theme_phrase(k, instrument, t)} ({fmt.pct100(p)})" for k, p in learned[:3])
    return [t("findings.knowledge", list=words)]


def _loneliness_findings(tables: Mapping, t: Text) -> list[str]:
    """Loneliness at the start and at the end, and the change of the printed percentages."""
    begin, end = share_pct(tables, "often_lonely", "baseline"), share_pct(tables, "often_lonely", "endline")
    if _missing(begin) or _missing(end):
        return []
    change = round_int(end) - round_int(begin)
    key = (
        "findings.lonely_down"
        if change < 0
        else "findings.lonely_up"
        if change > 0
        else "findings.lonely_same"
    )
    return [t(key, begin=t.fmt.pct100(begin), end=t.fmt.pct100(end), pp=t.fmt.pp(change))]


def _domain_findings(tables: Mapping, instrument: Instrument, t: Text) -> list[str]:
    """The life domains: which went up, then the lowest start and the largest gain."""
    fmt = t.fmt
    domains = item_rows(table(tables, "items"), "national", NATIONAL_UNIT, "domain", instrument, fmt)
    published = [r for r in domains if r.published]
    if not (domains and published):
        return []
    _, top = _scale(instrument, "domain")
    up = _improved(domains)
    if all_improved(domains):
        lo, hi = min(up, key=_step), max(up, key=_step)
        out = [
            t("findings.domains_all", count_word=t.count_word(len(domains)), lo=lo.diff_text, hi=hi.diff_text)
        ]
    elif up:
        listed = fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in up)
        out = [t("findings.domains_some", k=fmt.int(len(up)), count=fmt.int(len(domains)), list=listed)]
    else:
        out = [t("findings.domains_none", count=fmt.int(len(domains)))]
    lowest = min(published, key=lambda r: (round1(r.baseline), domains.index(r)))
    best = max(published, key=lambda r: (_step(r), -domains.index(r)))
    lowest_item = t.item(lowest.label, "domain", article=True)
    if best is lowest and _step(best) >= CHANGE_MIN:
        out.append(
            t(
                "findings.lowest_and_largest",
                item=lowest_item,
                x=lowest.begin_text,
                max=fmt.int(top),
                diff=best.diff_text,
            )
        )
        return out
    out.append(t("findings.lowest_baseline", item=lowest_item, x=lowest.begin_text, max=fmt.int(top)))
    if _step(best) >= CHANGE_MIN:
        best_item = t.item(best.label, "domain", article=True)
        out.append(t("findings.largest_gain", item=best_item, diff=best.diff_text))
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


def _empowerment_findings(tables: Mapping, instrument: Instrument, t: Text) -> list[str]:
    """The empowerment indicators: all up (with the mean start and end), some up, or none."""
    fmt = t.fmt
    emp = item_rows(table(tables, "items"), "national", NATIONAL_UNIT, "empowerment", instrument, fmt)
    if not (emp and any(r.published for r in emp)):
        return []
    up = _improved(emp)
    if all_improved(emp):
        return [
            t(
                "findings.empowerment_all",
                count_word=t.count_word(len(emp)),
                begin=fmt.score(_avg([r.baseline for r in emp])),
                end=fmt.score(_avg([r.endline for r in emp])),
                max=fmt.int(_scale(instrument, "empowerment")[1]),
            )
        ]
    if up:
        listed = fmt.join(f"{t.item(r.label)} ({r.diff_text})" for r in up)
        return [t("findings.empowerment_some", k=fmt.int(len(up)), count=fmt.int(len(emp)), list=listed)]
    return [t("findings.empowerment_none", count=fmt.int(len(emp)))]


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
        step = round_int(end) - round_int(begin)
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
    """Who starts lower and gains more: only gaps of at least SUBGROUP_GAP both ways."""
    fmt, out = t.fmt, []
    _, top = _scale(instrument, "domain")
    labels = _subgroup_labels(catalogue, t)
    for contrast in subgroup_contrasts(tables, instrument):
        (a, (base_a, diff_a)), (b, (base_b, diff_b)) = sorted(
            contrast["values"].items(), key=lambda kv: kv[1][0]
        )
        if not (base_b - base_a >= SUBGROUP_GAP and diff_a - diff_b >= SUBGROUP_GAP):
            continue
        names = labels.get(contrast["subgroup"], {})
        out.append(
            t(
                "findings.subgroup_lower_gains_more",
                value=names.get("values", {}).get(a, a),
                subgroup=_lower(names.get("label", contrast["subgroup"])),
                base_a=fmt.score(base_a),
                base_b=fmt.score(base_b),
                max=fmt.int(top),
                diff_a=fmt.diff(diff_a),
                diff_b=fmt.diff(diff_b),
                other=names.get("values", {}).get(b, b),
            )
        )
    return out
