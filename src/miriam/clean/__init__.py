"""Clean: decide for every ingested row whether it is used, and if not, why.

Row rules, applied in this order (the first that applies is the row's quarantine reason):

1. ``blank_row``: every cell empty (exports often end with one);
2. ``register_number_missing`` / ``register_number_malformed`` /
   ``register_number_check_digits``: no usable key, so the row cannot be linked (a typo that
   breaks the check digits is reported, never linked by guesswork);
3. ``ocmw_missing`` / ``ocmw_unknown``: no OCMW (an unknown name only reaches this point when
   the policy is ``quarantine``; with ``stop`` ingest has already stopped the run);
4. ``ocmw_not_in_cohort``: a known OCMW that has no project in this cohort;
5. ``no_submission_date``: the submission date is empty or unreadable ("nvt"), so the row
   cannot be placed in the cohort window (exports with submission dates only);
6. ``outside_cohort_window``: submitted before or after the cohort's window;
7. ``superseded_duplicate``: the same woman submitted twice in one wave; the latest
   submission wins (by submission time, then by position in the file) and is kept.

Women are then linked across waves by pseudonym; an endline without baseline and a baseline
without endline are kept and counted, not dropped. Counts reconcile: for every export,
rows read = rows kept + rows quarantined.

A follow-up wave (``followup``, when the cohort declares one) goes through the same rules: its
own submission window (rule 6: ``followup.window`` of the cohort config, since follow-up forms
come a year after the end), the duplicate rule within the wave, and linking by pseudonym. A
follow-up woman without a baseline or endline is kept and counted (``women_followup_only``),
not dropped; ``women`` stays the programme year's women (a baseline or an endline), as the
units table counts them.
"""

from __future__ import annotations

import pandas as pd

from miriam.clean.qa import CHECK_PROBLEMS
from miriam.vocab import ALL_WAVES, FOLLOWUP

CHECKS = CHECK_PROBLEMS | {"ignored_column"}

QUARANTINE_COLUMNS = ["source_file", "source_row", "wave", "pseudonym", "reason", "detail"]
REASONS = (
    "blank_row",
    "register_number_missing",
    "register_number_malformed",
    "register_number_check_digits",
    "ocmw_missing",
    "ocmw_unknown",
    "ocmw_not_in_cohort",
    "no_submission_date",
    "outside_cohort_window",
    "superseded_duplicate",
)
_KEY_REASON = {
    "missing": "register_number_missing",
    "malformed": "register_number_malformed",
    "bad_checksum": "register_number_check_digits",
}


def row_reasons(
    rows: pd.DataFrame,
    cohort_ocmws: set[str],
    window: tuple[str, str],
    followup_window: tuple[str, str] | None = None,
) -> pd.Series:
    """The quarantine reason of each row (rules 1-6), or <NA> for a usable row.

    Rows of the follow-up wave are checked against `followup_window` (the cohort window when
    none is given)."""
    wave = rows["wave"] if "wave" in rows else pd.Series("", index=rows.index)
    followup = wave.eq(FOLLOWUP).fillna(False).to_numpy(bool)
    first, last = followup_window or window
    start = pd.Series(pd.Timestamp(window[0]), index=rows.index).mask(followup, pd.Timestamp(first))
    end = pd.Series(pd.Timestamp(window[1]), index=rows.index).mask(followup, pd.Timestamp(last))
    end = end + pd.Timedelta(days=1)
    reason = pd.Series(pd.NA, index=rows.index, dtype="string")

    def mark(condition: pd.Series, why: pd.Series | str) -> None:
        todo = reason.isna() & condition.fillna(False).astype(bool)
        reason[todo] = why[todo] if isinstance(why, pd.Series) else why

    mark(rows["is_blank"], "blank_row")
    mark(rows["key_status"] != "valid", rows["key_status"].map(_KEY_REASON).astype("string"))
    mark(rows["ocmw_status"] == "missing", "ocmw_missing")
    mark(rows["ocmw_status"] == "unknown", "ocmw_unknown")
    mark(~rows["ocmw_id"].isin(cohort_ocmws), "ocmw_not_in_cohort")
    if "submitted_at" in rows:  # code-based (wide) exports carry no submission dates
        when = rows["submitted_at"]
        # Fix: an unreadable date used to be reported as outside the window, which sent the
        # reviewer looking for a date that is not there.
        mark(when.isna(), "no_submission_date")
        mark((when < start) | (when >= end), "outside_cohort_window")
    return reason


def latest_submission(rows: pd.DataFrame) -> pd.Series:
    """True for rows superseded by a later submission of the same woman in the same wave."""
    keys = [k for k in ("submitted_at", "source_file", "source_row") if k in rows]
    order = rows.sort_values(keys, kind="stable")
    superseded = order.duplicated(["pseudonym", "wave"], keep="last")
    return superseded.reindex(rows.index)


