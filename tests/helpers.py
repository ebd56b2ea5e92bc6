"""Shared test helpers: paths of the shipped config, a builder that writes a tiny cohort (cohort
YAML + CSV/XLSX exports) into a temporary project directory, and the small seeded cohorts the
workflow tests run Snakemake on. Fixtures built on them live in conftest.py.

The builder writes cells exactly as a case manager's export would hold them (labels in the
form's language, dd/mm/yyyy dates, register numbers with separators), so that tests exercise
the real reading and parsing path, defects included.
"""

from __future__ import annotations

import copy
import csv
import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from miriam import config as miriam_config

ROOT = Path(__file__).resolve().parents[1]
INSTRUMENT_PATH = ROOT / "config" / "instruments" / "miriam-2023.yaml"
WIDE_INSTRUMENT_PATH = ROOT / "config" / "instruments" / "miriam-2018.yaml"
OCMW_PATH = ROOT / "config" / "reference" / "ocmw.csv"
GROUPS_PATH = ROOT / "config" / "reference" / "groups.yaml"
CONFIG_PATH = ROOT / "config" / "config.yaml"

# The key of the cohorts tests build by hand (real cohorts, `demo: false`): strong enough for
# the key check (docs/stages/ingest.md), and never the demo key, so that tests notice where a
# pseudonym came from. Public, for tests only.
TEST_KEY_ENV = "MIRIAM_TEST_PSEUDONYM_KEY"
TEST_KEY = "5f0c9e2b7a41d3886c1e4f90b2a7d5e31c8f6a0d9e4b72c5a13f8e6d0b9c2a47"

# Projects of the test cohort: two single-OCMW projects and one consortium of two OCMWs.
TEST_PROJECTS = [
    {"id": "antwerpen", "ocmws": [11002], "since": 2017},
    {"id": "liege", "ocmws": [62063], "since": 2017},
    {"id": "eeklo-maldegem", "ocmws": [43005, 43010], "since": 2021},
]
TEST_WINDOW = {"start": "2023-09-01", "end": "2024-08-31"}
# A follow-up wave about a year after the end (pass as `followup=TEST_FOLLOWUP` to a cohort);
# follow-up rows need a `submitted_at` inside its window.
TEST_FOLLOWUP = {"measurement": "2025-06", "window": {"start": "2025-05-01", "end": "2025-08-31"}}
FOLLOWUP_SUBMITTED = "10/06/2025 10:15"
DEMO_KEY = "test-demo-key-not-a-secret"


def make_nrn(birth: date, seq: int, *, valid: bool = True) -> str:
    """A national register number YY.MM.DD-SSS.CC, check digits computed independently of
    miriam.ingest.nrn (97 - number mod 97, with a 2 prefixed for births from 2000)."""
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
    "work_situation": "employed",  # the follow-up form only
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
        demo: bool = False,
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


# --- the workflow on small seeded cohorts -----------------------------------------------------

SNAKEMAKE = Path(sys.executable).with_name("snakemake")

#: The 2023-2024 layout: both form languages, CSV and XLSX, the real-world defects of the demo
#: generator, and canaries (identifiers the privacy test greps for) in every direct identifier.
SMALL_COHORT: dict[str, Any] = {
    "cohort": "test-small",
    "label": "2023-2024",
    "demo": True,
    "instrument": "miriam-2023",
    "window": {"start": "2023-09-01", "end": "2024-08-31"},
    "measurement": {"baseline": "2023-11", "endline": "2024-06"},
    "demo_pseudonym_key": "test-small-demo-key",
    "synthetic": {"seed": 7, "women": 360, "canaries": True},
    "exports": [
        {
            "path": "raw/demo/test-small/beginmeting_nl.csv",
            "wave": "baseline",
            "language": "nl",
            "format": "csv",
            "encoding": "utf-8",
            "delimiter": ",",
        },
        {
            "path": "raw/demo/test-small/beginmeting_fr.xlsx",
            "wave": "baseline",
            "language": "fr",
            "format": "xlsx",
        },
        {
            "path": "raw/demo/test-small/eindmeting_nl.csv",
            "wave": "endline",
            "language": "nl",
            "format": "csv",
            "encoding": "cp1252",
            "delimiter": ";",
        },
        {
            "path": "raw/demo/test-small/eindmeting_fr.xlsx",
            "wave": "endline",
            "language": "fr",
            "format": "xlsx",
        },
    ],
    "projects": [
        {"id": "antwerpen", "ocmws": [11002], "since": 2017},
        {"id": "eeklo-maldegem", "ocmws": [43005, 43010], "since": 2021},
        {"id": "gent", "ocmws": [44021], "since": 2023},
        {"id": "schaarbeek", "ocmws": [21015], "since": 2018},
        {"id": "anderlecht", "ocmws": [21001], "since": 2017},
        {"id": "liege", "ocmws": [62063], "since": 2017},
        {"id": "charleroi", "ocmws": [52011], "since": 2017},
        {"id": "namur", "ocmws": [92094], "since": 2019},
        {"id": "herve", "ocmws": [63035], "since": 2023},
        {"id": "dison", "ocmws": [63020], "since": 2022},
        {"id": "arlon", "ocmws": [81001], "since": 2020},
    ],
}

