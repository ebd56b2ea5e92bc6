"""Every shipped config file validates and is consistent with the others; a broken file fails
with a message naming the file, the key (or row and column) and what was expected."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml
from babel import Locale

from miriam import config
from miriam.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
COHORTS = sorted((ROOT / "config" / "cohorts").glob("*.yaml"))
INSTRUMENTS = sorted((ROOT / "config" / "instruments").glob("*.yaml"))
OCMW = ROOT / "config" / "reference" / "ocmw.csv"
GROUPS = ROOT / "config" / "reference" / "groups.yaml"


def _write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- the shipped files ----------------------------------------------------------------------


def test_main_config_validates():
    data = config.load_config(ROOT / "config" / "config.yaml")
    for name in data["cohorts"]:
        assert (ROOT / "config" / "cohorts" / f"{name}.yaml").is_file(), name
    assert (ROOT / data["reference"]["ocmw"]).is_file()
    assert data["generalise"]["age_bands"] == sorted(data["generalise"]["age_bands"])


@pytest.mark.parametrize("path", COHORTS, ids=[p.stem for p in COHORTS])
def test_cohort_configs_validate_and_are_consistent(path):
    cohort = config.load_cohort(path)
    assert cohort.name == path.stem
    assert (ROOT / "config" / "instruments" / f"{cohort.instrument}.yaml").is_file()
    known = set(config.load_ocmw_reference(OCMW)["nis_code"])
    assert set(cohort.projects["ocmw_id"]) <= known, set(cohort.projects["ocmw_id"]) - known
    assert cohort.raw["window"]["start"] < cohort.raw["window"]["end"]
    if not cohort.demo:
        assert "demo_pseudonym_key" not in cohort.raw, "a real cohort must not carry a pseudonym key"


@pytest.mark.parametrize("path", INSTRUMENTS, ids=[p.stem for p in INSTRUMENTS])
def test_instruments_validate(path):
    instrument = config.load_instrument(path)
    assert instrument.version == path.stem
    keys = instrument.with_role("key")
    assert len(keys) == 1
    if instrument.layout == "long":
        for lang in ("nl", "fr"):
            headers = [
                config_header for v in instrument.variables.values() if (config_header := v.header.get(lang))
            ]
            normalised = [h.casefold().strip() for h in headers]
            assert len(normalised) == len(set(normalised)), f"duplicate {lang} header"
    for variable in instrument.items():
        assert variable.kind == "score" and variable.role == "analysis"


def test_ocmw_reference_validates():
    reference = config.load_ocmw_reference(OCMW)
    assert reference["nis_code"].str.fullmatch(r"[0-9]{5}").all()
    assert str(reference["population"].dtype) == "int64"


def test_groups_use_real_codes():
    groups = config.load_yaml(GROUPS)
    territories = {c for c in Locale.parse("nl").territories if len(c) == 2 and c.isalpha()}
    countries = [c for g in groups["country_groups"] for c in g["countries"]]
    assert set(countries) <= territories, set(countries) - territories
    assert len(countries) == len(set(countries)), "a country in two groups"
    assert groups["country_groups"][-1]["countries"] == []  # the catch-all comes last
    assert groups["language_groups"][-1]["languages"] == []
    assert groups["child_age_bands"] == sorted(groups["child_age_bands"])


def test_every_language_group_code_can_be_parsed_from_a_name():
    from miriam.ingest import parse

    groups = config.load_yaml(GROUPS)
    aliases = config.load_yaml(ROOT / "config" / "reference" / "name_aliases.yaml")["languages"]
    producible = set(parse.language_names("nl").values()) | set(parse.language_names("fr").values())
    producible |= {code for names in aliases.values() for code in names.values()}
    languages = {c for g in groups["language_groups"] for c in g["languages"]}
    assert languages <= producible, languages - producible


# --- broken files fail naming the key -------------------------------------------------------


@pytest.fixture
def cohort_data():
    return config.load_yaml(ROOT / "config" / "cohorts" / "demo-2023-2024.yaml")


def test_cohort_without_window(tmp_path, cohort_data):
    del cohort_data["window"]
    path = _write(tmp_path, "c.yaml", cohort_data)
    with pytest.raises(ConfigError) as info:
        config.load_cohort(path)
    message = str(info.value)
    assert f"file {path}" in message
    assert "'window' is a required property" in message


def test_cohort_with_unknown_wave(tmp_path, cohort_data):
    cohort_data["exports"][0]["wave"] = "middle"
    path = _write(tmp_path, "c.yaml", cohort_data)
    with pytest.raises(ConfigError) as info:
        config.load_cohort(path)
    message = str(info.value)
    assert f"file {path}" in message
    assert "key 'exports/0/wave'" in message and "'middle'" in message


@pytest.mark.parametrize(
    "edit, key",
    [
        (lambda d: d["exports"][1].update(delimiter="|"), "exports/1/delimiter"),
        (lambda d: d["exports"][2].update(encoding="latin-1"), "exports/2/encoding"),
        (lambda d: d["projects"][0].update(ocmws=["Antwerpen"]), "projects/0/ocmws/0"),
        (lambda d: d.update(colour="blue"), "(top level)"),
    ],
)
def test_cohort_errors_name_the_key(tmp_path, cohort_data, edit, key):
    edit(cohort_data)
    path = _write(tmp_path, "c.yaml", cohort_data)
    with pytest.raises(ConfigError, match=rf"key '{__import__('re').escape(key)}'"):
        config.load_cohort(path)


def test_cohort_with_an_impossible_window_date(tmp_path, cohort_data):
    cohort_data["window"]["start"] = "2023-13-01"
    path = _write(tmp_path, "c.yaml", cohort_data)
    with pytest.raises(ConfigError, match=r"key 'window/start'"):
        config.load_cohort(path)


def test_cohort_listing_an_export_twice(tmp_path, cohort_data):
    cohort_data["exports"].append(copy.deepcopy(cohort_data["exports"][0]))
    path = _write(tmp_path, "c.yaml", cohort_data)
    n = len(cohort_data["exports"]) - 1
    with pytest.raises(
        ConfigError,
        match=rf"key 'exports/{n}/path': the same export is listed twice \(also exports/0\)",
    ):
        config.load_cohort(path)


def test_a_publication_dated_before_the_follow_up_stops(tmp_path, cohort_data):
    """The demo's follow-up was measured in 2025-06: a cover of March 2025 is impossible."""
    cohort_data["publication"] = {"date": "2025-03-31"}
    path = _write(tmp_path, "c.yaml", cohort_data)
    with pytest.raises(ConfigError, match=r"key 'publication/date'.*2025-03-31.*\(2025-06\)") as info:
        config.load_cohort(path)
    assert f"file {path}" in str(info.value)
    cohort_data["publication"] = {"date": "2025-06-30"}
    config.load_cohort(_write(tmp_path, "ok.yaml", cohort_data))  # the month of the follow-up is fine


