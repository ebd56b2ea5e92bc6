"""Synthetic exports in the wide, code-based layout of MIRIAM 2.0 (2018-2019 style).

One row per woman, variable codes as headers, both waves in the row (END_ prefixes, and the
file's own inconsistent END_EMP_n against EMPn). Used by the 2022-2023 demo cohort so that an
older instrument and layout run through the whole pipeline. Seeded and deterministic.
Planted defects: a missing respondent code, an out-of-range score, an EMP_TOT that does not
equal the sum of its statements, and a blank last row.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from miriam.config import Cohort, Instrument
from miriam.ingest import demo_marker

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


def generate_wide(cohort: Cohort, instrument: Instrument, reference: pd.DataFrame, root: Path) -> list[Path]:
    """Write the cohort's single wide export (CSV) and its demo marker; return the export's path."""
    (export,) = cohort.exports
    params = cohort.raw["synthetic"]
    rng = np.random.default_rng(params["seed"])
    women = int(params["women"])
    ocmws = cohort.projects["ocmw_id"].to_numpy()
    weights = rng.gamma(4.0, 1.0, size=len(ocmws))
    assigned = rng.choice(ocmws, size=women, p=weights / weights.sum())
    rows = [_woman(i, str(ocmw), rng, instrument) for i, ocmw in enumerate(sorted(assigned))]
    _plant_defects(rows)
    header = _header(instrument)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[row.get(h, "") for h in header] for row in rows])
    writer.writerow([""] * len(header))
    path = root / export.path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buffer.getvalue().encode(export.encoding or "utf-8"))
    os.replace(tmp, path)
    demo_marker.record([path])  # ingest accepts a demo cohort's exports only if listed there
    return [path]


def _header(instrument: Instrument) -> list[str]:
    codes = [c for v in instrument.variables.values() for w, c in v.source.items() if w == "baseline"]
    codes += [
        c
        for v in instrument.variables.values()
        for w, c in v.source.items()
        if w == "endline" and c not in codes
    ]
    return codes


def _woman(i: int, ocmw: str, rng: np.random.Generator, instrument: Instrument) -> dict[str, object]:
    level = rng.normal(0, 1.0)  # a woman's general satisfaction, shared by her items
    row: dict[str, object] = {
        "RESP_ID": f"M2-{i + 1:05d}",
        "OCMW": ocmw,
        "LFT_CAT": int(rng.choice([1, 2, 3, 4, 5], p=[0.12, 0.22, 0.26, 0.2, 0.2])),
        "AANT_KIND": int(rng.choice([1, 2, 3, 4, 5], p=[0.35, 0.32, 0.2, 0.09, 0.04])),
        "GEBLAND_CAT": int(rng.choice([1, 2, 3, 4, 5], p=[0.42, 0.08, 0.22, 0.2, 0.08])),
        "OPL": int(rng.choice(range(1, 8), p=[0.12, 0.15, 0.25, 0.18, 0.18, 0.07, 0.05])),
        "MOEDERTAAL": int(rng.choice([1, 2, 3, 4, 5], p=[0.3, 0.3, 0.2, 0.05, 0.15])),
        "HOEDERECHT_ALIMENTATIE": str(rng.choice(["", "Geen alimentatie", "Vader betaalt onregelmatig"])),
    }
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
    rows[3]["RESP_ID"] = ""  # no key: the row cannot be linked -> quarantined
    rows[5]["DOM_2"] = 11  # out of range -> value rejected, row kept
    rows[8]["EMP_TOT"] = int(rows[8]["EMP_TOT"]) + 3  # a total that is not the sum -> logged
