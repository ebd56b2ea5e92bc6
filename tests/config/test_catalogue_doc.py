"""docs/indicators.md is generated from config/indicators.yaml and must not go stale."""

from pathlib import Path

from miriam import catalogue
from miriam.config import load_yaml

ROOT = Path(__file__).resolve().parents[2]


def test_catalogue_page_is_up_to_date(monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = catalogue.render(load_yaml("config/indicators.yaml"))
    assert (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == expected, (
        "run: python -m miriam.catalogue > docs/indicators.md"
    )


def test_every_indicator_has_both_languages():
    spec = load_yaml(ROOT / "config" / "indicators.yaml")
    for indicator in spec["indicators"]:
        assert indicator["label"]["nl"] and indicator["label"]["fr"], indicator["id"]
        assert indicator["definition"]["nl"] != indicator["definition"]["fr"], indicator["id"]
