"""Benchmark the workflow: `make benchmark` (or `python -m miriam_tools.benchmark [--scale]`).

Prints wall times on this machine for: a full build of the demo cohorts (and of the 2023-2024
cohort's report alone), a no-op rebuild, a rebuild after changing one OCMW's rows in one
export, and a rebuild after editing one Dutch template string; then the per-rule times from
Snakemake's benchmark files (of the full build, and of the jobs the one-OCMW rebuild reran)
and the peak memory of the largest job. With ``--scale``, also a scale run: a generated
cohort of all 581 OCMWs and 20,000 women, built after the two demo cohorts. Figures are
printed, never asserted (speed targets are not tests).

It works on a copy of the repository's tracked files in a temporary directory, so the edits
it makes for the incremental scenarios never touch your checkout.
"""

from __future__ import annotations

import argparse
import csv
import io
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from miriam.ingest import demo_marker

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def copy_project(target: Path) -> Path:
    """Copy the tracked files (not results, raw data or the venv) to `target`."""
    files = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def run(workdir: Path, cores: int, target: str = "all") -> float:
    """Wall time of one `snakemake` run in `workdir` that builds `target`."""
    start = time.perf_counter()
    done = subprocess.run(
        [str(SNAKEMAKE), target, "--cores", str(cores), "--quiet", "all"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"snakemake failed in {workdir}")
    return elapsed


def change_one_ocmw(workdir: Path) -> str:
    """Correct one score of one Antwerpen woman in the Dutch baseline export."""
    path = workdir / "raw" / "demo" / "2023-2024" / "beginmeting_nl.csv"
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    column = rows[0].index("Financiële situatie (0-10)")
    row = next(r for r in rows[1:] if r and "Antwerpen" in r[rows[0].index("OCMW")] and r[column].isdigit())
    row[column] = str((int(row[column]) + 1) % 11)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    # A demo cohort takes only exports its generator vouches for: vouch for this deliberate edit.
    demo_marker.record([path])
    return "one Antwerpen score in raw/demo/2023-2024/beginmeting_nl.csv"


def edit_dutch_string(workdir: Path) -> str:
    path = workdir / "report" / "strings" / "nl.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# benchmark edit\n", encoding="utf-8")
    return "report/strings/nl.yaml"


SCALE_COHORT = "scale-2024-2025"


def scale_setup(workdir: Path, women: int = 20_000) -> str:
    """A generated cohort of all 581 OCMWs (one project each) and `women` women, built with
    the two demo cohorts as its earlier cohorts (the trend spans all three).

    The OCMWs the reference table lacks come from the illustrative leefloon table
    (config/reference/leefloon_illustrative.csv) and are added to the copy's reference table.
    """
    import pandas as pd
    import yaml

    config_dir = workdir / "config"
    reference = pd.read_csv(config_dir / "reference" / "ocmw.csv", dtype=str, keep_default_na=False)
    extra = pd.read_csv(config_dir / "reference" / "leefloon_illustrative.csv", dtype=str)
    extra = extra[~extra["ocmw_id"].isin(reference["nis_code"])]
    languages = {"flanders": "nl", "wallonia": "fr", "brussels": "nl|fr"}
    added = pd.DataFrame(
        {
            "nis_code": extra["ocmw_id"],
            "name_nl": extra["name_nl"].str.replace("OCMW ", "", regex=False),
            "name_fr": extra["name_fr"].str.replace("CPAS ", "", regex=False),
            "aliases": "",
            "region": extra["region"],
            "population": extra["population"],
            "report_languages": extra["region"].map(languages),
        }
    )
    pd.concat([reference, added]).to_csv(
        config_dir / "reference" / "ocmw.csv", index=False, lineterminator="\n"
    )
    cohort = yaml.safe_load((config_dir / "cohorts" / "demo-2023-2024.yaml").read_text(encoding="utf-8"))
    cohort.update(
        cohort=SCALE_COHORT,
        label="2024-2025",
        window={"start": "2024-09-01", "end": "2025-08-31"},
        measurement={"baseline": "2024-11", "endline": "2025-06"},
        synthetic={"seed": 20242025, "women": women},
    )
    cohort.pop("followup", None)
    exports = [e for e in cohort["exports"] if e["wave"] in ("baseline", "endline")]
    for export in exports:
        export["path"] = export["path"].replace("2023-2024", SCALE_COHORT)
    cohort["exports"] = exports
    ids = pd.concat([reference["nis_code"], added["nis_code"]])
    cohort["projects"] = [
        {"id": f"p{code}", "ocmws": [int(code)], "since": 2024} for code in sorted(ids, key=int)
    ]
    (config_dir / "cohorts" / f"{SCALE_COHORT}.yaml").write_text(yaml.safe_dump(cohort), encoding="utf-8")
    main = yaml.safe_load((config_dir / "config.yaml").read_text(encoding="utf-8"))
    main["cohorts"] = [*main["cohorts"], SCALE_COHORT]
    (config_dir / "config.yaml").write_text(yaml.safe_dump(main, sort_keys=False), encoding="utf-8")
    return f"{len(cohort['projects'])} OCMWs, {women} women, plus {len(main['cohorts']) - 1} earlier cohorts"


