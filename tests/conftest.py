"""Shared fixtures: the shipped instrument, reference tables and main config, and a builder that
writes a tiny cohort (cohort YAML + CSV/XLSX exports) into a temporary project directory.

The builder writes cells exactly as a case manager's export would hold them (labels in the
form's language, dd/mm/yyyy dates, register numbers with separators), so that tests exercise
the real reading and parsing path, defects included.
"""

from __future__ import annotations

import copy
import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from miriam import config as miriam_config

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT_PATH = ROOT / "config" / "instruments" / "miriam-2023.yaml"
OCMW_PATH = ROOT / "config" / "reference" / "ocmw.csv"
GROUPS_PATH = ROOT / "config" / "reference" / "groups.yaml"
CONFIG_PATH = ROOT / "config" / "config.yaml"

# A test key: never the demo key, so that tests notice where a pseudonym came from.
TEST_KEY_ENV = "MIRIAM_TEST_PSEUDONYM_KEY_UNSET"

# Projects of the test cohort: two single-OCMW projects and one consortium of two OCMWs.
TEST_PROJECTS = [
    {"id": "antwerpen", "ocmws": [11002], "since": 2017},
    {"id": "liege", "ocmws": [62063], "since": 2017},
    {"id": "eeklo-maldegem", "ocmws": [43005, 43010], "since": 2021},
]
TEST_WINDOW = {"start": "2023-09-01", "end": "2024-08-31"}
DEMO_KEY = "test-demo-key-not-a-secret"


def make_nrn(birth: date, seq: int, *, valid: bool = True) -> str:
    """A national register number YY.MM.DD-SSS.CC, check digits computed independently of
    miriam.nrn (97 - number mod 97, with a 2 prefixed for births from 2000)."""
    body = f"{birth:%y%m%d}{seq:03d}"
    number = int(("2" if birth.year >= 2000 else "") + body)
    check = 97 - number % 97
    if not valid:
        check = (check % 97) + 1  # any other value: a typo the check digits catch
    return f"{body[:2]}.{body[2:4]}.{body[4:6]}-{body[6:9]}.{check:02d}"


# Default answers of one woman, by variable. A dict value is per form language; a category
# code (e.g. "yes") is written as the label of the export's language.
DEFAULTS: dict[str, Any] = {
    "response_id": "R0001",
    "submitted_at": "14/11/2023 10:32",
    "form_language": {"nl": "nl", "fr": "fr"},
    "ocmw": {"nl": "OCMW Antwerpen", "fr": "CPAS de Liège"},
    "case_manager": "Sofie Janssens",
    "first_name": "Amina",
    "last_name": "El Idrissi",
    "national_register_number": "91.03.14-123.31",
    "birth_date": "14/03/1991",
    "n_children": "2",
    "children_birth_years": "2016, 2021",
    "birth_country": {"nl": "Marokko", "fr": "Maroc"},
    "diploma": "upper_secondary",
    "diploma_recognised": "no",
    "languages": {"nl": "Arabisch, Nederlands", "fr": "Arabe, Néerlandais"},
    "dom_financial": "5",
    "dom_daytime": "6",
    "dom_housing": "4",
    "dom_mobility": "7",
    "dom_leisure": "3",
    "dom_health": "5",
    "emp_ocmw_help": "8",
    "emp_wellbeing": "4",
    "emp_confide": "5",
    "emp_rely": "6",
    "regular_gp": "yes",
    "regular_dentist": "no",
    "housing_waitlist": "no",
    "loneliness": "often",
    "completed": "yes",
    "stop_reason": "",
    "stop_date": "",
    "learned_health": "yes",
    "learned_leisure": "yes",
    "learned_benefits": "no",
    "learned_parenting": "yes",
    "learned_housing": "yes",
    "feels_stronger": "agree",
    "remarks": "",
}


