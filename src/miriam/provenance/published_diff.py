# size: about 720 lines, a third of them the HTML page (an inline jinja2 template, so that
# the command works from any install) and its CSS.
"""What changed between two published builds: every published number, and what changed upstream.

A reviewer who receives a new build of a cohort asks two questions: which published numbers
are different from the last build, and why (which input, configuration, code or package).
This module answers both from published material only: the tables of ``results/<cohort>/``
(aggregates after disclosure control; nothing of the private zone is ever read) and the two
builds' ``manifest.json``.

History. ``snapshot`` copies the published state of a cohort (its top-level ``*.parquet``,
``*.csv`` and ``manifest.json``) into ``published-history/<cohort>/<build-id>/``, where the
build id is ``<UTC time>-<digest>``: the time sorts the snapshots, the digest (SHA-256 over
the files' names and contents) recognises a build that is already saved, so saving the same
build twice keeps one copy. ``make demo`` saves a snapshot after every successful build and
``make diff`` saves one before it compares, so a build made with plain ``snakemake`` is
saved too. The folder is git-ignored and ``make clean`` leaves it alone.

Diff. Without ``--against`` the current build is compared with the most recent snapshot of
another build (the latest one whose digest differs from the current build's), so running the
command twice gives the same answer. ``--against`` names a snapshot id (or a unique prefix of
one) or a directory: a results root holding ``<cohort>/``, or a cohort folder itself.

Rows are matched on their key columns (the identifying columns the disclosure log names a row
by: level, unit, subgroup, value, indicator, item, wave, category, measure; a table without
them is keyed by its text columns). Every other column is compared exactly as published (the
numbers are rounded already); an empty value on both sides (withheld, or not applicable) is
unchanged. A change from a number to empty is "newly withheld", the reverse "newly published".

Output, per cohort: ``qa/<cohort>/published_diff.csv`` (one row per changed value, sorted)
and ``qa/<cohort>/published_diff.html`` (self-contained, no script, everything escaped):
summary counts first, then the upstream changes, then one table per published table.

Usage::

    python -m miriam.provenance.published_diff [--against SNAPSHOT_OR_DIR] [cohort ...]
    python -m miriam.provenance.published_diff --snapshot-only [cohort ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import numbers
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import jinja2
import pandas as pd

from miriam import io

RESULTS = Path("results")
HISTORY = Path("published-history")
OUT = Path("qa")
MANIFEST = "manifest.json"
NOT_RECORDED = "not recorded"

# The columns that identify a row of a published table, in the order they are shown: the
# parts of a row's name in the disclosure log (miriam.disclosure.disclose.row_keys) plus level and unit;
# "cohort" names the rows of the trend tables, "scope" those of the reconciliation, "table",
# "column", "key" and "quantity" those of the data dictionary, disclosure log and audit.
# The keys of a table are these columns where it has them (a fixed rule, so a changed value
# never turns into a removed and an added row); a table with none of them is keyed by all its
# text columns but the descriptive ones below.
KEY_COLUMNS = (
    "cohort",
    "scope",
    "level",
    "unit",
    "subgroup",
    "value",
    "indicator",
    "item",
    "wave",
    "category",
    "measure",
    "table",
    "column",
    "key",
    "quantity",
)
# Key columns that get a column of their own in the CSV; the others (among them "table" and
# "column", which would clash with the CSV's own columns) go to `other_key` as "name=value".
CSV_KEYS = ("level", "unit", "subgroup", "value", "indicator", "item", "wave", "category", "measure")
NOT_KEYS = frozenset(
    {"status", "reason", "name_nl", "name_fr", "parent", "region", "languages", "group", "city_size", "label"}
)
LEVEL_ORDER = {"national": 0, "region": 1, "project": 2, "ocmw": 3}

CHANGED = "changed"
WITHHELD = "newly withheld"
PUBLISHED = "newly published"
ADDED = "row added"
REMOVED = "row removed"
KINDS = (CHANGED, WITHHELD, PUBLISHED, ADDED, REMOVED)

CSV_COLUMNS = [
    "table",
    *CSV_KEYS[:2],
    "unit_name",
    *CSV_KEYS[2:],
    "other_key",
    "column",
    "change",
    "old",
    "new",
    "delta",
]

UPSTREAM_SECTIONS = ("inputs", "config", "code", "software", "steps", "other")


# --------------------------------------------------------------------------------------------
# Snapshots


def published_files(folder: Path) -> list[Path]:
    """The published files of one cohort's build: top-level tables and the manifest."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and (p.suffix in (".parquet", ".csv") or p.name == MANIFEST)
    )


