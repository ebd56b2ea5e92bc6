"""Seeded synthetic exports for demo cohorts, in the 2023-2024 layout (one row per form).

`generate_cohort` writes every export a demo cohort declares (format, encoding, delimiter as
declared), with headers and answer labels taken from the codebook in the export's language, so
the pipeline can be run end to end without real data. Nothing here is a real person: names are
drawn from short lists, register numbers are well-formed but invented.

What the data look like (parameters in ``cohort.raw["synthetic"]``: seed, women):

- women are spread over the cohort's OCMWs (bigger municipalities get more women, Antwerpen
  about 52 paired, a few small OCMWs below the disclosure threshold); the form language follows
  the OCMW's region (Brussels: both);
- about 75 % complete the year, 17 % stop early (3 % of all women out of dissatisfaction),
  the rest have no endline; scores are correlated within a woman and calibrated to the
  published 2023-2024 figures (``NATIONAL_TARGETS``, ``ANTWERPEN_TARGETS``): the paired means
  are nudged to the targets exactly before the defects below are planted;
- real-world defects, a handful each (counts: :func:`expected_defects`): a woman submitted
  twice in a wave (the later row is the correction), register numbers with a typo that breaks
  the check digits, endlines without a baseline, a blank row at the end of each CSV, scores
  typed as "7,5", "10/10", "nvt"/"s.o." or "11", an extra platform column ("Status"/"Statut"),
  a column moved by hand in the Excel-re-saved CSV, a title row above the header of a baseline
  XLSX and real Excel dates in an endline XLSX.

A cohort that declares a follow-up (``followup:`` and exports with ``wave: followup``) also
gets its follow-up exports, drawn from a stream of their own (so every other export, and
every number published from them, is the same with or without a follow-up): about
``synthetic.followup_women`` (32) women who completed the year, sampled with three times the
weight in large cities (the follow-up was run where case managers kept in touch: not a random
sample), submitted in the follow-up month (``followup.measurement``); life-domain scores drift
a little back from the endline (``FOLLOWUP_DRIFT``: about half the pairs stable, a third
declined, a fifth improved), a work situation (``WORK_SITUATION``), and one correction (a woman
submitted twice).

Deterministic: the same cohort, codebook and reference table give byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from babel import Locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter

from miriam.config import Cohort, Export, Instrument
from miriam.errors import ConfigError
from miriam.ingest import demo_marker
from miriam.vocab import FOLLOWUP

LARGE_CITY = 100_000  # as config.yaml generalise.large_city_population
ANTWERPEN = "11002"

# Published 2023-2024 figures (paired means, baseline -> endline) the demo is calibrated to.
NATIONAL_TARGETS: dict[str, tuple[float, float]] = {
    "dom_financial": (5.4, 6.0),
    "dom_daytime": (5.7, 6.3),
    "dom_housing": (5.3, 5.8),
    "dom_mobility": (5.9, 6.4),
    "dom_leisure": (4.0, 5.7),
    "dom_health": (5.2, 5.6),
    "emp_ocmw_help": (8.2, 9.0),
    "emp_wellbeing": (4.7, 5.8),
    "emp_confide": (5.4, 7.0),
    "emp_rely": (5.6, 6.4),
}
ANTWERPEN_TARGETS: dict[str, tuple[float, float]] = {
    "dom_financial": (5.2, 5.9),
    "dom_daytime": (5.5, 6.2),
    "dom_housing": (5.0, 5.5),
    "dom_mobility": (6.0, 6.6),
    "dom_leisure": (4.1, 5.6),
    "dom_health": (4.9, 5.3),
    "emp_ocmw_help": (8.2, 9.1),
    "emp_wellbeing": (4.7, 5.8),
    "emp_confide": (5.4, 7.0),
    "emp_rely": (5.6, 6.4),
}
DEFAULT_TARGET = (5.5, 6.1)  # an item added to the codebook later

# Outcomes (shares of all women) and defect rates (per woman; at least one of each).
COMPLETED, STOPPED = 0.75, 0.17
DISSATISFIED = 0.03
STOPPED_WITH_SCORES = 0.15
RATES = {
    "duplicate_baseline": 4 / 1144,
    "duplicate_endline": 2 / 1144,
    "bad_checksum": 3 / 1144,
    "endline_without_baseline": 4 / 1144,
    "score_decimal": 3 / 1144,
    "score_fraction": 2 / 1144,
    "score_missing_token": 4 / 1144,
    "score_out_of_range": 1 / 1144,
}

# Concrete outcomes: baseline share -> endline share (exact counts among paired women).
YES_NO_SHARES = {
    "regular_gp": (0.70, 0.76),
    "regular_dentist": (0.45, 0.57),
    "housing_waitlist": (0.12, 0.17),
}
LEARNED_YES = {
    "learned_health": 0.62,
    "learned_leisure": 0.71,
    "learned_benefits": 0.68,
    "learned_parenting": 0.55,
    "learned_housing": 0.47,
}
AGREEMENT_SHARES = [0.03, 0.07, 0.18, 0.45, 0.27]  # 72 % agree or strongly agree
LONELINESS_SHARES = [0.12, 0.45, 0.30, 0.13]
STOP_REASONS = {  # among those who stopped for another reason than dissatisfaction
    "studies": 0.22,
    "work": 0.21,
    "moved": 0.18,
    "crisis": 0.15,
    "health": 0.15,
    "other": 0.09,
}
DIPLOMAS = {
    "none": 0.22,
    "primary": 0.15,
    "lower_secondary": 0.25,
    "upper_secondary": 0.28,
    "higher": 0.10,
}
N_CHILDREN = {1: 0.38, 2: 0.32, 3: 0.18, 4: 0.08, 5: 0.04}

# Country of birth (ISO codes, names from Babel in the form's language) and languages spoken.
FOREIGN = {
    "MA": 0.25,
    "CD": 0.11,
    "GN": 0.07,
    "SY": 0.07,
    "TR": 0.06,
    "RO": 0.06,
    "AF": 0.06,
    "CM": 0.06,
    "DZ": 0.04,
    "SO": 0.03,
    "ER": 0.03,
    "IQ": 0.03,
    "TN": 0.02,
    "SN": 0.02,
    "UA": 0.03,
    "NL": 0.02,
    "BI": 0.02,
    "RW": 0.02,
}
COUNTRY_LANGUAGES: dict[str, list[tuple[str, float]]] = {
    "MA": [("ar", 1.0), ("rif", 0.4)],
    "DZ": [("ar", 1.0), ("kab", 0.3)],
    "TN": [("ar", 1.0)],
    "CD": [("ln", 0.8), ("sw", 0.2)],
    "CM": [("en", 0.3)],
    "GN": [("ff", 0.6), ("sus", 0.2)],
    "SN": [("wo", 0.9)],
    "SY": [("ar", 1.0), ("ku", 0.2)],
    "IQ": [("ar", 1.0), ("ku", 0.3)],
    "TR": [("tr", 1.0), ("ku", 0.15)],
    "RO": [("ro", 1.0)],
    "UA": [("uk", 1.0), ("ru", 0.6)],
    "AF": [("fa_AF", 1.0), ("ps", 0.4)],
    "SO": [("so", 1.0)],
    "ER": [("ti", 1.0)],
    "NL": [("nl", 1.0)],
    "BI": [("rn", 0.9)],
    "RW": [("rw", 0.9)],
}
FRANCOPHONE = {"CD", "CM", "GN", "SN", "BI", "RW", "TN", "DZ", "MA"}

# Name lists (every name encodable in cp1252: the Excel-re-saved exports are Windows-1252).
FIRST = {
    "be_nl": "Sofie Lies Els Kim Sarah Elke Evelien Jana Lotte Nathalie Tine Inge Kelly Jessica "
    "Melissa Sandra Ann Hanne Leen Griet Charlotte Julie Laura Shana Britt Joke Nele",
    "be_fr": "Sarah Julie Marie Laura Céline Aurélie Mélanie Sophie Amandine Jessica Virginie "
    "Stéphanie Audrey Émilie Manon Élodie Nathalie Caroline Justine Morgane Anaïs",
    "maghreb": "Amina Fatima Khadija Nadia Samira Naima Malika Houda Siham Latifa Zineb Loubna "
    "Hanane Soukaina Meryem Yasmina Karima Ikram Salma Imane Btissam Ilham",
    "africa": "Grace Fatou Aïcha Mariama Kadiatou Aminata Nadège Esther Divine Patience "
    "Clarisse Josiane Chantal Mireille Bénédicte Ornella Rachel Sandrine Gloria Hawa",
    "turkish": "Ayse Fatma Elif Zeynep Emine Hatice Merve Büsra Esra Derya Sevgi Gülsen Özlem "
    "Dilek Songül Melek",
    "mideast": "Rania Layla Noor Hala Reem Dima Zahra Maryam Farida Shirin Parwana Nazanin Roya "
    "Hevin Rojin Sara",
    "easteu": "Ioana Maria Elena Andreea Mihaela Alina Roxana Natalia Olena Iryna Oksana "
    "Daniela Florentina Georgiana Larisa",
    "horn": "Hodan Faduma Sahra Ayaan Hibo Ruth Senait Helen Selam Yodit Saba",
}
LAST = {
    "be_nl": "Peeters|Janssens|Maes|Jacobs|Mertens|Willems|Claes|Goossens|Wouters|De Smet|"
    "Vermeulen|Van den Broeck|Hermans|Aerts|Lambrechts|Verstraete|De Clercq|Van Damme|"
    "Smets|Claeys|Vandenberghe|De Backer|Verhoeven|Michiels|Coppens",
    "be_fr": "Dubois|Lambert|Dupont|Lemaire|Martin|Leclercq|Simon|Laurent|Dumont|Renard|Lejeune|"
    "Collard|Jacquet|Denis|Michel|Fontaine|Gérard|Mathieu|François|Hubert|Lecocq",
    "maghreb": "El Idrissi|Benali|El Amrani|Bouzid|Ait Ahmed|El Khattabi|Azzouzi|Benhaddou|"
    "El Ouali|Chakir|Bakkali|Ouled Ali|Tahiri|Ziani|Lahlou|El Moussaoui|Haddouchi|"
    "Boukhari|Amrani|Mansouri",
    "africa": "Diallo|Bah|Barry|Sow|Camara|Mbuyi|Tshibangu|Ilunga|Mukendi|Kalonji|Lukusa|Mbala|"
    "Nkulu|Kasongo|Fotso|Nguema|Tchoumi|Keita|Ndiaye|Niyonzima",
    "turkish": "Yilmaz|Kaya|Demir|Sahin|Çelik|Yildiz|Aydin|Öztürk|Arslan|Dogan|Kiliç|Koç|Kurt|Özdemir|Polat",
    "mideast": "Al Hassan|Haddad|Khalil|Ibrahim|Mahmoud|Hussein|Al Ahmad|Saleh|Ahmadi|Hosseini|"
    "Rahimi|Karimi|Popal|Sultani|Barzani",
    "easteu": "Popescu|Ionescu|Stan|Dumitru|Stoica|Constantin|Moldovan|Lungu|Rusu|Munteanu|"
    "Shevchenko|Kovalenko|Bondarenko|Tkachenko|Marin",
    "horn": "Mohamed|Abdi|Hassan|Warsame|Ali|Tesfaye|Gebremedhin|Haile|Tekle|Berhane",
}
NAME_GROUP = {
    "MA": "maghreb",
    "DZ": "maghreb",
    "TN": "maghreb",
    "CD": "africa",
    "CM": "africa",
    "GN": "africa",
    "SN": "africa",
    "BI": "africa",
    "RW": "africa",
    "TR": "turkish",
    "SY": "mideast",
    "IQ": "mideast",
    "AF": "mideast",
    "RO": "easteu",
    "UA": "easteu",
    "SO": "horn",
    "ER": "horn",
    "NL": "be_nl",
}

REMARKS = {
    "nl": [
        "Moeilijke start, slaapproblemen",
        "Dochter {person} heeft astma, vaak afwezig",
        "Contact met {person} van het CAW",
        "Diabetes, opvolging door huisarts in {city}",
        "Spreekt weinig Nederlands; tolk via telefoon",
        "Zoekt werk als poetshulp",
        "Ex-partner ({person}) zorgt voor spanningen",
        "Depressieve klachten, doorverwezen naar CGG {city}",
        "Start opleiding zorgkundige in september",
        "Rugklachten na operatie",
        "Woont tijdelijk bij haar zus in {city}",
        "Schulden, budgetbeheer loopt",
        "Zwanger, uitgerekend in {month}",
        "Zoon {person} start in de kleuterklas",
        "Heel gemotiveerd, komt naar elke groepssessie",
    ],
    "fr": [
        "Début difficile, troubles du sommeil",
        "Sa fille {person} est asthmatique, souvent absente",
        "Suivie par {person} au CPAS",
        "Diabète, suivi chez le médecin à {city}",
        "Parle peu le français ; interprète par téléphone",
        "Cherche un emploi comme aide-ménagère",
        "Tensions avec l'ex-conjoint ({person})",
        "Symptômes dépressifs, orientée vers le SSM de {city}",
        "Reprise d'une formation prévue",
        "Douleurs au dos après une opération",
        "Hébergée chez sa soeur à {city}",
        "Dettes, médiation de dettes en cours",
        "Enceinte, accouchement prévu en {month}",
        "Son fils {person} entre en maternelle",
        "Très motivée, présente à chaque séance de groupe",
    ],
}
STOP_REMARKS = {
    "nl": {
        "moved": "Verhuisd naar {city}",
        "work": "Voltijds werk gevonden in {city}",
        "studies": "Start opleiding in {city}",
        "crisis": "Crisisopvang na conflict",
        "health": "Langdurig ziek, opname in {city}",
        "dissatisfied": "Vond de groep niets",
        "other": "Geen contact meer",
    },
    "fr": {
        "moved": "A déménagé à {city}",
        "work": "A trouvé un emploi à temps plein à {city}",
        "studies": "Commence une formation à {city}",
        "crisis": "Hébergement d'urgence",
        "health": "Longue maladie, hospitalisée à {city}",
        "dissatisfied": "Ne se retrouvait pas dans le groupe",
        "other": "Plus de contact",
    },
}
MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
}
MISSING_TOKEN = {"nl": "nvt", "fr": "s.o."}
EXTRA_COLUMN = {"nl": ("Status", "Voltooid"), "fr": ("Statut", "Terminé")}
TITLE = {
    "baseline": {"nl": "Export MIRIAM - Beginmeting", "fr": "Export MIRIAM - Questionnaire début"},
    "endline": {"nl": "Export MIRIAM - Eindmeting", "fr": "Export MIRIAM - Questionnaire fin"},
}
SHEET = {"nl": "Antwoorden", "fr": "Réponses"}

# The follow-up wave (a cohort that declares one).
FOLLOWUP_WOMEN = 32  # default of synthetic.followup_women: as the 2022-2023 follow-up
FOLLOWUP_BIG_CITY_WEIGHT = 3.0  # sampling weight of a woman in a large city (others: 1)
# Follow-up score = endline score + round(woman's drift + item noise), clipped to 0-10: mean
# and SD of the drift per woman, SD of the noise per item (about half of the pairs stable,
# a third declined, a fifth improved: a little back from the endline, on average).
FOLLOWUP_DRIFT = (-0.15, 0.35, 0.65)
WORK_SITUATION = {"employed": 0.28, "training": 0.22, "job_seeking": 0.34, "not_available": 0.16}


# --- public API ---------------------------------------------------------------------------


def generate_cohort(
    cohort: Cohort,
    instrument: Instrument,
    reference: pd.DataFrame,
    root: Path,
    *,
    canaries: bool = False,
) -> list[Path]:
    """Write every export of the demo `cohort` under `root`; return the written paths.

    Also writes the marker beside them (:mod:`miriam.ingest.demo_marker`) that ingest requires of a
    demo cohort.

    With ``canaries=True`` (or ``synthetic: {canaries: true}`` in the cohort) every direct
    identifier and remark carries a distinctive string (first names ``Canaryfirstname...``,
    last names ``Zzcanary...``, case managers ``Canarycasemanager...``, remarks
    ``CANARY-REMARK-...``) so that a test can grep every output for a leak; register numbers
    and birth dates stay valid.
    """
    canaries = canaries or bool((cohort.raw.get("synthetic") or {}).get("canaries", False))
    plan = _simulate(cohort, instrument, reference, canaries=canaries)
    created = _fixed_timestamp(cohort)
    written = []
    for export in cohort.exports:
        path = Path(root) / export.path
        data = plan.files[export.path]
        if export.format == "csv":
            content = _csv_bytes(data, export)
        else:
            content = _xlsx_bytes(data, export, created)
        _write_atomic(path, content)
        written.append(path)
    demo_marker.record(written)  # ingest accepts a demo cohort's exports only if listed there
    return written


def expected_defects(cohort: Cohort, instrument: Instrument, reference: pd.DataFrame) -> dict[str, int]:
    """Counts of what `generate_cohort` plants (regenerated in memory, nothing is written).

    Keys: women, women_with_baseline, women_with_endline, baseline_rows, endline_rows (data
    rows, duplicates included, blank rows excluded), completed, stopped, stopped_dissatisfied,
    lost (no endline), superseded_duplicate (+ _baseline, _endline: rows that a later
    submission of the same woman in the same wave corrects), bad_checksum (rows),
    endline_without_baseline (women), blank_rows, score_decimal ("7,5"), score_fraction
    ("10/10"), score_missing_token ("nvt" / "s.o."), score_out_of_range ("11"),
    unknown_columns, title_rows, excel_date_exports, reordered_exports.
    """
    return dict(_simulate(cohort, instrument, reference, canaries=False).defects)


# --- simulation -----------------------------------------------------------------------------


@dataclass
class _ExportData:
    header: list[str]
    rows: list[list[Any]]  # cells: str, int, datetime or None
    wave: str
    language: str
    title: str | None = None
    date_columns: dict[int, str] = field(default_factory=dict)  # column -> Excel number format
    blank_rows: int = 0


@dataclass
class _Plan:
    files: dict[str, _ExportData]
    defects: dict[str, int]
    women: pd.DataFrame  # one row per woman (truth, for tests)


def _rng(seed: int, tag: str) -> np.random.Generator:
    """An independent stream per component: changing one part does not shift the others."""
    return np.random.default_rng([int(seed), zlib.crc32(tag.encode("utf-8"))])


def _simulate(cohort: Cohort, instrument: Instrument, reference: pd.DataFrame, *, canaries: bool) -> _Plan:
    synthetic = cohort.raw.get("synthetic")
    if not cohort.demo or not synthetic:
        raise ConfigError(
            "the demo generator only writes demo cohorts",
            file=f"config/cohorts/{cohort.name}.yaml",
            expected="demo: true and a 'synthetic' block (seed, women)",
        )
    for i, export in enumerate(cohort.exports):
        if not export.path.startswith("raw/demo/"):
            raise ConfigError(
                f"key 'exports/{i}/path': the demo generator writes under raw/demo/ only",
                file=f"config/cohorts/{cohort.name}.yaml",
            )
        if export.wave not in ("baseline", "endline", FOLLOWUP) or export.language not in ("nl", "fr"):
            raise ConfigError(
                f"key 'exports/{i}': the demo generator writes the long layout only",
                file=f"config/cohorts/{cohort.name}.yaml",
                expected="wave baseline, endline or followup and language nl or fr",
            )
    seed, n_women = int(synthetic["seed"]), int(synthetic["women"])
    year = cohort.first_year

    oc = _ocmws(cohort, reference)
    oc["size"] = _sizes(oc, n_women, _rng(seed, "sizes"))
    w = oc.loc[oc.index.repeat(oc["size"])].reset_index(drop=True)
    w["woman"] = np.arange(len(w))
    n = len(w)

    _outcomes(w, oc, _rng(seed, "outcomes"))
    _languages(w, _rng(seed, "languages"))
    _dates(w, year, _rng(seed, "dates"))
    _profile(w, year, _rng(seed, "profile"))
    _identity(w, _rng(seed, "identity"), canaries)
    items = [v.name for v in instrument.items()]
    base, end = _scores(w, items, _rng(seed, "scores"))
    _answers(w, base, end, items, _rng(seed, "answers"))
    _remarks(w, oc, _rng(seed, "remarks"), canaries)

    defects: dict[str, int] = {}
    subs = _submissions(w, base, end, items, cohort, _rng(seed, "defects"), defects)
    files = _render(subs, w, oc, cohort, instrument, items, _rng(seed, "render"), defects)
    if any(e.wave == FOLLOWUP for e in cohort.exports):
        # A stream of its own, drawn after everything else: the other exports stay as they are.
        files |= _followup(w, end, oc, cohort, instrument, _rng(seed, "followup"), canaries, defects)

    counts = {
        "women": n,
        "women_with_baseline": int(w["has_baseline"].sum()),
        "women_with_endline": int(w["has_endline"].sum()),
        "baseline_rows": sum(len(f.rows) for f in files.values() if f.wave == "baseline"),
        "endline_rows": sum(len(f.rows) for f in files.values() if f.wave == "endline"),
        "completed": int((w["status"] == "completed").sum()),
        "stopped": int((w["status"] == "stopped").sum()),
        "stopped_dissatisfied": int((w["stop_reason"] == "dissatisfied").sum()),
        "lost": int((w["status"] == "lost").sum()),
    }
    counts.update(defects)
    w[items] = pd.DataFrame(base, columns=items)  # truth for tests (baseline scores)
    return _Plan(files=files, defects=counts, women=w)


def _ocmws(cohort: Cohort, reference: pd.DataFrame) -> pd.DataFrame:
    ref = reference.set_index("nis_code")
    unknown = sorted(set(cohort.projects["ocmw_id"]) - set(ref.index))
    if unknown:
        raise ConfigError(
            f"OCMW(s) {', '.join(unknown)} of the cohort are not in the reference table",
            file=f"config/cohorts/{cohort.name}.yaml",
        )
    oc = cohort.projects[["project_id", "ocmw_id"]].join(ref, on="ocmw_id").reset_index(drop=True)
    oc["aliases"] = oc["aliases"].fillna("")
    oc["big"] = oc["population"].astype("int64") >= LARGE_CITY
    return oc


def _sizes(oc: pd.DataFrame, total: int, rng: np.random.Generator) -> np.ndarray:
    """Women per OCMW: grows with the population, Antwerpen large, a few small ones."""
    k = len(oc)
    size = np.zeros(k, dtype=np.int64)
    weight = oc["population"].to_numpy(float) ** 0.4 * rng.lognormal(0.0, 0.25, k)
    fixed = np.zeros(k, dtype=bool)
    is_antw = (oc["ocmw_id"] == ANTWERPEN).to_numpy()
    if is_antw.any() and k > 1:
        i = int(np.flatnonzero(is_antw)[0])
        size[i] = min(total, max(1, round(2.6 * total / k)))
        fixed[i] = True
    n_small = round(k / 15) if k >= 8 and total >= 20 * k else 0
    if n_small:
        order = np.lexsort((oc["ocmw_id"].to_numpy(), oc["population"].to_numpy()))
        small = [i for i in order if not fixed[i]][:n_small]
        size[small] = rng.integers(4, 10, len(small))
        fixed[small] = True
    rest = total - int(size.sum())
    free = np.flatnonzero(~fixed)
    if len(free) == 0:
        size[0] += rest
        return size
    share = weight[free] / weight[free].sum() * rest
    mean = rest / len(free)
    lo, hi = 0.4 * mean, 1.6 * mean  # most OCMWs between 10 and 40 women in the demo
    for _ in range(20):  # clip, then rescale the unclipped ones to keep the total
        share = np.clip(share, lo, hi)
        inner = (share > lo) & (share < hi)
        gap = rest - share.sum()
        if abs(gap) < 1e-9 or not inner.any():
            break
        share[inner] *= 1 + gap / share[inner].sum()
    share *= rest / share.sum()
    base = np.floor(share).astype(np.int64)
    left = rest - int(base.sum())
    base[np.argsort(-(share - base), kind="stable")[:left]] += 1
    size[free] = base
    return size


def _outcomes(w: pd.DataFrame, oc: pd.DataFrame, rng: np.random.Generator) -> None:
    """completed / stopped / lost per OCMW (rates vary a little between OCMWs)."""
    status = np.empty(len(w), dtype=object)
    start = 0
    for ocmw_id, size in zip(oc["ocmw_id"], oc["size"], strict=True):
        rate = COMPLETED if ocmw_id == ANTWERPEN else float(np.clip(rng.normal(COMPLETED, 0.05), 0.55, 0.92))
        c = round(rate * size)
        s = round((size - c) * STOPPED / (1 - COMPLETED))
        block = np.array(["completed"] * c + ["stopped"] * s + ["lost"] * (size - c - s), object)
        status[start : start + size] = rng.permutation(block)
        start += size
    w["status"] = status
    stopped = np.flatnonzero(status == "stopped")
    reason = np.empty(len(w), dtype=object)
    reason[stopped] = rng.choice(list(STOP_REASONS), len(stopped), p=_p(STOP_REASONS))
    n_dis = min(len(stopped), round(DISSATISFIED * len(w)))
    reason[rng.choice(stopped, n_dis, replace=False)] = "dissatisfied"
    w["stop_reason"] = reason
    w["has_endline"] = status != "lost"
    w["end_scores"] = (status == "completed") | (
        (status == "stopped") & (rng.random(len(w)) < STOPPED_WITH_SCORES)
    )
    # A few women have an endline but no baseline (the baseline form was never submitted).
    pool = np.flatnonzero((status == "completed") & (w["region"] != "brussels") & (w["ocmw_id"] != ANTWERPEN))
    if len(pool) == 0:
        pool = np.flatnonzero(status == "completed")
    k = min(len(pool), _count(len(w), "endline_without_baseline"))
    has_baseline = np.ones(len(w), dtype=bool)
    has_baseline[rng.choice(pool, k, replace=False)] = False
    w["has_baseline"] = has_baseline


def _languages(w: pd.DataFrame, rng: np.random.Generator) -> None:
    """Flanders nl, Wallonia fr; Brussels both, each language with an endline in every OCMW."""
    lang = np.where(w["region"] == "wallonia", "fr", "nl").astype(object)
    for _, idx in w[w["region"] == "brussels"].groupby("ocmw_id", sort=False).groups.items():
        idx = rng.permutation(np.asarray(idx))
        both = idx[(w.loc[idx, "has_endline"] & w.loc[idx, "has_baseline"]).to_numpy()]
        k = max(1, round(0.35 * len(idx)))
        nl = list(both[:1])
        fr = list(both[1:2])
        for i in idx:
            if i in nl or i in fr:
                continue
            (nl if len(nl) < k else fr).append(i)
        lang[nl] = "nl"
        lang[fr] = "fr"
    w["lang"] = lang


def _dates(w: pd.DataFrame, year: int, rng: np.random.Generator) -> None:
    n = len(w)

    def moments(first: dt.date, last: dt.date) -> np.ndarray:
        days = rng.integers(0, (last - first).days + 1, n)
        day = np.datetime64(first) + days.astype("timedelta64[D]")
        weekday = (day.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
        day = day + np.where(weekday >= 5, 7 - weekday, 0).astype("timedelta64[D]")
        minutes = rng.integers(8 * 60, 18 * 60, n)
        return day.astype("datetime64[m]") + minutes.astype("timedelta64[m]")

    t_base = moments(dt.date(year, 10, 2), dt.date(year, 12, 20))
    t_end = moments(dt.date(year + 1, 5, 13), dt.date(year + 1, 7, 12))
    # Stopped: a stop date between December and May (after the baseline), the form soon after
    # or at the endline round.
    first_stop = np.maximum(
        np.datetime64(dt.date(year, 12, 1)),
        t_base.astype("datetime64[D]") + np.timedelta64(14, "D"),
    )
    span = (np.datetime64(dt.date(year + 1, 5, 31)) - first_stop).astype(np.int64)
    stop = first_stop + (rng.random(n) * span).astype("timedelta64[D]")
    soon = stop.astype("datetime64[m]") + rng.integers(1 * 1440, 21 * 1440, n).astype("timedelta64[m]")
    soon = (
        soon
        - (soon - soon.astype("datetime64[D]"))
        + rng.integers(8 * 60, 18 * 60, n).astype("timedelta64[m]")
    )
    stopped = (w["status"] == "stopped").to_numpy()
    at_round = rng.random(n) < 0.4
    w["t_base"] = t_base
    w["t_end"] = np.where(stopped & ~at_round, soon, t_end)
    w["stop_date"] = np.where(stopped, stop, np.datetime64("NaT")).astype("datetime64[D]")


def _profile(w: pd.DataFrame, year: int, rng: np.random.Generator) -> None:
    n = len(w)
    age = np.clip(np.rint(rng.normal(33.5, 7.5, n)), 18, 54).astype(np.int64)
    ref = w["t_base"].to_numpy().astype("datetime64[D]")
    offset = np.floor((age + rng.uniform(0.02, 0.98, n)) * 365.2425).astype("timedelta64[D]")
    birth = ref - offset
    w["birth"] = birth
    by = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    # Children: born after the mother's 16th birthday, at most 20 years before the cohort.
    kids = rng.choice(list(N_CHILDREN), n, p=_p(N_CHILDREN))
    lo = np.maximum(by + 17, year - 20)
    kids = np.minimum(kids, np.maximum(1, year - lo + 1))
    years = lo[:, None] + np.floor(rng.random((n, 5)) * (year - lo + 1)[:, None]).astype(np.int64)
    years = np.sort(np.where(np.arange(5)[None, :] < kids[:, None], years, 99999), axis=1)
    w["n_children"] = kids
    w["children_birth_years"] = [
        ", ".join(str(y) for y in row[:k]) for row, k in zip(years.tolist(), kids, strict=True)
    ]
    p_be = np.where(w["big"], 0.30, 0.52)
    born_be = rng.random(n) < p_be
    foreign = rng.choice(list(FOREIGN), n, p=_p(FOREIGN))
    country = np.where(born_be, "BE", foreign).astype(object)
    country[(country == "NL") & (w["region"] != "flanders").to_numpy()] = "FR"
    w["birth_country"] = country
    dip = rng.choice(list(DIPLOMAS), n, p=_p(DIPLOMAS))
    w["diploma"] = dip
    rec = rng.choice(["yes", "no", "pending"], n, p=[0.3, 0.45, 0.25]).astype(object)
    rec[(country == "BE") | (dip == "none")] = "not_applicable"
    w["diploma_recognised"] = rec
    local = np.where(w["lang"] == "fr", "fr", "nl")
    spoken = []
    draws = rng.random((n, 4))
    for i in range(n):
        c, loc, d = country[i], local[i], draws[i]
        langs: list[str] = []
        if c == "BE":
            langs.append(loc)
            if d[0] < 0.2:
                langs.append("fr" if loc == "nl" else "nl")
            if d[1] < 0.25:
                langs.append("en")
        else:
            if c in FRANCOPHONE and c not in ("MA", "DZ", "TN"):
                langs.append("fr")
            for j, (code, p) in enumerate(COUNTRY_LANGUAGES.get(c, [])):
                if d[min(j, 1) + 1] < p:
                    langs.append(code)
            if c in ("MA", "DZ", "TN") and d[3] < 0.6:
                langs.append("fr")
            if d[3] < 0.85 or not langs:
                langs.append(loc)
        spoken.append(list(dict.fromkeys(langs)))
    w["languages"] = spoken


def _identity(w: pd.DataFrame, rng: np.random.Generator, canaries: bool) -> None:
    n = len(w)
    birth = w["birth"].to_numpy().astype("datetime64[D]")
    parts = pd.DatetimeIndex(birth)
    yy, mm, dd = (np.asarray(x, dtype=np.int64) for x in (parts.year % 100, parts.month, parts.day))
    after_2000 = np.asarray(parts.year >= 2000)
    sss = rng.integers(1, 499, n) * 2
    date6 = yy * 10000 + mm * 100 + dd
    while True:  # the register number identifies one person
        key = date6 * 1000 + sss
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        dup = np.setdiff1d(np.arange(n), first)
        if len(dup) == 0:
            break
        sss[dup] = rng.integers(1, 499, len(dup)) * 2
    w["nrn"] = [
        _nrn(d6, s, a) for d6, s, a in zip(date6.tolist(), sss.tolist(), after_2000.tolist(), strict=True)
    ]
    group = np.array([NAME_GROUP.get(c, "") for c in w["birth_country"]], dtype=object)
    belgian = np.where(w["lang"] == "fr", "be_fr", "be_nl")
    group = np.where((group == "") | (group == "be_nl"), belgian, group)
    group[(w["birth_country"] == "NL").to_numpy()] = "be_nl"
    firsts, lasts = [], []
    picks = rng.random((n, 2))
    for g, (a, b) in zip(group, picks, strict=True):
        fl = FIRST[g].split()
        ll = LAST[g].split("|")
        firsts.append(fl[int(a * len(fl))])
        lasts.append(ll[int(b * len(ll))])
    # A Belgian-born woman sometimes carries a name of another origin (second generation).
    swap = (w["birth_country"] == "BE").to_numpy() & (rng.random(n) < 0.3)
    other = rng.choice(["maghreb", "africa", "turkish"], n, p=[0.6, 0.25, 0.15])
    for i in np.flatnonzero(swap):
        fl, ll = FIRST[other[i]].split(), LAST[other[i]].split("|")
        firsts[i] = fl[int(picks[i, 0] * len(fl))]
        lasts[i] = ll[int(picks[i, 1] * len(ll))]
    if canaries:
        width = len(str(n))
        firsts = [f"Canaryfirstname{i:0{width}d}" for i in range(n)]
        lasts = [f"Zzcanary{i:0{width}d}" for i in range(n)]
    w["first_name"], w["last_name"] = firsts, lasts
    # Case managers: one per group of about 13 women in each OCMW.
    cm = np.empty(n, dtype=object)
    k = 0
    for idx in w.groupby("ocmw_id", sort=False).groups.values():
        idx = np.asarray(idx)
        groups = max(1, round(len(idx) / 13))
        region = w.at[idx[0], "region"]
        names = []
        for _ in range(groups):
            g = "be_nl" if region == "flanders" or (region == "brussels" and rng.random() < 0.4) else "be_fr"
            fl, ll = FIRST[g].split(), LAST[g].split("|")
            k += 1
            names.append(
                f"Canarycasemanager{k:04d}"
                if canaries
                else f"{fl[rng.integers(len(fl))]} {ll[rng.integers(len(ll))]}"
            )
        cm[idx] = [names[j % groups] for j in range(len(idx))]
    w["case_manager"] = cm


def _nrn(date6: int, sss: int, after_2000: bool) -> str:
    body = date6 * 1000 + sss
    check = 97 - ((2_000_000_000 if after_2000 else 0) + body) % 97
    s = f"{body:09d}"
    return f"{s[0:2]}.{s[2:4]}.{s[4:6]}-{s[6:9]}.{check:02d}"


def nrn_is_valid(text: str) -> bool:
    """True when the check digits of 'YY.MM.DD-SSS.CC' match (either century)."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())
    if len(digits) != 11:
        return False
    body, check = int(digits[:9]), int(digits[9:])
    return check in (97 - body % 97, 97 - (2_000_000_000 + body) % 97)


