"""miriam.ingest.readers: raw exports as delivered (CSV variants, XLSX), checked against their
declaration; every refusal is an InputError naming the file (and row when there is one)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miriam.config import Export
from miriam.errors import InputError, MiriamError
from miriam.ingest import known_headers
from miriam.ingest.readers import normalise_header, read_export

SAMPLES = Path("/work/shared/domain/samples")


@pytest.fixture(scope="module")
def headers(instrument) -> set[str]:
    return set().union(*(set(h) for h in known_headers(instrument).values()))


def _export(path: str, fmt: str = "csv", **kw) -> Export:
    return Export(
        path=path,
        wave=kw.pop("wave", "baseline"),
        language=kw.pop("language", "nl"),
        format=fmt,
        **kw,
    )


def _rows(builder, n: int = 2, lang: str = "nl") -> list[dict]:
    return [
        builder.row("baseline", lang, response_id=f"R{i}", first_name="Amina", dom_financial=str(i))
        for i in range(1, n + 1)
    ]


# --- header normalisation -----------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "Financiële situatie (0-10)",
        "FINANCIËLE SITUATIE (0-10)",
        "financiele situatie (0-10)",
        "  Financiële situatie (0-10)  ",
        "Financiële\nsituatie\r\n(0-10)",
        "Financiële  situatie\t(0-10)",
    ],
)
def test_header_variants_normalise_alike(variant):
    assert normalise_header(variant) == "financiele situatie (0-10)"


def test_typographic_apostrophe_matches_straight_one():
    assert normalise_header("Je peux compter sur les personnes que j’aime") == normalise_header(
        "Je peux compter sur les personnes que j'aime"
    )


# --- CSV variants ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "delimiter, encoding",
    [(",", "utf-8"), (";", "utf-8"), (",", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-8")],
)
def test_csv_variants_read_the_same_cells(builder, headers, delimiter, encoding):
    rows = _rows(builder)
    builder.write_csv("raw/x.csv", rows, delimiter=delimiter, encoding=encoding)
    declared = "cp1252" if encoding == "cp1252" else "utf-8"
    frame, header_row = read_export(
        _export("raw/x.csv", encoding=declared, delimiter=delimiter), builder.root, headers
    )
    assert header_row == 1
    assert list(frame.columns[:-1]) == list(rows[0])  # the BOM does not stick to the first header
    assert frame["_row"].tolist() == [2, 3]
    assert frame["Financiële situatie (0-10)"].tolist() == ["1", "2"]
    assert frame["Geboorteland"].tolist() == ["Marokko", "Marokko"]  # accents decoded
    assert frame["Gesproken talen"].tolist() == ["Arabisch, Nederlands"] * 2  # quoted delimiter


def test_sample_exports_read(headers):
    for name, lang in [("beginmeting_nl.csv", "nl"), ("eindmeting_fr.csv", "fr")]:
        export = _export(name, language=lang, encoding="utf-8", delimiter=",")
        frame, header_row = read_export(export, SAMPLES, headers)
        assert header_row == 1 and len(frame) >= 1
        assert frame["_row"].iloc[0] == 2


def test_utf8_declared_but_file_is_cp1252(builder, headers):
    # Two ASCII title rows: the first non-ASCII byte is in the header ('Financiële') on line 3.
    builder.write_csv(
        "raw/x.csv",
        _rows(builder),
        delimiter=";",
        encoding="cp1252",
        title_rows=["MIRIAM", "Export"],
    )
    with pytest.raises(InputError) as info:
        read_export(_export("raw/x.csv", encoding="utf-8", delimiter=";"), builder.root, headers)
    message = str(info.value)
    assert message.startswith("file raw/x.csv, row 3: not valid UTF-8 (byte 0xeb)")
    assert "declare `encoding: cp1252`" in message


def test_cp1252_declared_but_file_is_utf8(builder, headers):
    builder.write_csv("raw/x.csv", _rows(builder), encoding="utf-8")
    with pytest.raises(InputError, match=r"file raw/x.csv: the file is UTF-8, not Windows-1252"):
        read_export(_export("raw/x.csv", encoding="cp1252", delimiter=","), builder.root, headers)


def test_cp1252_declared_but_file_has_utf8_bom(builder, headers):
    builder.write_csv(
        "raw/x.csv",
        [builder.row("baseline", first_name="Amy", birth_country="Ghana", languages="Engels", remarks="")],
        encoding="utf-8-sig",
    )
    with pytest.raises(InputError, match="is UTF-8, not Windows-1252"):
        read_export(_export("raw/x.csv", encoding="cp1252", delimiter=","), builder.root, headers)


def test_byte_undefined_in_cp1252(builder, headers):
    path = builder.write_csv("raw/x.csv", _rows(builder), encoding="utf-8")
    path.write_bytes(path.read_bytes().replace("ë".encode(), b"\x81"))
    with pytest.raises(InputError, match=r"byte 0x81 is not Windows-1252"):
        read_export(_export("raw/x.csv", encoding="cp1252", delimiter=","), builder.root, headers)


@pytest.mark.parametrize("written, declared", [(";", ","), (",", ";")])
def test_wrong_delimiter_declared(builder, headers, written, declared):
    builder.write_csv("raw/x.csv", _rows(builder), delimiter=written)
    with pytest.raises(InputError) as info:
        read_export(_export("raw/x.csv", encoding="utf-8", delimiter=declared), builder.root, headers)
    message = str(info.value)
    assert "file raw/x.csv" in message
    assert f"'{declared}'" in message and f"'{written}'" in message  # what was declared, what was found


def test_missing_file(builder, headers):
    with pytest.raises(InputError, match=r"file raw/nope.csv: export not found"):
        read_export(_export("raw/nope.csv"), builder.root, headers)


def test_a_file_that_is_not_an_export(builder, headers):
    (builder.root / "raw").mkdir()
    (builder.root / "raw/x.csv").write_text("naam,bedrag\nhuur,650\nenergie,120\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_export(_export("raw/x.csv", encoding="utf-8", delimiter=","), builder.root, headers)
    assert "file raw/x.csv" in str(info.value)
    assert "no header row with the form's questions" in str(info.value)
    assert "is this the right file?" in str(info.value)


def test_csv_title_rows_above_the_header(builder, headers):
    builder.write_csv("raw/x.csv", _rows(builder), title_rows=["MIRIAM beginmeting", "Export 01/12/2023"])
    frame, header_row = read_export(
        _export("raw/x.csv", encoding="utf-8", delimiter=","), builder.root, headers
    )
    assert header_row == 3
    assert frame["_row"].tolist() == [4, 5]
    assert frame["Antwoord ID"].tolist() == ["R1", "R2"]


def test_shuffled_columns_and_messy_headers_keep_cells_with_their_header(builder, headers):
    rows = _rows(builder)
    messy = {
        "Financiële situatie (0-10)": "  FINANCIELE\nSITUATIE (0-10) ",
        "Rijksregisternummer": "rijksregisternummer",
    }
    shuffled = [{messy.get(k, k): v for k, v in reversed(list(r.items()))} for r in rows]
    builder.write_csv("raw/x.csv", shuffled)
    frame, _ = read_export(_export("raw/x.csv", encoding="utf-8", delimiter=","), builder.root, headers)
    column = next(c for c in frame.columns if normalise_header(c) == "financiele situatie (0-10)")
    assert frame[column].tolist() == ["1", "2"]
    assert frame.columns[0] == "Opmerkingen casemanager"


def test_blank_trailing_row_is_kept_as_a_row(builder, headers):
    path = builder.write_csv("raw/x.csv", _rows(builder), delimiter=";")
    width = len(_rows(builder)[0])
    path.write_bytes(path.read_bytes() + (";" * (width - 1) + "\r\n").encode())
    frame, _ = read_export(_export("raw/x.csv", encoding="utf-8", delimiter=";"), builder.root, headers)
    assert frame["_row"].tolist() == [2, 3, 4]
    assert frame.drop(columns="_row").iloc[2].tolist() == [""] * width


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_with_title_row_and_excel_dates(builder, headers):
    rows = _rows(builder, lang="fr")
    rows[0]["Date de soumission"] = datetime(2023, 11, 9, 11, 20)  # a real Excel date cell
    rows[0]["Date de naissance"] = datetime(1994, 1, 8)
    rows[1]["Situation financière (0-10)"] = 7.5  # a number cell that is not a whole number
    rows[1]["Nombre d'enfants"] = 2  # a number cell
    builder.write_xlsx("raw/x.xlsx", rows, title_rows=["Questionnaire MIRIAM - export"])
    frame, header_row = read_export(_export("raw/x.xlsx", "xlsx", language="fr"), builder.root, headers)
    assert header_row == 2
    assert frame["_row"].tolist() == [3, 4]
    assert frame.at[0, "Date de soumission"] == datetime(2023, 11, 9, 11, 20)
    assert frame.at[0, "Date de naissance"] == datetime(1994, 1, 8)
    assert frame.at[1, "Situation financière (0-10)"] == "7.5"
    assert frame.at[1, "Nombre d'enfants"] == "2"  # whole floats/ints become their text


def test_xlsx_named_sheet(builder, headers):
    builder.write_xlsx("raw/x.xlsx", _rows(builder), sheet="Antwoorden")
    frame, _ = read_export(_export("raw/x.xlsx", "xlsx", sheet="Antwoorden"), builder.root, headers)
    assert len(frame) == 2
    with pytest.raises(InputError, match=r"no worksheet 'Blad1'; expected one of Antwoorden"):
        read_export(_export("raw/x.xlsx", "xlsx", sheet="Blad1"), builder.root, headers)


def test_csv_declared_xlsx(builder, headers):
    builder.write_csv("raw/x.xlsx", _rows(builder))
    with pytest.raises(InputError, match=r"file raw/x.xlsx: cannot be opened as XLSX"):
        read_export(_export("raw/x.xlsx", "xlsx"), builder.root, headers)


def test_xlsx_declared_csv(builder, headers):
    builder.write_xlsx("raw/x.csv", _rows(builder))
    with pytest.raises(InputError) as info:
        read_export(_export("raw/x.csv", encoding="utf-8", delimiter=","), builder.root, headers)
    assert "file raw/x.csv" in str(info.value)


# --- property-based: arbitrary bytes are read or refused with our own error ------------------


def _header_line() -> bytes:
    cells = [
        "Antwoord ID",
        "Datum ingediend",
        "Taal formulier",
        "OCMW",
        "Rijksregisternummer",
        "Financiële situatie (0-10)",
    ]
    return (",".join(cells) + "\n").encode()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=300),
    with_header=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252"]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_arbitrary_bytes_raise_only_miriam_errors(tmp_path, headers, body, with_header, encoding, delimiter):
    path = tmp_path / "raw" / "x.csv"
    path.parent.mkdir(exist_ok=True)
    data = (_header_line().replace(b",", delimiter.encode()) if with_header else b"") + body
    path.write_bytes(data)
    try:
        frame, header_row = read_export(
            _export("raw/x.csv", encoding=encoding, delimiter=delimiter), tmp_path, headers
        )
    except MiriamError as error:
        assert "raw/x.csv" in str(error)
    else:
        assert "_row" in frame.columns
        assert frame["_row"].is_monotonic_increasing
    finally:
        shutil.rmtree(tmp_path / "raw")


# --- the header row: known headers of one form, however many unknown columns -------------------


def test_header_row_found_by_its_form_not_by_its_share_of_known_cells(builder, instrument):
    from miriam.ingest import all_headers, header_sets

    rows = [{**{f"Extra {i}": "x" for i in range(40)}, **r} for r in _rows(builder)]
    titles = [f"Titel {i}" for i in range(20)]
    builder.write_csv("raw/x.csv", rows, title_rows=titles)
    export = _export("raw/x.csv", encoding="utf-8", delimiter=",")
    frame, header_row = read_export(export, builder.root, all_headers(instrument), header_sets(instrument))
    assert header_row == 21 and frame["_row"].tolist() == [22, 23]
    assert frame["Antwoord ID"].tolist() == ["R1", "R2"]