def peak_rss_mb(workdir: Path) -> float:
    """The largest job's peak memory (MB), from the benchmark files."""
    return max((rss for _, _, rss in stage_times(workdir)), default=0.0)


def stage_times(workdir: Path, since: float = 0.0) -> list[tuple[str, float, float]]:
    """(rule, seconds summed over its jobs, max RSS MB) from the benchmark files.

    With `since` (a time.time()), only the jobs whose benchmark file was written after it:
    the jobs one rebuild ran.
    """
    rows = []
    for rule_dir in sorted((workdir / "benchmarks").iterdir()):
        seconds, rss, jobs = 0.0, 0.0, 0
        for tsv in rule_dir.glob("*.tsv"):
            if tsv.stat().st_mtime < since:
                continue
            jobs += 1
            with tsv.open() as handle:
                record = list(csv.DictReader(handle, delimiter="\t"))[-1]
            seconds += float(record["s"])
            rss = max(rss, float(record.get("max_rss") or 0))
        if jobs:
            rows.append((rule_dir.name, seconds, rss))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time the demo build and incremental rebuilds.")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy and print its path")
    parser.add_argument("--scale", action="store_true", help="also the scale run (581 OCMWs, 20,000 women)")
    parser.add_argument("--only-scale", action="store_true", help="only the scale run")
    parser.add_argument("--women", type=int, default=20_000, help="women in the scale cohort")
    args = parser.parse_args(argv)
    if args.only_scale:
        scale(args)
        return

    # The 2023-2024 demo cohort alone (44 OCMWs), in a copy of its own: the first issue's
    # target. Its trend reads the earlier cohort's published tables, so that cohort's data
    # stages run too (not its figures or report).
    alone = copy_project(Path(tempfile.mkdtemp(prefix="miriam-bench-")))
    one_cohort = run(alone, args.cores, "results/demo-2023-2024/report/index.html")
    shutil.rmtree(alone, ignore_errors=True)

    workdir = copy_project(Path(tempfile.mkdtemp(prefix="miriam-bench-")))
    results = [("full build of the demo cohorts", run(workdir, args.cores))]
    results.append(("full build of the 2023-2024 demo cohort's report alone", one_cohort))
    per_stage = stage_times(workdir)
    results.append(("no-op rebuild", run(workdir, args.cores)))
    what = change_one_ocmw(workdir)
    started = time.time()
    results.append((f"rebuild after changing {what}", run(workdir, args.cores)))
    one_ocmw_stages = stage_times(workdir, since=started)
    what = edit_dutch_string(workdir)
    results.append((f"rebuild after editing {what}", run(workdir, args.cores)))
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    full = results[0][1]
    print(f"MIRIAM benchmark ({args.cores} cores)")
    for name, seconds in results:
        print(f"  {name:<75} {seconds:7.1f} s  ({100 * seconds / full:5.1f} % of full)")
    print("Per rule, full build (seconds summed over jobs; peak RSS of one job):")
    for rule, seconds, rss in per_stage:
        print(f"  {rule:<40} {seconds:7.1f} s  {rss:8.0f} MB")
    print("Per rule, rebuild after changing one OCMW's rows (the jobs it reran):")
    for rule, seconds, _ in one_ocmw_stages:
        print(f"  {rule:<40} {seconds:7.1f} s")
    print(f"Peak memory of the largest process: {peak_mb:.0f} MB")
    if args.keep:
        print(f"Working copy kept at {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.scale:
        scale(args)


def scale(args) -> None:
    """The scale run: all 581 OCMWs and 20,000 women, with the two demo cohorts before it."""
    workdir = copy_project(Path(tempfile.mkdtemp(prefix="miriam-scale-")))
    what = scale_setup(workdir, args.women)
    seconds = run(workdir, args.cores)
    print(f"Scale run ({what}): {seconds:.1f} s, largest job's peak memory {peak_rss_mb(workdir):.0f} MB")
    for rule, spent, rss in stage_times(workdir):
        print(f"  {rule:<40} {spent:7.1f} s  {rss:8.0f} MB")
    if args.keep:
        print(f"Working copy kept at {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
