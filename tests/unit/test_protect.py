"""miriam.protect: quasi-identifiers generalised, nothing identifying left."""

from __future__ import annotations

import pandas as pd
import pytest

from miriam import protect

AGE_BOUNDS = [18, 25, 30, 35, 40]


def _responses(records: list[dict]) -> pd.DataFrame:
    """Clean-stage responses (only the columns protect reads, with the contract's dtypes)."""
    base = {
        "source_file": "raw/b.csv",
        "source_row": 2,
        "response_id": "R",
        "submitted_at": pd.Timestamp("2023-11-14"),
        "ocmw_id": "11002",
        "project_id": "antwerpen",
        "region": "flanders",
        "age_years": 30,
        "n_children": 1,
        "children_birth_years": "2019",
        "birth_country": "BE",
        "diploma": "none",
        "diploma_recognised": "not_applicable",
        "languages": "nl",
        "dom_financial": 5,
        "emp_rely": 6,
        "completed": None,
        "stop_date": pd.NaT,
        "form_language": "nl",
    }
    frame = pd.DataFrame([{**base, **r} for r in records])
    for column in ("age_years", "n_children", "dom_financial", "emp_rely", "source_row"):
        frame[column] = frame[column].astype("Int64")
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) == "str":
            frame[column] = frame[column].astype("string")
    frame["submitted_at"] = frame["submitted_at"].astype("datetime64[ns]")
    frame["stop_date"] = pd.to_datetime(frame["stop_date"]).astype("datetime64[ns]")
    return frame


@pytest.fixture
def run_protect(instrument, reference, groups):
    def run(records):
        return protect.protect(
            _responses(records),
            instrument,
            reference,
            groups,
            age_bounds=AGE_BOUNDS,
            large_city_population=100000,
            reference_year=2023,
        ).set_index(["pseudonym", "wave"])

    return run