def _scores(w: pd.DataFrame, items: list[str], rng: np.random.Generator):
    """Baseline and endline 0-10 scores, correlated within a woman, calibrated to targets."""
    n, k = len(w), len(items)
    a, s_e, s_g, s_d = 1.0, 1.2, 0.8, 1.0
    big = w["big"].to_numpy(float)
    antw = (w["ocmw_id"] == ANTWERPEN).to_numpy()
    p_big = big[~antw].mean() if (~antw).any() else 0.0
    cb = np.where(antw, 0.0, -0.5 * (big - p_big))  # big cities start lower ...
    cg = np.where(antw, 0.0, 0.4 * (big - p_big))  # ... and gain more
    sd_b = math.sqrt(a * a + s_e * s_e + cb.var())
    sd_e = math.sqrt(sd_b**2 + s_g**2 + s_d**2 + cg.var())
    mb, me = np.zeros((n, k)), np.zeros((n, k))
    for j, item in enumerate(items):
        tn, ta = NATIONAL_TARGETS.get(item, DEFAULT_TARGET), ANTWERPEN_TARGETS.get(item)
        mb[:, j] = _latent_mean(tn[0], sd_b)
        me[:, j] = _latent_mean(tn[1], sd_e)
        if ta:
            mb[antw, j] = _latent_mean(ta[0], sd_b)
            me[antw, j] = _latent_mean(ta[1], sd_e)
    u = rng.normal(0, 1, n)
    g = rng.normal(0, s_g, n)
    xb = mb + cb[:, None] + a * u[:, None] + rng.normal(0, s_e, (n, k))
    xe = xb - mb + me + cg[:, None] + g[:, None] + rng.normal(0, s_d, (n, k))
    base = np.clip(np.floor(xb + 0.5), 0, 10).astype(np.int64)
    end = np.clip(np.floor(xe + 0.5), 0, 10).astype(np.int64)
    w["u"], w["g"] = u, g
    # Nudge the paired means onto the targets (Antwerpen first, then everyone else).
    paired = (w["has_baseline"] & w["end_scores"]).to_numpy()
    for j, item in enumerate(items):
        tn, ta = NATIONAL_TARGETS.get(item, DEFAULT_TARGET), ANTWERPEN_TARGETS.get(item)
        for arr, t_idx in ((base, 0), (end, 1)):
            if ta and (paired & antw).any():
                _nudge(arr[:, j], paired & antw, ta[t_idx], rng)
            fixed = paired & antw if ta else np.zeros(n, dtype=bool)
            total = round(tn[t_idx] * paired.sum()) - int(arr[fixed, j].sum())
            _nudge_to(arr[:, j], paired & ~fixed, total, rng)
    return base, end


