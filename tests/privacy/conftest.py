"""Fixtures of the independent attacker: build a small cohort, publish it, attack it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # attacker.py and publish.py are plain modules

import attacker  # noqa: E402
from publish import BuildRefused, publish_small_cohort  # noqa: E402

from miriam import config  # noqa: E402  (thresholds and score ranges: public facts)

HERE = Path(__file__).resolve().parents[2]
SETTINGS = config.load_config(HERE / "config" / "config.yaml")["disclosure"]
MIN_N, MIN_COUNT = int(SETTINGS["min_n"]), int(SETTINGS["min_count"])
SCORE_RANGE = {
    v.name: (v.scale["min"], v.scale["max"])
    for v in config.load_instrument(HERE / "config" / "instruments" / "miriam-2023.yaml").items()
}


def attack_cohort(spec: dict, root: Path) -> tuple[Path | None, list[str]]:
    """Publish `spec` under `root` and attack it: (results folder, findings; side channels are
    test 4's). A build the
    disclose rule refuses publishes nothing: (None, [])."""
    try:
        folder = publish_small_cohort(spec, root)
    except BuildRefused:
        return None, []
    findings = attacker.attack(folder, min_n=MIN_N, min_count=MIN_COUNT, score_range=SCORE_RANGE)
    return folder, findings


@pytest.fixture
def attack(tmp_path):
    def run(spec: dict) -> tuple[Path | None, list[str]]:
        return attack_cohort(spec, tmp_path)

    return run
