"""Synthetic exports in the wide, code-based layout of MIRIAM 2.0, exactly as
../shared/domain/exports.md ("2018-2019 layout") describes the real one.

One row per woman, both waves in the row, variable codes as headers (OCMW, RRN, VOORNAAM, NAAM,
GEBDAT, AANTAL_KIND, GEBJAREN_KIND, GEBOORTELAND_GROEP, OPLEIDING, DOM_1..10, EMP1..14,
END_DOM_1..10, END_EMP_1..14, EMP_TOT, END_EMP_TOT), codes as values, UTF-8 without BOM, ",",
LF; the OCMW as its Dutch name, register numbers with valid check digits that agree with the
birth date, so that the demo exercises pseudonymisation and the age at the age reference date.
Used by the 2022-2023 demo cohort so that an older instrument and layout run through the whole
pipeline. Seeded and deterministic. Planted defects: a missing register number, an
out-of-range score, an EMP_TOT that is not the sum of its statements, an empty EMP_TOT whose
statements are all present, birth years fewer than AANTAL_KIND, and a blank last row.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from miriam.config import Cohort, Instrument
from miriam.ingest import demo_marker
from miriam_tools.demo import FIRST, LAST, _nrn

# Baseline means and gains of the ten domains (the 2018-2019 report's order).
DOMAIN_PROFILE = [
    (4.6, 0.6),
    (4.8, 0.7),
    (5.2, 0.4),
    (5.6, 0.5),
    (5.0, 0.4),
    (4.9, 0.8),
    (4.7, 0.9),
    (4.1, 1.4),
    (7.2, 0.3),
    (5.3, 0.8),
]
DROPOUT = 0.25
#: The export's columns in its own order (exports.md).
HEADER = (
    [
        "OCMW",
        "RRN",
        "VOORNAAM",
        "NAAM",
        "GEBDAT",
        "AANTAL_KIND",
        "GEBJAREN_KIND",
        "GEBOORTELAND_GROEP",
        "OPLEIDING",
    ]
    + [f"DOM_{d}" for d in range(1, 11)]
    + [f"EMP{k}" for k in range(1, 15)]
    + [f"END_DOM_{d}" for d in range(1, 11)]
    + [f"END_EMP_{k}" for k in range(1, 15)]
    + ["EMP_TOT", "END_EMP_TOT"]
)
#: Tabel 9-13 of the 2018-2019 report, as shares: age band (lower bound, upper bound), number
#: of children 1-6, country group 1-5, education 1-7.
AGES = [(18, 24, 0.30), (25, 29, 0.23), (30, 34, 0.22), (35, 39, 0.14), (40, 47, 0.11)]
CHILDREN = [0.468, 0.234, 0.169, 0.052, 0.039, 0.038]
COUNTRY = [0.325, 0.039, 0.208, 0.299, 0.129]
EDUCATION = [0.13, 0.13, 0.09, 0.16, 0.18, 0.22, 0.09]


def generate_wide(cohort: Cohort, instrument: Instrument, reference: pd.DataFrame, root: Path) -> list[Path]:
    """Write the cohort's single wide export (CSV) and its demo marker; return the export's path."""
    (export,) = cohort.exports
    params = cohort.raw["synthetic"]
    canaries = bool(params.get("canaries", False))
    rng = np.random.default_rng(params["seed"])
    women = int(params["women"])
    ocmws = cohort.projects["ocmw_id"].to_numpy()
    names = reference.set_index("nis_code")["name_nl"]
    weights = rng.gamma(4.0, 1.0, size=len(ocmws))
    assigned = rng.choice(ocmws, size=women, p=weights / weights.sum())
    start = date.fromisoformat(cohort.age_reference)
    rows = [
        _woman(i, str(names.get(str(ocmw), ocmw)), rng, start, canaries)
        for i, ocmw in enumerate(sorted(assigned))
    ]
    _plant_defects(rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([[row.get(h, "") for h in HEADER] for row in rows])
    writer.writerow([""] * len(HEADER))
    path = root / export.path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buffer.getvalue().encode(export.encoding or "utf-8"))
    os.replace(tmp, path)
    demo_marker.record([path])  # ingest accepts a demo cohort's exports only if listed there
    return [path]


def _identity(i: int, rng: np.random.Generator, start: date, canaries: bool) -> dict[str, object]:
    """Name, birth date (age band of Tabel 9 at `start`) and a register number that agrees."""
    low, high, _ = AGES[int(rng.choice(len(AGES), p=[a[2] for a in AGES]))]
    age_days = int(rng.integers(low * 365 + 10, (high + 1) * 365 - 10))
    born = start - timedelta(days=age_days)
    date6 = int(born.strftime("%y%m%d"))
    group = str(rng.choice(["be_nl", "be_fr", "maghreb"]))
    first, last = FIRST[group].split(), LAST[group].split("|")
    return {
        "RRN": _nrn(date6, 2 * int(rng.integers(1, 499)), born.year >= 2000),
        "VOORNAAM": f"Zzcanaryfirst{i:05d}" if canaries else first[rng.integers(len(first))],
        "NAAM": f"Zzcanary{i:05d}" if canaries else last[rng.integers(len(last))],
        "GEBDAT": born.strftime("%d/%m/%Y"),
        "_born": born,
    }


def _children(rng: np.random.Generator, born: date, start: date) -> dict[str, object]:
    """AANTAL_KIND 1-6 and the birth years, oldest first, at least one child under six (the
    programme's selection criterion); about one woman in twelve lists fewer years."""
    n = int(rng.choice(range(1, 7), p=CHILDREN))
    youngest = start.year - int(rng.integers(0, 6))
    oldest_possible = min(max(born.year + 17, youngest - 17), youngest)
    years = sorted([youngest] + [int(rng.integers(oldest_possible, youngest + 1)) for _ in range(n - 1)])
    if n > 1 and rng.random() < 0.08:
        years = years[: int(rng.integers(1, n))]
    return {"AANTAL_KIND": n, "GEBJAREN_KIND": ", ".join(str(y) for y in years)}


def _woman(i: int, ocmw: str, rng: np.random.Generator, start: date, canaries: bool) -> dict[str, object]:
    level = rng.normal(0, 1.0)  # a woman's general satisfaction, shared by her items
    row: dict[str, object] = {"OCMW": ocmw, **_identity(i, rng, start, canaries)}
    row.update(_children(rng, row.pop("_born"), start))
    row["GEBOORTELAND_GROEP"] = int(rng.choice(range(1, 6), p=COUNTRY))
    row["OPLEIDING"] = int(rng.choice(range(1, 8), p=EDUCATION))
    ended = rng.random() > DROPOUT
    for d, (mean, gain) in enumerate(DOMAIN_PROFILE, start=1):
        base = _score(mean + level, rng, 10)
        row[f"DOM_{d}"] = base
        if ended:
            row[f"END_DOM_{d}"] = _score(base + gain + rng.normal(0, 1.2), rng, 10, noise=0)
    emp_level = rng.normal(2.6 + 0.4 * level, 0.6)
    base_items = [_score(emp_level, rng, 5, noise=0.7) for _ in range(14)]
    row.update({f"EMP{k}": v for k, v in enumerate(base_items, start=1)})
    row["EMP_TOT"] = sum(base_items)
    if ended:
        end_items = [_score(v + 0.45 + rng.normal(0, 0.6), rng, 5, noise=0) for v in base_items]
        row.update({f"END_EMP_{k}": v for k, v in enumerate(end_items, start=1)})
        row["END_EMP_TOT"] = sum(end_items)
    return row


def _score(mean: float, rng: np.random.Generator, top: int, noise: float = 1.3) -> int:
    return int(np.clip(np.rint(mean + rng.normal(0, noise) if noise else mean), 0, top))


def _plant_defects(rows: list[dict[str, object]]) -> None:
    rows[3]["RRN"] = ""  # no key: the row cannot be linked -> quarantined
    rows[5]["DOM_2"] = 11  # out of range -> value rejected, row kept
    rows[8]["EMP_TOT"] = int(rows[8]["EMP_TOT"]) + 3  # a total that is not the sum -> QA entry
    rows[9]["EMP_TOT"] = ""  # an empty stored total, its statements present -> QA entry
    rows[10]["AANTAL_KIND"] = int(rows[10]["AANTAL_KIND"]) + 1  # one child without a birth year