def _latent_mean(target: float, sd: float) -> float:
    """m such that E[clip(round(N(m, sd)), 0, 10)] equals `target` (bisection)."""
    edges = np.arange(0.5, 10.0, 1.0)

    def mean(m: float) -> float:
        cdf = np.array([0.5 * (1 + math.erf((e - m) / (sd * math.sqrt(2)))) for e in edges])
        return float(10 - cdf.sum())  # E = sum_k P(X >= k) = sum over edges of 1 - cdf

    lo, hi = -10.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if mean(mid) < target else (lo, mid)
    return (lo + hi) / 2


def _nudge(col: np.ndarray, mask: np.ndarray, target_mean: float, rng: np.random.Generator):
    _nudge_to(col, mask, round(target_mean * mask.sum()), rng)


def _nudge_to(col: np.ndarray, mask: np.ndarray, target_sum: int, rng: np.random.Generator):
    """Add or remove single points at random women of `mask` until the sum is `target_sum`."""
    for _ in range(50):
        diff = target_sum - int(col[mask].sum())
        if diff == 0:
            return
        room = np.flatnonzero(mask & ((col < 10) if diff > 0 else (col > 0)))
        if len(room) == 0:
            return
        pick = rng.choice(room, min(abs(diff), len(room)), replace=False)
        col[pick] += 1 if diff > 0 else -1


