"""Protect: from cleaned responses to the pseudonymised, generalised microdata of the private zone.

Roles in the codebook decide (docs/stages/protect.md): direct identifiers and free text were
dropped at ingest already; here quasi-identifiers are replaced by their generalised form
(age -> band, country -> group, children's birth years -> age bands, languages -> groups)
and everything not needed by the indicators (response ids, submission times) is dropped.
Only analysis variables, generalised variables and the grouping columns remain.

Follow-up rows (wave ``followup``, when the cohort has a follow-up) are protected the same
way; the age band is the one at the woman's first measurement, on every row.
"""

from __future__ import annotations

import pandas as pd

from miriam.config import Cohort, Instrument
from miriam.vocab import PROTECTED_EXTRA, age_group_codes

GROUPING = ["pseudonym", "wave", "ocmw_id", "project_id", "region", "city_size"]


def age_band(age: pd.Series, bounds: list[int]) -> pd.Series:
    """'18-24', ..., '40+'; ages below the first bound fall in the first band (stated in docs)."""
    labels = [f"{lo}-{hi - 1}" for lo, hi in zip(bounds, bounds[1:], strict=False)] + [f"{bounds[-1]}+"]
    edges = [-1, *bounds[1:], 200]
    return pd.cut(age, bins=edges, labels=labels, right=False).astype("string")


def first_group(codes: pd.Series, groups: list[dict], member_key: str) -> pd.Series:
    """Map '|'-joined codes to the first configured group listing any of them."""
    lookup = {}
    for group in groups:
        for member in group[member_key]:
            lookup.setdefault(member, group["id"])
    fallback = groups[-1]["id"]

    def one(value: object) -> object:
        if value is None or value is pd.NA:
            return pd.NA
        found = [lookup.get(c, fallback) for c in str(value).split("|")]
        # Several countries/languages: the earliest group in the configured order wins.
        order = [g["id"] for g in groups]
        return min(found, key=order.index)

    return codes.map(one).astype("string")


def language_groups(codes: pd.Series, groups: list[dict]) -> pd.Series:
    """All groups a woman's languages fall in, '|'-joined in configured order."""
    lookup = {m: g["id"] for g in groups for m in g["languages"]}
    order = [g["id"] for g in groups]

    def one(value: object) -> object:
        if value is None or value is pd.NA:
            return pd.NA
        found = {lookup.get(c, order[-1]) for c in str(value).split("|")}
        return "|".join(sorted(found, key=order.index))

    return codes.map(one).astype("string")


def children_age_bands(years: pd.Series, reference_year: int, bounds: list[int]) -> pd.Series:
    """'|'-joined age bands of a woman's children at the start of the cohort."""
    labels = [f"{lo}-{hi - 1}" for lo, hi in zip(bounds, bounds[1:], strict=False)] + [f"{bounds[-1]}+"]

    def band(age: int) -> str:
        index = max(i for i, lo in enumerate(bounds) if age >= lo) if age >= bounds[0] else 0
        return labels[index]

    def one(value: object) -> object:
        if value is None or value is pd.NA:
            return pd.NA
        ages = [reference_year - int(y) for y in str(value).split("|")]
        return "|".join(sorted({band(a) for a in ages}, key=labels.index))

    return years.map(one).astype("string")


