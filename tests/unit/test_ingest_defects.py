"""Defects of real exports that used to pass silently: one fixture per defect class, each
asserting its outcome (a value, a rejected value with its problem, or the error's text)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from helpers import WIDE_INSTRUMENT_PATH, make_nrn

from miriam import config as miriam_config
from miriam import ingest
from miriam.errors import InputError
from miriam_tools import demo_wide

LIES = make_nrn(date(1987, 11, 2), 45)


def _issue(issues: pd.DataFrame, variable: str) -> pd.Series:
    found = issues[issues["variable"] == variable]
    assert len(found) == 1, issues
    return found.iloc[0]


# --- 1. two headers for one question ---------------------------------------------------------


def test_two_headers_equal_after_normalisation_stop_the_run(ingest_cohort, builder):
    row = builder.row("baseline", ocmw="OCMW Antwerpen")
    row["ocmw "] = "Luik"  # a second OCMW column: which one holds the answer cannot be guessed
    entry = builder.export("b.csv", [row], wave="baseline")
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert message.startswith("file raw/b.csv: two columns for one question:")
    assert "'OCMW' (column 4)" in message and f"'ocmw ' (column {len(row)})" in message
    assert "expected one column per question" in message


def test_repeated_unknown_platform_columns_are_only_ignored(ingest_cohort, builder):
    row = builder.row("baseline")
    row["Status"], row["status "] = "Voltooid", "Voltooid"
    entry = builder.export("b.csv", [row], wave="baseline")
    rows, _, _ = ingest_cohort([entry])
    assert rows["ocmw_id"].tolist() == ["11002"]


# --- 2. rows with another number of cells than the header --------------------------------------


def test_unquoted_delimiter_in_an_answer_stops_the_run(ingest_cohort, builder):
    rows = [builder.row("baseline"), builder.row("baseline", response_id="R2", national_register_number=LIES)]
    entry = builder.export("b.csv", rows, wave="baseline")
    path = builder.root / entry["path"]
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[2] = lines[2].replace('"Arabisch, Nederlands"', "Arabisch, Nederlands")  # row 3: one cell too many
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    width = len(rows[0])
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert message.startswith(
        f"file raw/b.csv, row 3: {width + 1} cells in this row, but {width} in the header"
    )
    assert f"expected {width} cells per row" in message


def test_short_row_stops_the_run(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline", delimiter=";")
    path = builder.root / entry["path"]
    path.write_bytes(path.read_bytes() + b"R9;14/11/2023 10:32;nl\r\n")
    with pytest.raises(
        InputError, match=r"file raw/b.csv, row 3: 3 cells in this row, but \d+ in the header"
    ):
        ingest_cohort([entry])


def test_empty_last_line_is_a_blank_row_not_an_error(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    path = builder.root / entry["path"]
    path.write_bytes(path.read_bytes() + b",,,\r\n")  # a blank row, cut short by the editor
    rows, _, _ = ingest_cohort([entry])
    assert rows["is_blank"].tolist() == [False, True]


# --- 3. wave and language declarations against the codebook's layout --------------------------


@pytest.fixture
def wide(builder, reference, pipeline_config):
    """Run ingest with the 2018-2019 wide codebook on a generated wide export declared `declare`."""
    instrument = miriam_config.load_instrument(WIDE_INSTRUMENT_PATH)

    def run(**declare):
        entry = {
            "path": "raw/wide.csv",
            "wave": "both",
            "language": "codes",
            "format": "csv",
            "encoding": "utf-8",
            "delimiter": ",",
        }
        cohort = builder.cohort(
            [dict(entry, **declare)],
            instrument="miriam-2018",
            synthetic={"seed": 3, "women": 12},
        )
        demo_wide.generate_wide(cohort, instrument, reference, builder.root)
        return ingest.ingest_cohort(cohort, instrument, reference, pipeline_config, builder.root)

    return run


def test_wide_export_reads_both_waves_when_declared_both(wide):
    rows, _, _ = wide()
    assert set(rows["wave"]) == {"baseline", "endline"}


@pytest.mark.parametrize("wave", ["baseline", "endline"])
def test_wide_export_declared_one_wave_stops_the_run(wide, wave):
    with pytest.raises(InputError) as info:
        wide(wave=wave)
    message = str(info.value)
    assert message.startswith(f"file raw/wide.csv: declared `wave: {wave}`, but codebook miriam-2018")
    assert "the other wave would be lost" in message and "expected `wave: both`" in message


def test_long_export_declared_both_stops_the_run(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline", declare={"wave": "both"})
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert (
        "file raw/b.csv: declared `wave: both`, but codebook miriam-2023 has one wave per export" in message
    )
    assert "expected `wave: baseline` or `wave: endline`" in message


def test_long_export_declared_codes_stops_the_run(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline", declare={"language": "codes"})
    with pytest.raises(InputError) as info:  # was: KeyError 'codes'
        ingest_cohort([entry])
    message = str(info.value)
    assert "file raw/b.csv: declared `language: codes`" in message
    assert "`language: nl` or `language: fr`" in message


# --- 4. the same submissions in two exports -------------------------------------------------------


def test_exports_sharing_response_ids_stop_the_run(ingest_cohort, builder):
    rows = [
        builder.row("baseline", response_id="R0001"),
        builder.row("baseline", response_id="R0002", national_register_number=LIES),
    ]
    first = builder.export("b.csv", rows, wave="baseline")
    # The same export re-saved by Excel: other bytes (';', Windows-1252), same submissions.
    copy = builder.export("b-resaved.csv", rows, wave="baseline", delimiter=";", encoding="cp1252")
    with pytest.raises(InputError) as info:
        ingest_cohort([first, copy])
    message = str(info.value)
    assert message.startswith("file raw/b-resaved.csv: 2 response id(s) also appear in raw/b.csv")
    assert "(e.g. R0001, R0002)" in message


def test_distinct_response_ids_in_two_exports_are_fine(ingest_cohort, builder):
    b = builder.export("b.csv", [builder.row("baseline", response_id="R1")], wave="baseline")
    e = builder.export(
        "e.csv", [builder.row("endline", response_id="R2", submitted_at="12/06/2024 10:00")], wave="endline"
    )
    rows, _, _ = ingest_cohort([b, e])
    assert rows["response_id"].tolist() == ["R1", "R2"]


# --- 5. missing values keep their reason; the decimal comma is config --------------------------


def test_blank_and_not_applicable_answers_are_told_apart(ingest_cohort, builder):
    row = builder.row("baseline", dom_housing="nvt", dom_leisure="", regular_gp="Sans objet")
    entry = builder.export("b.csv", [row], wave="baseline")
    rows, issues, _ = ingest_cohort([entry])
    assert rows[["dom_housing", "dom_leisure"]].isna().all(axis=None)
    reasons = {i.variable: (i.problem, i.reason) for i in issues.itertuples()}
    assert reasons == {
        "dom_housing": ("missing", "not_applicable"),
        "dom_leisure": ("missing", "blank"),
        "regular_gp": ("missing", "not_applicable"),
    }


@pytest.mark.parametrize(
    "decimal_comma, problem, age", [(True, "not_a_whole_number", 32), (False, "not_a_number", None)]
)
def test_decimal_comma_policy(ingest_cohort, builder, pipeline_config, decimal_comma, problem, age):
    pipeline_config["parsing"]["decimal_comma"] = decimal_comma
    row = builder.row("baseline", dom_housing="7,5", birth_date="33311,0")  # an Excel serial date
    entry = builder.export("b.csv", [row], wave="baseline", delimiter=";", encoding="cp1252")
    rows, issues, _ = ingest_cohort([entry])
    assert _issue(issues, "dom_housing")["problem"] == problem
    assert pd.isna(rows["dom_housing"].iloc[0])
    age_years = rows["age_years"].iloc[0]  # from the serial: born 14/03/1991, or not a date
    assert pd.isna(age_years) if age is None else age_years == age


def test_decimal_comma_defaults_to_true(tmp_path):
    from helpers import CONFIG_PATH

    data = miriam_config.load_yaml(CONFIG_PATH)
    assert data["parsing"]["decimal_comma"] is True
    del data["parsing"]["decimal_comma"]
    assert miriam_config.validate(data, "config", "config.yaml")["parsing"]["decimal_comma"] is True


# --- 6b. every unknown OCMW in one error ---------------------------------------------------------


def test_every_unknown_ocmw_is_listed_in_one_error(ingest_cohort, builder):
    b = [
        builder.row("baseline", response_id="R1", ocmw="OCMW Antwerpn"),
        builder.row("baseline", response_id="R2", ocmw="OCMW Antwerpen", national_register_number=LIES),
        builder.row("baseline", response_id="R3", ocmw="Atlantis", national_register_number=LIES),
    ]
    e = [builder.row("endline", "fr", response_id="R4", ocmw="CPAS de Liége-Nord", submitted_at="12/06/2024")]
    entries = [
        builder.export("b.csv", b, wave="baseline"),
        builder.export("e.csv", e, wave="endline", lang="fr"),
    ]
    with pytest.raises(InputError) as info:
        ingest_cohort(entries)
    message = str(info.value)
    assert message.startswith("unknown OCMW name in 3 row(s):")
    assert "file raw/b.csv, row 2, column 'OCMW': typed 'OCMW Antwerpn'; closest: Antwerpen" in message
    # issue 17: no far-fetched hint ("malines") for a name that is nothing like an OCMW
    assert "file raw/b.csv, row 4, column 'OCMW': typed 'Atlantis'; closest: none" in message
    assert "file raw/e.csv, row 2, column 'CPAS': typed 'CPAS de Liége-Nord'" in message
    assert "row 3" not in message  # the known one


# --- 7. one country of birth ---------------------------------------------------------------------


def test_two_birth_countries_are_rejected_not_a_list(ingest_cohort, builder):
    entry = builder.export(
        "b.csv", [builder.row("baseline", birth_country="Marokko, België")], wave="baseline"
    )
    rows, issues, _ = ingest_cohort([entry])
    assert pd.isna(rows["birth_country"].iloc[0])
    issue = _issue(issues, "birth_country")
    assert issue["problem"] == "not_a_single_country"
    assert issue["expected"] == "one country name (the country of birth)"
    assert rows["languages"].iloc[0] == "ar|nl"  # a list where the form asks for one


# --- 8. the header row below many title rows, among many platform columns -------------------------


@pytest.mark.parametrize("name", ["b.csv", "b.xlsx"])
def test_header_row_below_20_title_rows_among_40_platform_columns(ingest_cohort, builder, name):
    row = builder.row("baseline")
    platform = {f"Platformveld {i}": f"waarde {i}" for i in range(40)}
    wide_row = {**platform, **row}  # the platform's columns first, as exported
    titles = [f"Export MIRIAM, pagina {i}" for i in range(20)]
    entry = builder.export(name, [wide_row], wave="baseline", title_rows=titles)
    rows, issues, _ = ingest_cohort([entry])
    assert rows["source_row"].tolist() == [22]  # 20 title rows, the header on row 21
    assert rows["ocmw_id"].tolist() == ["11002"] and rows["dom_financial"].tolist() == [5]
    # the 40 platform columns are listed for the QA report (on the header row), nothing else
    ignored = issues["problem"] == "ignored_column"
    assert ignored.sum() == 40 and set(issues.loc[ignored, "source_row"]) == {21}
    assert (issues.loc[~ignored, "problem"] == "missing").all()


def test_a_title_row_naming_a_few_questions_is_not_the_header(ingest_cohort, builder):
    titles = ["OCMW", "Antwoord ID", "Rijksregisternummer"]  # one question per title row
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline", title_rows=titles)
    rows, _, _ = ingest_cohort([entry])
    assert rows["source_row"].tolist() == [5]