def clean_rows(
    rows: pd.DataFrame,
    projects: pd.DataFrame,
    reference: pd.DataFrame,
    window: tuple[str, str],
    followup_window: tuple[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ingested rows into kept responses and quarantined rows (with reasons)."""
    reason = row_reasons(rows, set(projects["ocmw_id"]), window, followup_window)
    usable = reason.isna()
    superseded = latest_submission(rows[usable])
    reason[superseded[superseded].index] = "superseded_duplicate"

    quarantined = rows[reason.notna()].assign(reason=reason[reason.notna()])
    quarantined["detail"] = _details(quarantined)
    quarantine = quarantined[QUARANTINE_COLUMNS].sort_values(["source_file", "source_row"])

    kept = rows[reason.isna()].drop(columns=["is_blank", "key_status", "ocmw_status"])
    kept = kept.merge(projects[["ocmw_id", "project_id"]], on="ocmw_id", how="left")
    kept = kept.merge(
        reference[["nis_code", "region"]].rename(columns={"nis_code": "ocmw_id"}),
        on="ocmw_id",
        how="left",
    )
    for column in ("project_id", "region"):
        kept[column] = kept[column].astype("string")
    kept = kept.sort_values(["pseudonym", "wave"]).reset_index(drop=True)
    return kept, quarantine.reset_index(drop=True)


def _details(quarantined: pd.DataFrame) -> pd.Series:
    """A human sentence per quarantined row, without any identifying value."""
    text = {
        "blank_row": "every cell is empty",
        "register_number_missing": "no national register number: the row cannot be linked",
        "register_number_malformed": "the national register number does not have 11 digits",
        "register_number_check_digits": "the national register number fails its check digits (typo?)",
        "ocmw_missing": "no OCMW given",
        "ocmw_unknown": "the OCMW name is not in config/reference/ocmw.csv",
        "ocmw_not_in_cohort": "the OCMW has no project in this cohort's config",
        "no_submission_date": "the submission date is empty or not a date: the window cannot be checked",
        "outside_cohort_window": "submitted outside the cohort's window (follow-up: the follow-up window)",
        "superseded_duplicate": "a later submission of the same woman in this wave is kept",
    }
    return quarantined["reason"].map(text).astype("string")


def link_waves(responses: pd.DataFrame) -> pd.DataFrame:
    """Per woman: whether she has a baseline, an endline, a follow-up (columns has_<wave>)."""
    waves = responses.pivot_table(index="pseudonym", columns="wave", values="source_row", aggfunc="size")
    waves = waves.reindex(columns=list(ALL_WAVES)).fillna(0) > 0
    return waves.rename(columns={w: f"has_{w}" for w in ALL_WAVES})


# size: the reconciliation reads as one list of the counts that must add up, per export and for the
# cohort
def reconcile(
    rows: pd.DataFrame, responses: pd.DataFrame, quarantine: pd.DataFrame, issues: pd.DataFrame
) -> pd.DataFrame:
    """Counts that must add up, per export and for the cohort (tidy: scope, measure, count).

    Value issues are counted apart: rejected values by problem (`values_rejected_<problem>`)
    and missing values by reason (`values_missing_blank`, `values_missing_not_applicable`).
    Raises AssertionError if rows read != rows kept + rows quarantined anywhere: that would
    be a bug in this module, not in the input.
    """
    # ingest.IGNORED_COLUMN and the consistency checks (ingest.CHECKS): QA report only
    issues = issues[~issues["problem"].isin(CHECKS)]
    is_missing = issues["problem"] == "missing"
    missing, issues = issues[is_missing], issues[~is_missing]
    records = []
    for source, read in rows.groupby("source_file", sort=True).size().items():
        kept = int((responses["source_file"] == source).sum())
        q = quarantine[quarantine["source_file"] == source]
        if read != kept + len(q):
            raise AssertionError(f"{source}: {read} rows read != {kept} kept + {len(q)} quarantined")
        records += [
            (source, "rows_read", read),
            (source, "rows_kept", kept),
            (source, "rows_quarantined", len(q)),
        ]
        records += [
            (source, f"quarantined_{r}", n) for r, n in q["reason"].value_counts().sort_index().items()
        ]
        v = issues[issues["source_file"] == source]
        records += [
            (source, f"values_rejected_{p}", n) for p, n in v["problem"].value_counts().sort_index().items()
        ]
        m = missing[missing["source_file"] == source]
        records += [
            (source, f"values_missing_{r}", n) for r, n in m["reason"].value_counts().sort_index().items()
        ]
    waves = link_waves(responses)
    both = int((waves["has_baseline"] & waves["has_endline"]).sum())
    programme = waves["has_baseline"] | waves["has_endline"]
    records += [
        ("cohort", "rows_read", len(rows)),
        ("cohort", "rows_kept", len(responses)),
        ("cohort", "rows_quarantined", len(quarantine)),
        ("cohort", "values_rejected", len(issues)),
        ("cohort", "values_missing", len(missing)),
        # the programme year's women (a baseline or an endline), as the units table counts them
        ("cohort", "women", int(programme.sum())),
        ("cohort", "women_baseline_and_endline", both),
        (
            "cohort",
            "women_baseline_only",
            int((waves["has_baseline"] & ~waves["has_endline"]).sum()),
        ),
        (
            "cohort",
            "women_endline_only",
            int((~waves["has_baseline"] & waves["has_endline"]).sum()),
        ),
    ]
    if rows["wave"].eq(FOLLOWUP).any():
        # Only for a cohort with follow-up rows: a two-wave cohort's reconciliation is unchanged.
        followup = waves["has_followup"]
        records += [
            ("cohort", "women_followup", int(followup.sum())),
            ("cohort", "women_followup_and_endline", int((followup & waves["has_endline"]).sum())),
            ("cohort", "women_followup_and_baseline", int((followup & waves["has_baseline"]).sum())),
            ("cohort", "women_followup_only", int((followup & ~programme).sum())),
        ]
    return pd.DataFrame(records, columns=["scope", "measure", "count"]).astype({"count": "int64"})
