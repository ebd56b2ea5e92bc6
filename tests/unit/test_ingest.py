"""miriam.ingest: exports -> canonical, pseudonymised rows + value issues; declaration checks;
the pseudonym key. One fixture per defect class of docs/../exports.md, each with its outcome."""

from __future__ import annotations

import logging
import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from helpers import DEMO_KEY, TEST_KEY, make_nrn

from miriam import ingest
from miriam.errors import ConfigError, InputError
from miriam.ingest import nrn

SAMPLES = Path("/work/shared/domain/samples")
DIRECT_IDENTIFIERS = {
    "first_name",
    "last_name",
    "case_manager",
    "birth_date",
    "national_register_number",
    "remarks",
}


def _only_row(rows: pd.DataFrame) -> pd.Series:
    assert len(rows) == 1
    return rows.iloc[0]


def _issue(issues: pd.DataFrame, variable: str) -> pd.Series:
    found = issues[issues["variable"] == variable]
    assert len(found) == 1, issues
    return found.iloc[0]


# --- the sample exports, as delivered ---------------------------------------------------------


@pytest.fixture
def sample_exports(builder):
    (builder.root / "raw").mkdir()
    entries = []
    for name, wave, lang in [
        ("beginmeting_nl.csv", "baseline", "nl"),
        ("beginmeting_fr.csv", "baseline", "fr"),
        ("eindmeting_nl.csv", "endline", "nl"),
        ("eindmeting_fr.csv", "endline", "fr"),
    ]:
        shutil.copy(SAMPLES / name, builder.root / "raw" / name)
        entries.append(
            {
                "path": f"raw/{name}",
                "wave": wave,
                "language": lang,
                "format": "csv",
                "encoding": "utf-8",
                "delimiter": ",",
            }
        )
    return entries


def test_samples_ingest_to_codes(ingest_cohort, sample_exports):
    rows, issues, hashes = ingest_cohort(sample_exports)
    assert (issues["problem"] == "missing").all(), issues  # nothing rejected, blanks recorded
    assert set(hashes) == {e["path"] for e in sample_exports}
    assert all(len(h) == 64 for h in hashes.values())
    by_id = rows.set_index("response_id")
    # OCMW variants of the samples:
    # "OCMW Antwerpen", "Antwerpen", "OCMW Gent", "CPAS de Liège", "Seraing"
    assert by_id.loc[["R0001", "R0002", "R0003", "R0101", "R0102"], "ocmw_id"].tolist() == [
        "11002",
        "11002",
        "44021",
        "62063",
        "62096",
    ]
    r = by_id.loc["R0001"]
    assert r["source_row"] == 2 and r["wave"] == "baseline"
    assert r["submitted_at"] == pd.Timestamp("2023-11-14 10:32")
    assert r["birth_country"] == "MA" and r["languages"] == "ar|nl" and r["diploma"] == "upper_secondary"
    assert r["children_birth_years"] == "2016|2021" and r["n_children"] == 2
    assert r["age_years"] == 32  # born 14/03/1991, submitted 14/11/2023
    assert r["key_status"] == "valid"
    assert r["pseudonym"] == nrn.pseudonym("91031412331", TEST_KEY.encode())
    # The same woman's endline carries the same pseudonym: the waves link.
    assert by_id.loc["R0201", "pseudonym"] == r["pseudonym"]
    # French labels map to the same codes; "Sans objet" is a label here, not a missing value.
    assert by_id.loc["R0102", "diploma_recognised"] == "not_applicable"
    assert by_id.loc["R0101", "birth_country"] == "GN" and by_id.loc["R0101", "languages"] == "ff|fr"
    # The early stopper: endline without scores, with reason and date.
    stop = by_id.loc["R0202"]
    assert stop["completed"] == "no" and stop["stop_reason"] == "moved"
    assert stop["stop_date"] == pd.Timestamp("2024-02-15")
    assert pd.isna(stop["dom_financial"])