#: The 2018-2019 wide, code-based layout (MIRIAM 2.0 instrument): the other instrument version
#: end to end, and a second cohort for the trend.
WIDE_COHORT: dict[str, Any] = {
    "cohort": "test-wide",
    "label": "2022-2023",
    "demo": True,
    "instrument": "miriam-2018",
    "window": {"start": "2022-09-01", "end": "2023-08-31"},
    "measurement": {"baseline": "2022-11", "endline": "2023-06"},
    "demo_pseudonym_key": "test-wide-demo-key",
    "synthetic": {"seed": 11, "women": 150},
    "exports": [
        {
            "path": "raw/demo/test-wide/miriam_2022_2023.csv",
            "wave": "both",
            "language": "codes",
            "format": "csv",
            "encoding": "utf-8",
            "delimiter": ",",
        }
    ],
    "projects": [
        {"id": "antwerpen", "ocmws": [11002], "since": 2017},
        {"id": "gent", "ocmws": [44021], "since": 2017},
        {"id": "schaarbeek", "ocmws": [21015], "since": 2018},
        {"id": "liege", "ocmws": [62063], "since": 2017},
        {"id": "herve-dison", "ocmws": [63035, 63020], "since": 2022},
    ],
}

SMALL_COHORTS = (SMALL_COHORT, WIDE_COHORT)


def write_project(work: Path, cohorts: tuple[dict[str, Any], ...] = SMALL_COHORTS) -> Path:
    """A project directory as a researcher would set one up: the shipped config, with these
    cohorts (and only these) to build. Returns its config.yaml."""
    shutil.copytree(ROOT / "config", work / "config", dirs_exist_ok=True)
    for cohort in cohorts:
        path = work / "config" / "cohorts" / f"{cohort['cohort']}.yaml"
        path.write_text(yaml.safe_dump(cohort, sort_keys=False), encoding="utf-8")
    main = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    main["cohorts"] = [c["cohort"] for c in cohorts]
    path = work / "config" / "config.yaml"
    path.write_text(yaml.safe_dump(main, sort_keys=False), encoding="utf-8")
    return path


def run_workflow(work: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """Snakemake on the project in `work`, with the repository's workflow, as `make demo` runs
    it (the workflow's default profile included)."""
    return subprocess.run(
        [str(SNAKEMAKE), "-s", str(ROOT / "Snakefile"), "-d", str(work), "--cores", "2", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=work,
    )


#: The 2018-2019 wide export's header, as exports.md gives it.
WIDE_2018_HEADER = (
    ["OCMW", "RRN", "VOORNAAM", "NAAM", "GEBDAT", "AANTAL_KIND", "GEBJAREN_KIND"]
    + ["GEBOORTELAND_GROEP", "OPLEIDING"]
    + [f"DOM_{d}" for d in range(1, 11)]
    + [f"EMP{k}" for k in range(1, 15)]
    + [f"END_DOM_{d}" for d in range(1, 11)]
    + [f"END_EMP_{k}" for k in range(1, 15)]
    + ["EMP_TOT", "END_EMP_TOT"]
)
