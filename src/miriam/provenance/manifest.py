"""The run manifest: what went in, which code and config made it, what came out of each step.

One JSON per cohort (results/<cohort>/manifest.json), written at the end of a build and shown
in human form in the report's data-processing annex. It contains no timestamps, so two builds
of the same inputs with the same code give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

import miriam

PACKAGES = [
    "snakemake",
    "pandas",
    "pyarrow",
    "numpy",
    "scipy",
    "plotnine",
    "jinja2",
    "babel",
    "pandera",
    "openpyxl",
    "pypandoc-binary",
    "typst",
]


def code_version(root: Path) -> dict[str, object]:
    """Git commit of the workflow and whether tracked files were modified ('dirty')."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "miriam": miriam.__version__,
        "git_commit": commit,
        "git_dirty": bool(status) if status is not None else None,
    }


def config_hash(config: dict, files: list[str]) -> str:
    """SHA-256 over the effective config (as JSON, sorted keys) and the config files' bytes."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    for path in sorted(files):
        digest.update(path.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def software_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def steps(reconciliation: pd.DataFrame, units: pd.DataFrame, scores: pd.DataFrame) -> list[dict]:
    """Rows in, out and set aside at each step, from the tables the steps wrote."""
    cohort = reconciliation[reconciliation["scope"] == "cohort"].set_index("measure")["count"]
    national = units[units["level"] == "national"].iloc[0]
    withheld = int((scores["status"] == "withheld").sum()) if "status" in scores else 0
    return [
        {
            "step": "ingest",
            "rows_in": int(cohort["rows_read"]),
            "rows_out": int(cohort["rows_read"]),
            "rejected": int(cohort.get("values_rejected", 0)),
            "note": "rejected = values, rows kept",
        },
        {
            "step": "clean",
            "rows_in": int(cohort["rows_read"]),
            "rows_out": int(cohort["rows_kept"]),
            "rejected": int(cohort["rows_quarantined"]),
            "note": "rejected = rows quarantined",
        },
        {
            "step": "protect",
            "rows_in": int(cohort["rows_kept"]),
            "rows_out": int(cohort["rows_kept"]),
            "rejected": 0,
            "note": f"{int(cohort['women'])} women",
        },
        {
            "step": "indicators",
            "rows_in": int(national["n_women"]),
            "rows_out": len(scores),
            "rejected": 0,
            "note": "rows out = unit x item statistics",
        },
        {
            "step": "disclose",
            "rows_in": len(scores),
            "rows_out": len(scores) - withheld,
            "rejected": withheld,
            "note": "rejected = statistics withheld",
        },
    ]


def build_manifest(
    cohort: str,
    config: dict,
    config_files: list[str],
    input_hashes: dict[str, str],
    reconciliation: pd.DataFrame,
    units: pd.DataFrame,
    scores: pd.DataFrame,
    root: Path,
) -> dict:
    return {
        "cohort": cohort,
        "code": code_version(root),
        "config_sha256": config_hash(config, config_files),
        "inputs_sha256": dict(sorted(input_hashes.items())),
        "software": software_versions(),
        "steps": steps(reconciliation, units, scores),
    }
