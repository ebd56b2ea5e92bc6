"""docs/indicators.md is generated from config/indicators.yaml and must not go stale."""

from pathlib import Path

import pytest

from miriam.config import load_yaml
from miriam_tools import catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_catalogue_page_is_up_to_date(monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = catalogue.render(load_yaml("config/indicators.yaml"), config=load_yaml("config/config.yaml"))
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == expected, (
        "run: python -m miriam_tools.catalogue > docs/indicators.md"
    )


def test_every_indicator_has_both_languages():
    spec = load_yaml(ROOT / "config" / "indicators.yaml")
    for indicator in spec["indicators"]:
        assert indicator["label"]["nl"] and indicator["label"]["fr"], indicator["id"]
        assert indicator["definition"]["nl"] != indicator["definition"]["fr"], indicator["id"]


def _catalogue_with(tmp_path, change) -> Path:
    import yaml

    data = load_yaml(ROOT / "config" / "indicators.yaml")
    change(data)
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_typo_in_the_catalogue_stops_with_the_entry_named(tmp_path):
    """Unknown kinds and variables no codebook has would make an indicator vanish silently."""
    import pytest

    from miriam.config import load_catalogue
    from miriam.errors import ConfigError

    def kind(data):
        data["indicators"][2]["kind"] = "shaer"

    with pytest.raises(ConfigError, match=r"indicators/2/kind"):
        load_catalogue(_catalogue_with(tmp_path, kind))

    def variable(data):
        next(s for s in data["indicators"] if s["id"] == "completed")["variable"] = "completd"

    with pytest.raises(ConfigError, match="variable 'completd' is in no codebook"):
        load_catalogue(_catalogue_with(tmp_path, variable))
    assert load_catalogue(ROOT / "config" / "indicators.yaml")["progress_min_items"] == 4
