"""The follow-up wave: config, ingest and clean of a follow-up export, the follow-up family,
and its disclosure; a cohort without follow-up is unchanged.

The follow-up indicators on a cohort small enough to compute by hand (`_protected`). Scores of
the six life domains (financial, daytime, housing, mobility, leisure, health) per woman; - = no
row at that wave, NA = a row without that score:

    woman  baseline        endline         followup          work situation
    a      4 4 4 4 4 4     6 6 6 6 6 6     6 6 6 6 6 6       employed
    b      5 5 5 5 5 5     7 7 7 7 7 7     6 7 7 7 7 7       employed
    c      5 5 5 5 5 5     5 5 5 5 5 5     3 3 5 6 5 5       job_seeking
    d      -               8 8 8 8 8 8     8 8 8 8 8 NA      training
    e      2 2 2 2 2 2     -               3 3 3 3 3 3       (no answer)
    g      -               -               5 5 5 5 5 5       not_available  (follow-up only)
    h      5 5 5 5 5 5     6 6 6 6 6 6     -                 (no follow-up)

Endline -> follow-up, financial: a 0, b -1, c -2, d 0 (n 4: 0 improved, 2 stable, 2 declined);
baseline -> follow-up, financial: a +2, b +1, c -2, e +1 (n 4: 3 improved, 1 declined).
Domains declined since the endline, over the women with all six pairs (a, b, c; d lacks
health): a 0, b 1, c 2. Work situation: 5 answers (a, b, c, d, g).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import yaml
from helpers import FOLLOWUP_SUBMITTED, ROOT, TEST_FOLLOWUP, make_nrn

from miriam import clean, config, indicators, ingest, protect
from miriam.disclosure import audit, disclose
from miriam.errors import ConfigError, InputError

NA = None
DOMAINS = ["dom_financial", "dom_daytime", "dom_housing", "dom_mobility", "dom_leisure", "dom_health"]
SCORES = {  # woman -> wave -> six domain scores
    "a": {"baseline": [4] * 6, "endline": [6] * 6, "followup": [6] * 6},
    "b": {"baseline": [5] * 6, "endline": [7] * 6, "followup": [6, 7, 7, 7, 7, 7]},
    "c": {"baseline": [5] * 6, "endline": [5] * 6, "followup": [3, 3, 5, 6, 5, 5]},
    "d": {"endline": [8] * 6, "followup": [8, 8, 8, 8, 8, NA]},
    "e": {"baseline": [2] * 6, "followup": [3] * 6},
    "g": {"followup": [5] * 6},
    "h": {"baseline": [5] * 6, "endline": [6] * 6},
}
WORK = {"a": "employed", "b": "employed", "c": "job_seeking", "d": "training", "e": NA, "g": "not_available"}


def _protected(instrument, scores=SCORES) -> pd.DataFrame:
    items = [v.name for v in instrument.items()]
    records = []
    for woman, waves in scores.items():
        for wave, values in waves.items():
            row = {
                "pseudonym": woman,
                "wave": wave,
                "ocmw_id": "11002",
                "project_id": "antwerpen",
                "region": "flanders",
                "city_size": "large",
            }
            row |= dict.fromkeys(items)  # the empowerment items: no score
            if wave != "followup":
                row |= {i: 6 for i in items if i not in DOMAINS}
            row |= dict(zip(DOMAINS, values, strict=True))
            row["work_situation"] = WORK.get(woman) if wave == "followup" else NA
            records.append(row)
    frame = pd.DataFrame(records)
    for item in items:
        frame[item] = frame[item].astype("Int64")
    for column in ("pseudonym", "wave", "ocmw_id", "project_id", "region", "city_size", "work_situation"):
        frame[column] = frame[column].astype("string")
    return frame.sort_values(["pseudonym", "wave"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def catalogue():
    return config.load_catalogue(ROOT / "config" / "indicators.yaml")


@pytest.fixture
def table(instrument, catalogue):
    out = indicators.followup_table(_protected(instrument), catalogue, instrument)
    return out.set_index(["indicator", "wave", "category"])


def _counts(table, indicator, wave) -> dict[str, tuple[int, int]]:
    rows = table.loc[(indicator, wave)]
    return {category: (int(r["n"]), int(r["count"])) for category, r in rows.iterrows()}


# --- the follow-up family, by hand ---------------------------------------------------------------


def test_change_from_the_endline_and_from_the_baseline(table):
    assert _counts(table, "followup_dom_financial", "endline_to_followup") == {
        "improved": (4, 0),
        "stable": (4, 2),
        "declined": (4, 2),
    }
    assert _counts(table, "followup_dom_financial", "baseline_to_followup") == {
        "improved": (4, 3),
        "stable": (4, 0),
        "declined": (4, 1),
    }
    # mobility: c went up; health: d has no follow-up score, so n is 3
    assert _counts(table, "followup_dom_mobility", "endline_to_followup")["improved"] == (4, 1)
    assert _counts(table, "followup_dom_health", "endline_to_followup") == {
        "improved": (3, 0),
        "stable": (3, 3),
        "declined": (3, 0),
    }
    assert table.loc[("followup_dom_financial", "endline_to_followup", "declined"), "pct"] == 50.0


def test_domains_declined_per_woman_over_women_with_every_pair(table):
    counts = _counts(table, "followup_domains_declined", "endline_to_followup")
    assert list(counts) == [str(k) for k in range(7)]
    assert counts == {"0": (3, 1), "1": (3, 1), "2": (3, 1)} | {str(k): (3, 0) for k in range(3, 7)}
    assert ("followup_domains_declined", "baseline_to_followup") not in table.index.droplevel(2)


def test_work_situation_counts_every_followup_woman_who_answered(table):
    assert _counts(table, "work_situation", "followup") == {
        "employed": (5, 2),
        "training": (5, 1),
        "job_seeking": (5, 1),
        "not_available": (5, 1),
    }


def test_the_family_is_national_and_distribution_shaped(instrument, catalogue):
    out = indicators.followup_table(_protected(instrument), catalogue, instrument)
    assert list(out.columns) == indicators.DIST_COLUMNS
    assert set(out["level"]) == {"national"} and set(out["unit"]) == {"BE"}
    assert not out["multi"].any()
    assert set(out["indicator"]) == {f"followup_{d}" for d in DOMAINS} | {
        "followup_domains_declined",
        "work_situation",
    }
    # every (indicator, wave) is single-choice: its categories add up to its n
    sums = out.groupby(["indicator", "wave"]).agg(n=("n", "first"), total=("count", "sum"))
    assert (sums["n"] == sums["total"]).all()
    # improved, stable, declined in that order (not alphabetically)
    first = out[(out["indicator"] == "followup_dom_daytime") & (out["wave"] == "endline_to_followup")]
    assert first["category"].tolist() == ["improved", "stable", "declined"]


@pytest.mark.slow
def test_other_families_ignore_followup_rows(instrument, catalogue, reference):
    """The follow-up rows feed the follow-up family only: every other family is the one the
    two waves give (the follow-up-only woman g is not one of the programme year's women)."""
    everything = _protected(instrument)
    two_waves = everything[everything["wave"] != "followup"].reset_index(drop=True)
    projects = pd.DataFrame({"project_id": ["antwerpen"], "ocmw_id": ["11002"], "since": [2017]})
    with_fu = indicators.compute_all(everything, instrument, reference, catalogue, projects, 2023)
    without = indicators.compute_all(two_waves, instrument, reference, catalogue, projects, 2023)
    assert with_fu.keys() == without.keys()
    for family in with_fu:
        if family != "followup":
            pd.testing.assert_frame_equal(with_fu[family], without[family])
    units = with_fu["units"].set_index("level")
    assert units.loc["national", "n_women"] == 6  # a, b, c, d, e, h: not g (follow-up only)
    assert without["followup"].empty and list(without["followup"].columns) == indicators.DIST_COLUMNS
    assert dict(without["followup"].dtypes.astype(str)) == dict(with_fu["followup"].dtypes.astype(str))


# --- config -------------------------------------------------------------------------------------


def test_a_followup_export_needs_the_followup_block(builder):
    entry = builder.export(
        "f.csv", [builder.row("followup", submitted_at=FOLLOWUP_SUBMITTED)], wave="followup"
    )
    with pytest.raises(ConfigError, match=r"a follow-up export, but the cohort declares no follow-up"):
        builder.cohort([entry])
    baseline = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    with pytest.raises(ConfigError, match=r"no export has `wave: followup`"):
        builder.cohort([baseline], followup=TEST_FOLLOWUP)
    cohort = builder.cohort([baseline, entry], followup=TEST_FOLLOWUP)
    assert cohort.window("followup") == ("2025-05-01", "2025-08-31")
    assert cohort.window("endline") == cohort.window() == ("2023-09-01", "2024-08-31")


def test_only_distributions_may_use_the_followup_wave(tmp_path):
    data = config.load_yaml(ROOT / "config" / "indicators.yaml")
    data["indicators"].append(
        {
            "id": "employed",
            "kind": "share",
            "variable": "work_situation",
            "wave": "followup",
            "codes": ["employed"],
            "label": {"nl": "x", "fr": "x"},
            "definition": {"nl": "x", "fr": "x"},
        }
    )
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"kind share cannot use `wave: followup`"):
        config.load_catalogue(path)