def _exact(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    k = max(0, min(int(k), len(pool)))
    return rng.choice(pool, k, replace=False) if k else np.array([], dtype=np.int64)


def _answers(
    w: pd.DataFrame, base: np.ndarray, end: np.ndarray, items: list[str], rng: np.random.Generator
) -> None:
    """Yes/no outcomes, loneliness, knowledge gained and feeling stronger."""
    n = len(w)
    idx = np.arange(n)
    answered = w["end_scores"].to_numpy()  # an endline with answers (not only a stop notice)
    paired = answered & w["has_baseline"].to_numpy()
    for var, (pb, pe) in YES_NO_SHARES.items():
        b = np.zeros(n, dtype=bool)
        for part in (paired, ~paired):  # exact shares among the paired women
            b[_exact(rng, idx[part], round(pb * part.sum()))] = True
        e = b.copy()
        e[_exact(rng, idx[b & paired], round(0.03 * (b & paired).sum()))] = False
        need = round(pe * paired.sum()) - int(e[paired].sum())
        e[_exact(rng, idx[~e & paired], need)] = True
        extra = answered & ~paired  # endline without baseline: same endline share
        e[extra] = rng.random(extra.sum()) < pe
        w[f"{var}_b"], w[f"{var}_e"] = b, e
    lb = -0.6 * w["u"].to_numpy() + rng.normal(0, 0.8, n)
    cuts = np.quantile(lb, np.cumsum(LONELINESS_SHARES)[:-1])
    le = lb - 0.45 - 0.3 * w["g"].to_numpy() + rng.normal(0, 0.5, n)
    w["lonely_b"], w["lonely_e"] = np.searchsorted(cuts, lb), np.searchsorted(cuts, le)
    for var, p in LEARNED_YES.items():
        w[var] = rng.random(n) < p
    domains = [j for j, item in enumerate(items) if item.startswith("dom_")] or list(range(len(items)))
    gain = (end[:, domains] - base[:, domains]).mean(axis=1) if items else np.zeros(n)
    gain = np.where(w["has_baseline"], gain, w["g"].to_numpy())
    latent = gain + rng.normal(0, 0.9, n) - np.where(w["status"] == "stopped", 1.0, 0.0)
    stronger = np.full(n, -1)
    pos = np.flatnonzero(answered)
    order = pos[np.argsort(latent[pos], kind="stable")]
    bounds = np.round(np.cumsum([0] + AGREEMENT_SHARES) * len(order)).astype(int)
    for c in range(len(AGREEMENT_SHARES)):
        stronger[order[bounds[c] : bounds[c + 1]]] = c
    w["stronger"] = stronger


def _remarks(w: pd.DataFrame, oc: pd.DataFrame, rng: np.random.Generator, canaries: bool) -> None:
    n = len(w)
    cities = {
        "nl": oc["name_nl"].tolist() + ["Mechelen", "Lier", "Aalst", "Dendermonde"],
        "fr": oc["name_fr"].tolist() + ["Namur", "Wavre", "Tubize", "Verviers"],
    }
    people = FIRST["be_nl"].split() + FIRST["maghreb"].split() + FIRST["be_fr"].split()

    def one(lang: str, template: str, r: np.ndarray) -> str:
        return template.format(
            city=cities[lang][int(r[0] * len(cities[lang]))],
            person=people[int(r[1] * len(people))],
            month=MONTHS[lang][int(r[2] * 12)],
        )

    draws = rng.random((n, 8))
    out_b, out_e = [], []
    langs, reasons = w["lang"].to_numpy(), w["stop_reason"].to_numpy()
    for i in range(n):
        lang, d = langs[i], draws[i]
        rb = one(lang, REMARKS[lang][int(d[3] * len(REMARKS[lang]))], d) if d[4] < 0.35 else ""
        reason = reasons[i]
        if isinstance(reason, str) and d[5] < 0.7:
            re_ = one(lang, STOP_REMARKS[lang][reason], d[::-1])
        elif d[6] < 0.3:
            re_ = one(lang, REMARKS[lang][int(d[7] * len(REMARKS[lang]))], d[::-1])
        else:
            re_ = ""
        if canaries:
            rb = f"CANARY-REMARK-{2 * i:06d} {rb}".strip()
            re_ = f"CANARY-REMARK-{2 * i + 1:06d} {re_}".strip()
        out_b.append(rb)
        out_e.append(re_)
    w["remarks_b"], w["remarks_e"] = out_b, out_e


# --- submissions and defects ----------------------------------------------------------------


def _submissions(w, base, end, items, cohort, rng, defects) -> pd.DataFrame:
    """One row per submitted form (both waves), with defects planted; scores as objects."""
    n = len(w)
    frames = []
    for wave, present, t, scores in (
        ("baseline", w["has_baseline"].to_numpy(), w["t_base"], base),
        ("endline", w["has_endline"].to_numpy(), w["t_end"], end),
    ):
        rows = pd.DataFrame(
            {
                "woman": np.flatnonzero(present),
                "wave": wave,
                "time": t.to_numpy()[present],
                "copy": 1,
            }
        )
        sc = scores[present].astype(object)
        if wave == "endline":
            sc[~w["end_scores"].to_numpy()[present]] = None
        rows[items] = pd.DataFrame(sc, columns=items) if items else None
        rows["nrn"] = w["nrn"].to_numpy()[present]
        frames.append(rows)
    subs = pd.concat(frames, ignore_index=True)

    # Bad check digits: a digit of the register number mistyped, on women without an endline.
    lost = np.flatnonzero(((w["status"] == "lost") & w["has_baseline"]).to_numpy())
    typo = _exact(rng, lost, _count(n, "bad_checksum"))
    taken = set(typo.tolist())
    for woman in typo:
        r = subs.index[(subs["woman"] == woman) & (subs["wave"] == "baseline")][0]
        subs.at[r, "nrn"] = _typo(subs.at[r, "nrn"], rng, set(w["nrn"]))
    defects["bad_checksum"] = len(typo)

    # The same woman twice in a wave: the earlier form has mistakes, the later corrects them.
    extra = []
    for wave, key in (("baseline", "duplicate_baseline"), ("endline", "duplicate_endline")):
        ok = (w["status"] == "completed") & w["has_baseline"]
        pool = np.array([i for i in np.flatnonzero(ok.to_numpy()) if i not in taken])
        chosen = _exact(rng, pool, _count(n, key))
        taken |= set(chosen.tolist())
        for woman in chosen:
            r = subs.index[(subs["woman"] == woman) & (subs["wave"] == wave)][0]
            first = subs.loc[r].copy()
            first["copy"] = 0
            for j in rng.choice(len(items), min(2, len(items)), replace=False):
                v = first[items[j]]
                first[items[j]] = int(np.clip(v + rng.choice([-3, -2, 2, 3]), 0, 10))
            subs.at[r, "time"] = subs.at[r, "time"] + np.timedelta64(int(rng.integers(2 * 60, 9 * 1440)), "m")
            extra.append(first)
        defects[f"superseded_duplicate_{wave}"] = len(chosen)
    defects["superseded_duplicate"] = (
        defects["superseded_duplicate_baseline"] + defects["superseded_duplicate_endline"]
    )
    if extra:
        subs = pd.concat([subs, pd.DataFrame(extra)], ignore_index=True)
    defects["endline_without_baseline"] = int((w["has_endline"] & ~w["has_baseline"]).sum())

    # Scores as typed: "7,5", "10/10", a missing-value token, "11".
    eligible = (
        subs.index[~subs["woman"].isin(taken) & subs[items].notna().all(axis=1)] if items else subs.index[:0]
    )
    used: set[tuple[int, int]] = set()
    for key, want, make in (
        ("score_decimal", (7, 8), lambda v, lang: "7,5"),
        ("score_fraction", (10,), lambda v, lang: "10/10"),
        ("score_out_of_range", (10, 9), lambda v, lang: 11),
        ("score_missing_token", tuple(range(11)), lambda v, lang: MISSING_TOKEN[lang]),
    ):
        k, done = _count(n, key), 0
        for r in rng.permutation(np.asarray(eligible)):
            if done == k:
                break
            cols = [
                j for j in rng.permutation(len(items)) if (r, j) not in used and subs.at[r, items[j]] in want
            ]
            if not cols:
                continue
            j = int(cols[0])
            used.add((r, j))
            subs.at[r, items[j]] = make(subs.at[r, items[j]], w.at[subs.at[r, "woman"], "lang"])
            done += 1
        defects[key] = done
    subs = subs.sort_values(["time", "wave", "woman", "copy"], kind="stable").reset_index(drop=True)
    subs["response_id"] = [f"R{i:05d}" for i in range(1, len(subs) + 1)]
    return subs


def _typo(nrn: str, rng: np.random.Generator, existing: set[str]) -> str:
    """Change one digit of the date or serial so that the check digits no longer match."""
    positions = [0, 1, 3, 4, 6, 7, 9, 10, 11]  # YY.MM.DD-SSS (not the check digits)
    for _ in range(100):
        p = int(rng.choice(positions))
        new = nrn[:p] + str((int(nrn[p]) + int(rng.integers(1, 10))) % 10) + nrn[p + 1 :]
        if not nrn_is_valid(new) and new not in existing:
            return new
    raise RuntimeError(f"no typo found for {nrn}")  # pragma: no cover


def _count(n: int, key: str) -> int:
    return max(1, round(n * RATES[key]))


# --- rendering ------------------------------------------------------------------------------


def _render(subs, w, oc, cohort, instrument, items, rng, defects) -> dict[str, _ExportData]:
    """Turn submissions into the cells of each export, in the export's language."""
    by_key = {(e.wave, e.language): e for e in cohort.exports}
    files: dict[str, _ExportData] = {}
    target = []
    for wave, lang in zip(subs["wave"], w["lang"].to_numpy()[subs["woman"]], strict=True):
        export = by_key.get((wave, lang)) or by_key.get((wave, "fr" if lang == "nl" else "nl"))
        target.append(export.path if export else "")
    subs = subs.assign(export=target)
    variants = _ocmw_variants(oc)
    counts = {
        "blank_rows": 0,
        "unknown_columns": 0,
        "title_rows": 0,
        "excel_date_exports": 0,
        "reordered_exports": 0,
    }
    for export in cohort.exports:
        if export.wave == FOLLOWUP:
            continue  # _followup
        lang, wave = export.language, export.wave
        rows = subs[subs["export"] == export.path]
        variables = instrument.in_wave(wave)
        women = rows["woman"].to_numpy()
        excel_dates = export.format == "xlsx" and wave == "endline"
        cols: list[tuple[str, list[Any]]] = []
        for var in variables:
            values = _column(var, rows, women, w, lang, wave, variants, rng, excel_dates)
            cols.append((var.header[lang], values))
        platform = (export.format == "csv" and export.encoding in ("utf-8", "utf-8-sig")) or (
            export.format == "xlsx" and wave == "endline"
        )
        if platform:  # a platform column the codebook does not know
            name, value = EXTRA_COLUMN[lang]
            cols.insert(1, (name, [value] * len(rows)))
            counts["unknown_columns"] += 1
        if export.format == "csv" and export.encoding == "cp1252" and len(cols) > 3:
            cols.append(cols.pop(2))  # re-saved in Excel: someone moved a column
            counts["reordered_exports"] += 1
        data = _ExportData(
            header=[h for h, _ in cols],
            rows=[list(r) for r in zip(*(v for _, v in cols), strict=True)] if len(rows) else [],
            wave=wave,
            language=lang,
        )
        if export.format == "csv":
            data.blank_rows = 1
            counts["blank_rows"] += 1
        if export.format == "xlsx" and wave == "baseline":
            data.title = f"{TITLE[wave][lang]} {cohort.label}"
            counts["title_rows"] += 1
        if excel_dates:
            counts["excel_date_exports"] += 1
            for var in variables:
                if var.kind in ("date", "datetime") and var.name != "birth_date":
                    fmt = "dd/mm/yyyy hh:mm" if var.kind == "datetime" else "dd/mm/yyyy"
                    data.date_columns[data.header.index(var.header[lang])] = fmt
        files[export.path] = data
    defects.update(counts)
    return files


def _column(var, rows, women, w, lang, wave, variants, rng, excel_dates) -> list[Any]:
    """The cells of one codebook variable for the rows of one export."""
    name, kind = var.name, var.kind
    b = wave == "baseline"
    answered = w["end_scores"].to_numpy()[women] if not b else np.ones(len(women), dtype=bool)
    labels = {c["code"]: c[lang] for c in var.scale.get("categories", [])}
    codes = list(labels)

    def blank_unless_answered(values: list[Any]) -> list[Any]:
        return [v if a else None for v, a in zip(values, answered, strict=True)]

    if name in rows.columns and var.group is not None:  # scores (strings for typed defects)
        return [
            None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in rows[name].tolist()
        ]
    if name == "response_id":
        return rows["response_id"].tolist()
    if name == "submitted_at":
        times = pd.DatetimeIndex(rows["time"].to_numpy())
        return list(times.to_pydatetime()) if excel_dates else list(times.strftime("%d/%m/%Y %H:%M"))
    if name == "form_language":
        return [labels.get(lang, lang)] * len(rows)
    if name == "ocmw":
        ids = w["ocmw_id"].to_numpy()[women]
        draws = rng.random(len(women))
        return [_pick_variant(variants[i][lang], d) for i, d in zip(ids, draws, strict=True)]
    if name == "national_register_number":
        return rows["nrn"].tolist()
    if name == "birth_date":
        return list(pd.DatetimeIndex(w["birth"].to_numpy()[women]).strftime("%d/%m/%Y"))
    if name in ("case_manager", "first_name", "last_name", "n_children", "children_birth_years"):
        values = w[name].to_numpy()[women].tolist()
        return [int(v) for v in values] if name == "n_children" else values
    if name == "birth_country":
        territories = Locale(lang).territories
        return [territories[c] for c in w["birth_country"].to_numpy()[women]]
    if name in ("diploma", "diploma_recognised"):
        return [labels[c] for c in w[name].to_numpy()[women]]
    if name == "languages":
        names = Locale(lang).languages
        return [", ".join(_cap(names[c]) for c in langs) for langs in w["languages"].to_numpy()[women]]
    if name in YES_NO_SHARES:
        col = w[f"{name}_{'b' if b else 'e'}"].to_numpy()[women]
        return blank_unless_answered([labels["yes" if v else "no"] for v in col])
    if name == "loneliness":
        col = w["lonely_b" if b else "lonely_e"].to_numpy()[women]
        return blank_unless_answered([labels[codes[int(v)]] for v in col])
    if name == "completed":
        return [labels["yes" if s == "completed" else "no"] for s in w["status"].to_numpy()[women]]
    if name == "stop_reason":
        return [labels[r] if isinstance(r, str) else None for r in w["stop_reason"].to_numpy()[women]]
    if name == "stop_date":
        days = pd.DatetimeIndex(w["stop_date"].to_numpy()[women])
        if excel_dates:
            return [None if pd.isna(d) else d.to_pydatetime() for d in days]
        return [None if pd.isna(d) else d.strftime("%d/%m/%Y") for d in days]
    if name in LEARNED_YES:
        return blank_unless_answered([labels["yes" if v else "no"] for v in w[name].to_numpy()[women]])
    if name == "feels_stronger":
        return blank_unless_answered(
            [labels[codes[int(v)]] if v >= 0 else None for v in w["stronger"].to_numpy()[women]]
        )
    if name == "remarks":
        return [v or None for v in w["remarks_b" if b else "remarks_e"].to_numpy()[women]]
    # A question the generator does not know (added to the codebook later).
    if kind == "category" and codes:
        picks = rng.integers(0, len(codes), len(rows))
        return blank_unless_answered([labels[codes[p]] for p in picks])
    if kind in ("score", "integer"):
        lo, hi = int(var.scale.get("min", 0)), int(var.scale.get("max", 10))
        return blank_unless_answered(rng.integers(lo, hi + 1, len(rows)).tolist())
    return [None] * len(rows)


def _followup(w, end, oc, cohort, instrument, rng, canaries, defects) -> dict[str, _ExportData]:
    """The follow-up exports: a biased sample of the women who completed, a year after the end."""
    synthetic = cohort.raw["synthetic"]
    pool = np.flatnonzero(((w["status"] == "completed") & w["has_baseline"]).to_numpy())
    k = min(len(pool), int(synthetic.get("followup_women", FOLLOWUP_WOMEN)))
    weight = np.where(w["big"].to_numpy()[pool], FOLLOWUP_BIG_CITY_WEIGHT, 1.0)
    women = np.sort(rng.choice(pool, k, replace=False, p=weight / weight.sum())) if k else pool[:0]
    items = [v.name for v in instrument.items() if FOLLOWUP in v.waves]
    column = {name: j for j, name in enumerate(v.name for v in instrument.items())}
    mean, sd_woman, sd_item = FOLLOWUP_DRIFT
    drift = rng.normal(mean, sd_woman, k)[:, None] + rng.normal(0, sd_item, (k, len(items)))
    earlier = end[women][:, [column[i] for i in items]] if items else np.zeros((k, 0), dtype=np.int64)
    scores = np.clip(earlier + np.floor(drift + 0.5).astype(np.int64), 0, 10)
    counts = np.floor(np.array(list(WORK_SITUATION.values())) * k).astype(np.int64)
    counts[
        np.argsort(-(np.array(list(WORK_SITUATION.values())) * k - counts), kind="stable")[: k - counts.sum()]
    ] += 1
    work = rng.permutation(np.repeat(list(WORK_SITUATION), counts))
    # Submitted in the follow-up month (weekdays, office hours).
    month = dt.date.fromisoformat(f"{cohort.followup['measurement']}-01")
    days = rng.integers(0, 26, k)
    day = np.datetime64(month) + days.astype("timedelta64[D]")
    weekday = (day.astype(np.int64) + 3) % 7
    day = day + np.where(weekday >= 5, 7 - weekday, 0).astype("timedelta64[D]")
    times = day.astype("datetime64[m]") + rng.integers(8 * 60, 18 * 60, k).astype("timedelta64[m]")
    rows = pd.DataFrame({"woman": women, "time": times, "copy": 1, "work": work})
    rows[items] = scores
    # One correction: the woman submitted twice; the earlier form has one score wrong.
    corrections = 1 if k else 0
    if corrections:
        first = rows.iloc[int(rng.integers(k))].copy()
        if items:
            j = items[int(rng.integers(len(items)))]
            first[j] = int(np.clip(first[j] + rng.choice([-2, 2]), 0, 10))
        first["copy"] = 0
        first["time"] = first["time"] - np.timedelta64(int(rng.integers(60, 3 * 1440)), "m")
        rows = pd.concat([rows, first.to_frame().T], ignore_index=True)
    rows = rows.sort_values(["time", "woman", "copy"], kind="stable").reset_index(drop=True)
    rows["response_id"] = [f"F{i:04d}" for i in range(1, len(rows) + 1)]
    defects["followup_rows"] = len(rows)
    defects["women_with_followup"] = k
    defects["superseded_duplicate_followup"] = corrections
    defects["superseded_duplicate"] += corrections

    by_lang = {e.language: e for e in cohort.exports if e.wave == FOLLOWUP}
    langs = w["lang"].to_numpy()[rows["woman"].to_numpy(np.int64)]
    target = [(by_lang.get(lang) or next(iter(by_lang.values()))).path for lang in langs]
    variants = _ocmw_variants(oc)
    cities = oc["name_nl"].tolist()
    files = {}
    for export in (e for e in cohort.exports if e.wave == FOLLOWUP):
        lang = export.language
        mine = rows[[t == export.path for t in target]]
        ids = mine["woman"].to_numpy(np.int64)
        draws = rng.random((len(mine), 3))
        cols: list[tuple[str, list[Any]]] = []
        for var in instrument.in_wave(FOLLOWUP):
            labels = {c["code"]: c[lang] for c in var.scale.get("categories", [])}
            name = var.name
            if name in items:
                values = [int(v) for v in mine[name]]
            elif name == "response_id":
                values = mine["response_id"].tolist()
            elif name == "submitted_at":
                values = list(
                    pd.DatetimeIndex(mine["time"].to_numpy("datetime64[m]")).strftime("%d/%m/%Y %H:%M")
                )
            elif name == "form_language":
                values = [labels.get(lang, lang)] * len(mine)
            elif name == "ocmw":
                oc_ids = w["ocmw_id"].to_numpy()[ids]
                values = [
                    _pick_variant(variants[o][lang], d) for o, d in zip(oc_ids, draws[:, 0], strict=True)
                ]
            elif name == "national_register_number":
                values = w["nrn"].to_numpy()[ids].tolist()
            elif name == "birth_date":
                values = list(pd.DatetimeIndex(w["birth"].to_numpy()[ids]).strftime("%d/%m/%Y"))
            elif name in ("case_manager", "first_name", "last_name"):
                values = w[name].to_numpy()[ids].tolist()
            elif name == "work_situation":
                values = [labels[c] for c in mine["work"]]
            elif name == "remarks":
                text = {"nl": "Opvolging: woont nu in {city}", "fr": "Suivi : habite maintenant à {city}"}[
                    lang
                ]
                values = [
                    text.format(city=cities[int(d[2] * len(cities))]) if d[1] < 0.25 else None for d in draws
                ]
                if canaries:
                    values = [
                        f"CANARY-REMARK-F{i:05d} {v or ''}".strip() for i, v in zip(ids, values, strict=True)
                    ]
            else:  # a question the generator does not know (added to the codebook later)
                values = [None] * len(mine)
            cols.append((var.header[lang], values))
        files[export.path] = _ExportData(
            header=[h for h, _ in cols],
            rows=[list(r) for r in zip(*(v for _, v in cols), strict=True)] if len(mine) else [],
            wave=FOLLOWUP,
            language=lang,
        )
    return files


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ocmw_variants(oc: pd.DataFrame) -> dict[str, dict[str, list[tuple[str, float]]]]:
    """How case managers type their OCMW: with or without prefix, either language, aliases.

    Only variants that the reference table resolves after stripping the configured prefixes
    ("OCMW", "CPAS de", "CPAS"). "CPAS de" is not put before a vowel or an article (it would
    read "CPAS de La Louvière", which a "cpas de la" prefix would mangle).
    """
    out: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for rec in oc.to_dict("records"):
        nl, fr = rec["name_nl"], rec["name_fr"]
        aliases = [a for a in rec["aliases"].split("|") if a]
        fr_prefixed = (
            f"CPAS de {fr}"
            if fr[0].upper() not in "AEIOUYÉÈH" and not fr.startswith(("La ", "Le ", "Les "))
            else f"CPAS {fr}"
        )
        per_lang = {}
        for lang, own, other, prefixed in (
            ("nl", nl, fr, f"OCMW {nl}"),
            ("fr", fr, nl, fr_prefixed),
        ):
            v = [
                (prefixed, 0.45),
                (own, 0.30),
                (own.lower(), 0.05),
                (own.upper(), 0.02),
                (f"{own} ", 0.03),
                (other, 0.07),
            ]
            v += [(a, 0.08 / len(aliases)) for a in aliases] if aliases else [(own, 0.08)]
            per_lang[lang] = v
        out[rec["ocmw_id"]] = per_lang
    return out


def _pick_variant(options: list[tuple[str, float]], draw: float) -> str:
    acc = 0.0
    for text, p in options:
        acc += p
        if draw < acc:
            return text
    return options[0][0]


def _p(weights: dict[Any, float]) -> np.ndarray:
    p = np.array(list(weights.values()), dtype=float)
    return p / p.sum()


# --- writing --------------------------------------------------------------------------------


def _fixed_timestamp(cohort: Cohort) -> dt.datetime:
    """Creation time written into XLSX files: the last day of the cohort window, 09:00."""
    return dt.datetime.combine(dt.date.fromisoformat(str(cohort.raw["window"]["end"])), dt.time(9, 0))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return str(value)


def _csv_bytes(data: _ExportData, export: Export) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=export.delimiter or ",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow(data.header)
    for row in data.rows:
        writer.writerow([_cell_text(v) for v in row])
    for _ in range(data.blank_rows):  # as a spreadsheet writes an empty last row
        writer.writerow([""] * len(data.header))
    try:
        return buffer.getvalue().encode(export.encoding or "utf-8")
    except UnicodeEncodeError as error:  # a name list or label outside the declared encoding
        raise ConfigError(
            f"a generated value cannot be encoded ({error})",
            file=export.path,
            expected=f"text encodable in {export.encoding}",
        ) from None


def _xlsx_bytes(data: _ExportData, export: Export, created: dt.datetime) -> bytes:
    wb = Workbook(write_only=True)
    wb.properties.creator = "MIRIAM"
    wb.properties.created = created
    wb.properties.modified = created
    ws = wb.create_sheet(export.sheet or SHEET[data.language])
    if data.title:
        ws.append([data.title])
    ws.append(data.header)
    for row in data.rows:
        cells = list(row)
        for i, fmt in data.date_columns.items():
            if isinstance(cells[i], dt.datetime):
                cell = WriteOnlyCell(ws, value=cells[i])
                cell.number_format = fmt
                cells[i] = cell
        ws.append(cells)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # not save_workbook: it stamps "modified = now"
    return _fixed_zip(raw.getvalue(), created)


def _fixed_zip(content: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip with a fixed timestamp on every entry (zipfile stamps the clock)."""
    out = io.BytesIO()
    stamp = when.timetuple()[:6]
    with (
        zipfile.ZipFile(io.BytesIO(content)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)
