"""The diff of two published builds: hand-made tables and manifests (no Snakemake)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from miriam import io
from miriam.provenance import published_diff as pd_diff

MANIFEST = {
    "cohort": "c",
    "code": {"miriam": "0.3.0", "git_commit": "a" * 40, "git_dirty": False},
    "config_sha256": "1" * 64,
    "config": {"disclosure": {"min_n": 5, "min_count": 3}},
    "inputs_sha256": {"raw/c/begin.csv": "b" * 64, "raw/c/eind.csv": "e" * 64},
    "software": {"pandas": "2.2.3"},
    "steps": [{"step": "clean", "rows_in": 10, "rows_out": 9}],
}


def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "level": pd.array(["national", "ocmw", "ocmw"], dtype="string"),
            "unit": pd.array(["BE", "11002", "21004"], dtype="string"),
            "name_nl": pd.array(["België", "Antwerpen", "Brussel"], dtype="string"),
            "name_fr": pd.array(["Belgique", "Anvers", "Bruxelles"], dtype="string"),
            "n_women": pd.array([100, 52, 30], dtype="Int64"),
        }
    )


def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "level": pd.array(["national", "national", "ocmw", "ocmw"], dtype="string"),
            "unit": pd.array(["BE", "BE", "11002", "11002"], dtype="string"),
            "item": pd.array(["housing", "work", "housing", "work"], dtype="string"),
            "n_paired": pd.array([90, 88, 50, 4], dtype="Int64"),
            "mean_diff": [0.5, 1.2, 0.7, math.nan],  # the last one withheld in both builds
            "status": pd.array(["published", "published", "published", "withheld"], dtype="string"),
        }
    )


def write_build(folder: Path, tables: dict[str, pd.DataFrame], manifest: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        io.write_table(table, folder / f"{name}.parquet")
        io.write_csv(table, folder / f"{name}.csv")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return folder


@pytest.fixture
def before(tmp_path: Path) -> Path:
    return write_build(tmp_path / "old" / "c", {"units": units(), "items": items()}, MANIFEST)


def changed_build(tmp_path: Path) -> Path:
    new_items = items()
    new_items.loc[0, "mean_diff"] = 0.6  # a changed value
    new_items.loc[2, "mean_diff"] = math.nan  # newly withheld
    new_items.loc[2, "status"] = "withheld"
    new_items = new_items.drop(index=1)  # a removed row (BE, work)
    added = pd.DataFrame(
        {
            "level": pd.array(["ocmw"], dtype="string"),
            "unit": pd.array(["21004"], dtype="string"),
            "item": pd.array(["housing"], dtype="string"),
            "n_paired": pd.array([25], dtype="Int64"),
            "mean_diff": [0.3],
            "status": pd.array(["published"], dtype="string"),
        }
    )
    new_items = pd.concat([new_items, added], ignore_index=True)
    manifest = json.loads(json.dumps(MANIFEST))
    manifest["config_sha256"] = "2" * 64
    manifest["config"]["disclosure"]["min_n"] = 10
    manifest["inputs_sha256"]["raw/c/eind.csv"] = "f" * 64
    return write_build(tmp_path / "new" / "c", {"units": units(), "items": new_items}, manifest)


def by(frame: pd.DataFrame, **where) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return frame[mask]


def test_every_kind_of_change_is_listed(before: Path, tmp_path: Path) -> None:
    diff = pd_diff.compare_builds("c", before, changed_build(tmp_path))
    frame = pd_diff.to_frame(diff)

    changed = by(frame, unit="BE", item="housing", column="mean_diff")
    assert changed[["change", "old", "new", "delta"]].values.tolist() == [["changed", "0.5", "0.6", "0.1"]]

    withheld = by(frame, unit="11002", item="housing", column="mean_diff")
    assert withheld[["change", "old", "new"]].values.tolist() == [["newly withheld", "0.7", ""]]
    assert withheld["unit_name"].tolist() == ["Antwerpen / Anvers"]
    status = by(frame, unit="11002", item="housing", column="status")
    assert status[["change", "old", "new"]].values.tolist() == [["changed", "published", "withheld"]]

    removed = by(frame, unit="BE", item="work")
    assert set(removed["change"]) == {"row removed"}
    assert set(removed["column"]) == {"n_paired", "mean_diff", "status"}
    assert by(removed, column="mean_diff")[["old", "new"]].values.tolist() == [["1.2", ""]]

    added = by(frame, unit="21004", item="housing")
    assert set(added["change"]) == {"row added"}
    assert by(added, column="n_paired")[["old", "new"]].values.tolist() == [["", "25"]]

    # NaN in both builds (11002 work, withheld before and after) is no change
    assert by(frame, unit="11002", item="work").empty
    # the units table is identical
    assert diff.unchanged == ["units"]
    table = diff.tables[0]
    assert (table.name, table.keys, table.rows_added, table.rows_removed) == (
        "items",
        ["level", "unit", "item"],
        1,
        1,
    )


def test_upstream_changes_come_from_the_manifests(before: Path, tmp_path: Path) -> None:
    diff = pd_diff.compare_builds("c", before, changed_build(tmp_path))
    upstream = {row["key"]: (row["section"], row["old"], row["new"]) for row in diff.upstream}
    assert upstream == {
        "inputs_sha256: raw/c/eind.csv": ("inputs", "e" * 64, "f" * 64),
        "config: disclosure: min_n": ("config", "5", "10"),
        "config_sha256": ("config", "1" * 64, "2" * 64),
    }


def test_a_key_missing_from_one_manifest_is_not_recorded() -> None:
    old = {"code": {"git_commit": "a"}}
    new = {"code": {"git_commit": "a", "digests": {"items.parquet": "d1"}}}
    assert pd_diff.diff_manifests(old, new) == [
        {"section": "code", "key": "code: digests: items.parquet", "old": "not recorded", "new": "d1"}
    ]
    assert pd_diff.diff_manifests({}, {}) == []


def test_identical_builds_give_an_empty_diff(before: Path, tmp_path: Path) -> None:
    same = write_build(tmp_path / "same" / "c", {"units": units(), "items": items()}, MANIFEST)
    diff = pd_diff.compare_builds("c", before, same)
    assert diff.empty
    assert pd_diff.to_frame(diff).empty
    assert list(pd_diff.to_frame(diff).columns) == pd_diff.CSV_COLUMNS
    assert "No published number changed" in pd_diff.render_html(diff)


def test_output_is_sorted_and_deterministic(before: Path, tmp_path: Path) -> None:
    new = changed_build(tmp_path)
    first = pd_diff.write(pd_diff.compare_builds("c", before, new, "a", "b"), tmp_path / "out1")
    second = pd_diff.write(pd_diff.compare_builds("c", before, new, "a", "b"), tmp_path / "out2")
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()
    frame = pd.read_csv(first[0], dtype=str, keep_default_na=False)
    # national before ocmw; within a row, columns in the table's order
    assert frame["unit"].tolist()[:2] == ["BE", "BE"]
    assert frame["unit"].tolist()[-1] == "21004"


def test_html_escapes_a_malicious_unit_name(before: Path, tmp_path: Path) -> None:
    evil = units()
    evil.loc[1, "name_nl"] = '<script>alert("x")</script>'
    new_items = items()
    new_items.loc[0, "mean_diff"] = 0.9
    new_items.loc[2, "n_paired"] = 51
    new = write_build(tmp_path / "evil" / "c", {"units": evil, "items": new_items}, MANIFEST)
    html = pd_diff.render_html(pd_diff.compare_builds("c", before, new))
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<h2>Summary</h2>" in html


def test_tables_in_one_build_only_and_csv_only_tables(before: Path, tmp_path: Path) -> None:
    new = write_build(tmp_path / "more" / "c", {"units": units(), "items": items()}, MANIFEST)
    pd.DataFrame({"scope": ["cohort"], "measure": ["rows_read"], "count": [10]}).to_csv(
        new / "reconciliation.csv", index=False
    )
    pd.DataFrame({"scope": ["cohort"], "measure": ["rows_read"], "count": [11]}).to_csv(
        before / "reconciliation.csv", index=False
    )
    io.write_table(units(), new / "extra.parquet")
    diff = pd_diff.compare_builds("c", before, new)
    assert diff.tables_added == [("extra", 3)]
    rows = pd_diff.to_frame(diff)
    assert rows[["table", "measure", "other_key", "column", "old", "new"]].values.tolist() == [
        ["reconciliation", "rows_read", "scope=cohort", "count", "11", "10"]
    ]
    assert any("extra: table added (3 rows)" in line for line in pd_diff.summary_lines(diff))


def test_snapshots_save_once_and_previous_build_skips_the_current(before: Path, tmp_path: Path) -> None:
    history = tmp_path / "history" / "c"
    first, created = pd_diff.snapshot(before, history, datetime(2026, 1, 1, tzinfo=UTC))
    assert created and first.name.startswith("20260101T000000Z-")
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in before.iterdir())
    again, created = pd_diff.snapshot(before, history, datetime(2026, 1, 2, tzinfo=UTC))
    assert (again, created) == (first, False)

    new = changed_build(tmp_path)
    assert pd_diff.previous_build(history, new) == first
    second, created = pd_diff.snapshot(new, history, datetime(2026, 1, 3, tzinfo=UTC))
    assert created
    # the current build is saved as the latest: the one before it is still the one compared with
    assert pd_diff.previous_build(history, new) == first
    assert pd_diff.resolve_against("20260101", "c", history) == first
    assert pd_diff.resolve_against(str(tmp_path / "old"), "c", history) == before
    with pytest.raises(FileNotFoundError, match="several snapshots"):
        pd_diff.resolve_against("2026", "c", history)


def test_command_line_snapshots_then_compares(before: Path, tmp_path: Path, capsys) -> None:
    results, history, out = tmp_path / "old", tmp_path / "h", tmp_path / "qa"
    args = ["--results", str(results), "--history", str(history), "--out", str(out)]
    assert pd_diff.main(args) == 0
    assert "no earlier build" in capsys.readouterr().out
    changed_build(tmp_path)
    assert pd_diff.main([*args[:1], str(tmp_path / "new"), *args[2:], "c"]) == 0
    printed = capsys.readouterr().out
    assert "items: 2 changed, 1 newly withheld, 1 row added (3 values), 1 row removed (3 values)" in printed
    assert (out / "c" / "published_diff.html").is_file()
    assert len(pd.read_csv(out / "c" / "published_diff.csv")) == 9


def test_differences_are_exact_on_the_published_digits() -> None:
    assert pd_diff._delta(6.19, 6.2) == "0.01"
    assert pd_diff._delta(150090, 150099.5) == "9.5"
    assert pd_diff._delta(None, 3) == ""
    assert pd_diff.same(5, 5.0) and pd_diff.same(math.nan, pd.NA) and not pd_diff.same(0.0, math.nan)