# --- ingest: the declaration checks tell the follow-up form apart -------------------------------


def test_followup_export_declared_endline(ingest_cohort, builder):
    rows = [builder.row("followup", submitted_at=FOLLOWUP_SUBMITTED)]
    entry = builder.export("f.csv", rows, wave="followup", declare={"wave": "endline"})
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert "file raw/f.csv" in message
    # the form's header as in the file, not the codebook's name (issue 17)
    assert "the export has followup questions ('Huidige werksituatie') but is declared 'endline'" in message
    assert "wave: followup in the cohort config" in message


def test_endline_export_declared_followup(ingest_cohort, builder):
    entry = builder.export("e.csv", [builder.row("endline")], wave="endline", declare={"wave": "followup"})
    with pytest.raises(InputError, match=r"the export has endline questions .* but is declared 'followup'"):
        ingest_cohort([entry], followup=TEST_FOLLOWUP)


def test_baseline_export_declared_followup(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline", declare={"wave": "followup"})
    with pytest.raises(InputError, match=r"the export has baseline questions .* but is declared 'followup'"):
        ingest_cohort([entry], followup=TEST_FOLLOWUP)


def test_french_followup_export_declared_dutch(ingest_cohort, builder):
    rows = [builder.row("followup", "fr", submitted_at=FOLLOWUP_SUBMITTED)]
    entry = builder.export("f.csv", rows, wave="followup", lang="fr", declare={"language": "nl"})
    with pytest.raises(InputError, match=r"the headers are those of the FR form"):
        ingest_cohort([entry], followup=TEST_FOLLOWUP)


def test_followup_export_checked_against_the_followup_window(ingest_cohort, builder):
    rows = [builder.row("followup", submitted_at="12/06/2024 10:00")]  # the endline month
    entry = builder.export("f.csv", rows, wave="followup")
    with pytest.raises(InputError, match=r"1 of 1 submissions fall outside the follow-up window 2025-05-01"):
        ingest_cohort([entry], followup=TEST_FOLLOWUP)


def test_a_wide_codebook_has_no_followup_form():
    wide = config.load_instrument(ROOT / "config" / "instruments" / "miriam-2018.yaml")
    export = config.Export(path="raw/x.csv", wave="followup", language="codes", format="csv")
    with pytest.raises(InputError, match=r"has no follow-up form"):
        ingest.check_declaration(export, wide)


# --- end to end: exports -> ingest -> clean -> protect -> indicators -> disclose -----------------

N = 12  # women of the programme year, all followed up


def _woman(i: int) -> dict[str, str]:
    born = date(1990, 1, 1 + i)
    return {"national_register_number": make_nrn(born, 100 + 2 * i), "birth_date": f"{born:%d/%m/%Y}"}


def _exports(builder, *, followup: bool = True) -> list[dict]:
    b, e, f = [], [], []
    for i in range(N):
        me = _woman(i)
        b.append(builder.row("baseline", response_id=f"B{i}", dom_financial="5", **me))
        e.append(
            builder.row(
                "endline", response_id=f"E{i}", submitted_at="14/06/2024 10:00", dom_financial="7", **me
            )
        )
        # follow-up: half the women stable on finances (7), half one point down (6); one woman
        # also down on daytime (a count of 1); the first six employed, the others job seeking
        f.append(
            builder.row(
                "followup",
                response_id=f"F{i}",
                submitted_at=FOLLOWUP_SUBMITTED,
                dom_financial="7" if i < N // 2 else "6",
                dom_daytime="5" if i == 0 else "6",
                work_situation="employed" if i < N // 2 else "job_seeking",
                **me,
            )
        )
    # a correction (the earlier form is superseded), a follow-up-only woman, and a follow-up
    # form submitted in the cohort window (quarantined: outside the follow-up window)
    f.append(
        builder.row(
            "followup", response_id="F90", submitted_at="01/06/2025 09:00", dom_financial="0", **_woman(0)
        )
    )
    f.append(
        builder.row(
            "followup",
            response_id="F91",
            submitted_at=FOLLOWUP_SUBMITTED,
            work_situation="job_seeking",
            **_woman(20),
        )
    )
    f.append(builder.row("followup", response_id="F92", submitted_at="01/07/2024 09:00", **_woman(21)))
    exports = [
        builder.export("begin.csv", b, wave="baseline"),
        builder.export("eind.csv", e, wave="endline"),
    ]
    if followup:
        exports.append(builder.export("opvolg.csv", f, wave="followup"))
    return exports


def _pipeline(builder, instrument, reference, groups, pipeline_config, catalogue, exports, **options):
    cohort = builder.cohort(exports, **options)
    rows, issues, _ = ingest.ingest_cohort(cohort, instrument, reference, pipeline_config, builder.root)
    fu_window = cohort.window("followup") if cohort.followup else None
    responses, quarantine = clean.clean_rows(
        rows, cohort.projects, reference, cohort.window(), followup_window=fu_window
    )
    reconciliation = clean.reconcile(rows, responses, quarantine, issues)
    protected = protect.protect_cohort(
        responses, instrument, reference, groups, cohort, pipeline_config["generalise"]
    )
    tables = indicators.compute_all(
        protected, instrument, reference, catalogue, cohort.projects, cohort.first_year
    )
    limits = pipeline_config["disclosure"]
    thresholds = {"min_n": limits["min_n"], "min_count": limits["min_count"]}
    private = disclose.filter_levels(tables, limits["levels"])
    published, _ = disclose.disclose(private, **thresholds)
    audit.check_audit(audit.audit(published, **thresholds, private=private))
    return quarantine, reconciliation, protected, tables, published


@pytest.fixture
def run(builder, instrument, reference, groups, pipeline_config, catalogue):
    def go(**options):
        return _pipeline(builder, instrument, reference, groups, pipeline_config, catalogue, **options)

    return go


@pytest.mark.slow
def test_followup_export_end_to_end(run, builder):
    quarantine, reconciliation, protected, tables, published = run(
        exports=_exports(builder), followup=TEST_FOLLOWUP
    )
    assert {(r.source_row, r.reason) for r in quarantine.itertuples() if r.wave == "followup"} == {
        (14, "superseded_duplicate"),
        (16, "outside_cohort_window"),
    }
    counts = dict(zip(reconciliation["measure"], reconciliation["count"], strict=True))
    follow = reconciliation[reconciliation["scope"] == "raw/opvolg.csv"].set_index("measure")["count"]
    assert (follow["rows_read"], follow["rows_kept"], follow["rows_quarantined"]) == (15, 13, 2)
    assert counts["women"] == N  # the programme year's women; the follow-up-only woman apart
    assert counts["women_followup"] == N + 1
    assert counts["women_followup_and_endline"] == counts["women_followup_and_baseline"] == N
    assert counts["women_followup_only"] == 1
    assert (protected["wave"] == "followup").sum() == N + 1
    assert protected.loc[protected["wave"] == "followup", "work_situation"].notna().all()
    # the latest follow-up form of woman 0 counts (7, not the superseded 0)
    assert tables["units"].set_index("level").loc["national", "n_women"] == N

    fu = published["followup"].set_index(["indicator", "wave", "category"])
    fin = fu.loc[("followup_dom_financial", "endline_to_followup")]
    assert fin[["n", "count", "pct"]].astype(float).to_dict("index") == {
        "improved": {"n": 12, "count": 0, "pct": 0},
        "stable": {"n": 12, "count": 6, "pct": 50},
        "declined": {"n": 12, "count": 6, "pct": 50},
    }
    assert fin[["n", "count"]].notna().all().all()
    assert fu.loc[("followup_dom_financial", "baseline_to_followup", "improved"), "count"] == 12
    # daytime: one woman down is withheld, and so is its complement (0 improved is published)
    day = fu.loc[("followup_dom_daytime", "endline_to_followup")]
    assert pd.isna(day.loc["declined", "count"]) and pd.isna(day.loc["stable", "count"])
    assert "reason" not in day.columns  # why is for reviewers (the log), never published
    assert day.loc["improved", "count"] == 0
    declined = fu.loc[("followup_domains_declined", "endline_to_followup")]
    # one domain down: woman 0 (daytime) and women 6-11 (finances); none: women 1-5
    assert declined.loc["0", "count"] == 5 and declined.loc["1", "count"] == 7
    work = fu.loc[("work_situation", "followup")]
    assert work["count"].to_dict() == {"employed": 6, "training": 0, "job_seeking": 7, "not_available": 0}
    assert set(published["followup"]["level"]) == {"national"}


@pytest.mark.slow
def test_a_cohort_without_followup_is_unchanged(run, builder):
    """Two waves: no follow-up measures in the reconciliation, the same programme families as
    with a follow-up, and an empty follow-up table (with its columns) that passes the gate."""
    _, reconciliation, protected, tables, published = run(exports=_exports(builder, followup=False))
    assert not reconciliation["measure"].str.contains("followup").any()
    assert set(reconciliation.loc[reconciliation["scope"] == "cohort", "measure"]) == {
        "rows_read",
        "rows_kept",
        "rows_quarantined",
        "values_rejected",
        "values_missing",
        "women",
        "women_baseline_and_endline",
        "women_baseline_only",
        "women_endline_only",
    }
    assert set(protected["wave"]) == {"baseline", "endline"} and "work_situation" not in protected
    assert tables["followup"].empty and published["followup"].empty
    assert list(published["followup"].columns) == list(indicators.DIST_COLUMNS)


@pytest.mark.slow
def test_programme_families_are_the_same_with_or_without_a_followup(run, builder):
    _, _, _, with_fu, pub_fu = run(exports=_exports(builder), followup=TEST_FOLLOWUP)
    _, _, _, without, pub = run(exports=_exports(builder, followup=False))
    for family in without:
        if family == "followup":
            continue
        pd.testing.assert_frame_equal(with_fu[family], without[family])
        pd.testing.assert_frame_equal(pub_fu[family], pub[family])
