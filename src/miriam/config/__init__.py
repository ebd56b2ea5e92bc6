"""Loading and validating the configuration files: the pipeline's user interface.

Every file is validated against its JSON schema, package data of this package (schemas/, read
with importlib.resources, so that an installed, non-editable package finds them too), and a
failure names the file, the key and what was expected. Loaded objects are small frozen dataclasses so that the
stages get typed, read-only views instead of nested dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import yaml

from miriam.errors import ConfigError
from miriam.vocab import ALL_WAVES, DERIVED, FOLLOWUP, LANGUAGES, REGIONS, WAVES  # noqa: F401 (re-exported)

ROOT = Path(__file__).resolve().parents[3]
#: The JSON schemas of every config file kind (package data).
SCHEMAS = resources.files("miriam.config") / "schemas"


class _DatesAsText(yaml.SafeLoader):
    """A safe loader that leaves dates as text: schemas check them as ISO strings."""


_DatesAsText.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML file; a syntax error names the file and the line."""
    path = Path(path)
    if not path.exists():
        raise ConfigError("file not found", file=str(path))
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DatesAsText)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark else None
        raise ConfigError(
            f"not valid YAML ({getattr(error, 'problem', error)})", file=str(path), row=row
        ) from None
    return data or {}


def validate(data: dict[str, Any], schema_name: str, file: str | Path) -> dict[str, Any]:
    """Validate `data` against src/miriam/config/schemas/<schema_name>.schema.yaml, filling defaults.

    Raises ConfigError naming the file, the key path and the schema's expectation.
    """
    schema = _schema(schema_name)
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = _with_defaults(validator_cls)(schema, format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if len(errors) == 1:
        key, message, expected = _problem(errors[0])
        raise ConfigError(f"key '{key}': {message}", file=str(file), expected=expected)
    if errors:  # every problem at once (issue 17): each names its key and what was expected
        lines = []
        for error in errors:
            key, message, expected = _problem(error)
            lines.append(f"  key '{key}': {message}" + (f"; expected {expected}" if expected else ""))
        raise ConfigError(f"{len(errors)} problems:\n" + "\n".join(lines) + "\n", file=str(file))
    return data


def _problem(error: jsonschema.ValidationError) -> tuple[str, str, str | None]:
    key = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    expected = error.schema.get("description") if isinstance(error.schema, dict) else None
    return key, error.message, expected


@cache
def _schema(name: str) -> dict[str, Any]:
    return yaml.safe_load((SCHEMAS / f"{name}.schema.yaml").read_text(encoding="utf-8"))


def _with_defaults(validator_cls):
    """A validator that also sets `default` values (as snakemake's validate does)."""
    validate_properties = validator_cls.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for prop, subschema in properties.items():
                if isinstance(subschema, dict) and "default" in subschema:
                    instance.setdefault(prop, subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_cls, {"properties": set_defaults})


# --- the instrument (codebook) ------------------------------------------------------------


@dataclass(frozen=True)
class Variable:
    """One question of the form, as declared in the codebook."""

    name: str
    role: str
    scale: dict[str, Any]
    waves: tuple[str, ...]
    header: dict[str, str]
    label: dict[str, str] = field(default_factory=dict)
    definition: dict[str, str] = field(default_factory=dict)
    group: str | None = None
    derive: str | None = None
    source: dict[str, Any] = field(default_factory=dict)
    sum_of: tuple[str, ...] = ()
    # A total's policy (variables with `sum_of`): "recompute" uses the sum of its items,
    # "stored" the export's own total; differences are listed in the QA report either way.
    total: str = "recompute"

    @property
    def kind(self) -> str:
        return self.scale["type"]


@dataclass(frozen=True)
class Instrument:
    """A codebook version: its scales and variables, in file order."""

    version: str
    layout: str
    variables: dict[str, Variable]
    raw: dict[str, Any]

    def in_wave(self, wave: str) -> list[Variable]:
        return [v for v in self.variables.values() if wave in v.waves]

    def with_role(self, *roles: str) -> list[Variable]:
        return [v for v in self.variables.values() if v.role in roles]

    def items(self, group: str | None = None) -> list[Variable]:
        """Analysis scores (life domains, empowerment), optionally of one group."""
        return [
            v for v in self.variables.values() if v.group is not None and (group is None or v.group == group)
        ]

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(v.group for v in self.items()))