# size: a signature of 13 lines; the body is one generalisation per quasi-identifier, in the order
# of docs/stages/protect.md
def protect(
    responses: pd.DataFrame,
    instrument: Instrument,
    reference: pd.DataFrame,
    groups: dict,
    *,
    age_bounds: list[int],
    large_city_population: int,
    reference_year: int,
    age_group_cut: int = 35,
    stop_month_bands: list[int] | None = None,
    programme_start: str | None = None,
    children_table_bands: list[dict] | None = None,
) -> pd.DataFrame:
    """Generalise quasi-identifiers and keep only what the indicators may use.

    The stop date (a date: identifying) becomes `stop_timing`, the band of whole months
    between the start of the programme year (`programme_start`) and the stop, with the
    lower bounds `stop_month_bands` ("0-2", "3-5", ... "9+"). `children_table_bands`: the
    bands of the children table (miriam.protect.children), one label per child in `children_bands`.
    """
    out = responses.copy()
    if stop_month_bands and programme_start and "stop_date" in out:
        out["stop_timing"] = stop_timing(out["stop_date"], programme_start, stop_month_bands)
    population = reference.set_index("nis_code")["population"]
    out["city_size"] = (
        out["ocmw_id"].map(population).ge(large_city_population).map({True: "large", False: "other"})
    ).astype("string")
    if "age_years" in out:
        # Age at the woman's first measurement, on every row: a birthday between the waves
        # must not move her to another band (that would itself reveal her birth date).
        first = out.assign(_o=out["wave"].map({"baseline": 0, "endline": 1, "followup": 2})).sort_values("_o")
        first_age = first.dropna(subset=["age_years"]).drop_duplicates("pseudonym")
        out["age_years"] = out["pseudonym"].map(first_age.set_index("pseudonym")["age_years"])
        out["age_band"] = age_band(out["age_years"], age_bounds)
        out["age_group"] = age_group(out["age_years"], age_group_cut)
    elif "age_band" in out:  # exports that carry the band itself (older instruments)
        lower = out["age_band"].str.extract(r"^(\d+)")[0].astype("Float64")
        out["age_group"] = age_group(lower, age_group_cut)
    if "birth_country" in out:
        out["birth_country_group"] = first_group(out["birth_country"], groups["country_groups"], "countries")
    if "birth_country_group" in out:
        out["born_in_belgium"] = out["birth_country_group"].eq("belgium").astype("boolean")
    if "languages" in out and "language_groups" not in out:
        out["language_groups"] = language_groups(out["languages"], groups["language_groups"])
    if "children_birth_years" in out:
        out["children_age_bands"] = children_age_bands(
            out["children_birth_years"], reference_year, groups["child_age_bands"]
        )
    if "children_birth_years" in out and children_table_bands:
        from miriam.protect.children import children_bands

        out["children_bands"] = children_bands(
            out["children_birth_years"], out.get("n_children"), reference_year, children_table_bands
        )
    if "n_children" in out:
        cap = groups["max_children"]
        out["n_children"] = (
            out["n_children"]
            .map(lambda n: pd.NA if n is pd.NA else (f"{cap}+" if n >= cap else str(n)))
            .astype("string")
        )
    if "diploma" in out:
        levels = {str(c["code"]): c.get("level") for c in instrument.variables["diploma"].scale["categories"]}
        out["diploma_level"] = out["diploma"].map(levels).astype("string")
    keep = (
        GROUPING
        + [c for c in PROTECTED_EXTRA if c in out]
        + [v.name for v in instrument.with_role("analysis") if v.name in out]
    )
    kept_quasi = ["diploma", "diploma_recognised", "n_children"]
    keep += [c for c in kept_quasi if c in out]
    return out[list(dict.fromkeys(keep))].sort_values(["pseudonym", "wave"]).reset_index(drop=True)


def protect_cohort(
    responses: pd.DataFrame,
    instrument: Instrument,
    reference: pd.DataFrame,
    groups: dict,
    cohort: Cohort,
    generalise: dict,
) -> pd.DataFrame:
    """:func:`protect` with the settings of config ``generalise`` (with the cohort's own
    overrides, miriam.config.settings) and the cohort's dates (the year of its age reference date for
    the children's ages, its window's start for the stop timing): what the rule runs."""
    from miriam.config.settings import DEFAULT_CHILDREN_BANDS, groups_for

    return protect(
        responses,
        instrument,
        reference,
        groups_for(groups, generalise),
        age_bounds=generalise["age_bands"],
        large_city_population=generalise["large_city_population"],
        reference_year=int(cohort.age_reference[:4]),
        age_group_cut=generalise["age_group_cut"],
        stop_month_bands=generalise["stop_month_bands"],
        programme_start=cohort.window()[0],
        children_table_bands=generalise.get("children_table_bands", DEFAULT_CHILDREN_BANDS),
    )


