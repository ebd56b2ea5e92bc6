"""Issue 14: the 2018-2019 (MIRIAM 2.0) export as exports.md lays it out, read by the codebook
alone; ages at the cohort's age reference date; stored totals under a documented policy; the
children's table; per-cohort settings; the wide scaffold; the verification convention."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date

import pandas as pd
import pytest
from helpers import ROOT, WIDE_2018_HEADER, WIDE_INSTRUMENT_PATH

from miriam import config as miriam_config
from miriam import ingest
from miriam.clean import qa
from miriam.config import settings
from miriam.errors import ConfigError, InputError
from miriam.protect import children
from miriam.provenance import verification
from miriam_tools import scaffold

HEADER = WIDE_2018_HEADER


@pytest.fixture(scope="module")
def wide_instrument():
    return miriam_config.load_instrument(WIDE_INSTRUMENT_PATH)


def _woman(nrn_for, born: date, seq: int, **cells) -> dict:
    row = {
        "OCMW": "Luik",
        "RRN": nrn_for(born, seq),
        "VOORNAAM": "Aïcha",
        "NAAM": "Testvrouw",
        "GEBDAT": f"{born:%d/%m/%Y}",
        "AANTAL_KIND": 2,
        "GEBJAREN_KIND": "2014, 2017",
        "GEBOORTELAND_GROEP": 3,
        "OPLEIDING": 4,
        **{f"DOM_{d}": 5 for d in range(1, 11)},
        **{f"EMP{k}": 3 for k in range(1, 15)},
        "EMP_TOT": 42,
        **{f"END_DOM_{d}": 6 for d in range(1, 11)},
        **{f"END_EMP_{k}": 4 for k in range(1, 15)},
        "END_EMP_TOT": 56,
    }
    row.update(cells)
    return row


@pytest.fixture
def wide_run(builder, reference, pipeline_config, wide_instrument):
    """Ingest a hand-written wide export (exports.md's layout) with the miriam-2018 codebook."""

    def run(rows: list[dict], header: list[str] = HEADER, instrument=wide_instrument, **cohort_options):
        path = builder.root / "raw" / "wide.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        export = {"path": "raw/wide.csv", "wave": "both", "language": "codes", "format": "csv"}
        cohort = builder.cohort(
            [dict(export, encoding="utf-8", delimiter=",")],
            instrument="miriam-2018",
            window={"start": "2018-09-01", "end": "2019-08-31"},
            measurement={"baseline": {"from": "2018-11-15", "to": "2018-12-20"}, "endline": "2019-06"},
            projects=[{"id": "liege", "ocmws": [62063], "since": 2017}],
            **cohort_options,
        )
        return ingest.ingest_cohort(cohort, instrument, reference, pipeline_config, builder.root)

    return run


def test_codebook_reads_the_exports_md_header_and_labels(wide_instrument):
    sources = {code for v in wide_instrument.variables.values() for code in v.source.values()}
    assert sources == set(HEADER)
    education = wide_instrument.variables["diploma"].scale["categories"]
    assert [(c["raw"], c["nl"]) for c in education] == [
        (1, "Geen diploma"),
        (2, "Basisonderwijs"),
        (3, "Gespecialiseerd secundair onderwijs"),
        (4, "Deeltijds beroepsopleiding/leerlingovereenkomst"),
        (5, "Lager onderwijs of tweede graad"),
        (6, "Hoger middelbaar of derdegraads onderwijs"),
        (7, "Hoger of universitair onderwijs"),
    ]
    countries = wide_instrument.variables["birth_country_group"].scale["categories"]
    assert [c["nl"] for c in countries] == [
        "BE",
        "EU",
        "Noord-Afrika en Arabische landen",
        "Overig Afrika",
        "De rest van de wereld",
    ]
    assert wide_instrument.variables["emp_01"].label["nl"] == "Ik weet waar ik goed in ben"
    assert wide_instrument.variables["emp_14"].label["nl"] == "Ik ervaar rust en veiligheid in mijn woning"
    assert wide_instrument.variables["dom_health"].label["nl"] == "Lichamelijke gezondheid"
    assert all(v.label.get("fr") for v in wide_instrument.items())


def test_age_is_taken_at_the_age_reference_date_not_a_submission(wide_run, nrn_for):
    # Fix: KeyError 'submitted_at'. Born 20/11/1993: 24 on 15/11/2018 (the baseline's first
    # day, the default), 25 on 1/12/2018 (an explicit age_reference).
    rows, _, _ = wide_run([_woman(nrn_for, date(1993, 11, 20), 2)])
    assert rows.loc[rows["wave"] == "baseline", "age_years"].tolist() == [24]
    assert "birth_date" not in rows and "first_name" not in rows
    rows, _, _ = wide_run([_woman(nrn_for, date(1993, 11, 20), 2)], age_reference="2018-12-01")
    assert rows.loc[rows["wave"] == "baseline", "age_years"].tolist() == [25]


def test_missing_column_names_the_closest_present(wide_run, nrn_for):
    header = [("OPL" if h == "OPLEIDING" else h) for h in HEADER]
    row = _woman(nrn_for, date(1990, 1, 1), 2)
    row["OPL"] = row.pop("OPLEIDING")
    with pytest.raises(InputError) as info:
        wide_run([row], header=header)
    message = str(info.value)
    assert "question column(s) missing: OPLEIDING" in message
    assert "'OPLEIDING': 'OPL'" in message


def _total_issues(issues: pd.DataFrame) -> dict[str, list[int]]:
    mine = issues[issues["problem"].isin(ingest.CHECKS - {ingest.IGNORED_COLUMN})]
    return {p: sorted(g["source_row"].tolist()) for p, g in mine.groupby("problem")}


def test_stored_total_policy_keeps_the_file_and_lists_every_difference(wide_run, nrn_for):
    women = [
        _woman(nrn_for, date(1990, 1, 1), 2),
        _woman(nrn_for, date(1990, 1, 2), 4, EMP_TOT=""),  # empty, its 14 items present
        _woman(nrn_for, date(1990, 1, 3), 6, EMP_TOT=40),  # not the sum (42)
        _woman(nrn_for, date(1990, 1, 4), 8, AANTAL_KIND=3),  # two birth years for 3 children
    ]
    rows, issues, _ = wide_run(women)
    base = rows[rows["wave"] == "baseline"].set_index("source_row")["emp_total"]
    assert base.isna().tolist() == [False, True, False, False]
    assert base[4] == 40  # the stored value is used
    assert _total_issues(issues) == {
        "children_years_mismatch": [5],
        "total_blank_items_present": [3],
        "total_mismatch": [4],
    }


def test_recompute_policy_fills_the_blank_and_says_so(wide_run, nrn_for, wide_instrument):
    variables = dict(wide_instrument.variables)
    variables["emp_total"] = dataclasses.replace(variables["emp_total"], total="recompute")
    recompute = dataclasses.replace(wide_instrument, variables=variables)
    women = [
        _woman(nrn_for, date(1990, 1, 2), 4, EMP_TOT=""),
        _woman(nrn_for, date(1990, 1, 3), 6, EMP_TOT=40),
    ]
    rows, issues, _ = wide_run(women, instrument=recompute)
    base = rows[rows["wave"] == "baseline"].set_index("source_row")["emp_total"]
    assert base.tolist() == [42, 42]
    assert _total_issues(issues) == {"total_filled_in": [2], "total_mismatch": [3]}


def test_checks_are_listed_apart_from_rejected_values():
    assert qa.CHECK_PROBLEMS == ingest.CHECKS - {ingest.IGNORED_COLUMN}
    issues = pd.DataFrame(
        [
            {
                "source_file": "f",
                "source_row": 2,
                "column": "EMP_TOT",
                "variable": "emp_total",
                "problem": "total_mismatch",
                "expected": "x",
                "reason": "",
            }
        ]  # fmt: skip
    )
    table = qa.qa_table(pd.DataFrame(columns=["source_file", "source_row", "reason"]), issues, pd.DataFrame(
        columns=["check", "value"]))  # fmt: skip
    assert table["kind"].tolist() == ["value checked"]


def test_children_bands_count_every_child_and_those_without_a_year():
    bands = settings.DEFAULT_CHILDREN_BANDS
    years = pd.Series(["2016|2016|2006", "2001", pd.NA, "2018"], dtype="string")
    n = pd.Series([4, 1, 2, pd.NA], dtype="Int64")
    got = children.children_bands(years, n, 2018, bands)
    assert got.tolist() == ["0-2|0-2|12-15|no_birth_year", "15-18", "no_birth_year|no_birth_year", "0-2"]
    assert [children.band_of(a, bands) for a in (0, 2, 3, 5, 6, 11, 12, 14, 15, 17, 18, 30)] == [
        "0-2", "0-2", "3-5", "3-5", "6-12", "6-12", "12-15", "12-15", "15-18", "15-18", "18+", "18+"
    ]  # fmt: skip


def test_children_table_is_a_distribution_the_disclosure_step_knows():
    from miriam.disclosure import cells

    home = pd.DataFrame(
        {
            "national": "BE",
            "region": ["wallonia", "wallonia", "flanders"],
            "project_id": ["liege", "mons", "antwerpen"],
            "ocmw_id": ["62063", "53053", "11002"],
            "children_bands": ["0-2|0-2|no_birth_year", "6-12", "3-5|15-18"],
        }
    )
    levels = {"national": "national", "region": "region", "project": "project_id", "ocmw": "ocmw_id"}
    table = children.children_table(home, settings.DEFAULT_CHILDREN_BANDS, levels, home)
    assert cells.table_kind("children", table) == "distributions"
    national = table[table["level"] == "national"].set_index("category")
    assert national["n"].unique().tolist() == [6]
    assert national["count"].to_dict() == {
        "0-2": 2, "3-5": 1, "6-12": 1, "12-15": 0, "15-18": 1, "18+": 0, "no_birth_year": 1
    }  # fmt: skip
    sums = table.groupby(["level", "unit"]).agg(n=("n", "first"), total=("count", "sum"))
    assert (sums["n"] == sums["total"]).all()


def test_cohort_settings_override_the_defaults_of_one_cohort_only():
    config = miriam_config.load_config(ROOT / "config" / "config.yaml")
    default = settings.cohort_settings(config, {})
    assert default["disclosure"]["min_n"] == config["disclosure"]["min_n"]
    assert default["precision"] == {"mean": 1, "pct": 0}
    own = settings.cohort_settings(
        config,
        {
            "disclosure": {"min_count": 3, "levels": {"tests": ["national"]}},
            "generalise": {"max_children": 7},
            "precision": {"pct": 1},
            "verification": {"convention": "baseline_minus_endline"},
        },
    )
    assert own["disclosure"]["min_count"] == 3 and own["disclosure"]["min_n"] == config["disclosure"]["min_n"]
    assert own["disclosure"]["levels"]["tests"] == ["national"]
    assert own["disclosure"]["levels"]["distributions"] == config["disclosure"]["levels"]["distributions"]
    assert own["precision"] == {"mean": 1, "pct": 1}
    assert settings.groups_for({"max_children": 4, "x": 1}, own["generalise"]) == {"max_children": 7, "x": 1}
    assert config["disclosure"]["min_count"] != 3  # the global settings are untouched


def test_cohort_schema_validates_the_overrides(tmp_path):
    data = miriam_config.load_yaml(ROOT / "config" / "cohorts" / "demo-2022-2023.yaml")
    data["disclosure"] = {"min_n": 0}
    data["generalise"] = {"max_childern": 6}
    path = tmp_path / "demo-2022-2023.yaml"
    path.write_text(__import__("yaml").safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        miriam_config.load_cohort(path)
    assert "disclosure/min_n" in str(info.value) and "max_childern" in str(info.value)


def test_scaffold_writes_one_wide_export_for_a_wide_instrument(tmp_path):
    import shutil

    shutil.copytree(ROOT / "config" / "instruments", tmp_path / "config" / "instruments")
    target = scaffold.scaffold("2018-2019", "miriam-2018", None, tmp_path)
    data = miriam_config.load_yaml(target)
    assert data["exports"] == [
        {
            "path": "raw/2018-2019/2018-2019.csv",
            "wave": "both",
            "language": "codes",
            "format": "csv",
            "encoding": "utf-8",
            "delimiter": ",",
        }
    ]
    assert "age_reference" in target.read_text(encoding="utf-8")
    long = miriam_config.load_yaml(scaffold.scaffold("2025-2026", "miriam-2023", None, tmp_path))
    assert [e["wave"] for e in long["exports"]] == ["baseline", "endline"]


def test_paper_convention_flips_signs_and_swaps_the_interval():
    tests = pd.DataFrame({"mean_diff": [1.5], "t": [3.0], "ci_low": [0.5], "ci_high": [2.5], "p": [0.01]})
    paper = verification.paper_convention(tests, "baseline_minus_endline")
    assert paper[["mean_diff", "t", "ci_low", "ci_high", "p"]].iloc[0].tolist() == [
        -1.5,
        -3.0,
        -2.5,
        -0.5,
        0.01,
    ]
    same = verification.paper_convention(tests, "endline_minus_baseline")
    assert same["mean_diff"].tolist() == [1.5]


def test_a_wide_export_without_age_reference_or_submission_date_is_a_clear_error(wide_instrument):
    with pytest.raises(ConfigError, match="age reference"):
        ingest._age_dates(
            pd.DataFrame(index=[0]), None, miriam_config.Export("raw/x.csv", "both", "codes", "csv")
        )


def test_an_old_style_header_names_what_it_lacks_and_the_closest_present(wide_run, nrn_for):
    # The export of the old codebook's guesses: RESP_ID instead of RRN (the key, which finds
    # the header row), OPL instead of OPLEIDING. Fix: only "no header row ... found".
    rename = {"RRN": "RESP_ID", "OPLEIDING": "OPL"}
    header = [rename.get(h, h) for h in HEADER]
    row = _woman(nrn_for, date(1990, 1, 1), 2)
    row = {rename.get(k, k): v for k, v in row.items()}
    with pytest.raises(InputError) as info:
        wide_run([row], header=header)
    message = str(info.value)
    assert "no header row with the form's questions found" in message
    assert "row 1 comes closest" in message
    assert "'opleiding': 'OPL'" in message and "'rrn': " in message