def load_instrument(path: str | Path) -> Instrument:
    data = validate(load_yaml(path), "instrument", path)
    scales = data["scales"]
    variables = {}
    for name, spec in data["variables"].items():
        if spec["scale"] not in scales:
            raise ConfigError(
                f"key 'variables/{name}/scale': unknown scale '{spec['scale']}'",
                file=str(path),
                expected="one of " + ", ".join(sorted(scales)),
            )
        variables[name] = Variable(
            name=name,
            role=spec["role"],
            scale=scales[spec["scale"]],
            waves=tuple(spec["waves"]),
            header=spec.get("header", {}),
            label=spec.get("label", {}),
            definition=spec.get("definition", {}),
            group=spec.get("group"),
            derive=spec.get("derive"),
            source=spec.get("source", {}),
            sum_of=tuple(spec.get("sum_of", ())),
            total=spec.get("total", "recompute"),
        )
    return Instrument(data["version"], data.get("layout", "long"), variables, data)


# --- cohorts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    path: str
    wave: str
    language: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    # Optional: the spreadsheet row of the header (1 = first row). The reader finds it by
    # itself (title rows above it included); a declared row is checked against the file.
    header_row: int | None = None


@dataclass(frozen=True)
class Cohort:
    """One cohort's exports, instrument and OCMW-to-project mapping."""

    name: str
    label: str
    demo: bool
    instrument: str
    exports: tuple[Export, ...]
    projects: pd.DataFrame  # project_id, ocmw_id, since (one row per OCMW)
    raw: dict[str, Any]

    @property
    def first_year(self) -> int:
        return int(str(self.raw["window"]["start"])[:4])

    @property
    def followup(self) -> dict[str, Any] | None:
        """The cohort's follow-up block (measurement, window), or None without a follow-up."""
        return self.raw.get("followup")

    @property
    def age_reference(self) -> str:
        """The date (YYYY-MM-DD) at which a woman's age is taken when her export has no
        submission date (a wide export): `age_reference` in the cohort file, else the first
        day of the baseline measurement (a month: its first day; a range: its `from`)."""
        if self.raw.get("age_reference"):
            return str(self.raw["age_reference"])
        period = self.raw["measurement"]["baseline"]
        return str(period["from"]) if isinstance(period, dict) else f"{period}-01"

    def window(self, wave: str = "baseline") -> tuple[str, str]:
        """First and last admissible submission day of a wave's forms: the cohort window, or
        for the follow-up its own window (follow-up forms come a year after the end)."""
        block = self.followup["window"] if wave == FOLLOWUP and self.followup else self.raw["window"]
        return str(block["start"]), str(block["end"])


def load_cohort(path: str | Path) -> Cohort:
    data = validate(load_yaml(path), "cohort", path)
    exports = tuple(Export(**e) for e in data["exports"])
    seen: dict[str, int] = {}
    for i, export in enumerate(exports):
        if export.path in seen:
            raise ConfigError(
                f"key 'exports/{i}/path': the same export is listed twice (also exports/{seen[export.path]})",
                file=str(path),
            )
        seen[export.path] = i
    _check_followup(data, exports, path)
    check_publication_date(data, (data.get("publication") or {}).get("date"), str(path))
    for wave, period in data["measurement"].items():
        if isinstance(period, dict) and str(period["from"]) > str(period["to"]):
            raise ConfigError(
                f"key 'measurement/{wave}': the period ends ({period['to']}) "
                f"before it starts ({period['from']})",
                file=str(path),
                expected="`from` on or before `to` (YYYY-MM-DD)",
            )
    rows = [
        {"project_id": p["id"], "ocmw_id": str(o), "since": int(p["since"])}
        for p in data["projects"]
        for o in p["ocmws"]
    ]
    projects = pd.DataFrame(rows, columns=["project_id", "ocmw_id", "since"])
    dupes = projects[projects["ocmw_id"].duplicated()]["ocmw_id"].tolist()
    if dupes:
        raise ConfigError(
            f"key 'projects': OCMW {', '.join(dupes)} belongs to more than one project",
            file=str(path),
        )
    return Cohort(
        name=data["cohort"],
        label=str(data["label"]),
        demo=bool(data.get("demo", False)),
        instrument=data["instrument"],
        exports=exports,
        projects=projects,
        raw=data,
    )