def build_digest(folder: Path) -> str:
    """SHA-256 over the names and contents of a build's published files."""
    digest = hashlib.sha256()
    for path in published_files(folder):
        digest.update(path.name.encode())
        digest.update(io.sha256_file(path).encode())
    return digest.hexdigest()


def snapshots(history: Path) -> list[Path]:
    """The snapshots of one cohort (``published-history/<cohort>/``), oldest first."""
    if not history.is_dir():
        return []
    return sorted(p for p in history.iterdir() if p.is_dir() and not p.name.startswith("."))


def snapshot(folder: Path, history: Path, now: datetime | None = None) -> tuple[Path, bool]:
    """Save the published state of `folder` under `history` unless that build is saved already.

    Returns the snapshot's folder and whether it was written now.
    """
    files = published_files(folder)
    if not files:
        raise FileNotFoundError(f"{folder}: no published tables or manifest to save")
    digest = build_digest(folder)
    for existing in reversed(snapshots(history)):
        if existing.name.endswith(digest[:12]) and build_digest(existing) == digest:
            return existing, False
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = history / f"{stamp}-{digest[:12]}"
    tmp = history / f".tmp-{target.name}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for path in files:
        shutil.copy2(path, tmp / path.name)
    tmp.rename(target)
    return target, True


def previous_build(history: Path, current: Path) -> Path | None:
    """The latest snapshot of a build other than `current` (None when there is none)."""
    digest = build_digest(current)
    for existing in reversed(snapshots(history)):
        if build_digest(existing) != digest:
            return existing
    return None


