"""The dependencies are declared once, in pyproject.toml (runtime and the `dev` extra), and
locked in requirements.lock (every package, transitive ones too, with its version and hashes),
which `make setup` installs. environment.yml (conda-forge) pins the same declared packages at
the locked versions."""

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
# quarto: a binary from conda-forge, not installable by pip here; pip: only installs the package
CONDA_ONLY = {"python", "quarto", "pip"}


def declared() -> dict[str, Requirement]:
    """pyproject.toml's dependencies and `dev` extra, by canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    return {canonicalize_name(r.name): r for r in reqs}


def locked() -> dict[str, tuple[str, list[str]]]:
    """requirements.lock: canonical name -> (version, hashes)."""
    pins: dict[str, tuple[str, list[str]]] = {}
    text = (ROOT / "requirements.lock").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        requirement, *options = line.split()
        name, version = requirement.split("==")
        hashes = [o.removeprefix("--hash=") for o in options if o.startswith("--hash=sha256:")]
        pins[canonicalize_name(name)] = (version, hashes)
    return pins


def _conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip section: the package itself
            continue
        name, version = (re.split(r"=+", dep, maxsplit=1) + [""])[:2]
        pins[canonicalize_name(name)] = version
    return pins


def test_every_locked_package_has_an_exact_version_and_a_hash():
    lock = locked()
    assert len(lock) > len(declared())  # the transitive packages are locked too
    for name, (version, hashes) in lock.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), name
        assert hashes, f"{name} has no hash"


def test_every_declared_package_is_locked_at_a_version_it_allows():
    lock = locked()
    for name, requirement in declared().items():
        assert name in lock, f"{name} is declared in pyproject.toml but not in requirements.lock"
        assert requirement.specifier.contains(lock[name][0]), (name, str(requirement.specifier))


def test_conda_environment_pins_the_declared_packages_at_the_locked_versions():
    conda = {k: v for k, v in _conda_pins().items() if k not in CONDA_ONLY}
    lock = locked()
    assert set(conda) == set(declared())
    assert conda == {name: lock[name][0] for name in declared()}


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
        directives = re.findall(r"^\s+(script|conda):\s*$", text, flags=re.M)
        assert directives.count("script") == directives.count("conda"), path.name


def test_one_version_in_package_metadata_and_changelog():
    import miriam

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    changelog = re.search(r"^## (\d+\.\d+\.\d+)", (ROOT / "CHANGELOG.md").read_text(), re.M).group(1)
    assert miriam.__version__ == project == changelog