def last_measured(data: dict[str, Any]) -> str:
    """The last month (YYYY-MM) a cohort measured: its follow-up, else its endline (a range's end)."""
    endline = data["measurement"]["endline"]
    last = str(endline["to"] if isinstance(endline, dict) else endline)[:7]
    followup = (data.get("followup") or {}).get("measurement")
    return max(last, str(followup)[:7]) if followup else last


def check_publication_date(data: dict[str, Any], date: Any, file: str) -> None:
    """A report is not dated before the last measurement it reports (a follow-up in June 2025
    under a cover of March 2025 would be an impossible date).

    Raises
    ------
    ConfigError
        Naming the file that sets the date, the key and the last measurement.
    """
    if date and str(date)[:7] < last_measured(data):
        raise ConfigError(
            f"key 'publication/date': the publication date {date} precedes the cohort's last "
            f"measurement ({last_measured(data)})",
            file=file,
            expected="a date on or after the last measurement: the cohort file's `publication: {date: ...}`",
        )


def _check_followup(data: dict[str, Any], exports: tuple[Export, ...], path: str | Path) -> None:
    """A follow-up export needs the `followup` block (its window), and a declared follow-up
    needs at least one export: an empty follow-up family would otherwise pass unnoticed."""
    listed = [i for i, e in enumerate(exports) if e.wave == FOLLOWUP]
    if listed and not data.get("followup"):
        raise ConfigError(
            f"key 'exports/{listed[0]}/wave': a follow-up export, but the cohort declares no follow-up",
            file=str(path),
            expected="a `followup:` block with `measurement` (YYYY-MM) and `window` (start, end)",
        )
    if data.get("followup") and not listed:
        raise ConfigError(
            "key 'followup': a follow-up is declared, but no export has `wave: followup`",
            file=str(path),
            expected="the follow-up export(s) under `exports`, or no `followup:` block",
        )


def load_catalogue(path: str | Path, instruments_dir: str | Path | None = None) -> dict[str, Any]:
    """The indicator catalogue, validated, with every variable checked against the codebooks.

    An entry whose variable no instrument version has is an error (a typo would otherwise
    make the indicator vanish silently); an entry that only some versions have is fine: a
    cohort of another version simply has no such question.
    """
    data = validate(load_yaml(path), "indicators", path)
    directory = Path(instruments_dir) if instruments_dir else ROOT / "config" / "instruments"
    known = set(DERIVED)
    for file in sorted(directory.glob("*.yaml")):
        known |= set(load_yaml(file).get("variables", {}))
    ids = [spec["id"] for spec in data["indicators"]]
    for i, spec in enumerate(data["indicators"]):
        if ids.count(spec["id"]) > 1:
            raise ConfigError(
                f"indicator id '{spec['id']}' is used twice", file=str(path), expected="unique ids"
            )
        if spec.get("wave") == FOLLOWUP and spec["kind"] != "distribution":
            # the follow-up family takes distributions and the followup_* kinds only
            raise ConfigError(
                f"key 'indicators/{i}' ({spec['id']}): kind {spec['kind']} cannot use `wave: followup`",
                file=str(path),
                expected="kind distribution (or followup_change / followup_declined) for the follow-up",
            )
        for variable in [spec.get("variable"), *spec.get("where", {})]:
            if variable is not None and variable not in known:
                raise ConfigError(
                    f"key 'indicators/{i}' ({spec['id']}): variable '{variable}' is in no codebook",
                    file=str(path),
                    expected=f"a variable of config/instruments/*.yaml or one of {sorted(DERIVED)}",
                )
    return data