class CohortBuilder:
    """Writes exports and a cohort config under `root` (a tmp_path) and loads them."""

    def __init__(self, root: Path, instrument: miriam_config.Instrument) -> None:
        self.root = root
        self.instrument = instrument

    # --- rows -----------------------------------------------------------------------------

    def row(self, wave: str, lang: str = "nl", **cells: Any) -> dict[str, Any]:
        """One form submission as {header in `lang`: cell}, in codebook order.

        `cells` override the defaults by variable name; a category code is written as its
        label in `lang`; any other value (text, datetime, number, None) is written as given.
        """
        unknown = set(cells) - set(self.instrument.variables)
        assert not unknown, f"not codebook variables: {unknown}"
        out: dict[str, Any] = {}
        for var in self.instrument.in_wave(wave):
            value = cells.get(var.name, DEFAULTS[var.name])
            if isinstance(value, dict):
                value = value[lang]
            if var.kind == "category" and isinstance(value, str):
                labels = {str(c["code"]): c[lang] for c in var.scale["categories"]}
                value = labels.get(value, value)
            out[var.header[lang]] = value
        return out

    # --- files ----------------------------------------------------------------------------

    def write_csv(
        self,
        name: str,
        rows: list[dict[str, Any]],
        *,
        delimiter: str = ",",
        encoding: str = "utf-8",
        title_rows: list[str] = (),
        header: list[str] | None = None,
    ) -> Path:
        header = header if header is not None else list(rows[0])
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        for title in title_rows:
            writer.writerow([title])
        writer.writerow(header)
        for r in rows:
            writer.writerow(["" if r.get(h) is None else r.get(h) for h in header])
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue().encode(encoding))
        return path

    def write_xlsx(
        self,
        name: str,
        rows: list[dict[str, Any]],
        *,
        title_rows: list[str] = (),
        header: list[str] | None = None,
        sheet: str = "Export",
    ) -> Path:
        from openpyxl import Workbook

        header = header if header is not None else list(rows[0])
        workbook = Workbook()
        ws = workbook.active
        ws.title = sheet
        for title in title_rows:
            ws.append([title])
        ws.append(header)
        for r in rows:
            ws.append([None if r.get(h) in (None, "") else r.get(h) for h in header])
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
        return path

    def export(
        self,
        name: str,
        rows: list[dict[str, Any]],
        *,
        wave: str,
        lang: str = "nl",
        fmt: str | None = None,
        encoding: str = "utf-8",
        delimiter: str = ",",
        declare: dict[str, Any] | None = None,
        **write_options: Any,
    ) -> dict[str, Any]:
        """Write one export file and return its cohort-config entry (`declare` overrides it)."""
        fmt = fmt or ("xlsx" if name.endswith(".xlsx") else "csv")
        path = f"raw/{name}"
        if fmt == "xlsx":
            self.write_xlsx(path, rows, **write_options)
            entry = {"path": path, "wave": wave, "language": lang, "format": "xlsx"}
        else:
            file_encoding = write_options.pop("file_encoding", encoding)
            self.write_csv(path, rows, delimiter=delimiter, encoding=file_encoding, **write_options)
            entry = {
                "path": path,
                "wave": wave,
                "language": lang,
                "format": "csv",
                "encoding": "utf-8" if encoding == "utf-8-sig" else encoding,
                "delimiter": delimiter,
            }
        entry.update(declare or {})
        return entry

    # --- the cohort -----------------------------------------------------------------------

    def cohort_data(
        self,
        exports: list[dict[str, Any]],
        *,
        name: str = "test-2023-2024",
        demo: bool = True,
        projects: list[dict[str, Any]] | None = None,
        window: dict[str, str] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "cohort": name,
            "label": "2023-2024",
            "demo": demo,
            "instrument": "miriam-2023",
            "window": dict(window or TEST_WINDOW),
            "measurement": {"baseline": "2023-11", "endline": "2024-06"},
            "exports": exports,
            "projects": copy.deepcopy(projects or TEST_PROJECTS),
        }
        if demo:
            data["demo_pseudonym_key"] = DEMO_KEY
        data.update(extra)
        return data

    def cohort(self, exports: list[dict[str, Any]], **options: Any) -> miriam_config.Cohort:
        data = self.cohort_data(exports, **options)
        path = self.root / "config" / "cohorts" / f"{data['cohort']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return miriam_config.load_cohort(path)


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def instrument() -> miriam_config.Instrument:
    return miriam_config.load_instrument(INSTRUMENT_PATH)


@pytest.fixture(scope="session")
def reference():
    return miriam_config.load_ocmw_reference(OCMW_PATH)


@pytest.fixture(scope="session")
def groups() -> dict[str, Any]:
    return miriam_config.load_yaml(GROUPS_PATH)


@pytest.fixture
def pipeline_config(tmp_path, monkeypatch) -> dict[str, Any]:
    """config/config.yaml as shipped, with a hermetic pseudonym-key set-up: the key variable
    is unset and the key file does not exist, so only the cohort's demo key is available."""
    data = miriam_config.load_config(CONFIG_PATH)
    data["pseudonym"] = {"key_env": TEST_KEY_ENV, "key_file": str(tmp_path / "no-such.key")}
    monkeypatch.delenv(TEST_KEY_ENV, raising=False)
    return data


@pytest.fixture
def builder(tmp_path, instrument) -> CohortBuilder:
    return CohortBuilder(tmp_path, instrument)


@pytest.fixture
def ingest_cohort(builder, instrument, reference, pipeline_config):
    """Run ingest on exports written by `builder`: ingest_cohort(exports, **cohort_options)."""
    from miriam import ingest

    def run(exports: list[dict[str, Any]], *, config: dict | None = None, **options: Any):
        cohort = builder.cohort(exports, **options)
        return ingest.ingest_cohort(cohort, instrument, reference, config or pipeline_config, builder.root)

    return run


@pytest.fixture
def nrn_for():
    """make_nrn(birth, seq, valid=True): a register number with correct (or wrong) check digits."""
    return make_nrn
