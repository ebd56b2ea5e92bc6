"""requirements.txt (pip) and environment.yml (conda-forge) must pin the same packages."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONDA_ONLY = {"python", "quarto"}  # quarto: a binary from conda-forge, not installable by pip here


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
        name, version = re.split(r"=+", dep, maxsplit=1)
        pins[name.lower()] = version
    return pins


def test_same_packages_and_versions():
    conda = {k: v for k, v in _conda_pins().items() if k not in CONDA_ONLY}
    assert conda == _pip_pins()


def test_conda_environment_provides_quarto():
    assert "quarto" in _conda_pins()
