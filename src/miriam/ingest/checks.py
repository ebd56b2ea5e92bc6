"""Checks of a cohort's exports as a whole, before anything is mapped: each export listed once,
no response id in two exports, the declared form language and the cohort's window respected,
every OCMW known. Each failure stops the run with a message that names the file (and row) and
what was expected.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from miriam.config import Cohort, Export
from miriam.errors import InputError
from miriam.io import sha256_file
from miriam.vocab import FOLLOWUP

RESPONSE_ID = "response_id"
OCMW_EXPECTED = "an OCMW of config/reference/ocmw.csv"


def check_distinct_files(cohort: Cohort, root: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for export in cohort.exports:
        path = root / export.path
        if not path.exists():
            raise InputError(
                "export not found", file=export.path, hint="check `exports` in the cohort config"
            )
        digest = sha256_file(path)
        twin = next((p for p, h in hashes.items() if h == digest), None)
        if twin:
            raise InputError(
                f"identical to {twin}: the same file is listed twice",
                file=export.path,
                expected="one distinct file per wave and form language",
            )
        hashes[export.path] = digest
    return hashes


def check_shared_response_ids(rows: pd.DataFrame, shown: int = 5) -> None:
    """Fix: "the same file listed twice" was caught for byte-identical files only. A re-saved
    copy (another encoding or separator) or an export that overlaps another one shares the
    platform's response ids, which are unique per submission: stop, naming both files."""
    if RESPONSE_ID not in rows:
        return  # code-based (wide) exports carry no platform id
    ids = rows.loc[~rows["is_blank"], ["source_file", RESPONSE_ID]].dropna()
    ids = ids[ids[RESPONSE_ID].str.strip() != ""].drop_duplicates()
    # Files in the order the cohort config lists them (rows are concatenated in that order).
    files_per_id = ids.groupby(RESPONSE_ID, sort=True)["source_file"].agg(tuple)
    shared = files_per_id[files_per_id.map(len) > 1]
    if shared.empty:
        return
    first, second = shared.iloc[0][:2]
    both = shared[shared.map(lambda files: first in files and second in files)]
    examples = ", ".join(list(both.index)[:shown])
    raise InputError(
        f"{len(both)} response id(s) also appear in {first} (e.g. {examples}): the platform gives "
        "each submission its own id, so the two files hold the same submissions",
        file=second,
        expected="each submission in one export only (is one file a re-saved copy of the other?)",
    )


def check_declared_language(rows: pd.DataFrame, export: Export) -> None:
    if "form_language" not in rows:
        return
    seen = rows.loc[~rows["is_blank"], "form_language"].dropna()
    wrong = seen[seen != export.language]
    if len(seen) and len(wrong) > len(seen) / 2:
        raise InputError(
            f"{len(wrong)} of {len(seen)} rows say the form language is '{wrong.mode()[0]}'",
            file=export.path,
            column="form_language",
            expected=f"'{export.language}' as declared in the cohort config",
        )


def check_window(rows: pd.DataFrame, export: Export, cohort: Cohort) -> None:
    """Most submissions must fall in the export's window: the cohort's, or for a follow-up
    export the follow-up's (its forms come a year after the end)."""
    if "submitted_at" not in rows:
        return  # code-based exports carry no submission dates
    first, last = cohort.window(export.wave)
    start = pd.Timestamp(first)
    end = pd.Timestamp(last) + pd.Timedelta(days=1)
    when = rows.loc[~rows["is_blank"], "submitted_at"].dropna()
    outside = when[(when < start) | (when >= end)]
    if len(when) and len(outside) > len(when) / 2:
        which = "follow-up window" if export.wave == FOLLOWUP else "cohort window"
        raise InputError(
            f"{len(outside)} of {len(when)} submissions fall outside the {which} "
            f"{start.date()} .. {(end - pd.Timedelta(days=1)).date()}: an export of another cohort?",
            file=export.path,
            expected=f"submissions of cohort {cohort.label}"
            + (" (followup.window in the cohort config)" if export.wave == FOLLOWUP else ""),
        )


def check_unknown_ocmws(rows: pd.DataFrame, issues: pd.DataFrame, policy: str) -> None:
    """Policy `stop`: one error that lists every row with an unknown OCMW name (file, row, the
    name as typed, the closest known names), so that all aliases can be fixed in one go."""
    unknown = issues[issues["problem"] == "unknown_ocmw"].sort_values(["source_file", "source_row"])
    if policy != "stop" or unknown.empty:
        return
    lines = [
        f"  file {u.source_file}, row {u.source_row}, column '{u.column}': "
        + u.expected.removeprefix(f"{OCMW_EXPECTED} (").removesuffix(")")
        for u in unknown.itertuples()
    ]
    files = sorted(set(unknown["source_file"]))
    raise InputError(
        f"unknown OCMW name in {len(unknown)} row(s):\n" + "\n".join(lines) + "\n",
        file=files[0] if len(files) == 1 else None,
        expected="a name, alias or NIS code of config/reference/ocmw.csv",
        hint="add the spelling to `aliases` in config/reference/ocmw.csv if it is a known OCMW, "
        "or set parsing.unknown_ocmw: quarantine",
    )
