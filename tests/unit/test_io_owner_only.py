"""miriam.io: whatever is written under the project's qa/ or private/ is its owner's only
(folders 0700, files 0600), whatever the umask, atomic writes included; elsewhere, no change."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from miriam import io

TABLE = pd.DataFrame({"pseudonym": ["a1", "b2"], "score": [3, 4]})


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The project directory as Snakemake's working directory, with a permissive umask (the
    worst case: without the zone rule every file would be world-readable and writable)."""
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o000)
    yield tmp_path
    os.umask(old)


WRITERS = {
    "table": lambda path: io.write_table(TABLE, path),
    "csv": lambda path: io.write_csv(TABLE, path),
    "text": lambda path: io.write_text("pseudonym,score\n", path),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(
    "relative",
    [
        "private/c1/responses.parquet",
        "private/c1/indicators/scores.parquet",
        "qa/c1/quarantine.csv",
        "qa/c1/disclosure/audit.csv",  # a file nobody listed: the rule goes by path prefix
    ],
)
def test_files_and_folders_under_qa_and_private_are_owner_only(project, writer, relative):
    WRITERS[writer](relative)
    path = project / relative
    assert _mode(path) == 0o600, f"{relative}: {_mode(path):o}"
    folder = path.parent
    while folder != project:
        assert _mode(folder) == 0o700, f"{folder}: {_mode(folder):o}"
        folder = folder.parent
    assert not list(project.rglob("*.tmp")), "temporary file left behind"


def test_relative_and_absolute_paths_inside_the_project_count_alike(project):
    io.write_csv(TABLE, project / "qa" / "c1" / "qa_report.csv")
    assert _mode(project / "qa" / "c1" / "qa_report.csv") == 0o600
    assert _mode(project / "qa") == 0o700


def test_folders_made_earlier_with_the_umask_and_old_files_are_tightened(project):
    # As Snakemake leaves them: output folders made before the job, an earlier run's file.
    (project / "qa" / "c1").mkdir(parents=True, mode=0o755)
    old = project / "qa" / "c1" / "input_sha256.json"
    old.write_text("{}")
    old.chmod(0o644)
    io.write_text("{}\n", old)
    assert _mode(old) == 0o600
    assert _mode(project / "qa") == 0o700 and _mode(project / "qa" / "c1") == 0o700


def test_the_temporary_file_is_owner_only_before_any_byte_is_written(project, monkeypatch):
    seen = {}
    real_write = io.pq.write_table

    def spy(table, where, **options):
        seen["before"] = _mode(where)  # the file exists already, with its final mode
        real_write(table, where, **options)

    monkeypatch.setattr(io.pq, "write_table", spy)
    io.write_table(TABLE, "private/c1/ingested.parquet")
    assert seen == {"before": 0o600}
    assert _mode(project / "private" / "c1" / "ingested.parquet") == 0o600


@pytest.mark.parametrize("relative", ["results/c1/scores.csv", "results/qa/x.csv", "report/private/x.csv"])
def test_elsewhere_the_umask_decides_as_before(project, relative):
    os.umask(0o022)
    io.write_csv(TABLE, relative)
    assert _mode(project / relative) == 0o644
    assert _mode((project / relative).parent) == 0o755


def test_a_zone_name_outside_the_project_is_no_zone(tmp_path, monkeypatch):
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    assert io.owner_only_zone(tmp_path / "elsewhere" / "qa" / "x.csv") is None
    assert io.owner_only_zone("qa/x.csv") == tmp_path / "project" / "qa"
    assert io.owner_only_zone("private") is None  # the folder itself is no file in it


def test_make_private_dir_tightens_the_whole_zone(project):
    io.make_private_dir("private/c1/indicators")
    for folder in ("private", "private/c1", "private/c1/indicators"):
        assert _mode(project / folder) == 0o700, folder


def test_a_log_written_under_qa_is_owner_only(project):
    import logging

    from miriam.provenance import logs

    root_handlers = logging.getLogger().handlers[:]
    logs.configure("qa/c1/disclose.log").info("a line")
    for handler in logging.getLogger().handlers:
        handler.close()
    logging.getLogger().handlers[:] = root_handlers
    logging.captureWarnings(False)
    assert _mode(project / "qa" / "c1" / "disclose.log") == 0o600
    assert _mode(project / "qa" / "c1") == 0o700
    assert "a line" in (project / "qa" / "c1" / "disclose.log").read_text()
