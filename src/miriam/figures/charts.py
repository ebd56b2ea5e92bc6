"""Begin versus end charts per unit and item group, each with its alternative text."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import plotnine as p9

from miriam.errors import DisclosureError
from miriam.figures.theme import (
    BASE_SIZE,
    DEFAULT_SCALE,
    DIFF_COLOUR,
    DIFF_SPACE,
    FONT_FAMILY,
    SEGMENT_COLOUR,
    WAVE_COLOURS,
    Scale,
    _anchors,
    _breaks,
    _drawing_code,
    _int_text,
    _sized_theme,
    _text,
    _wrap,
    _write_text,
    chart_size,
    format_diff,
    format_score,
    save_svg,
)
from miriam.printed import Fmt, printed_diff, unit_languages
from miriam.provenance.cache import Cache, key
from miriam.vocab import GROUPS

log = logging.getLogger(__name__)

#: Charts are drawn for what the report shows: Belgium in every language, and each project in
#: the languages of its factsheet (a Flemish project's French chart would never be read, and
#: drawing is the slowest part of the build).
CHART_LEVELS = ("national", "project")


# size: one plotnine picture built layer by layer (segments, points, labels, scale, theme); split,
# the layers of one chart would be read in several places
def begin_end_chart(
    items_unit: pd.DataFrame,
    lang: str,
    labels: dict[str, str],
    scale: Scale = DEFAULT_SCALE,
    *,
    mean_places: int = 1,
) -> p9.ggplot:
    """Dumbbell chart of baseline vs endline mean per item, with the signed difference
    (`mean_places`: the cohort's decimals of means, as the table beside the chart).

    `items_unit` holds the rows of one unit and one group (columns item, mean_baseline,
    mean_endline, mean_diff), in display order, first item on top; `labels` maps
    item -> label in `lang`. A withheld item (NaN means) keeps its row, without points, and
    shows "–" as its difference.

    The x axis is the items' scale (`scale`: min, max and what they mean, from the codebook).
    The y axis is numeric (item i at y = n - i) so that every text (differences, column
    header, scale anchors) fits in one layer: each plotnine layer costs time per figure.
    """
    t = _text(lang)
    lo, hi, _ = scale
    diff_x = hi + DIFF_SPACE * (hi - lo)
    low_text, high_text = _anchors(scale, t)
    df = items_unit.reset_index(drop=True)
    n = len(df)
    ys = [float(n - i) for i in range(n)]
    rows = pd.DataFrame(
        {
            "y": ys,
            "baseline": pd.to_numeric(df["mean_baseline"], errors="coerce").astype(float),
            "endline": pd.to_numeric(df["mean_endline"], errors="coerce").astype(float),
        }
    )
    points = pd.DataFrame(
        {
            "y": ys + ys,
            "mean": list(rows["baseline"]) + list(rows["endline"]),
            "wave": pd.Categorical(["baseline"] * n + ["endline"] * n, ["baseline", "endline"]),
        }
    ).dropna(subset=["mean"])
    segments = rows.dropna(subset=["baseline", "endline"])
    item_labels = [_wrap(labels.get(item, item)) for item in df["item"]]

    small, note = BASE_SIZE - 1, "#555555"
    # (x, y, label, colour key, ha, size, weight): differences, column header, scale anchors,
    # and "not published" in the row of a withheld item.
    shown = [
        printed_diff(b, e, d, mean_places)
        for b, e, d in zip(rows["baseline"], rows["endline"], df["mean_diff"], strict=True)
    ]
    text_rows = [
        (diff_x, y, format_diff(v, lang, mean_places), "diff", "right", BASE_SIZE, "bold")
        for y, v in zip(ys, shown, strict=True)
    ]
    text_rows += [
        (diff_x, n + 0.75, t["diff"], "note", "right", small, "normal"),
        (lo, 0.3, "\u2190 " + low_text, "note", "left", small, "normal"),
        (hi, 0.3, high_text + " \u2192", "note", "right", small, "normal"),
    ]
    text_rows += [
        ((lo + hi) / 2, y, t["missing"], "note", "center", small, "normal")
        for y, b, e in zip(ys, rows["baseline"], rows["endline"], strict=True)
        if pd.isna(b) and pd.isna(e)
    ]
    texts = pd.DataFrame(text_rows, columns=["x", "y", "label", "colour", "ha", "size", "fontweight"])

    # Build in place (`+=`): `+` deep-copies the whole plot at every step, which is slow.
    plot = p9.ggplot()
    plot += p9.geom_segment(
        segments,
        p9.aes(x="baseline", xend="endline", y="y", yend="y"),
        color=SEGMENT_COLOUR,
        size=1.6,
    )
    plot += p9.geom_point(points, p9.aes(x="mean", y="y", color="wave"), size=3.2)
    plot += p9.geom_text(
        texts,
        p9.aes(
            x="x",
            y="y",
            label="label",
            color="colour",
            ha="ha",
            size="size",
            fontweight="fontweight",
        ),
        family=FONT_FAMILY,
        show_legend=False,
    )
    plot += p9.scale_color_manual(
        values={
            "baseline": WAVE_COLOURS["baseline"],
            "endline": WAVE_COLOURS["endline"],
            "diff": DIFF_COLOUR,
            "note": note,
        },
        breaks=["baseline", "endline"],
        labels=[t["baseline"], t["endline"]],
    )
    plot += p9.scale_size_identity()
    plot += p9.scale_x_continuous(limits=(lo, diff_x), breaks=_breaks(lo, hi), expand=(0, 0.03 * (hi - lo)))
    plot += p9.scale_y_continuous(
        limits=(0.0, n + 1.0),
        breaks=ys,
        labels=item_labels,
        expand=(0, 0.1),
    )
    n_lines = sum(label.count("\n") + 1 for label in item_labels)
    plot += _sized_theme(chart_size(n, n_lines))
    return plot


def _n_phrase(items_unit: pd.DataFrame, t: dict, lang: str) -> str:
    if "n_paired" not in items_unit:
        return ""
    ns = pd.to_numeric(items_unit["n_paired"], errors="coerce").dropna().astype(int)
    if ns.empty:
        return ""
    lo, hi = int(ns.min()), int(ns.max())
    fmt = Fmt(lang)
    return t["n"].format(n=fmt.int(hi)) if lo == hi else t["n_range"].format(lo=fmt.int(lo), hi=fmt.int(hi))


def alt_text(
    items_unit: pd.DataFrame,
    lang: str,
    labels: dict[str, str],
    unit_name: str,
    group: str | None = None,
    scale: Scale = DEFAULT_SCALE,
    *,
    mean_places: int = 1,
) -> str:
    """One sentence in `lang` that states what the chart shows, with every number (at the
    cohort's decimals of means, `mean_places`)."""
    t = _text(lang)
    if group is None and "group" in items_unit and items_unit["group"].nunique() == 1:
        group = str(items_unit["group"].iloc[0])
    group_phrase = t["group"].get(group or "", t["group"]["domain"])
    parts = []
    for row in items_unit.itertuples(index=False):
        label = labels.get(row.item, row.item)
        if pd.isna(row.mean_baseline) or pd.isna(row.mean_endline):
            parts.append(t["item_missing"].format(label=label, missing=t["missing"]))
            continue
        diff = printed_diff(row.mean_baseline, row.mean_endline, row.mean_diff, mean_places)
        parts.append(
            t["item"].format(
                label=label,
                begin=format_score(row.mean_baseline, lang, mean_places),
                end=format_score(row.mean_endline, lang, mean_places),
                diff=format_diff(diff, lang, mean_places),
            )
        )
    lo, hi, anchors = scale
    low, high = anchors or (t["lowest"], t["highest"])
    lead = t["lead"].format(
        group=group_phrase,
        unit=unit_name,
        n=_n_phrase(items_unit, t, lang),
        lo=_int_text(lo),
        hi=_int_text(hi),
        low=low,
        high=high,
    )
    return lead + t["sep"].join(parts) + "."


def _is_published(value) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def _order_items(df: pd.DataFrame, item_order: Iterable[str] | None) -> pd.DataFrame:
    if item_order is None:
        return df
    rank = {item: i for i, item in enumerate(item_order)}
    return (
        df.assign(_rank=df["item"].map(rank).fillna(len(rank)))
        .sort_values(["_rank", "item"], kind="stable")
        .drop(columns="_rank")
    )


def _withheld_masked(items: pd.DataFrame) -> pd.DataFrame:
    """Blank the means of rows marked withheld, whatever they hold (belt and braces)."""
    if "status" not in items:
        return items
    withheld = (items["status"] == "withheld").fillna(False).to_numpy(dtype=bool)
    if not withheld.any():
        return items
    items = items.copy()
    for column in ("mean_baseline", "mean_endline", "mean_diff"):
        items[column] = items[column].astype(float).mask(withheld)
    return items


def _chart_key(
    rows: pd.DataFrame, lang: str, labels: dict, scale: Scale, name: str, group: str, mean_places: int
) -> str:
    columns = ["item", "mean_baseline", "mean_endline", "mean_diff", "n_paired"]
    data = rows[[c for c in columns if c in rows.columns]].to_json(orient="values", double_precision=15)
    words = repr((lang, [labels.get(i, i) for i in rows["item"]], scale, name, group, mean_places))
    return key(_drawing_code(), data, words)


def _remove_stale(outdir: Path, keep: set[Path], groups: set[str]) -> None:
    """Delete figure files (`<unit>_<group>.svg|.txt`, and temp files) this run did not write."""
    for path in sorted(outdir.iterdir()):
        name = path.name.removesuffix(".tmp")
        stem, _, suffix = name.rpartition(".")
        is_figure = suffix in {"svg", "txt"} and any(stem.endswith(f"_{g}") for g in groups)
        if is_figure and path.is_file() and path not in keep:
            log.info("removing stale figure file %s", path)
            path.unlink()


ITEM_COLUMNS = ("level", "unit", "item", "group", "mean_baseline", "mean_endline", "mean_diff")

UNIT_COLUMNS = ("level", "unit", "published")


def _require_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Only a disclosure-checked table may be charted: its columns must be there."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DisclosureError(
            f"the published {table} table lacks column(s) {', '.join(missing)}",
            expected="the output of disclose (docs/data-contracts.md)",
        )


# size: a signature and docstring of 25 lines; the body is one loop over units and groups (draw or
# copy from the cache)
def write_figures(
    items: pd.DataFrame,
    units: pd.DataFrame,
    labels_by_lang: dict[str, dict[str, str]],
    lang: str,
    outdir: Path,
    *,
    item_order: Iterable[str] | None = None,
    scales: dict[str, Scale] | None = None,
    cache_dir: str | Path | None = None,
    mean_places: int = 1,
) -> list[Path]:
    """Write `<unit>_<group>.svg` and its alt text `<unit>_<group>.txt` for each published unit.

    `scales` gives each item's scale (:func:`scale_of`); a group's chart uses its first item's
    (the items of a group share one scale in every codebook). With `cache_dir`, a chart whose
    data, wording, scale and drawing code are unchanged is copied from the cache
    (:mod:`miriam.provenance.cache`) instead of drawn again: the same bytes, in a fraction of the time.
    Means and differences are printed at `mean_places` decimals (the cohort's ``precision.mean``:
    the same numbers as the report's tables).

    Belgium and the projects whose factsheet is in `lang` (``languages``), with ``published``
    true; per group, a chart is
    skipped when every mean of that unit and group is withheld (NaN). Items appear in
    `item_order` (the codebook order) when given, else in the table's order. Figure files left
    in `outdir` by an earlier run that this run did not write (a unit withheld since) are
    removed. Returns the paths written, SVG and text, in a stable order.
    """
    _text(lang)
    labels = labels_by_lang[lang]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    item_order = list(item_order) if item_order is not None else None
    _require_columns(items, ITEM_COLUMNS, "items")
    _require_columns(units, UNIT_COLUMNS, "units")
    items = _withheld_masked(items)

    cache = Cache(cache_dir, "figures")
    name_col = f"name_{lang}"
    wanted = units[units["level"].isin(CHART_LEVELS)]
    written: list[Path] = []
    for unit_row in wanted.itertuples(index=False):
        unit = str(unit_row.unit)
        if unit_row.level != "national" and lang not in unit_languages(unit_row._asdict()):
            continue
        if not _is_published(unit_row.published):
            log.info("unit %s withheld: no figures", unit)
            continue
        name = getattr(unit_row, name_col, None)
        name = unit if name is None or pd.isna(name) else str(name)
        of_unit = items[(items["level"] == unit_row.level) & (items["unit"] == unit)]
        present = set(of_unit["group"].dropna())
        groups = [g for g in GROUPS if g in present] + sorted(present - set(GROUPS))
        for group in groups:
            rows = _order_items(of_unit[of_unit["group"] == group], item_order)
            if rows[["mean_baseline", "mean_endline"]].isna().all().all():
                log.info("unit %s group %s: every mean withheld, no figure", unit, group)
                continue
            scale = (scales or {}).get(str(rows["item"].iloc[0]), DEFAULT_SCALE)
            svg = outdir / f"{unit}_{group}.svg"
            txt = svg.with_suffix(".txt")
            digest = _chart_key(rows, lang, labels, scale, name, group, mean_places)
            if not cache.get(digest, [svg, txt]):
                save_svg(begin_end_chart(rows, lang, labels, scale, mean_places=mean_places), svg)
                alt = alt_text(rows, lang, labels, name, group=group, scale=scale, mean_places=mean_places)
                _write_text(alt, txt)
                cache.put(digest, [svg, txt])
            written += [svg, txt]

    _remove_stale(outdir, keep=set(written), groups=set(GROUPS) | set(items["group"].dropna()))
    log.info("%d figures written to %s", len(written) // 2, outdir)
    return written
