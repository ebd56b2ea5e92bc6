"""miriam.clean: which rows are used, why the others are quarantined, and counts that add up."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from helpers import TEST_WINDOW, make_nrn

from miriam import clean

WINDOW = (TEST_WINDOW["start"], TEST_WINDOW["end"])
AMINA = make_nrn(date(1991, 3, 14), 123)
LIES = make_nrn(date(1987, 11, 2), 45)
GRACE = make_nrn(date(2001, 6, 30), 210)


@pytest.fixture
def run_clean(ingest_cohort, builder, reference):
    def run(exports, **options):
        rows, issues, _ = ingest_cohort(exports, **options)
        cohort = builder.cohort(exports, **options)
        responses, quarantine = clean.clean_rows(rows, cohort.projects, reference, WINDOW)
        return rows, issues, responses, quarantine

    return run


def _reasons(quarantine: pd.DataFrame) -> dict[tuple[str, int], str]:
    return {(r.source_file, r.source_row): r.reason for r in quarantine.itertuples()}


def test_row_rules(run_clean, builder, pipeline_config):
    pipeline_config["parsing"]["unknown_ocmw"] = "quarantine"
    b = builder.row
    baseline = [
        b("baseline", response_id="R1", national_register_number=AMINA),  # row 2: kept
        b("baseline", response_id="R2", national_register_number="91.03.14-123.32"),  # 3: typo
        b("baseline", response_id="R3", national_register_number="9103141233"),  # 4: 10 digits
        b("baseline", response_id="R4", national_register_number=""),  # 5: no number
        b("baseline", response_id="R5", national_register_number=LIES, ocmw=""),  # 6
        b("baseline", response_id="R6", national_register_number=LIES, ocmw="OCMW Atlantis"),  # 7
        b("baseline", response_id="R7", national_register_number=LIES, ocmw="OCMW Gent"),  # 8: no project
        b(
            "baseline",
            response_id="R8",
            national_register_number=GRACE,
            submitted_at="01/09/2024 08:00",
        ),  # 9
        {h: "" for h in b("baseline")},  # 10: blank row at the end
    ]
    entry = builder.export("b.csv", baseline, wave="baseline")
    rows, _, responses, quarantine = run_clean([entry])
    assert _reasons(quarantine) == {
        ("raw/b.csv", 3): "register_number_check_digits",
        ("raw/b.csv", 4): "register_number_malformed",
        ("raw/b.csv", 5): "register_number_missing",
        ("raw/b.csv", 6): "ocmw_missing",
        ("raw/b.csv", 7): "ocmw_unknown",
        ("raw/b.csv", 8): "ocmw_not_in_cohort",
        ("raw/b.csv", 9): "outside_cohort_window",
        ("raw/b.csv", 10): "blank_row",
    }
    assert responses["response_id"].tolist() == ["R1"]
    assert list(quarantine.columns) == clean.QUARANTINE_COLUMNS
    assert quarantine["detail"].notna().all()
    # No unusable key is ever linked: rows without a valid number carry no pseudonym.
    no_key = quarantine[quarantine["reason"].str.startswith("register_number")]
    assert no_key["pseudonym"].isna().all()


def test_blank_row_wins_over_other_reasons():
    rows = pd.DataFrame(
        {
            "is_blank": [True],
            "key_status": pd.array(["missing"], dtype="string"),
            "ocmw_status": pd.array(["missing"], dtype="string"),
            "ocmw_id": pd.array([None], dtype="string"),
            "submitted_at": pd.to_datetime([None]).astype("datetime64[ns]"),
        }
    )
    assert clean.row_reasons(rows, {"11002"}, WINDOW).tolist() == ["blank_row"]


def test_duplicate_in_one_wave_latest_submission_wins(run_clean, builder):
    b = builder.row
    baseline = [
        # A correction submitted later but listed first in the file: submission time decides.
        b(
            "baseline",
            response_id="R-corrected",
            submitted_at="20/11/2023 09:00",
            dom_financial="6",
        ),
        b("baseline", response_id="R-first", submitted_at="14/11/2023 10:32", dom_financial="5"),
        # Same minute twice: the later row in the file wins.
        b(
            "baseline",
            response_id="L-a",
            national_register_number=LIES,
            submitted_at="15/11/2023 10:00",
        ),
        b(
            "baseline",
            response_id="L-b",
            national_register_number=LIES,
            submitted_at="15/11/2023 10:00",
        ),
    ]
    entry = builder.export("b.csv", baseline, wave="baseline")
    _, _, responses, quarantine = run_clean([entry])
    assert sorted(responses["response_id"]) == ["L-b", "R-corrected"]
    kept = responses.set_index("response_id")
    assert kept.loc["R-corrected", "dom_financial"] == 6
    assert _reasons(quarantine) == {
        ("raw/b.csv", 3): "superseded_duplicate",
        ("raw/b.csv", 4): "superseded_duplicate",
    }
    assert quarantine["pseudonym"].notna().all()


def test_duplicate_across_language_exports(run_clean, builder):
    nl = builder.export(
        "b_nl.csv", [builder.row("baseline", submitted_at="14/11/2023 10:00")], wave="baseline"
    )
    fr = builder.export(
        "b_fr.csv",
        [
            builder.row(
                "baseline", "fr", response_id="R0101", ocmw="CPAS d'Anvers", submitted_at="15/11/2023 10:00"
            )
        ],
        wave="baseline",
        lang="fr",
    )
    _, _, responses, quarantine = run_clean([nl, fr])
    assert responses["source_file"].tolist() == ["raw/b_fr.csv"]
    assert _reasons(quarantine) == {("raw/b_nl.csv", 2): "superseded_duplicate"}


def test_same_woman_in_both_waves_is_not_a_duplicate(run_clean, builder):
    base = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    end = builder.export(
        "e.csv",
        [builder.row("endline", response_id="R0201", submitted_at="12/06/2024 10:00")],
        wave="endline",
    )
    _, _, responses, quarantine = run_clean([base, end])
    assert quarantine.empty
    assert responses["wave"].tolist() == ["baseline", "endline"]
    assert responses["pseudonym"].nunique() == 1


def test_kept_rows_get_project_and_region(run_clean, builder):
    rows = [
        builder.row("baseline", response_id="A", ocmw="Maldegem", national_register_number=AMINA),
        builder.row("baseline", response_id="B", ocmw="OCMW Eeklo", national_register_number=LIES),
        builder.row("baseline", response_id="C", ocmw="Luik", national_register_number=GRACE),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    _, _, responses, _ = run_clean([entry])
    kept = responses.set_index("response_id")
    assert kept.loc[["A", "B", "C"], "project_id"].tolist() == [
        "eeklo-maldegem",
        "eeklo-maldegem",
        "liege",
    ]
    assert kept.loc[["A", "B", "C"], "region"].tolist() == ["flanders", "flanders", "wallonia"]
    assert kept.loc[["A", "B", "C"], "ocmw_id"].tolist() == ["43010", "43005", "62063"]
    assert not {"is_blank", "key_status", "ocmw_status"} & set(responses.columns)
    assert str(responses["project_id"].dtype) == "string"


def test_reconciliation_adds_up_and_counts_unlinked_women(run_clean, builder):
    b = builder.row
    baseline = [
        b("baseline", response_id="B1", national_register_number=AMINA),  # both waves
        b("baseline", response_id="B2", national_register_number=LIES),  # baseline only
        b("baseline", response_id="B3", national_register_number="91.03.14-123.32"),  # typo
        {h: "" for h in b("baseline")},  # blank
    ]
    endline = [
        b(
            "endline",
            response_id="E1",
            national_register_number=AMINA,
            submitted_at="12/06/2024 10:00",
        ),
        b(
            "endline",
            response_id="E2",
            national_register_number=GRACE,
            submitted_at="12/06/2024 11:00",
        ),  # endline only
        b(
            "endline",
            response_id="E3",
            national_register_number=GRACE,
            submitted_at="13/06/2024 11:00",
        ),  # correction
    ]
    base = builder.export("b.csv", baseline, wave="baseline", delimiter=";")
    end = builder.export("e.xlsx", endline, wave="endline")
    rows, issues, responses, quarantine = run_clean([base, end])
    table = clean.reconcile(rows, responses, quarantine, issues)
    count = {(r.scope, r.measure): r.count for r in table.itertuples()}
    for path in ("raw/b.csv", "raw/e.xlsx"):
        assert count[(path, "rows_read")] == count[(path, "rows_kept")] + count[(path, "rows_quarantined")]
    assert count[("raw/b.csv", "rows_read")] == 4 and count[("raw/b.csv", "rows_kept")] == 2
    assert count[("raw/b.csv", "quarantined_blank_row")] == 1
    assert count[("raw/b.csv", "quarantined_register_number_check_digits")] == 1
    assert count[("raw/e.xlsx", "quarantined_superseded_duplicate")] == 1
    assert count[("cohort", "rows_read")] == 7
    assert count[("cohort", "rows_kept")] + count[("cohort", "rows_quarantined")] == 7
    assert count[("cohort", "women")] == 3
    assert count[("cohort", "women_baseline_and_endline")] == 1
    assert count[("cohort", "women_baseline_only")] == 1
    assert count[("cohort", "women_endline_only")] == 1
    assert str(table["count"].dtype) == "int64"


def test_reconciliation_counts_rejected_values_per_export(run_clean, builder):
    entry = builder.export(
        "b.csv", [builder.row("baseline", dom_housing="7,5", dom_leisure="11")], wave="baseline"
    )
    rows, issues, responses, quarantine = run_clean([entry])
    count = {
        (r.scope, r.measure): r.count
        for r in clean.reconcile(rows, responses, quarantine, issues).itertuples()
    }
    assert count[("raw/b.csv", "values_rejected_not_a_whole_number")] == 1
    assert count[("raw/b.csv", "values_rejected_out_of_range")] == 1
    assert count[("cohort", "values_rejected")] == 2
    assert count[("raw/b.csv", "rows_kept")] == 1  # rejected values never drop the row


def test_reconciliation_when_every_row_is_quarantined(run_clean, builder):
    entry = builder.export("b.csv", [builder.row("baseline", national_register_number="")], wave="baseline")
    rows, issues, responses, quarantine = run_clean([entry])
    assert responses.empty
    count = {
        (r.scope, r.measure): r.count
        for r in clean.reconcile(rows, responses, quarantine, issues).itertuples()
    }
    assert count[("raw/b.csv", "rows_quarantined")] == 1
    assert count[("cohort", "women")] == 0


def test_reconcile_refuses_counts_that_do_not_add_up(run_clean, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    rows, issues, responses, quarantine = run_clean([entry])
    with pytest.raises(AssertionError, match="1 rows read != 0 kept"):
        clean.reconcile(rows, responses.iloc[0:0], quarantine, issues)


def test_unreadable_submission_date_has_its_own_reason(run_clean, builder):
    rows = [
        builder.row("baseline", response_id="R1", submitted_at="nvt"),
        builder.row("baseline", response_id="R2", national_register_number=LIES, submitted_at=""),
        builder.row("baseline", response_id="R3", national_register_number=GRACE),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    _, issues, responses, quarantine = run_clean([entry])
    assert _reasons(quarantine) == {
        ("raw/b.csv", 2): "no_submission_date",
        ("raw/b.csv", 3): "no_submission_date",
    }
    assert set(quarantine["detail"]) == {
        "the submission date is empty or not a date: the window cannot be checked"
    }
    assert responses["response_id"].tolist() == ["R3"]


def test_reconciliation_counts_missing_values_apart_from_rejected_ones(run_clean, builder):
    row = builder.row("baseline", dom_housing="nvt", dom_leisure="", dom_health="", regular_gp="11")
    entry = builder.export("b.csv", [row], wave="baseline")
    rows, issues, responses, quarantine = run_clean([entry])
    count = {
        (r.scope, r.measure): r.count
        for r in clean.reconcile(rows, responses, quarantine, issues).itertuples()
    }
    assert count[("raw/b.csv", "values_missing_not_applicable")] == 1
    assert count[("raw/b.csv", "values_missing_blank")] == 2
    assert count[("raw/b.csv", "values_rejected_unknown_category")] == 1
    assert count[("cohort", "values_rejected")] == 1
    assert count[("cohort", "values_missing")] == 3
