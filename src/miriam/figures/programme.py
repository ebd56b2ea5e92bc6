"""Programme-level charts: every OCMW on the leefloon scale, and the trend over cohorts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotnine as p9

from miriam.figures.charts import begin_end_chart
from miriam.figures.theme import (
    BASE_SIZE,
    DEFAULT_SCALE,
    FONT_FAMILY,
    GRID_COLOUR,
    OKABE_ITO,
    WARNING_COLOUR,
    WIDTH_IN,
    _drawing_code,
    _sized_theme,
    _write_text,
    save_svg,
)
from miriam.printed import Fmt
from miriam.provenance.cache import Cache, key

PROGRAMME_TEXT = {
    "nl": {
        "rank": "OCMW's gerangschikt naar aantal leefloners",
        "recipients": "Leefloners (log-schaal)",
        "projects": {"0": "geen MIRIAM", "1": "1 jaargang MIRIAM", "2+": "2 of meer jaargangen"},
        "illustrative": "Illustratieve demowaarden: geen echte aantallen",
        "scale_alt": "Puntendiagram van {total} OCMW's, gerangschikt van veel naar weinig leefloners "
        "(logaritmische schaal), gekleurd naar het aantal jaargangen MIRIAM tot en met {label}: "
        "{counts}.{illustrative}",
        "scale_alt_illustrative": " De aantallen leefloners zijn illustratief, geen echte gegevens.",
        "women": "Vrouwen",
        "women_paired": "Met beide metingen",
        "reach_alt": "Staafdiagram van het aantal deelneemsters per jaargang: {values}.",
        "scores_alt": "Gemiddelde beginscore en eindscore per jaargang voor de levensdomeinen die "
        "beide vragenlijsten gemeen hebben: {values}.",
    },
    "fr": {
        "rank": "CPAS classés selon le nombre de bénéficiaires du RIS",
        "recipients": "Bénéficiaires du RIS (échelle log.)",
        "projects": {"0": "pas de MIRIAM", "1": "1 édition de MIRIAM", "2+": "2 éditions ou plus"},
        "illustrative": "Valeurs de démonstration illustratives\u202f: pas de chiffres réels",
        "scale_alt": "Graphique à points de {total}\u00a0CPAS, classés du plus grand au plus petit "
        "nombre de bénéficiaires du revenu d'intégration (échelle logarithmique), colorés selon le "
        "nombre d'éditions de MIRIAM jusqu'à {label} inclus\u00a0: {counts}.{illustrative}",
        "scale_alt_illustrative": " Les nombres de bénéficiaires sont illustratifs, pas des données réelles.",
        "women": "Femmes",
        "women_paired": "Avec les deux mesures",
        "reach_alt": "Diagramme en barres du nombre de participantes par édition\u00a0: {values}.",
        "scores_alt": "Score moyen de début et de fin par édition pour les domaines de vie communs "
        "aux deux questionnaires\u00a0: {values}.",
    },
}

#: Cohorts of MIRIAM per OCMW: grey, then bluish green (light, dark). Not the waves' orange and
#: blue: one colour meaning in every chart (issue 15).
PROJECT_COLOURS = {"0": "#C8C8C8", "1": "#7FCFB9", "2+": OKABE_ITO["bluish_green"]}


def participation_band(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2+"


def scale_chart(
    reference: pd.DataFrame, participation: dict[str, int], lang: str, *, illustrative: bool
) -> p9.ggplot:
    """Every OCMW ranked by its number of leefloon recipients, coloured by the number of
    cohorts it ran MIRIAM in (`participation`: OCMW id -> count)."""
    t = PROGRAMME_TEXT[lang]
    df = reference.sort_values(["leefloon_recipients", "ocmw_id"], ascending=[False, True]).reset_index(
        drop=True
    )
    df["rank"] = range(1, len(df) + 1)
    band = df["ocmw_id"].astype(str).map(lambda o: participation_band(participation.get(o, 0)))
    df["projects"] = pd.Categorical(band.map(t["projects"]), list(t["projects"].values()))
    # Every OCMW a small grey point along the ranked curve; those that ran MIRIAM drawn again,
    # larger and coloured, so that a few dozen stand out among 581 (bars would be 1 px wide).
    miriam = df[band != "0"]
    plot = p9.ggplot(df, p9.aes(x="rank", y="leefloon_recipients", color="projects"))
    plot += p9.geom_point(size=0.6)
    plot += p9.geom_point(miriam, size=2.2)
    plot += p9.scale_color_manual(
        values={t["projects"][k]: c for k, c in PROJECT_COLOURS.items()}, drop=False
    )
    plot += p9.scale_y_log10(labels=lambda values: [Fmt(lang).number(v) for v in values])
    plot += p9.scale_x_continuous(expand=(0, 4))
    plot += p9.labs(x=t["rank"], y=t["recipients"])
    if illustrative:
        top = float(df["leefloon_recipients"].max())
        plot += p9.annotate(
            "text", x=len(df) * 0.98, y=top, label=t["illustrative"], ha="right", va="top",
            size=BASE_SIZE - 1, color=WARNING_COLOUR, family=FONT_FAMILY,
        )  # fmt: skip
    # `+`, not `+=`: the sized theme is shared through its cache, and `+=` would change it
    # for every later chart of this size.
    plot += _sized_theme((WIDTH_IN, 3.0)) + p9.theme(
        axis_title=p9.element_text(size=BASE_SIZE - 1, color="#444444"),
        axis_title_y=p9.element_text(size=BASE_SIZE - 1, color="#444444", rotation=90),
        panel_grid_major_y=p9.element_line(color=GRID_COLOUR, size=0.5),
    )
    return plot


def scale_alt(
    reference: pd.DataFrame, participation: dict[str, int], lang: str, label: str, *, illustrative: bool
) -> str:
    t = PROGRAMME_TEXT[lang]
    bands = reference["ocmw_id"].astype(str).map(lambda o: participation_band(participation.get(o, 0)))
    counts = ", ".join(f"{t['projects'][k]}: {int((bands == k).sum())}" for k in t["projects"])
    return t["scale_alt"].format(
        total=len(reference),
        label=label,
        counts=counts,
        illustrative=t["scale_alt_illustrative"] if illustrative else "",
    )


def trend_reach_chart(reach: pd.DataFrame, lang: str) -> p9.ggplot:
    """Women and paired women per cohort (national), side by side."""
    t = PROGRAMME_TEXT[lang]
    df = reach[reach["measure"].isin(["women", "women_paired"])].copy()
    df["count"] = pd.to_numeric(df["count"], errors="coerce")
    df = df.dropna(subset=["count"])
    df["what"] = pd.Categorical(df["measure"].map({"women": t["women"], "women_paired": t["women_paired"]}),
                                [t["women"], t["women_paired"]])  # fmt: skip
    df["text"] = [Fmt(lang).int(v) for v in df["count"]]
    plot = p9.ggplot(df, p9.aes(x="label", y="count", fill="what"))
    plot += p9.geom_col(position=p9.position_dodge(width=0.8), width=0.75)
    plot += p9.geom_text(p9.aes(label="text"), position=p9.position_dodge(width=0.8), va="bottom",
                         size=BASE_SIZE - 1, family=FONT_FAMILY)  # fmt: skip
    plot += p9.scale_fill_manual(values=[OKABE_ITO["sky_blue"], OKABE_ITO["blue"]])
    plot += p9.scale_y_continuous(
        expand=(0, 0, 0.12, 0),
        labels=lambda values: [Fmt(lang).number(v) for v in values],
    )
    plot += _sized_theme((WIDTH_IN * 0.7, 2.4))
    return plot


def trend_scores_chart(
    scores: pd.DataFrame, lang: str, labels: dict[str, str], mean_places: int = 1
) -> p9.ggplot:
    """Begin and end means of the comparable items, one row per item and cohort (printed at
    this cohort's decimals of means, as its report's trend table)."""
    df = scores[scores["comparable"].astype(bool)].copy()
    # the codebook's order (that of `labels`), as in every other chart and table; newest cohort first
    order = {item: i for i, item in enumerate(labels)}
    df = df.assign(_o=df["item"].map(order).fillna(len(order)))
    df = df.sort_values(["_o", "item", "label"], ascending=[True, True, False], kind="stable")
    df = df.drop(columns="_o").reset_index(drop=True)
    df["item"] = [f"{labels.get(i, i)} ({lb})" for i, lb in zip(df["item"], df["label"], strict=True)]
    columns = ["item", "mean_baseline", "mean_endline", "mean_diff"]
    return begin_end_chart(df[columns], lang, {}, DEFAULT_SCALE, mean_places=mean_places)


def trend_alt(
    scores: pd.DataFrame, reach: pd.DataFrame, lang: str, labels: dict[str, str], mean_places: int = 1
) -> tuple[str, str]:
    t = PROGRAMME_TEXT[lang]
    women = reach[reach["measure"] == "women"]
    reach_text = t["reach_alt"].format(
        values=", ".join(
            f"{lb}: {Fmt(lang).int(c)}" for lb, c in zip(women["label"], women["count"], strict=True)
        )  # fmt: skip
    )
    df = scores[scores["comparable"].astype(bool)]
    score = Fmt(lang, mean_places=mean_places).score
    parts = [
        f"{labels.get(r.item, r.item)} {r.label}: {score(r.mean_baseline)} → {score(r.mean_endline)}"
        for r in df.itertuples()
    ]
    return reach_text, t["scores_alt"].format(values="; ".join(parts))


# size: a signature and docstring of 20 lines, then the list of programme charts and one loop (draw
# or copy from the cache)
def write_programme_figures(
    outdir: Path,
    lang: str,
    *,
    reference: pd.DataFrame,
    participation: dict[str, int],
    label: str,
    illustrative: bool,
    trend_scores: pd.DataFrame | None = None,
    trend_reach: pd.DataFrame | None = None,
    labels: dict[str, str] | None = None,
    cache_dir: str | Path | None = None,
    mean_places: int = 1,
) -> list[Path]:
    """`scale_ocmws.svg` and, with more than one cohort, `trend_reach.svg` and
    `trend_scores.svg` (only comparable items, their means at `mean_places` decimals: this
    cohort's precision), each with its alt text beside it.

    With `cache_dir`, a chart whose data and wording are unchanged is copied from the cache
    (the scale chart of 581 OCMWs is the slowest chart of the build, and a new answer in one
    OCMW changes the trend tables but seldom this chart)."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    cache = Cache(cache_dir, "programme_figures")
    labels = labels or {}
    charts = []  # (name, data key, how to draw it, how to say it)
    used = reference.sort_values("ocmw_id").to_json(orient="values", double_precision=15)
    charts.append(
        (
            "scale_ocmws",
            key(used, repr(sorted(participation.items())), repr((lang, label, illustrative))),
            lambda: scale_chart(reference, participation, lang, illustrative=illustrative),
            lambda: scale_alt(reference, participation, lang, label, illustrative=illustrative),
        )
    )
    several = trend_reach is not None and trend_reach["label"].nunique() > 1
    if several and trend_scores is not None:
        reach_data = key(trend_reach.to_json(orient="values", double_precision=15), lang)
        scores_data = key(
            trend_scores.to_json(orient="values", double_precision=15),
            repr((lang, list(labels.items()), mean_places)),
        )
        charts.append(
            (
                "trend_reach",
                reach_data,
                lambda: trend_reach_chart(trend_reach, lang),
                lambda: trend_alt(trend_scores, trend_reach, lang, labels)[0],
            )
        )
        if trend_scores["comparable"].astype(bool).any():
            charts.append(
                (
                    "trend_scores",
                    scores_data,
                    lambda: trend_scores_chart(trend_scores, lang, labels, mean_places),
                    lambda: trend_alt(trend_scores, trend_reach, lang, labels, mean_places)[1],
                )
            )
    written = []
    for name, data, draw, say in charts:
        svg = outdir / f"{name}.svg"
        txt = svg.with_suffix(".txt")
        digest = key(_drawing_code(), name, data)
        if not cache.get(digest, [svg, txt]):
            save_svg(draw(), svg)
            _write_text(say(), txt)
            cache.put(digest, [svg, txt])
        written += [svg, txt]
    return written
