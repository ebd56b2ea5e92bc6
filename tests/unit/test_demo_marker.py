"""A demo cohort (public pseudonym key) takes only the exports its generator wrote: the marker
DEMO-GENERATED.json beside them lists each with its SHA-256, and ingest checks every one."""

from __future__ import annotations

import json

import pytest
from helpers import WIDE_INSTRUMENT_PATH

from miriam import config as miriam_config
from miriam import ingest
from miriam.errors import InputError
from miriam.ingest import demo_marker
from miriam.io import sha256_file
from miriam_tools import benchmark, demo_wide

EXPORT = {
    "path": "raw/demo/wide/miriam.csv",
    "wave": "both",
    "language": "codes",
    "format": "csv",
    "encoding": "utf-8",
    "delimiter": ",",
}


@pytest.fixture
def wide_instrument():
    return miriam_config.load_instrument(WIDE_INSTRUMENT_PATH)


@pytest.fixture
def demo_cohort(builder, reference, wide_instrument, pipeline_config, monkeypatch):
    """A generated wide demo cohort, ingested with its demo key (no secret key set)."""
    monkeypatch.delenv(pipeline_config["pseudonym"]["key_env"])
    cohort = builder.cohort(
        [dict(EXPORT)], demo=True, instrument="miriam-2018", synthetic={"seed": 3, "women": 12}
    )
    demo_wide.generate_wide(cohort, wide_instrument, reference, builder.root)

    def run():
        return ingest.ingest_cohort(cohort, wide_instrument, reference, pipeline_config, builder.root)

    return run


def test_the_generator_lists_what_it_wrote_and_ingest_accepts_it(demo_cohort, builder):
    marker = json.loads((builder.root / "raw/demo/wide" / demo_marker.MARKER_NAME).read_text())
    export = builder.root / EXPORT["path"]
    assert marker["sha256"] == {"miriam.csv": sha256_file(export)}
    rows, _, hashes = demo_cohort()
    assert len(rows) > 0 and hashes == {EXPORT["path"]: marker["sha256"]["miriam.csv"]}


def test_a_real_export_dropped_into_a_demo_folder_is_refused(demo_cohort, builder):
    real = builder.root / EXPORT["path"]
    real.write_bytes(real.read_bytes().rstrip(b"\n,") + b"\n")  # not the generator's (no blank row)
    with pytest.raises(InputError) as info:
        demo_cohort()
    message = str(info.value)
    assert message.startswith(f"file {EXPORT['path']}: cohort test-2023-2024 is a demo cohort")
    assert "changed since the demo generator wrote it" in message
    assert "raw/demo/wide/DEMO-GENERATED.json lists" in message
    assert "real cohort (demo: false) with a secret pseudonym key" in message


@pytest.mark.parametrize("damage", ["delete", "other-file", "garbage"])
def test_an_export_the_marker_does_not_vouch_for_is_refused(demo_cohort, builder, damage):
    marker = builder.root / "raw/demo/wide" / demo_marker.MARKER_NAME
    if damage == "delete":
        marker.unlink()
    elif damage == "other-file":
        data = json.loads(marker.read_text())
        data["sha256"] = {"other.csv": data["sha256"]["miriam.csv"]}
        marker.write_text(json.dumps(data))
    else:
        marker.write_text("not json")
    with pytest.raises(InputError, match="this export was not written by the demo generator"):
        demo_cohort()


def test_a_hand_built_export_in_a_demo_cohort_is_refused(ingest_cohort, builder, monkeypatch):
    entry = builder.export("b.csv", [builder.row("baseline")], wave="baseline")
    with pytest.raises(InputError) as info:
        ingest_cohort([entry], demo=True)
    assert f"file {entry['path']}: cohort test-2023-2024 is a demo cohort" in str(info.value)
    assert "raw/DEMO-GENERATED.json" in str(info.value)
    # the same export in a real cohort, with the secret key: accepted
    rows, _, _ = ingest_cohort([entry], demo=False)
    assert len(rows) == 1


def test_record_keeps_the_other_files_of_the_folder(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("a")
    b.write_text("b")
    demo_marker.record([a])
    demo_marker.record([b])
    listed = json.loads((tmp_path / demo_marker.MARKER_NAME).read_text())["sha256"]
    assert sorted(listed) == ["a.csv", "b.csv"]


def test_the_benchmark_vouches_for_its_own_edit_of_a_demo_export(tmp_path):
    export = tmp_path / "raw" / "demo" / "2023-2024" / "beginmeting_nl.csv"
    export.parent.mkdir(parents=True)
    export.write_text("OCMW,Financiële situatie (0-10)\r\nAntwerpen,3\r\n", encoding="utf-8")
    demo_marker.record([export])
    benchmark.change_one_ocmw(tmp_path)
    hashes = {"raw/demo/2023-2024/beginmeting_nl.csv": sha256_file(export)}
    demo_marker.check("demo-2023-2024", hashes, tmp_path)  # no error
