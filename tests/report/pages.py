"""What the report tests read: the rendered pages and published tables of the session's
workflow build (tests/conftest.py, ``workflow_build``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pandas as pd
from helpers import SMALL_COHORT, WIDE_COHORT

from miriam import io
from miriam.config import Instrument, instrument_path, load_instrument

MAIN = SMALL_COHORT["cohort"]  # 2023-2024 layout, both form languages
OLD = WIDE_COHORT["cohort"]  # 2018-2019 wide layout, the other instrument
FAMILIES = ("items", "units", "shares", "distributions", "tests", "subgroups", "reach")
#: one factsheet per language situation: Flanders (nl), Wallonia (fr), Brussels (both)
SHEETS = {"nl": ["antwerpen", "schaarbeek"], "fr": ["liege", "schaarbeek"]}


@dataclass
class Build:
    """The outputs of one workflow build, as the report tests look at them."""

    root: Path

    def report_dir(self, cohort: str = MAIN) -> Path:
        return self.root / "results" / cohort / "report"

    def doc(self, name: str, lang: str, fmt: str = "html", cohort: str = MAIN) -> Path:
        """A document by kind and unit id ("national", "factsheet-schaarbeek"), under its
        file name in `lang` (rapport-national, factsheet-schaerbeek)."""
        from miriam.report import document_name
        from miriam.report.tables import unit_name

        if name in ("national", "provenance"):
            name = document_name(name, lang)
        elif name.startswith("factsheet-"):
            units = self.table("units", cohort)
            row = units[(units["level"] == "project") & (units["unit"] == name[len("factsheet-") :])]
            if len(row):
                name = document_name("factsheet", lang, unit_name(row.iloc[0], lang))
        return self.report_dir(cohort) / lang / f"{name}.{fmt}"

    def table(self, family: str, cohort: str = MAIN) -> pd.DataFrame:
        return io.read_table(self.root / "results" / cohort / f"{family}.parquet")

    def instrument(self, cohort: str = MAIN) -> Instrument:
        version = {c["cohort"]: c["instrument"] for c in (SMALL_COHORT, WIDE_COHORT)}[cohort]
        return load_instrument(instrument_path(version))


def html_text(path: Path) -> str:
    """The visible text of a rendered page (no tags, styles or scripts), whitespace collapsed."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<head\b.*?</head>", " ", html, flags=re.S | re.I)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    text = text.replace("\u2019", "'")  # pandoc typographic apostrophes
    return re.sub(r"\s+", " ", text)
