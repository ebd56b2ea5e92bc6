"""The shared vocabulary of every stage, defined once: languages and locales, waves, the
levels a number is published at, regions, item groups, and the columns the protect stage
derives. Plain constants and no imports beyond the standard library, so that any module (the
lowest included) can use them without pulling in a stage.
"""

from __future__ import annotations

#: Report languages, in the order the documents are built.
LANGUAGES = ("nl", "fr")
#: Babel locales of the report languages (numbers, dates, lists).
LOCALES = {"nl": "nl_BE", "fr": "fr_BE"}
#: BCP 47 tags for the documents (``lang`` in the front matter -> ``<html lang>``).
DOC_LANG = {"nl": "nl-BE", "fr": "fr-BE"}

#: The programme year's waves: the form at the start and at the end.
WAVES = ("baseline", "endline")
#: The follow-up wave: a form about a year after the end, on a sample of the women, when a
#: cohort declares one (`followup:` in the cohort config). It is never part of the programme
#: year's families: only the follow-up family (indicators.followup_table) reads it.
FOLLOWUP = "followup"
ALL_WAVES = (*WAVES, FOLLOWUP)

#: The levels a number is computed and published at, the whole country first.
LEVELS = ("national", "region", "project", "ocmw")
#: The level and unit code of the whole country.
NATIONAL = "national"
NATIONAL_UNIT = "BE"
#: The column of the protected responses that holds each level's unit.
LEVEL_COLUMN = {
    "national": "national",
    "region": "region",
    "project": "project_id",
    "ocmw": "ocmw_id",
}
#: Belgium's regions, as the OCMW reference table codes them.
REGIONS = ("flanders", "brussels", "wallonia")
#: Each region's name in Dutch and in French, and the languages it is reported in.
REGION_NAMES = {
    "flanders": ("Vlaanderen", "Flandre", "nl"),
    "brussels": ("Brussels Hoofdstedelijk Gewest", "Région de Bruxelles-Capitale", "nl|fr"),
    "wallonia": ("Wallonië", "Wallonie", "fr"),
}

#: The groups of score items a chart and a report section show: life domains, empowerment.
GROUPS = ("domain", "empowerment")
#: The subgroup value of women whose value is missing (never tabulated as a group).
UNKNOWN = "unknown"

#: Columns the protect stage adds from the codebook's variables (generalised or derived).
PROTECTED_EXTRA = (
    "stop_timing",
    "age_band",
    "age_group",
    "birth_country_group",
    "born_in_belgium",
    "language_groups",
    "children_age_bands",
    "children_bands",
    "diploma_level",
)
#: Every column the pipeline derives: the indicator catalogue may use them although no
#: codebook declares them (config.load_catalogue checks the others against the codebooks).
DERIVED = frozenset([*PROTECTED_EXTRA, "city_size"])


def age_group_codes(cut: int) -> tuple[str, str]:
    """The codes of the two age subgroups for config ``generalise.age_group_cut``:
    ``under_<cut>`` and ``<cut>_plus`` (``under_35`` / ``35_plus`` with the shipped 35). The
    catalogue's ``age_group`` subgroup labels these very codes (config.check_age_group_labels)."""
    return f"under_{cut}", f"{cut}_plus"
