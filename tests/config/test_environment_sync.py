"""requirements.txt (pip) and environment.yml (conda-forge) must pin the same packages."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
# quarto: a binary from conda-forge, not installable by pip here; pip: only installs the package
CONDA_ONLY = {"python", "quarto", "pip"}


def _pip_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip section: the package itself
            continue
        name, version = (re.split(r"=+", dep, maxsplit=1) + [""])[:2]
        pins[name.lower()] = version
    return pins


def test_same_packages_and_versions():
    conda = {k: v for k, v in _conda_pins().items() if k not in CONDA_ONLY}
    assert conda == _pip_pins()


def test_conda_environment_provides_quarto():
    assert "quarto" in _conda_pins()


def test_every_pin_is_exact_and_the_package_is_installed():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert all(v for k, v in _conda_pins().items() if k != "pip"), "every package pinned"
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip  # rules run with --software-deployment-method conda import miriam


def test_every_rule_names_the_environment():
    rules = (ROOT / "workflow" / "rules").glob("*.smk")
    for path in rules:
        text = path.read_text()
        assert text.count("script:") == text.count("conda:"), path.name


def test_one_version_in_package_metadata_and_changelog():
    import tomllib

    import miriam

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    changelog = re.search(r"^## (\d+\.\d+\.\d+)", (ROOT / "CHANGELOG.md").read_text(), re.M).group(1)
    assert miriam.__version__ == project == changelog