def test_output_has_no_direct_identifier_and_no_planted_value(ingest_cohort, builder, caplog):
    planted = {
        "first_name": "Zyxwabeth",
        "last_name": "Qorvandelle",
        "case_manager": "Wibrand Oszkarsen",
        "remarks": "Opname Sint-Vincentius wegens depressie",
    }
    number = make_nrn(date(1990, 5, 17), 321)
    row = builder.row("baseline", national_register_number=number, birth_date="17/05/1990", **planted)
    row["E-mailadres"] = "zyxwabeth@example.org"  # an extra platform column with an identifier
    entry = builder.export("b.csv", [row], wave="baseline")
    with caplog.at_level(logging.WARNING, logger="miriam.ingest"):
        rows, issues, _ = ingest_cohort([entry])
    assert not DIRECT_IDENTIFIERS & set(rows.columns)
    assert not DIRECT_IDENTIFIERS & set(issues["variable"])
    values = " ".join(str(v) for v in rows.astype("string").to_numpy().ravel().tolist())
    values += " ".join(str(v) for v in issues.astype("string").to_numpy().ravel().tolist())
    forbidden = [
        *planted.values(),
        "zyxwabeth@example.org",
        number,
        nrn.normalise(number),
        "17/05/1990",
        "1990-05-17",
    ]
    for text in forbidden:
        assert text not in values
    assert "E-mailadres" not in rows.columns
    assert "column 'E-mailadres' is not in the codebook: ignored" in caplog.text
    assert _only_row(rows)["age_years"] == 33


def test_shuffled_columns_messy_headers_and_xlsx_title_row(ingest_cohort, builder):
    row = builder.row(
        "baseline",
        "fr",
        submitted_at=datetime(2023, 11, 9, 11, 20),
        birth_date=datetime(1994, 1, 8),
        ocmw="Luik",
        birth_country="Guinée",
        languages="Français, Peul",
    )
    messy = {h: f"  {h.upper()}\n" if i % 3 == 0 else h for i, h in enumerate(row)}
    shuffled = {messy[h]: v for h, v in sorted(row.items(), key=lambda kv: kv[0][::-1])}
    entry = builder.export("b.xlsx", [shuffled], wave="baseline", lang="fr", title_rows=["Export CPAS"])
    rows, issues, _ = ingest_cohort([entry])
    assert issues.empty, issues
    r = _only_row(rows)
    assert r["source_row"] == 3
    assert r["submitted_at"] == pd.Timestamp("2023-11-09 11:20")
    assert r["ocmw_id"] == "62063" and r["birth_country"] == "GN" and r["languages"] == "ff|fr"
    assert r["age_years"] == 29


def test_excel_serial_dates_in_a_resaved_csv(ingest_cohort, builder):
    row = builder.row("baseline", submitted_at="45244,4375", birth_date="33311")
    entry = builder.export("b.csv", [row], wave="baseline", delimiter=";", encoding="cp1252")
    rows, issues, _ = ingest_cohort([entry])
    assert issues.empty
    r = _only_row(rows)
    assert r["submitted_at"] == pd.Timestamp("2023-11-14 10:30")
    assert r["age_years"] == 32  # born 14/03/1991


# --- values: rejected (row kept) or missing (not rejected) -----------------------------------


@pytest.mark.parametrize(
    "raw, problem",
    [("7,5", "not_a_whole_number"), ("10/10", "not_a_whole_number"), ("11", "out_of_range")],
)
def test_bad_scores_are_rejected_and_the_row_kept(ingest_cohort, builder, raw, problem):
    entry = builder.export("b.csv", [builder.row("baseline", dom_housing=raw)], wave="baseline")
    rows, issues, _ = ingest_cohort([entry])
    r = _only_row(rows)
    assert pd.isna(r["dom_housing"]) and r["dom_financial"] == 5  # only that value is lost
    issue = _issue(issues, "dom_housing")
    assert issue["problem"] == problem
    assert issue["expected"] == "a whole number from 0 to 10"
    assert issue["column"] == "Woonsituatie (0-10)"
    assert (issue["source_file"], issue["source_row"]) == ("raw/b.csv", 2)
    assert list(issues.columns) == ingest.ISSUE_COLUMNS  # no raw value stored


