"""Reruns follow the code (issue 16): after a change in a package module, Snakemake re-runs the
rules whose scripts import it, directly or not, and what depends on them; after no change,
nothing. Dry runs only, on a copy of the session's built project and a copy of the code (the
repository itself is never edited).

The copy of the code lies elsewhere, so inputs named by absolute path (the report's templates,
the data dictionary) have new names: the ``input`` trigger would rightly re-run their rules. The
dry runs therefore use the other default triggers (mtime, params, code, software-env): the
code digest of each rule is a ``params`` value.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import util
from pathlib import Path

import pytest
from helpers import ROOT, SMALL_COHORT, SNAKEMAKE

from miriam.provenance import code_digest

pytestmark = pytest.mark.workflow
TRIGGERS = ["--rerun-triggers", "mtime", "params", "code", "software-env"]
CODE = ["Snakefile", "workflow", "src", "report", "profiles", "environment.yml"]


@pytest.fixture(scope="module")
def project(workflow_build, tmp_path_factory) -> tuple[Path, Path]:
    """(code, work): copies of the repository's code and of the built project, times kept."""
    base = tmp_path_factory.mktemp("reruns")
    code, work = base / "code", base / "work"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "miriam-cache")
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, code / name, ignore=ignore)
        else:
            code.mkdir(exist_ok=True)
            shutil.copy2(source, code / name)
    shutil.copytree(workflow_build, work, ignore=ignore, symlinks=True)
    return code, work


def _dry_run(code: Path, work: Path) -> dict[str, str]:
    """Rule name -> reason of each job a dry run would run (rule `all` left out)."""
    import subprocess

    done = subprocess.run(
        [str(SNAKEMAKE), "-s", str(code / "Snakefile"), "-d", str(work), "-n", "--nolock", *TRIGGERS],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=work,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    jobs = re.findall(r"^rule (\w+):\n(?:    .*\n)*?    reason: (.*)$", done.stdout, re.MULTILINE)
    return {rule: reason for rule, reason in jobs if rule != "all"}


def _module_file(code: Path, module: str) -> Path:
    """Where `module` lies in the copied package, wherever it lies in the package now."""
    origin = Path(util.find_spec(module).origin)
    return code / "src" / "miriam" / origin.relative_to(code_digest.package_dir())


def test_reruns_follow_the_code(project):
    code, work = project
    assert _dry_run(code, work) == {}, "an unchanged copy of the code re-runs nothing"

    # A harmless change in the indicators' module: only the indicators rule runs it.
    with _module_file(code, "miriam.indicators").open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef _unused_after_a_refactoring():\n    return None\n")
    jobs = _dry_run(code, work)
    users = {
        script.stem  # each script is named after its rule
        for script in (code / "workflow" / "scripts").glob("*.py")
        if "miriam.indicators" in code_digest.script_modules(script, code / "src" / "miriam")
    }
    assert "compute_indicators" in users  # (and compute_trend: the trend is a module of the stage)
    assert users <= set(jobs)
    assert "Params have changed" in jobs["compute_indicators"]  # its code, not its inputs
    downstream = {
        "disclose_indicators",
        "compute_trend",
        "make_figures",
        "write_manifest",  # names the code of every rule: the colophons' commit
        "write_report_sources",
        "render_report",
        "write_index",
    }
    assert set(jobs) == users | downstream
    # upstream of the change, nothing: the raw, cleaned and protected data stand
    assert not {"ingest_exports", "clean_responses", "protect_responses"} & set(jobs)


def test_the_manifest_names_the_code_of_every_rule(workflow_build):
    manifest = json.loads(
        (workflow_build / "results" / SMALL_COHORT["cohort"] / "manifest.json").read_text(encoding="utf-8")
    )
    rules = manifest["code"]["rules"]
    scripts = ROOT / "workflow" / "scripts"
    assert rules["compute_indicators"]["code_sha256"] == code_digest.script_digest(
        scripts / "compute_indicators.py"
    )
    cohort = SMALL_COHORT["cohort"]
    assert f"private/{cohort}/indicators/scores.parquet" in rules["compute_indicators"]["outputs"]
    assert f"results/{cohort}/manifest.json" in rules["write_manifest"]["outputs"]
    assert {"ingest_exports", "disclose_indicators", "render_report", "write_index"} <= set(rules)
    assert "git_commit" in manifest["code"] and "git_dirty" in manifest["code"]
