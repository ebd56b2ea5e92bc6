"""Children as the 2018-2019 report counts them (Tabel 11): children, not women, per age band.

Protect turns each woman's birth years into `children_bands`: one band label per child,
'|'-joined with repeats ("0-2|0-2|6-12"), plus `no_birth_year` for every child that AANTAL_KIND
counts but no birth year lists (the report's "children without a birth year"). The years
themselves never leave protect.

The indicators stage tabulates them as a `distributions`-shaped table (level, unit,
indicator, wave, category, n, count, pct, multi) with indicator `children_age`: n is the
number of children of the unit, count the children in the band, pct = count / n. Every child
is in exactly one category, so the categories add up to n (multi = false) and disclosure
control (cells.table_kind: "distributions") suppresses it like any profile table.

`women` is the number of women with at least one child in the category (the contributors):
a count of children is not a count of women (five children may be one woman's), so the
children's own disclosure rule (:mod:`miriam.disclosure.children`) decides on the women behind
each count. The publication plan does not list it: it never reaches results/.
"""

from __future__ import annotations

import pandas as pd

from miriam.config.settings import NO_BIRTH_YEAR

INDICATOR = "children_age"
COLUMNS = ["level", "unit", "indicator", "wave", "category", "n", "count", "pct", "multi", "women"]


def band_of(age: int, bands: list[dict]) -> str:
    """The label of the band an age falls in (below the first bound: the first band)."""
    label = bands[0]["label"]
    for band in bands:
        if age >= int(band["from"]):
            label = band["label"]
    return label


def children_bands(
    years: pd.Series, n_children: pd.Series | None, reference_year: int, bands: list[dict]
) -> pd.Series:
    """Per woman, one band label per child ('|'-joined, repeats kept, oldest band first)."""
    order = [b["label"] for b in bands] + [NO_BIRTH_YEAR]
    declared = n_children if n_children is not None else pd.Series(pd.NA, index=years.index)

    def one(value: object, n: object) -> object:
        listed = [] if value is None or value is pd.NA else str(value).split("|")
        labels = [band_of(reference_year - int(y), bands) for y in listed]
        if n is not None and n is not pd.NA and not pd.isna(n):
            labels += [NO_BIRTH_YEAR] * max(int(n) - len(listed), 0)
        if not labels:
            return pd.NA
        return "|".join(sorted(labels, key=order.index))

    return pd.Series(
        [one(v, n) for v, n in zip(years, declared, strict=True)], index=years.index, dtype="string"
    )


def children_table(
    protected: pd.DataFrame, bands: list[dict], levels: dict[str, str], home: pd.DataFrame
) -> pd.DataFrame:
    """The children table per level (`levels`: level -> column of `home`, the woman's row
    that decides her units): n children, and children per band and without a birth year."""
    categories = [b["label"] for b in bands] + [NO_BIRTH_YEAR]
    if "children_bands" not in home:
        return pd.DataFrame(columns=COLUMNS)
    per_child = home[[*levels.values(), "children_bands"]].dropna(subset=["children_bands"])
    per_child = per_child.assign(
        woman=range(len(per_child)), category=per_child["children_bands"].str.split("|")
    ).explode("category")
    records = []
    for level, column in levels.items():
        grouped = per_child.groupby([column, "category"])
        counts = grouped.size().unstack(fill_value=0).reindex(columns=categories, fill_value=0)
        women = grouped["woman"].nunique().unstack(fill_value=0).reindex(columns=categories, fill_value=0)
        for unit, row in counts.iterrows():
            n = int(row.sum())
            for category in categories:
                count = int(row[category])
                records.append({"level": level, "unit": str(unit), "indicator": INDICATOR,
                                "wave": "baseline", "category": category, "n": n, "count": count,
                                "pct": 100.0 * count / n if n else float("nan"), "multi": False,
                                "women": int(women.at[unit, category])})  # fmt: skip
    table = pd.DataFrame(records, columns=COLUMNS)
    return table.astype({"n": "int64", "count": "int64", "multi": "bool", "women": "int64"})
