"""Issue 14, "done when": a 2018-2019 export laid out as ../shared/domain/exports.md describes
builds with nothing but a cohort file, in verification mode, and every cell of its profile
tables (Tabel 9-13, children per age band as Tabel 11) and of its paired tests (Tabel 14-15,
in the paper's convention: baseline minus endline) equals an independent computation from the
export itself (pandas and scipy here, not the miriam package).

The export is our own synthetic one (3 cities x 25 women, seeded): written here, cell by cell,
with the defects the real one has (a stored total left empty while its statements are
present, a stored total that is not their sum, fewer birth years than AANTAL_KIND, women
without an endline).
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import subprocess
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import TEST_KEY, WIDE_2018_HEADER, make_nrn, run_workflow, write_project
from scipy import stats

COHORT = "cirtes-2018"
CITIES = {"Antwerpen": ("11002", "flanders"), "Luik": ("62063", "wallonia"), "Bergen": ("53053", "wallonia")}
AGE_REFERENCE = date(2018, 11, 1)  # the default: the first day of the baseline measurement
HEADER = WIDE_2018_HEADER
COUNTRY = {1: "belgium", 2: "eu", 3: "north_africa_arab", 4: "other_africa", 5: "other"}
EDUCATION = {
    1: "none",
    2: "primary",
    3: "special_secondary",
    4: "part_time_vocational",
    5: "lower_secondary",
    6: "upper_secondary",
    7: "higher",
}
DOMAINS = [
    "dom_financial",
    "dom_activation",
    "dom_housing",
    "dom_mobility",
    "dom_health",
    "dom_mental",
    "dom_network",
    "dom_leisure",
    "dom_childcare",
    "dom_life",
]


def _export(rng: np.random.Generator) -> list[dict]:
    rows, seq = [], 0
    for city in CITIES:
        for _ in range(25):
            seq += 1
            born = AGE_REFERENCE - timedelta(days=int(rng.integers(18 * 365, 47 * 365)))
            n_kids = int(rng.integers(1, 8))
            years = sorted(int(y) for y in rng.integers(max(born.year + 16, 2000), 2019, size=n_kids))
            if rng.random() < 0.15:
                years = years[: int(rng.integers(0, n_kids))]  # fewer years than AANTAL_KIND
            row = {
                "OCMW": city,
                "RRN": make_nrn(born, 2 * seq),
                "VOORNAAM": f"Voornaam{seq}",
                "NAAM": f"Naam{seq}",
                "GEBDAT": f"{born:%d/%m/%Y}",
                "AANTAL_KIND": n_kids,
                "GEBJAREN_KIND": ", ".join(str(y) for y in years),
                "GEBOORTELAND_GROEP": int(rng.integers(1, 6)),
                "OPLEIDING": int(rng.integers(1, 8)),
            }
            base_emp = [int(v) for v in rng.integers(0, 6, size=14)]
            row.update({f"DOM_{d}": int(rng.integers(0, 11)) for d in range(1, 11)})
            row.update({f"EMP{k}": v for k, v in enumerate(base_emp, start=1)})
            row["EMP_TOT"] = sum(base_emp)
            if rng.random() < 0.85:  # an endline
                end_emp = [int(np.clip(v + rng.integers(-1, 3), 0, 5)) for v in base_emp]
                row.update({f"END_DOM_{d}": int(rng.integers(0, 11)) for d in range(1, 11)})
                row.update({f"END_EMP_{k}": v for k, v in enumerate(end_emp, start=1)})
                row["END_EMP_TOT"] = sum(end_emp)
            rows.append(row)
    blank = next(i for i, row in enumerate(rows) if "END_EMP_TOT" in row)
    rows[blank]["EMP_TOT"] = ""  # stored total empty, statements present: no total (Tabel 15: n=65)
    rows[7]["EMP_TOT"] = int(rows[7]["EMP_TOT"]) + 2  # stored total is not the sum: kept, listed
    rows[30]["DOM_3"] = ""  # an unanswered domain
    return rows


def _age_band(born: str) -> str:
    d = pd.Timestamp(pd.to_datetime(born, format="%d/%m/%Y"))
    age = AGE_REFERENCE.year - d.year - ((AGE_REFERENCE.month, AGE_REFERENCE.day) < (d.month, d.day))
    for low, label in ((40, "40+"), (35, "35-39"), (30, "30-34"), (25, "25-29")):
        if age >= low:
            return label
    return "18-24"


def _child_band(year: int) -> str:
    age = AGE_REFERENCE.year - year
    for low, label in ((18, "18+"), (15, "15-18"), (12, "12-15"), (6, "6-12"), (3, "3-5")):
        if age >= low:
            return label
    return "0-2"


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, comment="#", dtype={"unit": str, "category": str})


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    work = tmp_path_factory.mktemp("cirtes")
    rows = _export(np.random.default_rng(2018))
    raw = work / "raw" / COHORT
    raw.mkdir(parents=True)
    with open(raw / "miriam2.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    cohort = {
        "cohort": COHORT,
        "label": "2018-2019",
        "instrument": "miriam-2018",
        "window": {"start": "2018-09-01", "end": "2019-08-31"},
        "measurement": {"baseline": "2018-11", "endline": "2019-06"},
        "generalise": {"max_children": 7},  # the report's categories 1-6 (and 7+, empty or not)
        "verification": {"convention": "baseline_minus_endline"},
        "exports": [
            {
                "path": f"raw/{COHORT}/miriam2.csv",
                "wave": "both",
                "language": "codes",
                "format": "csv",
                "encoding": "utf-8",
                "delimiter": ",",
            }
        ],
        "projects": [
            {"id": city.lower(), "ocmws": [int(nis)], "since": 2017} for city, (nis, _) in CITIES.items()
        ],
    }
    write_project(work, (cohort,))
    env_key = os.environ.get("MIRIAM_PSEUDONYM_KEY")
    os.environ["MIRIAM_PSEUDONYM_KEY"] = TEST_KEY
    try:
        result = run_workflow(work, f"verification/{COHORT}/index.html", "--config", f"verify={COHORT}")
    finally:
        if env_key is None:
            os.environ.pop("MIRIAM_PSEUDONYM_KEY")
        else:
            os.environ["MIRIAM_PSEUDONYM_KEY"] = env_key
    assert result.returncode == 0, result.stderr[-6000:]
    frame = pd.DataFrame(rows).replace("", np.nan)
    frame["ocmw_id"] = frame["OCMW"].map(lambda c: CITIES[c][0])
    frame["region"] = frame["OCMW"].map(lambda c: CITIES[c][1])
    frame["project_id"] = frame["OCMW"].str.lower()
    frame["national"] = "BE"
    return work, frame


UNITS = {"national": "national", "region": "region", "project": "project_id", "ocmw": "ocmw_id"}


def _expected_distribution(frame: pd.DataFrame, values: pd.Series, indicator: str) -> pd.DataFrame:
    out = []
    for level, column in UNITS.items():
        counts = pd.crosstab(frame[column], values)
        for unit, row in counts.iterrows():
            for category, count in row.items():
                out.append((level, str(unit), indicator, str(category), int(row.sum()), int(count)))
    return pd.DataFrame(out, columns=["level", "unit", "indicator", "category", "n", "count"])


def _compare(got: pd.DataFrame, want: pd.DataFrame) -> None:
    keys = ["level", "unit", "indicator", "category"]
    merged = want.merge(got, on=keys, how="left", suffixes=("", "_got"), validate="one_to_one")
    assert merged["n_got"].notna().all(), merged[merged["n_got"].isna()][keys]
    assert (merged["n"] == merged["n_got"]).all()
    assert (merged["count"] == merged["count_got"]).all()
    np.testing.assert_allclose(merged["pct"], 100 * merged["count"] / merged["n"], rtol=1e-12)
    # and no category the export does not have is non-zero
    extra = got.merge(want[keys], on=keys, how="left", indicator=True)
    assert (extra.loc[extra["_merge"] == "left_only", "count"] == 0).all()


def test_profile_tables_equal_an_independent_computation(build):
    work, frame = build
    got = _read(work / "verification" / COHORT / "distributions.csv")
    n_kids = frame["AANTAL_KIND"].astype(int).map(lambda n: "7+" if n >= 7 else str(n))
    for indicator, values in (
        ("age_band", frame["GEBDAT"].map(_age_band)),
        ("n_children", n_kids),
        ("birth_country_group", frame["GEBOORTELAND_GROEP"].astype(int).map(COUNTRY)),
        ("diploma", frame["OPLEIDING"].astype(int).map(EDUCATION)),
    ):
        mine = got[got["indicator"] == indicator].drop(columns=["wave", "multi"])
        _compare(mine, _expected_distribution(frame, values, indicator))


def test_children_table_counts_children_as_tabel_11(build):
    work, frame = build
    got = _read(work / "verification" / COHORT / "children.csv")
    per_child = []
    for _, woman in frame.iterrows():
        years = (
            [int(y) for y in str(woman["GEBJAREN_KIND"]).split(", ")]
            if pd.notna(woman["GEBJAREN_KIND"])
            else []
        )
        bands = [_child_band(y) for y in years] + ["no_birth_year"] * (int(woman["AANTAL_KIND"]) - len(years))
        per_child += [{**woman.to_dict(), "band": b} for b in bands]
    children = pd.DataFrame(per_child)
    want = _expected_distribution(children, children["band"], "children_age")
    _compare(got.drop(columns=["wave", "multi"]), want)
    national = want[want["level"] == "national"]
    assert national["count"].sum() == frame["AANTAL_KIND"].astype(int).sum() == national["n"].iloc[0]


def test_paired_tests_equal_scipy_in_the_papers_convention(build):
    work, frame = build
    got = _read(work / "verification" / COHORT / "tests_paper.csv")
    assert set(got["convention"]) == {"baseline_minus_endline"}
    pairs = {name: (f"DOM_{d}", f"END_DOM_{d}") for d, name in enumerate(DOMAINS, start=1)}
    pairs |= {f"emp_{k:02d}": (f"EMP{k}", f"END_EMP_{k}") for k in range(1, 15)}
    pairs["emp_total"] = ("EMP_TOT", "END_EMP_TOT")  # the stored totals (policy `stored`)
    checked = 0
    for item, (base, end) in pairs.items():
        for level, column in UNITS.items():
            for unit, group in frame.groupby(column):
                both = group[[base, end]].dropna().astype(float)
                d = both[base] - both[end]  # SPSS: the first of the pair minus the second
                row = got[(got["item"] == item) & (got["level"] == level) & (got["unit"] == str(unit))]
                assert len(row) == 1, (item, level, unit)
                row = row.iloc[0]
                assert row["n"] == len(d) and row["df"] == len(d) - 1
                t, p = stats.ttest_rel(both[base], both[end])
                se = d.std(ddof=1) / np.sqrt(len(d))
                low, high = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=se)
                np.testing.assert_allclose(
                    [
                        row["mean_diff"],
                        row["sd_diff"],
                        row["se_diff"],
                        row["ci_low"],
                        row["ci_high"],
                        row["t"],
                        row["p"],
                    ],
                    [d.mean(), d.std(ddof=1), se, low, high, t, p],
                    rtol=1e-9,
                    atol=1e-12,
                )
                checked += 1
    assert checked == 25 * (1 + 2 + 3 + 3)  # national, 2 regions, 3 projects, 3 OCMWs
    national_total = got[(got["item"] == "emp_total") & (got["level"] == "national")].iloc[0]
    with_endline = frame["END_EMP_TOT"].notna().sum()
    assert national_total["n"] == with_endline - 1  # the woman with an empty stored total
    assert national_total["n"] == frame[["EMP_TOT", "END_EMP_TOT"]].notna().all(axis=1).sum()


R_VALUES = "c(r$estimate, r$statistic, r$parameter, r$p.value, r$conf.int)"


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Debian r-base-core) not installed")
def test_paired_tests_equal_r_in_the_papers_convention(build, tmp_path):
    """The same paired t-tests, nationally, from R's t.test on the export itself (the paper
    used SPSS; R is a second implementation outside Python)."""
    work, frame = build
    got = _read(work / "verification" / COHORT / "tests_paper.csv")
    pairs = {name: (f"DOM_{d}", f"END_DOM_{d}") for d, name in enumerate(DOMAINS, start=1)}
    pairs |= {f"emp_{k:02d}": (f"EMP{k}", f"END_EMP_{k}") for k in range(1, 15)}
    pairs["emp_total"] = ("EMP_TOT", "END_EMP_TOT")
    columns = sorted({c for pair in pairs.values() for c in pair})
    frame[columns].astype(float).to_csv(tmp_path / "export.csv", index=False)
    script = f'x <- read.csv("{tmp_path / "export.csv"}"); ' + "".join(
        f'r <- t.test(x${base}, x${end}, paired=TRUE); cat("{item}", sprintf("%.15g", {R_VALUES}), "\\n"); '
        for item, (base, end) in pairs.items()
    )
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout
    national = got[got["level"] == "national"].set_index("item")
    for line in out.strip().splitlines():
        item, *values = line.split()
        mean, t, df, p, low, high = map(float, values)
        row = national.loc[item]
        np.testing.assert_allclose(
            [row["mean_diff"], row["t"], row["df"], row["p"], row["ci_low"], row["ci_high"]],
            [mean, t, df, p, low, high],
            rtol=1e-9,
            err_msg=item,
        )
    assert len(out.strip().splitlines()) == len(pairs) == 25


def test_verification_output_is_owner_only_stamped_and_qa_lists_the_totals(build):
    work, _ = build
    folder = work / "verification" / COHORT
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".csv":
            assert text.startswith("# NIET VOOR PUBLICATIE / PAS POUR PUBLICATION / NOT FOR PUBLICATION")
        else:
            assert "NOT FOR PUBLICATION" in text
    assert not (work / "results" / COHORT / "report").exists()  # nothing published was asked for
    qa = pd.read_csv(work / "qa" / COHORT / "qa_report.csv", dtype=str)
    problems = (
        qa.dropna(subset=["source_row"])
        .groupby("problem")["source_row"]
        .apply(lambda s: sorted(s.astype(int)))
    )
    blank = next(i for i, row in enumerate(_export(np.random.default_rng(2018))) if row["EMP_TOT"] == "")
    assert problems["total_blank_items_present"] == [blank + 2]  # the spreadsheet's row number
    assert problems["total_mismatch"] == [9]  # rows[7]
    assert set(
        qa.loc[qa["problem"].str.startswith("total_") | (qa["problem"] == "children_years_mismatch"), "kind"]
    ) == {"value checked"}
    text = "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in (work / "verification").rglob("*.csv")
    )
    assert "Voornaam1" not in text and "Naam1," not in text
    assert yaml.safe_load((work / "config" / "config.yaml").read_text())["cohorts"] == [COHORT]


def test_only_the_verification_rule_reads_the_private_zone_for_verification():
    """The verification build adds one reader of private/ (verify_cohort), writes only under
    verification/, and no publishing rule reads verification/ (the gate of test_dag_privacy)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("snakemake")),
            "-n",
            "-F",
            "--cores",
            "1",
            "-p",
            "--config",
            "verify=demo-2022-2023",
            "--printshellcmds",
        ],  # fmt: skip
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    blocks = done.stdout.split("\nrule ")
    verify = [b for b in blocks if b.startswith("verify_cohort:")]
    assert len(verify) == 1 and "output: verification/demo-2022-2023/index.html" in verify[0]
    readers = {b.split(":")[0] for b in blocks if "input:" in b and "verification/" in b.split("output:")[0]}
    assert readers == {"all"}  # the default target only