def test_the_report_stops_when_config_yaml_dates_it_before_the_data(tmp_path, cohort_data):
    """The default date of config.yaml counts too, where the cohort sets none."""
    from miriam import report

    del cohort_data["publication"]
    with pytest.raises(ConfigError, match=r"config/config.yaml or config/cohorts/demo-2023-2024.yaml"):
        report.write_sources(
            {}, cohort_data, ROOT / "config" / "instruments" / "miriam-2023.yaml", "nl", tmp_path,
            tmp_path / "out", min_n=10, publication={"date": "2025-03-31"},
        )  # fmt: skip


def test_ocmw_in_two_projects(tmp_path, cohort_data):
    cohort_data["projects"][1]["ocmws"].append(11002)
    path = _write(tmp_path, "c.yaml", cohort_data)
    with pytest.raises(ConfigError, match=r"key 'projects': OCMW 11002 belongs to more than one project"):
        config.load_cohort(path)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("cohort: x\nlabel: [unclosed\nexports: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"file {path}, row \d+: not valid YAML"):
        config.load_cohort(path)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        config.load_cohort(tmp_path / "nope.yaml")


@pytest.fixture
def instrument_data():
    return config.load_yaml(ROOT / "config" / "instruments" / "miriam-2023.yaml")


@pytest.mark.parametrize(
    "edit, key",
    [
        (
            lambda d: d["variables"]["dom_financial"].update(role="score"),
            "variables/dom_financial/role",
        ),
        (
            lambda d: d["variables"]["dom_financial"].update(waves=["middle"]),
            "variables/dom_financial/waves/0",
        ),
        (
            lambda d: d["variables"]["dom_financial"]["header"].pop("fr"),
            "variables/dom_financial/header",
        ),
        (lambda d: d["scales"]["score_0_10"].update(type="slider"), "scales/score_0_10/type"),
        (
            lambda d: d["variables"]["dom_financial"].update(scale="score_0_100"),
            "variables/dom_financial/scale",
        ),
    ],
)
def test_broken_instrument_names_the_key(tmp_path, instrument_data, edit, key):
    edit(instrument_data)
    path = _write(tmp_path, "miriam-2023.yaml", instrument_data)
    with pytest.raises(ConfigError) as info:
        config.load_instrument(path)
    message = str(info.value)
    assert f"file {path}" in message and f"key '{key}'" in message


def test_unknown_scale_lists_the_known_ones(tmp_path, instrument_data):
    instrument_data["variables"]["dom_financial"]["scale"] = "score_0_100"
    path = _write(tmp_path, "i.yaml", instrument_data)
    with pytest.raises(ConfigError, match=r"unknown scale 'score_0_100'; expected one of .*score_0_10"):
        config.load_instrument(path)


def test_broken_main_config_names_the_key(tmp_path):
    data = config.load_yaml(ROOT / "config" / "config.yaml")
    data["parsing"]["unknown_ocmw"] = "guess"
    path = _write(tmp_path, "config.yaml", data)
    with pytest.raises(ConfigError, match=r"key 'parsing/unknown_ocmw': 'guess' is not one of"):
        config.load_config(path)


# --- the OCMW reference table ------------------------------------------------------------------


def _broken_reference(tmp_path: Path, line: int, old: str, new: str) -> Path:
    lines = OCMW.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    path = tmp_path / "ocmw.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_reference_with_a_bad_region_names_row_and_column(tmp_path):
    path = _broken_reference(tmp_path, 4, ",flanders,", ",vlaanderen,")
    with pytest.raises(ConfigError) as info:
        config.load_ocmw_reference(path)
    message = str(info.value)
    assert message.startswith(f"file {path}, row 4, column 'region': unknown region 'vlaanderen'")
    assert "expected flanders / brussels / wallonia" in message


def test_reference_with_a_bad_population(tmp_path):
    path = _broken_reference(tmp_path, 3, ",119000,", ",119.000,")
    with pytest.raises(ConfigError, match=rf"file {path}, row 3, column 'population': population '119.000'"):
        config.load_ocmw_reference(path)


def test_reference_with_a_bad_language(tmp_path):
    path = _broken_reference(tmp_path, 2, ",nl\n", ",de\n")
    with pytest.raises(ConfigError, match=r"row 2, column 'report_languages': unknown report language 'de'"):
        config.load_ocmw_reference(path)


def test_reference_with_a_duplicate_code(tmp_path):
    path = _broken_reference(tmp_path, 3, "31005,", "11002,")
    with pytest.raises(ConfigError, match=r"column 'nis_code': NIS code\(s\) listed twice: 11002"):
        config.load_ocmw_reference(path)


def test_reference_without_a_column(tmp_path):
    path = tmp_path / "ocmw.csv"
    shutil.copy(OCMW, path)
    text = path.read_text(encoding="utf-8").replace("nis_code,", "nis,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"missing column\(s\) nis_code"):
        config.load_ocmw_reference(path)
