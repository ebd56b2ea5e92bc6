"""The cohort scaffold writes a valid, documented config and a raw folder, and never overwrites."""

import shutil
from pathlib import Path

import pytest

from miriam import config
from miriam.errors import ConfigError
from miriam_tools import scaffold

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_scaffold_writes_a_valid_documented_cohort(project, capsys):
    assert scaffold.main(["2025-2026"]) == 0
    path = project / "config" / "cohorts" / "2025-2026.yaml"
    cohort = config.load_cohort(path)
    assert cohort.name == "2025-2026" and cohort.label == "2025-2026" and not cohort.demo
    assert cohort.raw["window"] == {"start": "2025-09-01", "end": "2026-08-31"}
    text = path.read_text()
    for key in ("window:", "exports:", "encoding", "delimiter", "projects:", "since"):
        assert key in text
    assert text.count("TODO") >= 4
    assert (project / "raw" / "2025-2026" / "README.md").is_file()
    out = capsys.readouterr().out
    assert "pseudonym.key" in out and "chmod 600" in out


def test_scaffold_refuses_to_overwrite(project):
    assert scaffold.main(["2025-2026"]) == 0
    with pytest.raises(ConfigError, match="exists already"):
        scaffold.scaffold("2025-2026", "miriam-2023", None)


def test_scaffold_refuses_an_unknown_instrument(project, capsys):
    assert scaffold.main(["2025-2026", "--instrument", "miriam-2099"]) == 2
    assert "unknown instrument 'miriam-2099'" in capsys.readouterr().err
    assert not (project / "config" / "cohorts" / "2025-2026.yaml").exists()