@pytest.mark.parametrize(
    "lang, token, reason",
    [
        ("nl", "nvt", "not_applicable"),
        ("nl", "n.v.t.", "not_applicable"),
        ("fr", "sans objet", "not_applicable"),
        ("nl", "", "blank"),
        ("fr", " ", "blank"),
    ],
)
def test_missing_tokens_are_missing_with_their_reason(ingest_cohort, builder, lang, token, reason):
    row = builder.row(
        "baseline",
        lang,
        dom_housing=token,
        regular_gp=token,
        n_children=token,
        children_birth_years=token,
        languages=token,
    )
    entry = builder.export("b.csv", [row], wave="baseline", lang=lang)
    rows, issues, _ = ingest_cohort([entry])
    r = _only_row(rows)
    variables = ["children_birth_years", "dom_housing", "languages", "n_children", "regular_gp"]
    for column in variables:
        assert pd.isna(r[column]), column
    # Missing, not rejected, and the reason is kept (fix: every kind of missing became NA).
    assert sorted(issues["variable"]) == variables
    assert set(issues["problem"]) == {"missing"} and set(issues["reason"]) == {reason}
    assert set(issues["expected"]) == {""}
    assert set(issues["source_row"]) == {2}


def test_unknown_category_label(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline", loneliness="Regelmatig")], wave="baseline")
    _, issues, _ = ingest_cohort([entry])
    issue = _issue(issues, "loneliness")
    assert issue["problem"] == "unknown_category"
    assert issue["expected"] == "one of Nooit / Soms / Vaak / Altijd"


def test_unknown_country_lists_closest_names(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline", birth_country="Marroko")], wave="baseline")
    rows, issues, _ = ingest_cohort([entry])
    assert pd.isna(_only_row(rows)["birth_country"])
    issue = _issue(issues, "birth_country")
    assert issue["problem"] == "unknown_country"
    assert "closest: marokko" in issue["expected"]


def test_bad_birth_date_is_reported_without_its_value(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline", birth_date="31/02/1991")], wave="baseline")
    rows, issues, _ = ingest_cohort([entry])
    assert pd.isna(_only_row(rows)["age_years"])
    issue = _issue(issues, "birth_date")
    assert issue["problem"] == "not_a_date" and issue["column"] == "Geboortedatum"
    assert "31/02/1991" not in issues.astype(str).to_numpy().ravel().tolist()


def test_year_typo_in_a_date_is_rejected_not_a_crash(ingest_cohort, builder):
    row = builder.row("endline", completed="no", stop_reason="moved", stop_date="15/02/0224")
    entry = builder.export("e.csv", [row], wave="endline", declare={})
    rows, issues, _ = ingest_cohort([entry])
    assert pd.isna(_only_row(rows)["stop_date"])
    assert _issue(issues, "stop_date")["problem"] == "not_a_date"


# --- OCMW names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, typed, nis",
    [
        ("nl", "OCMW Antwerpen", "11002"),
        ("nl", "Antwerpen", "11002"),
        ("nl", "ocmw  antwerpen ", "11002"),
        ("fr", "CPAS d'Anvers", "11002"),
        ("nl", "Antwerpen-Noord", None),  # not a listed spelling: no guessing
        ("nl", "Antwerp", "11002"),  # alias
        ("fr", "CPAS de Liège", "62063"),
        ("fr", "Liege", "62063"),
        ("nl", "Luik", "62063"),
        ("nl", "OCMW Brussel-Stad", "21004"),  # an alias of the reference table
        ("fr", "CPAS de Molenbeek", "21012"),
        ("nl", "OCMW van Eeklo", "43005"),
    ],
)
def test_ocmw_resolver(reference, pipeline_config, lang, typed, nis):
    resolver = ingest.OcmwResolver.from_reference(reference, pipeline_config["parsing"]["ocmw_name_prefixes"])
    assert resolver.resolve(typed) == nis


def test_unknown_ocmw_with_policy_stop(ingest_cohort, builder):
    rows = [
        builder.row("baseline", ocmw="OCMW Antwerpen"),
        builder.row("baseline", response_id="R2", ocmw="OCMW Antwerpn"),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert message.startswith("file raw/b.csv: unknown OCMW name in 1 row(s):")
    assert "row 3, column 'OCMW': typed 'OCMW Antwerpn'; closest: Antwerpen" in message
    assert "aliases" in message and "quarantine" in message


def test_unknown_ocmw_with_policy_quarantine(ingest_cohort, builder, pipeline_config):
    pipeline_config["parsing"]["unknown_ocmw"] = "quarantine"
    rows = [
        builder.row("baseline"),
        builder.row(
            "baseline",
            response_id="R2",
            ocmw="OCMW Atlantis",
            national_register_number=make_nrn(date(1985, 1, 2), 5),
        ),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    out, issues, _ = ingest_cohort([entry])
    assert out["ocmw_status"].tolist() == ["known", "unknown"]
    assert out["ocmw_id"].isna().tolist() == [False, True]
    assert _issue(issues, "ocmw")["problem"] == "unknown_ocmw"


def test_missing_ocmw(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline", ocmw="")], wave="baseline")
    rows, issues, _ = ingest_cohort([entry])
    assert _only_row(rows)["ocmw_status"] == "missing"
    issue = _issue(issues, "ocmw")
    assert (issue["problem"], issue["reason"]) == ("missing", "blank")


# --- declaration checks: a wrong delivery stops the run --------------------------------------


def test_french_export_declared_dutch(ingest_cohort, builder):
    entry = builder.export(
        "b.csv",
        [builder.row("baseline", "fr")],
        wave="baseline",
        lang="fr",
        declare={"language": "nl"},
    )
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert "file raw/b.csv" in message
    assert "headers are those of the FR form" in message and "declared 'nl'" in message


def test_form_language_answers_contradict_the_declaration(ingest_cohort, builder):
    rows = [
        builder.row("baseline", form_language="fr"),
        builder.row("baseline", response_id="R2", form_language="fr"),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    with pytest.raises(InputError, match=r"2 of 2 rows say the form language is 'fr'"):
        ingest_cohort([entry])


def test_baseline_export_declared_endline(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline", declare={"wave": "endline"})
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert "file raw/b.csv" in message
    assert "the export has baseline questions" in message and "declared 'endline'" in message


def test_endline_export_declared_baseline(ingest_cohort, builder):
    entry = builder.export("e.csv", [builder.row("endline")], wave="endline", declare={"wave": "baseline"})
    with pytest.raises(InputError, match=r"the export has endline questions .* but is declared 'baseline'"):
        ingest_cohort([entry])


def test_export_of_another_cohort(ingest_cohort, builder):
    rows = [
        builder.row("baseline", submitted_at="14/11/2022 10:32"),
        builder.row("baseline", response_id="R2", submitted_at="20/11/2022 09:00"),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    with pytest.raises(InputError) as info:
        ingest_cohort([entry])
    message = str(info.value)
    assert "file raw/b.csv" in message
    assert "2 of 2 submissions fall outside the cohort window 2023-09-01 .. 2024-08-31" in message


def test_one_late_submission_does_not_stop_the_run(ingest_cohort, builder):
    rows = [
        builder.row("baseline"),
        builder.row("baseline", response_id="R2", submitted_at="02/09/2024 09:00"),
        builder.row("baseline", response_id="R3"),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    out, _, _ = ingest_cohort([entry])
    assert len(out) == 3  # clean quarantines the late one (outside_cohort_window)


def test_same_file_listed_twice_under_two_paths(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    shutil.copy(builder.root / "raw/b.csv", builder.root / "raw/copy-of-b.csv")
    twin = dict(entry, path="raw/copy-of-b.csv", language="nl")
    with pytest.raises(InputError) as info:
        ingest_cohort([entry, twin])
    message = str(info.value)
    assert message.startswith("file raw/copy-of-b.csv: identical to raw/b.csv: the same file is listed twice")


def test_missing_question_column(ingest_cohort, builder):
    row = builder.row("baseline")
    del row["Vaste tandarts"]
    entry = builder.export("b.csv", [row], wave="baseline")
    with pytest.raises(InputError, match=r"file raw/b.csv: 1 question column\(s\) missing: Vaste tandarts"):
        ingest_cohort([entry])


def test_extra_column_with_policy_stop(ingest_cohort, builder, pipeline_config):
    pipeline_config["parsing"]["unknown_column"] = "stop"
    row = builder.row("baseline")
    row["Status"] = "Voltooid"
    entry = builder.export("b.csv", [row], wave="baseline")
    with pytest.raises(InputError, match=r"file raw/b.csv, column 'Status': column not in the codebook"):
        ingest_cohort([entry])


# --- rows --------------------------------------------------------------------------------------


def test_blank_row_is_flagged_not_reported(ingest_cohort, builder):
    blank = {h: "" for h in builder.row("baseline")}
    entry = builder.export("b.csv", [builder.row("baseline"), blank], wave="baseline", delimiter=";")
    rows, issues, _ = ingest_cohort([entry])
    assert rows["is_blank"].tolist() == [False, True]
    assert rows["source_row"].tolist() == [2, 3]
    blank_row = rows.iloc[1]
    assert blank_row["key_status"] == "missing" and blank_row["ocmw_status"] == "missing"
    assert issues.empty


@pytest.mark.parametrize(
    "typed, status",
    [("91.03.14-123.32", "bad_checksum"), ("91.03.14-123", "malformed"), ("", "missing")],
)
def test_unusable_register_numbers_have_no_pseudonym(ingest_cohort, builder, typed, status):
    entry = builder.export(
        "b.csv", [builder.row("baseline", national_register_number=typed)], wave="baseline"
    )
    rows, _, _ = ingest_cohort([entry])
    r = _only_row(rows)
    assert r["key_status"] == status and pd.isna(r["pseudonym"])


def test_born_in_2000s_number_is_valid_at_ingest(ingest_cohort, builder):
    number = make_nrn(date(2002, 7, 1), 44)
    entry = builder.export(
        "b.csv",
        [builder.row("baseline", national_register_number=number, birth_date="01/07/2002")],
        wave="baseline",
    )
    rows, _, _ = ingest_cohort([entry])
    r = _only_row(rows)
    assert r["key_status"] == "valid" and r["age_years"] == 21


def test_age_is_whole_years_at_submission(ingest_cohort, builder):
    rows = [
        builder.row("baseline", submitted_at="13/03/2024 10:00", birth_date="14/03/1991"),  # the day before
        builder.row("baseline", response_id="R2", submitted_at="14/03/2024 10:00", birth_date="14/03/1991"),
    ]
    entry = builder.export("b.csv", rows, wave="baseline")
    out, _, _ = ingest_cohort([entry])
    assert out["age_years"].tolist() == [32, 33]


def test_header_only_export(ingest_cohort, builder):
    header = list(builder.row("endline", "fr"))
    builder.write_csv("raw/e.csv", [], header=header)
    entry = {
        "path": "raw/e.csv",
        "wave": "endline",
        "language": "fr",
        "format": "csv",
        "encoding": "utf-8",
        "delimiter": ",",
    }
    b = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    rows, issues, _ = ingest_cohort([b, entry])
    assert rows["source_file"].tolist() == ["raw/b.csv"]


def test_dtypes_follow_the_contract(ingest_cohort, builder):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    rows, _, _ = ingest_cohort([entry])
    expected = {
        "source_file": "string",
        "source_row": "int64",
        "wave": "string",
        "is_blank": "bool",
        "pseudonym": "string",
        "key_status": "string",
        "ocmw_id": "string",
        "ocmw_status": "string",
        "age_years": "Int64",
        "submitted_at": "datetime64[ns]",
        "dom_financial": "Int64",
        "diploma": "string",
    }
    assert {c: str(rows[c].dtype) for c in expected} == expected


# --- the pseudonym key -------------------------------------------------------------------------


def _key_cohort(builder, *, demo: bool):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    return builder.cohort([entry], demo=demo)


ENV_KEY = "0123456789abcdef" * 4  # 64 hex characters: 256 bits by the rule, for these tests
FILE_KEY = "Zx7Qm2Lp9Rt4Vw8Ny3Kb6Hd1"  # 24 base64 characters: 144 bits


def _key_file(tmp_path, content: bytes | str, mode: int = 0o600) -> Path:
    path = tmp_path / "pseudonym.key"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    path.chmod(mode)
    return path


def test_env_var_wins_over_key_file(builder, tmp_path, monkeypatch):
    cohort = _key_cohort(builder, demo=True)
    key_file = _key_file(tmp_path, FILE_KEY + "\n")
    monkeypatch.setenv("MIRIAM_TEST_KEY", ENV_KEY)
    assert ingest.pseudonym_key(cohort, "MIRIAM_TEST_KEY", str(key_file)) == ENV_KEY.encode()
    monkeypatch.delenv("MIRIAM_TEST_KEY")
    assert ingest.pseudonym_key(cohort, "MIRIAM_TEST_KEY", str(key_file)) == FILE_KEY.encode()  # stripped


def test_demo_cohort_uses_its_demo_key(builder, tmp_path, monkeypatch):
    monkeypatch.delenv("MIRIAM_TEST_KEY", raising=False)
    cohort = _key_cohort(builder, demo=True)
    assert ingest.pseudonym_key(cohort, "MIRIAM_TEST_KEY", str(tmp_path / "none.key")) == DEMO_KEY.encode()


def test_real_cohort_without_key_is_refused(builder, tmp_path, monkeypatch):
    monkeypatch.delenv("MIRIAM_TEST_KEY", raising=False)
    cohort = _key_cohort(builder, demo=False)
    with pytest.raises(ConfigError) as info:
        ingest.pseudonym_key(cohort, "MIRIAM_TEST_KEY", str(tmp_path / "none.key"))
    message = str(info.value)
    assert "no pseudonym key for cohort test-2023-2024" in message
    assert "MIRIAM_TEST_KEY" in message and "none.key" in message
    assert "secrets.token_hex(32)" in message and "chmod 600" in message


def test_real_cohort_ignores_a_demo_key_in_its_config(builder, tmp_path, monkeypatch):
    monkeypatch.delenv("MIRIAM_TEST_KEY", raising=False)
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    cohort = builder.cohort([entry], demo=False, demo_pseudonym_key="copied-from-the-demo")
    with pytest.raises(ConfigError):
        ingest.pseudonym_key(cohort, "MIRIAM_TEST_KEY", str(tmp_path / "none.key"))


@pytest.mark.parametrize(
    "content, why",
    [
        ("\n", "it is empty"),
        (" ", "it is empty"),
        ("1", "only 1 different character"),
        ("a", "only 1 different character"),
        ("a" * 64, "only 1 different character"),
        ("abababababababababababababababab", "only 2 different character"),
        ("0123456789abcdef0123456789abcde", "31 hex characters: about 124 bits"),  # one short
        ("Zx7Qm2Lp9Rt4Vw8Ny3Kb6", "21 base64 characters: about 126 bits"),
        ("miriam-demo-key-not-a-secret", "28 characters of text, fewer than 32"),
        ("passwordpasswordpasswordpassword1", "33 characters of text: about"),  # repetitive
    ],
)
def test_weak_key_file_is_refused_with_how_to_make_one(builder, tmp_path, monkeypatch, content, why):
    monkeypatch.delenv("MIRIAM_TEST_KEY", raising=False)
    key_file = _key_file(tmp_path, content)
    with pytest.raises(ConfigError) as info:
        ingest.pseudonym_key(_key_cohort(builder, demo=False), "MIRIAM_TEST_KEY", str(key_file))
    message = str(info.value)
    assert f"file {key_file}: the pseudonym key in this file is too weak" in message
    assert why in message and "128 bits" in message
    assert (
        'python3 -c "import secrets; print(secrets.token_hex(32))" > ~/.config/miriam/pseudonym.key'
        in message
    )
    assert "chmod 600 ~/.config/miriam/pseudonym.key" in message


@pytest.mark.parametrize("value", [" ", "1", "short-key", "x" * 40])
def test_weak_key_in_the_environment_is_refused(builder, tmp_path, monkeypatch, value):
    monkeypatch.setenv("MIRIAM_TEST_KEY", value)
    for demo in (False, True):  # the environment holds the real secret, whichever cohort runs
        with pytest.raises(
            ConfigError, match="pseudonym key in environment variable MIRIAM_TEST_KEY is too weak"
        ):
            ingest.pseudonym_key(
                _key_cohort(builder, demo=demo), "MIRIAM_TEST_KEY", str(tmp_path / "none.key")
            )


@pytest.mark.parametrize(
    "key",
    [
        "536ef7fe00b44ec71b1cf25e4c64baaed094da6f93e17a382477bf1f6eb94d55",  # secrets.token_hex(32)
        "89b31884399b0c98a2ec28adee7e459a",  # secrets.token_hex(16): exactly 128 bits
        "fFE4R7xAFiyoBFwar_Ar6A",  # secrets.token_urlsafe(16): 22 base64url characters
        "N/+Dbipe1zxtHby6SG59MvlV4+hWiNb9UpyvTyG35Kg=",  # openssl rand -base64 32
        "Tram 7 naar de Meir, dan links: 42 treden & een rode deur!",  # a long, varied phrase
    ],
)
def test_strong_keys_are_accepted_and_used_as_they_are(builder, tmp_path, monkeypatch, key):
    monkeypatch.delenv("MIRIAM_TEST_KEY", raising=False)
    key_file = _key_file(tmp_path, key + "\n")
    assert ingest.key_weakness(key.encode()) is None
    assert (
        ingest.pseudonym_key(_key_cohort(builder, demo=False), "MIRIAM_TEST_KEY", str(key_file))
        == key.encode()
    )


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660])
def test_key_file_open_to_group_or_others_is_refused(builder, tmp_path, monkeypatch, mode):
    monkeypatch.delenv("MIRIAM_TEST_KEY", raising=False)
    key_file = _key_file(tmp_path, FILE_KEY, mode)
    with pytest.raises(ConfigError) as info:
        ingest.pseudonym_key(_key_cohort(builder, demo=False), "MIRIAM_TEST_KEY", str(key_file))
    message = str(info.value)
    assert (
        f"file {key_file}: the pseudonym key file can be read or written by other users (mode {mode:o})"
        in message
    )
    assert f"chmod 600 {key_file}" in message


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_owner_only_key_file_is_accepted(builder, tmp_path, monkeypatch, mode):
    monkeypatch.delenv("MIRIAM_TEST_KEY", raising=False)
    key_file = _key_file(tmp_path, FILE_KEY, mode)
    assert (
        ingest.pseudonym_key(_key_cohort(builder, demo=False), "MIRIAM_TEST_KEY", str(key_file))
        == FILE_KEY.encode()
    )


def test_key_from_env_changes_every_pseudonym(ingest_cohort, builder, pipeline_config, monkeypatch):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    test_rows, _, _ = ingest_cohort([entry])
    assert test_rows["pseudonym"].iloc[0] == nrn.pseudonym("91031412331", TEST_KEY.encode())
    monkeypatch.setenv(pipeline_config["pseudonym"]["key_env"], ENV_KEY)
    env_rows, _, _ = ingest_cohort([entry])
    assert test_rows["pseudonym"].iloc[0] != env_rows["pseudonym"].iloc[0]
    assert env_rows["pseudonym"].iloc[0] == nrn.pseudonym("91031412331", ENV_KEY.encode())


# --- raw files and formatting variants --------------------------------------------------------


def test_raw_files_are_read_only_and_unchanged(ingest_cohort, builder):
    import hashlib
    import os
    import stat

    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    path = builder.root / entry["path"]
    os.chmod(path, stat.S_IRUSR)  # delivered read-only: ingest must not need write access
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    _, _, hashes = ingest_cohort([entry])
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    assert hashes[entry["path"]] == before[0]


def test_register_number_formatting_does_not_break_linking(ingest_cohort, builder):
    base = builder.export(
        "b.csv",
        [builder.row("baseline", national_register_number="91.03.14-123.31")],
        wave="baseline",
    )
    end = builder.export(
        "e.xlsx",
        [
            builder.row(
                "endline",
                response_id="R0201",
                national_register_number=91031412331,  # a number cell
                submitted_at="12/06/2024 10:00",
                dom_financial=6,
                emp_rely=7.0,
            )
        ],
        wave="endline",
    )
    rows, issues, _ = ingest_cohort([base, end])
    assert (issues["problem"] == "missing").all()  # only the blank stop reason and date
    assert rows["key_status"].tolist() == ["valid", "valid"]
    assert rows["pseudonym"].nunique() == 1
    end_row = rows[rows["wave"] == "endline"].iloc[0]
    assert (end_row["dom_financial"], end_row["emp_rely"]) == (6, 7)