def resolve_against(against: str, cohort: str, history: Path) -> Path:
    """A snapshot id (or unique prefix) of the cohort, or a directory holding its build."""
    path = Path(against)
    if path.is_dir():
        for candidate in (path / cohort, path / "results" / cohort, path):
            if published_files(candidate):
                return candidate
        raise FileNotFoundError(
            f"{against}: no published build of {cohort} (looked in <dir>/{cohort}, <dir>)"
        )
    matches = [p for p in snapshots(history) if p.name.startswith(against)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(p.name for p in snapshots(history)) or "none"
    what = "matches several snapshots" if matches else "is neither a directory nor a snapshot"
    raise FileNotFoundError(f"{against} {what} of {cohort} in {history} (snapshots: {known})")


# --------------------------------------------------------------------------------------------
# Reading a build


def read_build(folder: Path) -> tuple[dict[str, pd.DataFrame], dict]:
    """The published tables of a build (Parquet where there is one, else CSV) and its manifest."""
    tables: dict[str, pd.DataFrame] = {}
    for path in published_files(folder):
        if path.suffix == ".parquet":
            tables[path.stem] = io.read_table(path)
        elif path.suffix == ".csv" and not path.with_suffix(".parquet").exists():
            tables[path.stem] = pd.read_csv(path, keep_default_na=False, na_values=[""])
    manifest_path = folder / MANIFEST
    manifest: dict = {}
    if manifest_path.is_file():
        try:
            loaded = json.loads(manifest_path.read_text(encoding="utf-8"))
            manifest = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            manifest = {}
    return tables, manifest


# --------------------------------------------------------------------------------------------
# Comparing values


def is_empty(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool) and not is_empty(value)


def same(old: object, new: object) -> bool:
    """Equal as published: numbers exactly (5 == 5.0), empty on both sides equal."""
    if is_empty(old) or is_empty(new):
        return is_empty(old) and is_empty(new)
    if is_number(old) and is_number(new):
        return float(old) == float(new)
    return str(old) == str(new)


def show(value: object) -> str:
    """A value as text: empty for a withheld or missing value; numbers without float noise."""
    if is_empty(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if is_number(value):
        return format(float(value), ".15g")
    return str(value)


def _delta(old: object, new: object) -> str:
    """new - old in decimal arithmetic on the published text (6.2 - 6.19 is 0.01, not 0.0099...)."""
    if not (is_number(old) and is_number(new)):
        return ""
    try:
        difference = Decimal(show(new)) - Decimal(show(old))
    except InvalidOperation:  # inf or the like
        return format(float(new) - float(old), ".15g")
    text = format(difference, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def key_columns(table: pd.DataFrame) -> list[str]:
    """The columns naming a row: the known key columns it has (text), else its text columns."""
    text = [c for c in table.columns if not _is_numeric(table[c])]
    keys = [c for c in KEY_COLUMNS if c in text]
    return keys or [c for c in text if c not in NOT_KEYS]


def _rows(table: pd.DataFrame, keys: list[str]) -> dict[tuple[str, ...], dict]:
    """Rows by key (key values as text; a repeated key gets its occurrence number)."""
    out: dict[tuple[str, ...], dict] = {}
    seen: dict[tuple[str, ...], int] = {}
    for record in table.to_dict("records"):
        key = tuple(show(record[k]) for k in keys)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out[(*key, str(n)) if n or not keys else key] = record
    return out


@dataclass
class TableDiff:
    name: str
    keys: list[str]
    changes: list[dict] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    rows_added: int = 0
    rows_removed: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for change in self.changes if change["change"] == kind)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.columns_added or self.columns_removed)


def _unit_names(*units: pd.DataFrame | None) -> dict[str, str]:
    names: dict[str, str] = {}
    for table in units:  # the newer build first: its names win
        if table is None or "unit" not in table.columns:
            continue
        for record in table.to_dict("records"):
            unit = show(record.get("unit"))
            nl, fr = show(record.get("name_nl")), show(record.get("name_fr"))
            name = nl if not fr or fr == nl else (f"{nl} / {fr}" if nl else fr)
            if unit and name and unit not in names:
                names[unit] = name
    return names


def diff_table(name: str, old: pd.DataFrame, new: pd.DataFrame, unit_names: Mapping[str, str]) -> TableDiff:
    """Every value of `name` that differs between the two builds, rows matched on their keys."""
    keys = key_columns(new)
    if any(k not in old.columns for k in keys):
        keys = [k for k in keys if k in old.columns]
    result = TableDiff(name, keys)
    result.columns_added = [c for c in new.columns if c not in old.columns]
    result.columns_removed = [c for c in old.columns if c not in new.columns]
    values = [c for c in new.columns if c in old.columns and c not in keys]
    old_rows, new_rows = _rows(old, keys), _rows(new, keys)
    ordered: list[tuple[tuple, dict]] = []

    def change(key: tuple[str, ...], column: str, kind: str, before: object, after: object) -> None:
        named = dict(zip(keys, key, strict=False))
        row = {"table": name, "unit_name": unit_names.get(named.get("unit", ""), "")}
        row |= {k: named.get(k, "") for k in CSV_KEYS}
        others = [f"{k}={v}" for k, v in named.items() if k not in CSV_KEYS]
        if len(key) > len(keys):
            others.append(f"#={key[-1]}")
        row["other_key"] = "; ".join(others)
        row |= {"column": column, "change": kind, "old": show(before), "new": show(after)}
        row["delta"] = _delta(before, after)
        ordered.append((_sort_key(keys, key, new.columns, column), row))

    for key in sorted(old_rows.keys() | new_rows.keys()):
        before, after = old_rows.get(key), new_rows.get(key)
        if before is None or after is None:
            present = after if before is None else before
            kind = ADDED if before is None else REMOVED
            shown = [c for c in values if not is_empty(present[c])] or [""]
            for column in shown:
                value = present[column] if column else None
                change(key, column, kind, None if kind == ADDED else value, value if kind == ADDED else None)
            if kind == ADDED:
                result.rows_added += 1
            else:
                result.rows_removed += 1
            continue
        for column in values:
            old_value, new_value = before[column], after[column]
            if same(old_value, new_value):
                continue
            kind = CHANGED
            if is_empty(new_value) and is_number(old_value):
                kind = WITHHELD
            elif is_empty(old_value) and is_number(new_value):
                kind = PUBLISHED
            change(key, column, kind, old_value, new_value)
    result.changes = [row for _, row in sorted(ordered, key=lambda pair: pair[0])]
    return result


def _sort_key(keys: list[str], key: tuple[str, ...], columns: Iterable[str], column: str) -> tuple:
    parts = []
    for name, value in zip(keys, key, strict=False):
        parts.append((LEVEL_ORDER.get(value, len(LEVEL_ORDER)) if name == "level" else 0, value))
    parts.extend((0, extra) for extra in key[len(keys) :])
    order = list(columns)
    return (tuple(parts), order.index(column) if column in order else -1, column)


# --------------------------------------------------------------------------------------------
# Upstream: what the manifests say went in


def flatten(value: object, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], str]:
    """Leaves of a manifest as (path, text); lists of records are labelled by their name."""
    if isinstance(value, Mapping):
        out: dict[tuple[str, ...], str] = {}
        for key in sorted(value, key=str):
            out |= flatten(value[key], (*prefix, str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            label = str(i)
            if isinstance(item, Mapping):
                for name in ("step", "name", "path", "output", "file", "id"):
                    if name in item:
                        label = str(item[name])
                        break
            out |= flatten(item, (*prefix, label))
        return out or {prefix: "[]"}
    if value is None:
        return {prefix: "null"}
    if isinstance(value, bool):
        return {prefix: "true" if value else "false"}
    return {prefix: str(value)}


def upstream_section(path: tuple[str, ...]) -> str:
    top = path[0].lower() if path else ""
    if top.startswith("input"):
        return "inputs"
    if top.startswith("config"):
        return "config"
    if top.startswith("code") or "digest" in top or top in ("git_commit", "version"):
        return "code"
    if top in ("software", "packages"):
        return "software"
    if top == "steps":
        return "steps"
    return "other"


def diff_manifests(old: Mapping, new: Mapping) -> list[dict]:
    """Every manifest entry that differs, with "not recorded" where one build lacks it."""
    before, after = flatten(old), flatten(new)
    rows = []
    for path in sorted(before.keys() | after.keys()):
        if path == ("cohort",):
            continue
        a, b = before.get(path, NOT_RECORDED), after.get(path, NOT_RECORDED)
        if a != b:
            rows.append({"section": upstream_section(path), "key": ": ".join(path), "old": a, "new": b})
    rows.sort(key=lambda r: (UPSTREAM_SECTIONS.index(r["section"]), r["key"]))
    return rows


# --------------------------------------------------------------------------------------------
# The whole diff of one cohort


@dataclass
class BuildDiff:
    cohort: str
    old_label: str
    new_label: str
    old_code: str
    new_code: str
    tables: list[TableDiff]
    unchanged: list[str]
    tables_added: list[tuple[str, int]]
    tables_removed: list[tuple[str, int]]
    upstream: list[dict]

    @property
    def changes(self) -> list[dict]:
        return [row for table in self.tables for row in table.changes]

    @property
    def empty(self) -> bool:
        return not (self.tables or self.tables_added or self.tables_removed or self.upstream)

    def totals(self) -> dict[str, int]:
        return {kind: sum(t.count(kind) for t in self.tables) for kind in KINDS} | {
            "rows_added": sum(t.rows_added for t in self.tables),
            "rows_removed": sum(t.rows_removed for t in self.tables),
        }


def _code_label(manifest: Mapping) -> str:
    code = manifest.get("code")
    if not isinstance(code, Mapping):
        return NOT_RECORDED
    commit = code.get("git_commit")
    version = code.get("miriam")
    parts = [f"miriam {version}" if version else "", f"commit {str(commit)[:12]}" if commit else ""]
    if code.get("git_dirty"):
        parts.append("with uncommitted changes")
    return ", ".join(p for p in parts if p) or NOT_RECORDED


def compare_builds(
    cohort: str, old_dir: Path, new_dir: Path, old_label: str = "", new_label: str = ""
) -> BuildDiff:
    old_tables, old_manifest = read_build(old_dir)
    new_tables, new_manifest = read_build(new_dir)
    names = _unit_names(new_tables.get("units"), old_tables.get("units"))
    diffs, unchanged = [], []
    for name in sorted(old_tables.keys() & new_tables.keys()):
        table = diff_table(name, old_tables[name], new_tables[name], names)
        (unchanged.append(name) if table.empty else diffs.append(table))
    return BuildDiff(
        cohort=cohort,
        old_label=old_label or str(old_dir),
        new_label=new_label or str(new_dir),
        old_code=_code_label(old_manifest),
        new_code=_code_label(new_manifest),
        tables=diffs,
        unchanged=unchanged,
        tables_added=[(n, len(new_tables[n])) for n in sorted(new_tables.keys() - old_tables.keys())],
        tables_removed=[(n, len(old_tables[n])) for n in sorted(old_tables.keys() - new_tables.keys())],
        upstream=diff_manifests(old_manifest, new_manifest),
    )


def to_frame(diff: BuildDiff) -> pd.DataFrame:
    """One row per changed value (CSV_COLUMNS), sorted by table, key and column."""
    return pd.DataFrame([{c: row[c] for c in CSV_COLUMNS} for row in diff.changes], columns=CSV_COLUMNS)


def _rows_text(rows: int, values: int, what: str) -> str:
    return f"{rows} {'row' if rows == 1 else 'rows'} {what} ({values} {'value' if values == 1 else 'values'})"


def summary_lines(diff: BuildDiff) -> list[str]:
    """What `make diff` prints: the builds, the upstream changes, the counts per table."""
    lines = [f"{diff.cohort}: {diff.old_label} -> {diff.new_label}"]
    if diff.empty:
        return [*lines, "  no published number changed; nothing changed upstream"]
    entries = []  # at most three per section: the HTML lists them all
    for section in UPSTREAM_SECTIONS:
        rows = [r["key"] for r in diff.upstream if r["section"] == section]
        entries += rows[:3] + ([f"{len(rows) - 3} more {section} entries"] if len(rows) > 3 else [])
    lines.append("  upstream changed: " + ("; ".join(entries) if entries else "nothing the manifests record"))
    totals = diff.totals()
    rows = "no rows added or removed"
    if totals["rows_added"] or totals["rows_removed"]:
        added = _rows_text(totals["rows_added"], totals[ADDED], "added")
        rows = f"{added}, {_rows_text(totals['rows_removed'], totals[REMOVED], 'removed')}"
    lines.append(
        f"  {len(diff.changes)} values differ: {totals[CHANGED]} changed, {totals[WITHHELD]} newly withheld, "
        f"{totals[PUBLISHED]} newly published; {rows}"
    )
    for table in diff.tables:
        parts = [
            f"{table.count(kind)} {kind}" for kind in (CHANGED, WITHHELD, PUBLISHED) if table.count(kind)
        ]
        parts += [_rows_text(table.rows_added, table.count(ADDED), "added")] if table.rows_added else []
        parts += (
            [_rows_text(table.rows_removed, table.count(REMOVED), "removed")] if table.rows_removed else []
        )
        parts += [f"columns added: {', '.join(table.columns_added)}"] if table.columns_added else []
        parts += [f"columns removed: {', '.join(table.columns_removed)}"] if table.columns_removed else []
        lines.append(f"    {table.name}: {', '.join(parts)}")
    for name, rows in diff.tables_added:
        lines.append(f"    {name}: table added ({rows} rows)")
    for name, rows in diff.tables_removed:
        lines.append(f"    {name}: table removed ({rows} rows)")
    if diff.unchanged:
        lines.append(f"  unchanged: {', '.join(diff.unchanged)}")
    return lines


# --------------------------------------------------------------------------------------------
# HTML

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Published numbers: what changed ({{ d.cohort }})</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 80rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.hash { font-family: monospace; word-break: break-all; max-width: 30rem; }
.withheld { background: #fff3cd; } .published { background: #d1e7dd; }
.added { background: #e7f1ff; } .removed { background: #f8d7da; }
.empty { color: #888; font-style: italic; }
</style>
</head>
<body>
<h1>Published numbers: what changed</h1>
<p>Cohort <strong>{{ d.cohort }}</strong>. Earlier build: <code>{{ d.old_label }}</code> ({{ d.old_code }}).
This build: <code>{{ d.new_label }}</code> ({{ d.new_code }}).
Only published tables (aggregates after disclosure control) and the two manifests are compared;
numbers exactly as published. An empty cell is a withheld or not applicable value.</p>

<h2>Summary</h2>
{% if d.empty %}<p>No published number changed and nothing changed upstream.</p>{% else %}
<table>
<tr><th>table</th>{% for kind in kinds %}<th>{{ kind }}</th>{% endfor %}<th>rows added</th><th>rows removed</th><th>columns</th></tr>
{% for t in d.tables %}<tr><td>{{ t.name }}</td>{% for kind in kinds[:3] %}<td class="num">{{ t.count(kind) }}</td>{% endfor %}
<td class="num">{{ t.count(kinds[3]) }}</td><td class="num">{{ t.count(kinds[4]) }}</td>
<td class="num">{{ t.rows_added }}</td><td class="num">{{ t.rows_removed }}</td>
<td>{% if t.columns_added %}added: {{ t.columns_added | join(", ") }} {% endif %}{% if t.columns_removed %}removed: {{ t.columns_removed | join(", ") }}{% endif %}</td></tr>
{% endfor %}<tr><th>all tables</th>{% for kind in kinds %}<th class="num">{{ totals[kind] }}</th>{% endfor %}<th class="num">{{ totals.rows_added }}</th><th class="num">{{ totals.rows_removed }}</th><th></th></tr>
</table>
<p>Counts of values; "row added" and "row removed" count the values of added and removed rows.</p>
{% for name, rows in d.tables_added %}<p>Table <strong>{{ name }}</strong> is new ({{ rows }} rows).</p>{% endfor %}
{% for name, rows in d.tables_removed %}<p>Table <strong>{{ name }}</strong> is no longer published ({{ rows }} rows before).</p>{% endfor %}
{% if d.unchanged %}<p>Unchanged: {{ d.unchanged | join(", ") }}.</p>{% endif %}
{% endif %}

<h2>What changed upstream</h2>
{% if d.upstream %}<table>
<tr><th>what</th><th>entry</th><th>earlier build</th><th>this build</th></tr>
{% for r in d.upstream %}<tr><td>{{ r.section }}</td><td>{{ r.key }}</td><td class="hash">{{ r.old }}</td><td class="hash">{{ r.new }}</td></tr>
{% endfor %}</table>{% else %}<p>The manifests record no change of inputs, configuration, code or packages.</p>{% endif %}

{% for t in d.tables %}
<h2 id="table-{{ t.name }}">{{ t.name }}</h2>
<p>Rows matched on: {{ t.keys | join(", ") if t.keys else "position" }}.</p>
{% if t.changes %}<table>
<tr>{% for c in shown[t.name] %}<th>{{ c }}</th>{% endfor %}<th>column</th><th>change</th><th>earlier</th><th>now</th><th>difference</th></tr>
{% for r in t.changes %}<tr class="{{ css[r.change] }}">{% for c in shown[t.name] %}<td>{{ r[c] }}{% if c == "unit" and r.unit_name %} <span>({{ r.unit_name }})</span>{% endif %}</td>{% endfor %}
<td>{{ r.column }}</td><td>{{ r.change }}</td>
<td class="num">{% if r.old == "" %}<span class="empty">empty</span>{% else %}{{ r.old }}{% endif %}</td>
<td class="num">{% if r.new == "" %}<span class="empty">empty</span>{% else %}{{ r.new }}{% endif %}</td>
<td class="num">{{ r.delta }}</td></tr>
{% endfor %}</table>{% endif %}
{% endfor %}
</body>
</html>
"""

CSS = {CHANGED: "", WITHHELD: "withheld", PUBLISHED: "published", ADDED: "added", REMOVED: "removed"}


def render_html(diff: BuildDiff) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    shown = {}  # the key columns each table's rows show
    for table in diff.tables:
        columns = [k for k in CSV_KEYS if any(row[k] for row in table.changes)]
        shown[table.name] = columns + (
            ["other_key"] if any(row["other_key"] for row in table.changes) else []
        )
    return env.from_string(TEMPLATE).render(d=diff, kinds=KINDS, totals=diff.totals(), css=CSS, shown=shown)


def write(diff: BuildDiff, out: Path) -> tuple[Path, Path]:
    csv_path, html_path = out / "published_diff.csv", out / "published_diff.html"
    frame = to_frame(diff)
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(csv_path, index=False, lineterminator="\n")
    io.write_text(render_html(diff), html_path)
    return csv_path, html_path


# --------------------------------------------------------------------------------------------
# Command line


def _cohorts(results: Path, asked: list[str]) -> list[str]:
    if asked:
        return asked
    if not results.is_dir():
        return []
    return sorted(p.name for p in results.iterdir() if published_files(p))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m miriam.provenance.published_diff",
        description="List every published number that changed since the previous published build.",
    )
    parser.add_argument("cohorts", nargs="*", help="cohorts to compare (default: every cohort in --results)")
    parser.add_argument(
        "--against", help="a snapshot id (or unique prefix) or a directory with an earlier build"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="this build (default: results)")
    parser.add_argument(
        "--history", type=Path, default=HISTORY, help="snapshots (default: published-history)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="diff goes to <out>/<cohort>/ (default: qa)")
    parser.add_argument("--snapshot-only", action="store_true", help="save this build, compare nothing")
    parser.add_argument("--no-snapshot", action="store_true", help="do not save this build")
    args = parser.parse_args(argv)

    cohorts = _cohorts(args.results, args.cohorts)
    if not cohorts:
        print(f"no published build in {args.results}/<cohort>/ (run make demo first)", file=sys.stderr)
        return 2
    status = 0
    for cohort in cohorts:
        current, history = args.results / cohort, args.history / cohort
        if not published_files(current):
            print(f"{cohort}: no published build in {current}", file=sys.stderr)
            status = 2
            continue
        saved = None
        if not args.no_snapshot:
            saved, created = snapshot(current, history)
            print(f"{cohort}: {'saved this build as' if created else 'this build is'} {saved}")
        if args.snapshot_only:
            continue
        try:
            earlier = (
                resolve_against(args.against, cohort, history)
                if args.against
                else previous_build(history, current)
            )
        except FileNotFoundError as error:
            print(f"{cohort}: {error}", file=sys.stderr)
            status = 2
            continue
        if earlier is None:
            print(f"{cohort}: no earlier build in {history} to compare with")
            continue
        label = saved.name if saved is not None else str(current)
        diff = compare_builds(
            cohort, earlier, current, earlier.name if earlier.parent == history else str(earlier), label
        )
        csv_path, html_path = write(diff, args.out / cohort)
        print("\n".join(summary_lines(diff)))
        print(f"  wrote {html_path} and {csv_path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
