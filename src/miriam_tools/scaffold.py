"""Scaffold a new cohort.

`python -m miriam_tools.scaffold <cohort> [--instrument VERSION] [--label L] [--local]`

Writes config/cohorts/<cohort>.yaml (with --local: config/local/<cohort>.yaml, untracked, read
before config/cohorts/) with every option documented and where each value comes from (validated against the
schema before it is written), creates raw/<cohort>/ with a README, and prints what to do next,
including how to set up the pseudonym key. It never overwrites an existing cohort.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from miriam.config import ConfigError, load_yaml, validate
from miriam.errors import MiriamError

LONG_EXPORTS = """\
exports:
  - path: raw/{cohort}/beginmeting_nl.csv # TODO
    wave: baseline
    language: nl
    format: csv
    encoding: utf-8
    delimiter: ","
  - path: raw/{cohort}/eindmeting_nl.csv # TODO
    wave: endline
    language: nl
    format: csv
    encoding: utf-8
    delimiter: ","
"""

# A wide codebook (layout: wide, e.g. miriam-2018): one file with both waves in each row,
# variable codes as headers and codes as values (../shared/domain/exports.md, 2018-2019 layout).
WIDE_EXPORTS = """\
exports:
  - path: raw/{cohort}/{cohort}.csv # TODO: the one wide file
    wave: both
    language: codes
    format: csv
    encoding: utf-8
    delimiter: ","

# The wide file has no submission dates: a woman's age (from her birth date) and her
# children's ages are taken at this date. Default: the first day of the baseline measurement.
# age_reference: "{start}-11-01"
"""

TEMPLATE = """\
# Cohort {cohort}: written by `python -m miriam_tools.scaffold`; edit every line marked TODO.
# Schema with every key explained: src/miriam/config/schemas/cohort.schema.yaml.
# Walkthrough: docs/adding-a-cohort.md.

# The cohort's name: equals this file's name (lower case, digits and dashes).
cohort: {cohort}
# As printed in the report.
label: "{label}"
# Real exports: false. A real cohort needs a secret pseudonym key (see README, Pseudonym key).
# Its trend, scale chart and "other editions" use only the real cohorts listed under
# `cohorts:` in config/config.yaml (never the demo cohorts), earlier ones by window start.
demo: false
# Codebook version: a file config/instruments/<version>.yaml. A new questionnaire needs a new
# codebook file (copy the closest one), not code.
instrument: {instrument}

# The first and last admissible submission date (YYYY-MM-DD): the cohort's programme year,
# from the research team's fieldwork plan (the POD MI / SPP IS convention with the OCMWs). A
# single form submitted outside it is quarantined (reason outside_cohort_window, QA report);
# an export with most of its forms outside it is refused as an export of another cohort.
window:
  start: "{start}-09-01" # TODO
  end: "{end}-08-31" # TODO
# When each wave was measured, printed in the report's method section in both languages: a
# month ("{start}-11": "from November {start}") or a date range, from the fieldwork plan:
#   baseline: {{from: {start}-11-01, to: {start}-12-15}}
measurement:
  baseline: "{start}-11" # TODO
  endline: "{end}-06" # TODO
# The reports' publication date, printed on every cover: on or after the last measurement
# (config/config.yaml's `publication: date` is the default; a date before the data stops the run).
publication:
  date: "{end}-09-30" # TODO

# One entry per export file, as delivered; the run checks each declaration against the file.
#   path       relative to the project root, under raw/{cohort}/
#   wave       baseline or endline (both: a wide file with both waves in each row; followup:
#              a follow-up form, with a `followup:` block, see docs/adding-a-cohort.md)
#   language   nl or fr: the form's language (codes: a code-based statistical export)
#   format     csv or xlsx
#   encoding   csv only: utf-8, utf-8-sig or cp1252 (a file re-saved by Excel on Windows)
#   delimiter  csv only: "," or ";" (Excel on a Belgian machine writes ";")
#   sheet      xlsx only: the worksheet's name, if not the first
#   header_row optional, rarely needed: the header row's number as a spreadsheet shows it.
#              The header (the form's question texts) is found automatically, also below
#              title rows and in any column order; a declared row is checked against the file.
# What the file is (encoding, separator, language, wave) is checked against the declaration:
# a mismatch stops the run with a message naming the file and what was expected.
{exports}
# Projects: one OCMW alone, or a consortium of several (one project, several NIS codes).
#   id      a short name of the project (lower case, dashes), used in file names
#   ocmws   NIS codes: the column nis_code of config/reference/ocmw.csv (Statbel's codes of the
#           municipalities; add a row there for an OCMW that is missing, and the spellings the
#           case managers type under `aliases`)
#   since   the project's first MIRIAM year: from the programme's list of projects (POD MI /
#           SPP IS) or the previous cohort's file; equal to this cohort's first year ({start})
#           for a new entrant
projects:
  - {{id: antwerpen, ocmws: [11002], since: 2017}} # TODO
