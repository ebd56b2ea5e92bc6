"""The illustrative reference table behind the scale chart: all 581 OCMWs with a number of
leefloon recipients.

No public table gives the number of leefloon / revenu d'intégration recipients per OCMW, so
the demo ships an *illustrative* one (config/reference/leefloon_illustrative.csv, written by
`python -m miriam_tools.demo_reference`): the OCMWs of config/reference/ocmw.csv with their real
population and region, and 581 in all as in Belgium (300 Flemish, 262 Walloon, 19 in
Brussels), the others as "OCMW/CPAS <code>" with seeded populations and ids from 94001 on,
which no Belgian NIS code takes (94xxx-96xxx are unused). Recipients are population
times a seeded regional rate (about 0.8 % in Flanders, 2 % in Wallonia, 3 % in Brussels).
Every number is made up; the chart and the report say so. A real report replaces the file
with the POD MI's figures (same columns) and sets `reference.leefloon_illustrative: false`.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from miriam.config import load_ocmw_reference

MUNICIPALITIES = {"flanders": 300, "wallonia": 262, "brussels": 19}
RATE = {"flanders": 0.008, "wallonia": 0.02, "brussels": 0.03}
COLUMNS = ["ocmw_id", "name_nl", "name_fr", "region", "population", "leefloon_recipients"]


def illustrative_table(reference: pd.DataFrame, seed: int = 581) -> pd.DataFrame:
    """581 OCMWs: the known ones, then seeded placeholders, with illustrative recipients."""
    rng = np.random.default_rng(seed)
    rows = [
        (str(r.nis_code), r.name_nl, r.name_fr, r.region, int(r.population))
        for r in reference.sort_values("nis_code").itertuples()
    ]
    for region, total in MUNICIPALITIES.items():
        have = sum(1 for r in rows if r[3] == region)
        for i in range(total - have):
            population = int(np.clip(rng.lognormal(np.log(13_000), 0.7), 1_000, 90_000))
            code = f"{region[:2].upper()}{i + 1:03d}"
            # five-digit ids from 94001 on: no Belgian NIS code starts with 94 to 96
            number = 94000 + 1000 * list(MUNICIPALITIES).index(region) + i + 1
            rows.append((str(number), f"OCMW {code}", f"CPAS {code}", region, population))
    table = pd.DataFrame(rows, columns=COLUMNS[:-1])
    rate = table["region"].map(RATE) * rng.lognormal(0, 0.35, size=len(table))
    table["leefloon_recipients"] = np.maximum(1, np.round(table["population"] * rate)).astype(int)
    return table.sort_values("ocmw_id").reset_index(drop=True)


if __name__ == "__main__":
    illustrative_table(load_ocmw_reference("config/reference/ocmw.csv")).to_csv(
        sys.stdout, index=False, lineterminator="\n"
    )