def check_age_group_labels(catalogue: dict[str, Any], cut: int, path: str | Path) -> None:
    """The catalogue's `age_group` subgroup must label the codes that config
    `generalise.age_group_cut` gives (vocab.age_group_codes), and each label must print the
    cut: otherwise a changed cut would silently drop the subgroup or print the old age."""
    from miriam.vocab import age_group_codes

    codes = age_group_codes(cut)
    for i, subgroup in enumerate(catalogue.get("subgroups", [])):
        if subgroup["id"] != "age_group":
            continue
        values = subgroup["values"]
        if sorted(map(str, values)) != sorted(codes):
            raise ConfigError(
                f"key 'subgroups/{i}/values' (age_group): {sorted(map(str, values))} do not follow "
                f"config generalise.age_group_cut = {cut}",
                file=str(path),
                expected=f"the values {codes[0]} and {codes[1]}, labelled with the age {cut}",
            )
        for code, labels in values.items():
            for lang, label in labels.items():
                if str(cut) not in str(label):
                    raise ConfigError(
                        f"key 'subgroups/{i}/values/{code}/{lang}': the label {label!r} does not "
                        f"print the age cut {cut} (config generalise.age_group_cut)",
                        file=str(path),
                        expected=f"a label with the age {cut}",
                    )


def load_config(path: str | Path = "config/config.yaml") -> dict[str, Any]:
    return validate(load_yaml(path), "config", path)


# Config paths are relative to the working directory (the project, or `snakemake -d DIR`), so
# that a test or a second project can run the same workflow on its own config/ tree.
def instrument_path(version: str) -> Path:
    return Path("config") / "instruments" / f"{version}.yaml"


#: A researcher's own cohort files: untracked (.gitignore), searched before config/cohorts/, so
#: that a real cohort's config never shows as a change of the repository (nor marks the
#: build's manifest "dirty").
LOCAL_COHORTS = Path("config") / "local"


def cohort_path(name: str) -> Path:
    """config/local/<name>.yaml when it exists, else config/cohorts/<name>.yaml."""
    local = LOCAL_COHORTS / f"{name}.yaml"
    return local if local.exists() else Path("config") / "cohorts" / f"{name}.yaml"


# --- the OCMW reference table --------------------------------------------------------------

OCMW_COLUMNS = [
    "nis_code",
    "name_nl",
    "name_fr",
    "aliases",
    "region",
    "population",
    "report_languages",
]


def load_ocmw_reference(path: str | Path) -> pd.DataFrame:
    """Read config/reference/ocmw.csv with explicit dtypes and check it."""
    path = Path(path)
    if not path.exists():
        raise ConfigError("OCMW reference table not found", file=str(path))
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in OCMW_COLUMNS if c not in df.columns]
    if missing:
        raise ConfigError(
            f"missing column(s) {', '.join(missing)}",
            file=str(path),
            expected="columns " + ", ".join(OCMW_COLUMNS),
        )
    for i, rec in enumerate(df.to_dict("records"), start=2):
        if rec["region"] not in REGIONS:
            raise ConfigError(
                f"unknown region '{rec['region']}'",
                file=str(path),
                row=i,
                column="region",
                expected=" / ".join(REGIONS),
            )
        if not set(rec["report_languages"].split("|")) <= set(LANGUAGES):
            raise ConfigError(
                f"unknown report language '{rec['report_languages']}'",
                file=str(path),
                row=i,
                column="report_languages",
                expected="nl, fr or nl|fr",
            )
        if not rec["population"].isdigit():
            raise ConfigError(
                f"population '{rec['population']}' is not a whole number",
                file=str(path),
                row=i,
                column="population",
                expected="digits only",
            )
    dupes = df[df["nis_code"].duplicated()]["nis_code"].tolist()
    if dupes:
        raise ConfigError(f"NIS code(s) listed twice: {', '.join(dupes)}", file=str(path), column="nis_code")
    df["population"] = df["population"].astype("int64")
    return df.sort_values("nis_code").reset_index(drop=True)
