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
    """Git commit of the workflow and whether tracked code was modified ('dirty').

    Configuration is not code: a researcher's edits under config/ (and any cohort file in the
    untracked config/local/) never mark the build dirty; their exact bytes are recorded
    instead (`config_sha256`, `config_files_sha256`)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)config")
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


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def software_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def steps(processing: pd.DataFrame, units: pd.DataFrame, scores: pd.DataFrame) -> list[dict]:
    """Rows in, out and set aside at each step, from the published processing counts (a count
    the count rule withholds is null here too: the manifest is public)."""
    counts = dict(zip(processing["measure"].astype(str), processing["count"], strict=True))

    def count(measure: str) -> int | None:
        value = counts.get(measure)
        return None if value is None or pd.isna(value) else int(value)

    national = units[units["level"] == "national"].iloc[0]
    withheld = int(scores["mean_diff"].isna().sum())
    return [
        {
            "step": "ingest",
            "rows_in": count("rows_read"),
            "rows_out": count("rows_read"),
            "rejected": count("values_rejected"),
            "note": "rejected = values, rows kept",
        },
        {
            "step": "clean",
            "rows_in": count("rows_read"),
            "rows_out": count("rows_kept"),
            "rejected": count("rows_quarantined"),
            "note": "rejected = rows quarantined",
        },
        {
            "step": "protect",
            "rows_in": count("rows_kept"),
            "rows_out": count("rows_kept"),
            "rejected": 0,
            "note": f"{count('women')} women",
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
    processing: pd.DataFrame,
    units: pd.DataFrame,
    scores: pd.DataFrame,
    root: Path,
    rules: dict[str, dict] | None = None,
) -> dict:
    """`rules`: per rule, the digest of the code it runs (:mod:`miriam.provenance.code_digest`) and the
    outputs it writes, as the workflow computes them (``code_by_rule`` in common.smk)."""
    code = code_version(root)
    if rules is not None:
        code["rules"] = {
            name: {"code_sha256": entry["code_sha256"], "outputs": sorted(entry["outputs"])}
            for name, entry in sorted(rules.items())
        }
    return {
        "cohort": cohort,
        "code": code,
        "config_sha256": config_hash(config, config_files),
        "config_files_sha256": {path: _sha256(path) for path in sorted(config_files)},
        "inputs_sha256": dict(sorted(input_hashes.items())),
        "software": software_versions(),
        "steps": steps(processing, units, scores),
    }
