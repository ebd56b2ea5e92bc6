"""The content-addressed cache of charts and rendered documents (miriam.provenance.cache): where it lives
(config `cache_dir`, overridden by the environment variable MIRIAM_CACHE) and what it returns."""

from pathlib import Path

import pytest

from miriam.provenance.cache import Cache, key


@pytest.fixture
def made(tmp_path) -> Path:
    path = tmp_path / "chart.svg"
    path.write_text("<svg/>")
    return path


def test_stored_files_come_back_under_their_key(tmp_path, made, monkeypatch):
    monkeypatch.delenv("MIRIAM_CACHE", raising=False)
    cache = Cache(tmp_path / "cache", "figures")
    digest = key("data", "words")
    assert not cache.get(digest, [tmp_path / "out.svg"])  # nothing stored yet
    cache.put(digest, [made])
    assert cache.get(digest, [tmp_path / "out.svg"]) and (tmp_path / "out.svg").read_text() == "<svg/>"
    assert (tmp_path / "cache" / "figures" / digest[:2]).is_dir()


def test_miriam_cache_overrides_the_configured_directory(tmp_path, made, monkeypatch):
    monkeypatch.setenv("MIRIAM_CACHE", str(tmp_path / "shared"))
    cache = Cache(tmp_path / "configured", "render")
    cache.put(key("x"), [made])
    assert cache.root == tmp_path / "shared" / "render"
    assert not (tmp_path / "configured").exists()


def test_an_empty_miriam_cache_disables_the_cache(tmp_path, made, monkeypatch):
    monkeypatch.setenv("MIRIAM_CACHE", "")
    cache = Cache(tmp_path / "configured", "render")
    cache.put(key("x"), [made])
    assert cache.root is None and not cache.get(key("x"), [tmp_path / "out.svg"])
    assert not (tmp_path / "configured").exists()


def test_no_configured_directory_and_no_variable_means_no_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("MIRIAM_CACHE", raising=False)
    assert Cache(None, "figures").root is None and Cache("", "figures").root is None