def age_group(age: pd.Series, cut: int) -> pd.Series:
    """The age subgroup of the report: under the cut or at least it, coded after the cut."""
    under, plus = age_group_codes(cut)
    return age.lt(cut).map({True: under, False: plus}).astype("string")


def stop_timing(stop: pd.Series, start: str, bounds: list[int]) -> pd.Series:
    """Whole months from `start` to the stop date, as a band: "0-2", "3-5", ..., "9+"."""
    dates = pd.to_datetime(stop, errors="coerce")
    begin = pd.Timestamp(start)
    months = (dates.dt.year - begin.year) * 12 + (dates.dt.month - begin.month)
    months = months.where(dates.dt.day >= begin.day, months - 1).clip(lower=0)
    labels = [f"{lo}-{hi - 1}" for lo, hi in zip(bounds, bounds[1:], strict=False)] + [f"{bounds[-1]}+"]
    banded = pd.cut(months, bins=[*bounds, 10_000], right=False, labels=labels)
    return banded.astype("string")


# Columns that must never appear in the protected table (checked by tests and by protect()).
FORBIDDEN = {
    "age_years",
    "birth_country",
    "languages",
    "children_birth_years",
    "response_id",
    "submitted_at",
    "stop_date",
    "source_file",
    "source_row",
}


# --- a pseudonymised extract for re-use ---------------------------------------------------------


def k_anonymity(women: pd.DataFrame, quasi_identifiers: list[str]) -> int:
    """The k of a table with one row per woman: the size of its smallest group of women who
    share every quasi-identifier (a missing value is a value of its own).

    Written here rather than taken from pyCANON, the reference implementation: pyCANON 1.3
    pins numpy 2.0, pandas 2.3 and scipy 1.15 exactly, which this environment cannot hold, and
    k is one group-by.
    """
    if women.empty:
        return 0
    sizes = women.groupby(quasi_identifiers, dropna=False, observed=True).size()
    return int(sizes.min())


def extract(
    protected: pd.DataFrame, instrument: Instrument, *, quasi_identifiers: list[str], k: int
) -> pd.DataFrame:
    """The extract kept for re-use: one row per woman and wave, no OCMW or project (region
    only), the generalised quasi-identifiers and the analysis variables.

    Raises
    ------
    DisclosureError
        When the extract is less than `k`-anonymous over `quasi_identifiers` (the message gives
        k and the number of women in too small groups, never their values).
    """
    from miriam.errors import ConfigError, DisclosureError

    missing = [q for q in quasi_identifiers if q not in protected]
    if missing:
        raise ConfigError(
            f"extract.quasi_identifiers names columns the protected table lacks: {missing}",
            expected=f"columns of the protected table: {sorted(protected.columns)}",
        )
    analysis = [v.name for v in instrument.with_role("analysis") if v.name in protected]
    columns = list(dict.fromkeys(["pseudonym", "wave", *quasi_identifiers, *analysis]))
    out = protected[[c for c in columns if c not in ("ocmw_id", "project_id")]]
    women = out.sort_values(["pseudonym", "wave"]).drop_duplicates("pseudonym")
    found = k_anonymity(women, quasi_identifiers)
    if found < k:
        sizes = women.groupby(quasi_identifiers, dropna=False, observed=True).size()
        raise DisclosureError(
            f"the extract is only {found}-anonymous over {quasi_identifiers}: "
            f"{int(sizes[sizes < k].sum())} women are in groups smaller than {k}",
            expected=f"every combination of the quasi-identifiers shared by at least {k} women",
            hint="generalise more (fewer or coarser quasi-identifiers) or do not keep an extract",
        )
    return out.reset_index(drop=True)