@pytest.mark.parametrize(
    "age, band",
    [
        (17, "18-24"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-29"),
        (29, "25-29"),
        (30, "30-34"),
        (34, "30-34"),
        (35, "35-39"),
        (39, "35-39"),
        (40, "40+"),
        (67, "40+"),
    ],
)
def test_age_band_edges(age, band):
    assert protect.age_band(pd.Series([age], dtype="Int64"), AGE_BOUNDS).tolist() == [band]


def test_missing_age_has_no_band():
    assert protect.age_band(pd.Series([pd.NA], dtype="Int64"), AGE_BOUNDS).isna().all()


def test_age_from_the_first_measurement_on_both_rows(run_protect):
    out = run_protect(
        [
            {"pseudonym": "a", "wave": "endline", "age_years": 25},  # birthday between the waves
            {"pseudonym": "a", "wave": "baseline", "age_years": 24},
            {"pseudonym": "b", "wave": "baseline", "age_years": 34},
            {"pseudonym": "b", "wave": "endline", "age_years": 35},
            {"pseudonym": "c", "wave": "endline", "age_years": 40},  # endline only: her only age
            {"pseudonym": "d", "wave": "baseline", "age_years": None},  # birth date rejected...
            {"pseudonym": "d", "wave": "endline", "age_years": 31},  # ...use the other wave
        ]
    )
    assert out.loc[("a", "baseline"), "age_band"] == out.loc[("a", "endline"), "age_band"] == "18-24"
    assert out.loc[("b", "baseline"), "age_group"] == out.loc[("b", "endline"), "age_group"] == "under_35"
    assert out.loc[("b", "endline"), "age_band"] == "30-34"
    assert (
        out.loc[("c", "endline"), "age_band"] == "40+" and out.loc[("c", "endline"), "age_group"] == "35_plus"
    )
    assert out.loc[("d", "baseline"), "age_band"] == out.loc[("d", "endline"), "age_band"] == "30-34"


@pytest.mark.parametrize(
    "country, group, in_belgium",
    [
        ("BE", "belgium", True),
        ("FR", "eu", False),
        ("MA", "north_africa_arab", False),
        ("CD", "other_africa", False),
        ("AF", "other", False),
        ("GN", "other_africa", False),
    ],
)
def test_country_groups(run_protect, country, group, in_belgium):
    out = run_protect([{"pseudonym": "a", "wave": "baseline", "birth_country": country}])
    assert out.loc[("a", "baseline"), "birth_country_group"] == group
    assert out.loc[("a", "baseline"), "born_in_belgium"] == in_belgium


def test_missing_country_has_no_group(run_protect):
    out = run_protect([{"pseudonym": "a", "wave": "baseline", "birth_country": None}])
    assert pd.isna(out.loc[("a", "baseline"), "birth_country_group"])
    assert pd.isna(out.loc[("a", "baseline"), "born_in_belgium"])


def test_language_groups_children_and_diploma(run_protect):
    out = run_protect(
        [
            {
                "pseudonym": "a",
                "wave": "baseline",
                "languages": "ar|nl|tw",
                "children_birth_years": "2005|2021|2023",
                "n_children": 3,
                "diploma": "upper_secondary",
            },
            {
                "pseudonym": "b",
                "wave": "baseline",
                "languages": "fr",
                "children_birth_years": None,
                "n_children": 6,
                "diploma": "primary",
            },
        ]
    )
    a, b = out.loc[("a", "baseline")], out.loc[("b", "baseline")]
    assert a["language_groups"] == "dutch|arabic_berber|other"
    assert a["children_age_bands"] == "0-2|18+"  # ages 18, 2 and 0 at the cohort's start (2023)
    assert a["n_children"] == "3" and b["n_children"] == "4+"
    assert a["diploma_level"] == "high" and b["diploma_level"] == "low"
    assert b["language_groups"] == "french" and pd.isna(b["children_age_bands"])


def test_city_size(run_protect):
    out = run_protect(
        [
            {"pseudonym": "a", "wave": "baseline", "ocmw_id": "11002"},
            {
                "pseudonym": "b",
                "wave": "baseline",
                "ocmw_id": "43005",
                "project_id": "eeklo-maldegem",
            },
        ]
    )
    assert out.loc[("a", "baseline"), "city_size"] == "large"
    assert out.loc[("b", "baseline"), "city_size"] == "other"


def test_nothing_identifying_is_left(run_protect, instrument):
    out = run_protect(
        [
            {
                "pseudonym": "a",
                "wave": "baseline",
                "age_years": 31,
                "birth_country": "MA",
                "languages": "ar",
                "children_birth_years": "2019|2021",
                "response_id": "R0001",
            }
        ]
    ).reset_index()
    assert not protect.FORBIDDEN & set(out.columns)
    roles = {v.name: v.role for v in instrument.variables.values()}
    leaked = [
        c for c in out.columns if roles.get(c) in {"key", "direct_identifier", "free_text", "technical"}
    ]
    assert leaked == []
    values = set(out.astype("string").to_numpy().ravel().tolist())
    assert not {"31", "MA", "ar", "2019|2021", "R0001", "raw/b.csv"} & values


def test_analysis_variables_pass_unchanged(run_protect):
    out = run_protect([{"pseudonym": "a", "wave": "baseline", "dom_financial": 7, "emp_rely": None}])
    assert out.loc[("a", "baseline"), "dom_financial"] == 7
    assert pd.isna(out.loc[("a", "baseline"), "emp_rely"])


def test_protected_table_from_ingested_samples(ingest_cohort, builder, reference, instrument, groups):
    """Through ingest and clean, the protected table has the contract's columns only."""
    from miriam import clean

    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    rows, _, _ = ingest_cohort([entry])
    cohort = builder.cohort([entry])
    responses, _ = clean.clean_rows(rows, cohort.projects, reference, ("2023-09-01", "2024-08-31"))
    out = protect.protect(
        responses,
        instrument,
        reference,
        groups,
        age_bounds=AGE_BOUNDS,
        large_city_population=100000,
        reference_year=2023,
    )
    assert not protect.FORBIDDEN & set(out.columns)
    contract = {
        "pseudonym",
        "wave",
        "ocmw_id",
        "project_id",
        "region",
        "city_size",
        "age_band",
        "age_group",
        "n_children",
        "children_age_bands",
        "birth_country_group",
        "born_in_belgium",
        "diploma",
        "diploma_level",
        "diploma_recognised",
        "language_groups",
    }
    analysis = {v.name for v in instrument.with_role("analysis") if "baseline" in v.waves}
    assert set(out.columns) == contract | analysis
    r = out.iloc[0]
    assert (r["age_band"], r["birth_country_group"], r["language_groups"]) == (
        "30-34",
        "north_africa_arab",
        "dutch|arabic_berber",
    )


def test_stop_timing_replaces_the_stop_date(instrument, reference, groups):
    """Months from the start of the programme year, banded; the date itself never leaves."""
    records = [
        {"pseudonym": "p1", "wave": "endline", "completed": "no", "stop_date": pd.Timestamp("2023-09-20")},
        {"pseudonym": "p2", "wave": "endline", "completed": "no", "stop_date": pd.Timestamp("2024-01-05")},
        {"pseudonym": "p3", "wave": "endline", "completed": "no", "stop_date": pd.Timestamp("2024-07-01")},
        {"pseudonym": "p4", "wave": "endline", "completed": "yes"},
    ]
    out = protect.protect(
        _responses(records), instrument, reference, groups, age_bounds=AGE_BOUNDS,
        large_city_population=100000, reference_year=2023, stop_month_bands=[0, 3, 6, 9],
        programme_start="2023-09-01",
    ).set_index("pseudonym")  # fmt: skip
    assert out["stop_timing"].tolist()[:3] == ["0-2", "3-5", "9+"] and pd.isna(out.loc["p4", "stop_timing"])
    assert "stop_date" not in out.columns


def test_age_group_cut_comes_from_config_and_names_the_groups(instrument, reference, groups):
    # The codes follow the cut: at a cut of 30 a woman of 33 is "30_plus" (she was labelled
    # "35_plus" whatever the cut, which printed an age group she is not in).
    records = [{"pseudonym": "p1", "wave": "baseline", "age_years": 33}]
    kwargs = dict(age_bounds=AGE_BOUNDS, large_city_population=100000, reference_year=2023)
    at_35 = protect.protect(_responses(records), instrument, reference, groups, **kwargs)
    at_30 = protect.protect(_responses(records), instrument, reference, groups, age_group_cut=30, **kwargs)
    assert at_35["age_group"].iloc[0] == "under_35" and at_30["age_group"].iloc[0] == "30_plus"
    assert protect.age_group(pd.Series([29, 30, None], dtype="Float64"), 30).tolist()[:2] == [
        "under_30",
        "30_plus",
    ]


def test_the_catalogue_labels_the_age_groups_of_the_configured_cut():
    from miriam.config import ROOT, check_age_group_labels, load_catalogue, load_config
    from miriam.errors import ConfigError

    path = ROOT / "config" / "indicators.yaml"
    catalogue = load_catalogue(path)
    cut = load_config(ROOT / "config" / "config.yaml")["generalise"]["age_group_cut"]
    check_age_group_labels(catalogue, cut, path)  # the shipped files agree
    with pytest.raises(ConfigError, match=r"subgroups/0/values.*age_group_cut = 30") as error:
        check_age_group_labels(catalogue, 30, path)
    assert "under_30" in str(error.value) and "indicators.yaml" in str(error.value)
    # right codes, but a label that still prints the old age
    relabelled = {"subgroups": [{"id": "age_group", "values": {
        "under_30": {"nl": "Jonger dan 30", "fr": "Moins de 30 ans"},
        "30_plus": {"nl": "35 of ouder", "fr": "30 ans et plus"},
    }}]}  # fmt: skip
    with pytest.raises(ConfigError, match=r"values/30_plus/nl.*'35 of ouder'"):
        check_age_group_labels(relabelled, 30, path)


def _women(n_small: int) -> pd.DataFrame:
    rows = [
        {"pseudonym": f"a{i}", "wave": "baseline", "region": "flanders", "age_band": "25-29"}
        for i in range(6)
    ]
    rows += [
        {"pseudonym": f"b{i}", "wave": "baseline", "region": "brussels", "age_band": "40+"}
        for i in range(n_small)
    ]
    return pd.DataFrame(rows).assign(dom_financial=5)


def test_k_anonymity_is_the_smallest_group():
    assert protect.k_anonymity(_women(2), ["region", "age_band"]) == 2
    assert protect.k_anonymity(_women(7), ["region", "age_band"]) == 6
    assert protect.k_anonymity(_women(7), ["region"]) == 6


def test_an_extract_below_k_is_refused_without_its_values(instrument):
    from miriam.errors import DisclosureError

    with pytest.raises(DisclosureError, match="only 2-anonymous") as info:
        protect.extract(_women(2), instrument, quasi_identifiers=["region", "age_band"], k=5)
    assert "brussels" not in str(info.value) and "2 women are in groups smaller than 5" in str(info.value)
    kept = protect.extract(_women(5), instrument, quasi_identifiers=["region", "age_band"], k=5)
    assert set(kept.columns) == {"pseudonym", "wave", "region", "age_band", "dom_financial"}