"""

RAW_README = """\
# raw/{cohort}/: the exports of cohort {cohort}

Put the form's exports here exactly as downloaded (do not open and re-save them), and list each
one in the cohort file (config/local/ or config/cohorts/{cohort}.yaml). Nothing in raw/ is
ever committed (.gitignore).
"""

NEXT_STEPS = """\
Cohort {cohort} scaffolded:
  {file}   edit every TODO (exports, window, measurement, projects)
  raw/{cohort}/                  put the exports here

Next:
  1. Pseudonym key (once per machine, keep it secret and backed up; the same key must be
     used for every run of a cohort, or women cannot be linked across runs):
       mkdir -p ~/.config/miriam && python3 -c "import secrets; print(secrets.token_hex(32))" \\
         > ~/.config/miriam/pseudonym.key && chmod 600 ~/.config/miriam/pseudonym.key
     (or export MIRIAM_PSEUDONYM_KEY=... in the environment).
  2. Add "{cohort}" under `cohorts:` in config/config.yaml.
  3. Check: .venv/bin/snakemake -n     then build: .venv/bin/snakemake --cores 2
"""


def scaffold(
    cohort: str, instrument: str, label: str | None, root: Path = Path("."), *, local: bool = False
) -> Path:
    """Write the cohort file (config/local/ with `local`: untracked, read first) and raw/."""
    target = root / "config" / ("local" if local else "cohorts") / f"{cohort}.yaml"
    for existing in (
        root / "config" / "cohorts" / f"{cohort}.yaml",
        root / "config" / "local" / f"{cohort}.yaml",
    ):
        if existing.exists():
            raise ConfigError("a cohort of this name exists already", file=str(existing))
    if not (root / "config" / "instruments" / f"{instrument}.yaml").exists():
        raise ConfigError(
            f"unknown instrument '{instrument}'",
            expected="a file config/instruments/<version>.yaml",
        )
    years = [int(part) for part in cohort.split("-") if part.isdigit() and len(part) == 4]
    start = years[0] if years else 2025
    layout = load_yaml(root / "config" / "instruments" / f"{instrument}.yaml").get("layout", "long")
    exports = (WIDE_EXPORTS if layout == "wide" else LONG_EXPORTS).format(cohort=cohort, start=start)
    text = TEMPLATE.format(
        exports=exports,
        cohort=cohort,
        label=label or f"{start}-{start + 1}",
        instrument=instrument,
        start=start,
        end=start + 1,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        validate(load_yaml(tmp), "cohort", target)  # the scaffold itself must be valid
    finally:
        tmp.unlink()
    target.write_text(text, encoding="utf-8")
    raw = root / "raw" / cohort
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "README.md").write_text(RAW_README.format(cohort=cohort), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m miriam_tools.scaffold", description=__doc__.splitlines()[0]
    )
    parser.add_argument("cohort", help="the new cohort's name, e.g. 2024-2025")
    parser.add_argument("--instrument", default="miriam-2023", help="codebook version (default miriam-2023)")
    parser.add_argument("--label", help='as printed in the report (default "YYYY-YYYY")')
    parser.add_argument(
        "--local",
        action="store_true",
        help="write config/local/<cohort>.yaml (not committed; recommended for a real cohort)",
    )
    args = parser.parse_args(argv)
    try:
        target = scaffold(args.cohort, args.instrument, args.label, local=args.local)
    except MiriamError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(NEXT_STEPS.format(cohort=args.cohort, file=target.as_posix()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
