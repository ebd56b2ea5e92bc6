"""Ingest: raw exports -> one canonical table, through the codebook.

What leaves this step (docs/stages/ingest.md):
- canonical variables with codes instead of NL/FR labels, for every data row of every export;
- the keyed pseudonym instead of the national register number; no name, no birth date (only
  the age in years), no free text: direct identifiers never leave ingest;
- a list of value-level issues by file, row and column: rejected values, and missing values
  with their reason (`blank` or `not_applicable`).
The export is checked against its declaration (layout, language, wave, cohort window) first.
"""

# size: about 750 lines: the codebook mapping of a long and of a wide export, the OCMW
# resolver and the value parser are read together when a new layout arrives; the checks of
# the exports as a whole, the checks between columns of a row (consistency), the readers,
# parse and nrn are modules of their own.

from __future__ import annotations

import difflib
import logging
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from miriam.config import Cohort, Export, Instrument, Variable
from miriam.errors import ConfigError, InputError
from miriam.ingest import consistency, demo_marker, nrn, parse
from miriam.ingest.checks import (
    OCMW_EXPECTED,
    RESPONSE_ID,
    check_declared_language,
    check_distinct_files,
    check_shared_response_ids,
    check_unknown_ocmws,
    check_window,
)
from miriam.ingest.readers import HeaderSet, normalise_header, read_export
from miriam.vocab import ALL_WAVES, FOLLOWUP

log = logging.getLogger("miriam.ingest")

# `reason` is set for problem "missing" only: blank (an empty cell) or not_applicable ("nvt").
#: The problem of an export column that is not in the codebook (policy `unknown_column: warn`):
#: not a value issue, it is listed in the QA report ("column ignored") and counted nowhere else.
IGNORED_COLUMN = "ignored_column"
# The checks between columns of a row (issue 14), listed in QA as "value checked".
CHECKS = consistency.CHECKS | {IGNORED_COLUMN}
ISSUE_COLUMNS = ["source_file", "source_row", "column", "variable", "problem", "expected", "reason"]
# The platform's id of a submission: unique per submission, so two exports that share one are
# (partly) the same export listed twice.
# How close (difflib ratio) an official name must be to a typed one to be offered as a hint:
# a typo ("Antwerpn": 0.94) is, an unrelated name ("Atlantis" / "Malines": 0.53) is not.
OCMW_HINT_CUTOFF = 0.75


# --- the pseudonym key ---------------------------------------------------------------------


# A real key carries at least 128 bits (docs/stages/ingest.md, "The pseudonym key"). The check
# reads the key only to judge it: the HMAC still uses the key's text as it is (a decoded hex
# key would give every existing cohort new pseudonyms).
MIN_KEY_BITS = 128
MIN_KEY_DISTINCT = 8
KEY_HOWTO = (
    "Make one with: mkdir -p ~/.config/miriam && "
    'python3 -c "import secrets; print(secrets.token_hex(32))" > ~/.config/miriam/pseudonym.key '
    "&& chmod 600 ~/.config/miriam/pseudonym.key"
)
KEY_EXPECTED = (
    f"a random secret of at least {MIN_KEY_BITS} bits: 32 or more hex characters, 22 or more "
    "base64 characters (upper and lower case), or 32 or more characters of varied text, with at "
    f"least {MIN_KEY_DISTINCT} different characters"
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")


def key_weakness(key: bytes) -> str | None:
    """Why `key` (judged without surrounding whitespace) is too weak, or None when it is not.

    The rule, simple on purpose (a guard against keys that are no secret, not a proof of
    randomness): at least 8 different characters, and either hex of at least 32 characters
    (4 bits each), base64 of at least 22 characters mixing upper and lower case (6 bits
    each), or any other text of at least 32 characters whose character-frequency (Shannon)
    estimate reaches 128 bits.
    """
    text = key.decode("utf-8", errors="replace").strip()
    if not text:
        return "it is empty"
    distinct = len(set(text))
    if distinct < MIN_KEY_DISTINCT:
        return f"it has only {distinct} different character(s)"
    n = len(text)
    if _HEX.fullmatch(text):
        what, bits = f"{n} hex characters", 4 * n
    elif _BASE64.fullmatch(text) and re.search("[a-z]", text) and re.search("[A-Z]", text):
        n = len(text.rstrip("="))
        what, bits = f"{n} base64 characters", 6 * n
    elif n < 32:
        return f"{n} characters of text, fewer than 32"
    else:
        what, bits = (
            f"{n} characters of text",
            int(-sum(c * math.log2(c / n) for c in Counter(text).values())),
        )
    if bits < MIN_KEY_BITS:
        return f"{what}: about {bits} bits, fewer than {MIN_KEY_BITS}"
    return None


def _checked_key(key: bytes, source: str, file: str | None) -> bytes:
    weakness = key_weakness(key)
    if weakness:
        # A weak key makes the pseudonyms recomputable by anyone who tries the register numbers.
        raise ConfigError(
            f"the pseudonym key {source} is too weak ({weakness})",
            file=file,
            expected=KEY_EXPECTED,
            hint=KEY_HOWTO,
        )
    return key


def _check_key_file_mode(path: Path) -> None:
    """A key file that its group or others can read or write is no secret: refuse it."""
    mode = path.stat().st_mode & 0o777
    if os.name == "posix" and mode & 0o077:
        raise ConfigError(
            f"the pseudonym key file can be read or written by other users (mode {mode:o})",
            file=str(path),
            expected="a key file that only its owner can read and write (mode 600)",
            hint=f"Run: chmod 600 {path}",
        )


def pseudonym_key(cohort: Cohort, key_env: str, key_file: str) -> bytes:
    """The HMAC key: environment variable, else key file, else (demo cohorts only) the demo key.

    A key from the environment or the key file is the secret of real cohorts: it must carry at
    least 128 bits (:func:`key_weakness`), and the key file must be readable by its owner only.
    The key itself is never logged; only where it came from.
    """
    if os.environ.get(key_env):
        log.info("pseudonym key: from environment variable %s", key_env)
        # Used as it is (as before this check), so that existing pseudonyms stay the same.
        key = os.environ[key_env].encode("utf-8")
        return _checked_key(key, f"in environment variable {key_env}", None)
    path = Path(key_file).expanduser()
    if path.is_file():
        _check_key_file_mode(path)
        key = path.read_bytes().strip()
        log.info("pseudonym key: from key file %s", path)
        return _checked_key(key, "in this file", str(path))
    if cohort.demo and cohort.raw.get("demo_pseudonym_key"):
        log.info("pseudonym key: the documented demo key of cohort %s", cohort.name)
        return cohort.raw["demo_pseudonym_key"].encode("utf-8")
    raise ConfigError(
        f"no pseudonym key for cohort {cohort.name}",
        expected=f"the key in environment variable {key_env} or in the file {path}",
        hint="Real cohorts need a secret key kept outside the repository (see README, "
        f"'Pseudonym key'). {KEY_HOWTO}",
    )


# --- OCMW names ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcmwResolver:
    """Exact look-up of typed OCMW names: official NL/FR names and listed aliases, after
    normalisation and removal of configured prefixes ("OCMW", "CPAS de"). No fuzzy matching:
    an unknown name is reported with the closest known names, never guessed."""

    names: dict[str, str]
    prefixes: tuple[str, ...]
    # Official names per language, {normalised: as printed}: the hints for an unknown name.
    by_lang: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_reference(cls, reference: pd.DataFrame, prefixes: list[str]) -> OcmwResolver:
        names: dict[str, str] = {}
        by_lang: dict[str, dict[str, str]] = {"nl": {}, "fr": {}}
        for rec in reference.to_dict("records"):
            for lang in by_lang:
                by_lang[lang][normalise_header(rec[f"name_{lang}"])] = rec[f"name_{lang}"]
            variants = [
                rec["nis_code"],
                rec["name_nl"],
                rec["name_fr"],
                *filter(None, rec["aliases"].split("|")),
            ]
            for variant in variants:
                names[normalise_header(variant)] = rec["nis_code"]
        ordered = tuple(sorted((normalise_header(p) for p in prefixes), key=len, reverse=True))
        return cls(names, ordered, by_lang)

    def resolve(self, raw: str) -> str | None:
        key = normalise_header(raw)
        if key in self.names:
            return self.names[key]
        for prefix in self.prefixes:
            if key.startswith(prefix):
                rest = key[len(prefix) :].strip(" '-")
                if rest in self.names:
                    return self.names[rest]
        return None

    def closest(self, raw: str, lang: str | None = None) -> list[str]:
        """Official names close to a typed one, in the language of the name typed: "OCMW ..."
        is Dutch, "CPAS ..." French, else the form's language `lang`. Only names above a
        similarity cutoff (issue 17: "OCMW Atlantis" was offered "malines")."""
        key = self._without_prefix(normalise_header(raw))
        typed = normalise_header(raw)
        if typed.startswith("ocmw"):
            lang = "nl"
        elif typed.startswith("cpas"):
            lang = "fr"
        languages = [lang] if lang in self.by_lang else list(self.by_lang)
        candidates: dict[str, str] = {}
        for language in languages:
            candidates.update(self.by_lang.get(language, {}))
        if not candidates:  # a resolver built without official names: any known spelling
            candidates = {name: name for name in self.names}
        close = difflib.get_close_matches(key, list(candidates), n=3, cutoff=OCMW_HINT_CUTOFF)
        return [candidates[name] for name in close]

    def _without_prefix(self, key: str) -> str:
        for prefix in self.prefixes:
            if key.startswith(prefix):
                return key[len(prefix) :].strip(" '-")
        return key


# --- header mapping ------------------------------------------------------------------------


def known_headers(instrument: Instrument) -> dict[str, dict[str, str]]:
    """Normalised header -> variable name, per form language (long layouts)."""
    return {
        lang: {normalise_header(v.header[lang]): v.name for v in instrument.variables.values() if v.header}
        for lang in ("nl", "fr")
    }


def all_headers(instrument: Instrument) -> set[str]:
    """Every normalised header the codebook knows (used to find the header row)."""
    if instrument.layout == "wide":
        return {normalise_header(code) for v in instrument.variables.values() for code in v.source.values()}
    return set().union(*(set(h) for h in known_headers(instrument).values()))


def header_sets(instrument: Instrument) -> list[HeaderSet]:
    """The header row of each form the codebook describes (per form language and wave): the
    response id (or, without one, the key column) plus at least half of that form's columns.

    Every language and wave is a candidate, so that an export of the other language or wave is
    still found and then refused with a message that says so (map_headers)."""
    anchor_var = instrument.variables.get(RESPONSE_ID) or next(iter(instrument.with_role("key")), None)
    forms = []
    # The follow-up form is a candidate only when the codebook has one (a wide codebook has not).
    for wave in (w for w in ALL_WAVES if w != FOLLOWUP or instrument.in_wave(w)):
        variables = instrument.in_wave(wave)
        if instrument.layout == "wide":
            required = {normalise_header(v.source[wave]) for v in variables if wave in v.source}
            anchor = anchor_var.source.get(wave) if anchor_var else None
            forms.append(HeaderSet(frozenset(required), normalise_header(anchor) if anchor else None))
            continue
        for lang in ("nl", "fr"):
            required = {normalise_header(v.header[lang]) for v in variables if lang in v.header}
            anchor = anchor_var.header.get(lang) if anchor_var else None
            forms.append(HeaderSet(frozenset(required), normalise_header(anchor) if anchor else None))
    return forms


def check_declaration(export: Export, instrument: Instrument) -> None:
    """The export's wave and language must fit the codebook's layout (before reading it).

    A wide export holds both waves in each row: declared `baseline` or `endline`, the other
    wave used to be dropped without a word. A long export holds one wave, and its headers and
    labels are those of a form language (`codes` made ingest fail with a KeyError).
    """
    where = "in the cohort config (config/cohorts/<cohort>.yaml)"
    if export.wave == FOLLOWUP and (instrument.layout == "wide" or not instrument.in_wave(FOLLOWUP)):
        raise InputError(
            f"declared `wave: followup`, but codebook {instrument.version} has no follow-up form",
            file=export.path,
            expected="questions with `followup` among their `waves` in the codebook, or another wave "
            + where,
        )
    if instrument.layout == "wide" and export.wave != "both":
        raise InputError(
            f"declared `wave: {export.wave}`, but codebook {instrument.version} has the wide layout "
            "(baseline and endline in the same row): the other wave would be lost",
            file=export.path,
            expected=f"`wave: both` {where}",
        )
    if instrument.layout != "wide" and export.wave == "both":
        raise InputError(
            f"declared `wave: both`, but codebook {instrument.version} has one wave per export",
            file=export.path,
            expected=f"`wave: baseline` or `wave: endline` {where} (`wave: followup` for a follow-up form)",
        )
    if instrument.layout != "wide" and export.language not in ("nl", "fr"):
        raise InputError(
            f"declared `language: {export.language}`, but codebook {instrument.version} reads "
            "question texts and labels of a form language",
            file=export.path,
            expected=f"`language: nl` or `language: fr` {where} (`codes` is for wide, code-based exports)",
        )


def map_headers(
    columns: list[str], export: Export, instrument: Instrument, unknown_column: str
) -> dict[tuple[str, str], str]:
    """Map the file's headers to (variable, wave) and check them against the declaration.

    Stops on: headers of the other form language, a missing expected column, columns of the
    other wave. Extra platform columns are ignored with a warning (or stop, by policy).
    """
    columns = [c for c in columns if c != "_row"]
    if instrument.layout == "wide":
        by_code = {normalise_header(c): c for c in columns}
        expected = {
            (v.name, w): normalise_header(code)
            for v in instrument.variables.values()
            for w, code in v.source.items()
        }
        # One column may serve both waves (the respondent code, the OCMW).
        mapping = {target: by_code[code] for target, code in expected.items() if code in by_code}
        found = {c: (True if normalise_header(c) in set(expected.values()) else None) for c in columns}
    else:
        found = _long_headers(columns, export, instrument)
        expected = {(v.name, export.wave) for v in instrument.in_wave(export.wave)}
        mapping = {target: col for col, target in found.items() if target is not None}
    missing = set(expected) - set(mapping)
    if missing:
        names = sorted({_column_name(instrument, var, wave, export) for var, wave in missing})
        raise InputError(
            f"{len(missing)} question column(s) missing: {'; '.join(names)}",
            file=export.path,
            expected=f"every {export.wave} column of codebook {instrument.version}",
            hint=_closest_hint(names, [c for c in columns if c not in set(mapping.values())]),
        )
    for col in (c for c, target in found.items() if target is None):
        if unknown_column == "stop":
            raise InputError("column not in the codebook", file=export.path, column=col)
        log.warning("%s: column '%s' is not in the codebook: ignored", export.path, col)
    return mapping


def _closest_hint(missing: list[str], unused: list[str], shown: int = 12) -> str | None:
    """The file's unused columns closest to each missing one ("RESP_ID": none; "OPL":
    "OPLEIDING"), so that a renamed or differently spelled column is found at once."""
    by_norm = {normalise_header(c): c for c in unused}
    lines = []
    for name in missing[:shown]:
        close = difflib.get_close_matches(normalise_header(name), list(by_norm), n=3, cutoff=0.5)
        lines.append(f"'{name}': " + (", ".join(f"'{by_norm[c]}'" for c in close) or "nothing close"))
    if len(missing) > shown:
        lines.append(f"... and {len(missing) - shown} more")
    return "closest columns present in the file: " + "; ".join(lines) if lines else None


def _column_name(instrument: Instrument, var: str, wave: str, export: Export) -> str:
    variable = instrument.variables[var]
    return variable.source.get(wave) or variable.header.get(export.language, var)


def _long_headers(
    columns: list[str], export: Export, instrument: Instrument
) -> dict[str, tuple[str, str] | None]:
    headers = known_headers(instrument)
    other = "fr" if export.language == "nl" else "nl"
    mine = {c: headers[export.language].get(normalise_header(c)) for c in columns}
    theirs = sum(normalise_header(c) in headers[other] for c in columns)
    matched = sum(v is not None for v in mine.values())
    if theirs > matched:
        raise InputError(
            f"the headers are those of the {other.upper()} form, but the export is declared "
            f"'{export.language}'",
            file=export.path,
            expected=f"language: {other} in the cohort config, or the {export.language.upper()} export",
        )
    found = {v for v in mine.values() if v}
    other_wave_only = {v.name for v in instrument.variables.values() if export.wave not in v.waves} & found
    if other_wave_only:
        # The wave the file looks like: the other wave that asks most of the file's questions
        # (a follow-up form has the work situation, an endline the completion, a baseline the
        # profile), so that a follow-up declared `endline` says "followup" and vice versa.
        others = [w for w in ALL_WAVES if w != export.wave]
        wave = max(
            others, key=lambda w: (len(found & {v.name for v in instrument.in_wave(w)}), -others.index(w))
        )
        # The questions as the form's headers, as in the file (not the codebook's names).
        shown = [f"'{c.strip()}'" for c, v in mine.items() if v in other_wave_only]
        raise InputError(
            f"the export has {wave} questions ({', '.join(shown)}) but is declared '{export.wave}'",
            file=export.path,
            expected=f"wave: {wave} in the cohort config, or the {export.wave} export",
        )
    return {c: (v, export.wave) if v else None for c, v in mine.items()}


# --- value parsing ---------------------------------------------------------------------------


class ValueParser:
    """Parses a column through its scale; caches by distinct raw value (exports repeat values)."""

    def __init__(
        self,
        lang: str,
        missing_tokens: list[str],
        ocmw: OcmwResolver,
        aliases: dict | None = None,
        *,
        decimal_comma: bool = True,
    ) -> None:
        self.lang = lang
        self.missing = frozenset(normalise_header(t) for t in missing_tokens)
        self.ocmw = ocmw
        self.decimal_comma = decimal_comma
        names_lang = lang if lang in ("nl", "fr") else "nl"
        aliases = aliases or {}
        self.countries = {
            **parse.country_names(names_lang),
            **_normalised(aliases.get("countries", {}).get(names_lang, {})),
        }
        self.languages = {
            **parse.language_names(names_lang),
            **_normalised(aliases.get("languages", {}).get(names_lang, {})),
        }

    def parse(self, variable: Variable, raw: object) -> parse.Parsed:
        absent = parse.missing(raw, self.missing)
        if absent is not None and variable.kind != "category":
            return absent
        kind, scale = variable.kind, variable.scale
        if kind in ("score", "integer"):
            return parse.parse_score(raw, scale["min"], scale["max"], self.decimal_comma)
        if kind == "category":
            # Labels first: "Sans objet" is a label of some scales, not a missing value there.
            labels = self._labels(variable)
            key = normalise_header(raw) if raw is not None else ""
            if key in labels:
                return parse.Parsed(labels[key])
            if absent is not None:
                return absent
            shown = [
                str(c.get("raw", c["code"])) if self.lang == "codes" else c[self.lang]
                for c in scale["categories"]
            ]
            return parse.parse_category(raw, labels, shown)
        if kind in ("datetime", "date"):
            return parse.parse_datetime(raw, self.decimal_comma)
        if kind == "year_list":
            return parse.parse_year_list(raw)
        if kind == "country":
            return parse.parse_country(raw, self.countries)
        if kind == "language_list":
            return parse.parse_name_list(raw, self.languages, "language")
        if kind == "ocmw":
            found = self.ocmw.resolve(str(raw))
            if found is None:
                # The typed name is kept (a centre's name, not a person's): whoever fixes the
                # aliases needs it, and the row number alone does not show it.
                close = ", ".join(self.ocmw.closest(str(raw), self.lang)) or "none"
                return parse.Parsed(
                    None,
                    "unknown_ocmw",
                    f"{OCMW_EXPECTED} (typed '{str(raw).strip()}'; closest: {close})",
                )
            return parse.Parsed(found)
        return parse.Parsed(str(raw).strip())

    def _labels(self, variable: Variable) -> dict[str, str]:
        # Labels of the export's language; codes are accepted too, and code-based (wide)
        # exports use each category's `raw` value.
        categories = variable.scale["categories"]
        labels = {normalise_header(str(c["code"])): str(c["code"]) for c in categories}
        if self.lang in ("nl", "fr"):
            labels.update({normalise_header(c[self.lang]): str(c["code"]) for c in categories})
        labels.update({normalise_header(str(c["raw"])): str(c["code"]) for c in categories if "raw" in c})
        return labels


def _normalised(names: dict[str, str]) -> dict[str, str]:
    return {normalise_header(name): code for name, code in names.items()}


# --- one export --------------------------------------------------------------------------------


def ingest_export(
    export: Export,
    root: Path,
    instrument: Instrument,
    parser: ValueParser,
    key: bytes,
    *,
    unknown_column: str = "warn",
    age_at: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read, map and parse one export. Returns (rows: one per wave record, value issues).

    `age_at` (YYYY-MM-DD): the date an age is taken at when the export has no submission date
    (a wide export; the cohort's `age_reference`). A long export takes it at the submission.

    A long export holds one wave; a wide export holds both in each row, and yields a baseline
    record per row plus an endline record where any endline answer is present.
    """
    check_declaration(export, instrument)
    frame, header_row = read_export(export, root, all_headers(instrument), header_sets(instrument))
    mapping = map_headers(list(frame.columns), export, instrument, unknown_column)
    # Columns not in the codebook, ignored: listed in the QA report too, not only in the log
    # (issue 17), as an issue on the header row (not a rejected value: no count changes).
    used = set(mapping.values())
    ignored = [
        _issue(export, header_row, col, "", IGNORED_COLUMN, "a column of the codebook (this one is ignored)")
        for col in frame.columns
        if col != "_row" and col not in used
    ]
    is_blank = frame.drop(columns="_row").apply(lambda col: col.map(_is_empty)).all(axis=1)
    waves = ["baseline", "endline"] if export.wave == "both" else [export.wave]
    outs, issues = [], []
    for wave in waves:
        columns = {var: col for (var, w), col in mapping.items() if w == wave}
        rows, wave_issues = _wave_records(
            frame, columns, wave, export, instrument, parser, key, is_blank, age_at
        )
        if export.wave == "both" and wave == "endline":
            rows, wave_issues = _present_only(rows, wave_issues, frame, columns, mapping, instrument)
        outs.append(rows)
        issues += wave_issues
    # A wide row's shared columns (OCMW, respondent) are parsed for both waves: one issue each.
    issues_frame = pd.DataFrame(ignored + issues, columns=ISSUE_COLUMNS).drop_duplicates(ignore_index=True)
    return pd.concat(outs, ignore_index=True), issues_frame


def _wave_records(frame, columns, wave, export, instrument, parser, key, is_blank, age_at=None):
    """Canonical rows of one wave from the mapped columns of `frame`."""
    out = pd.DataFrame(
        {
            "source_file": pd.Series(export.path, index=frame.index, dtype="string"),
            "source_row": frame["_row"].astype("int64"),
            "wave": pd.Series(wave, index=frame.index, dtype="string"),
            "is_blank": is_blank.astype(bool),
        }
    )
    issues: list[dict] = []
    for variable in (v for v in instrument.variables.values() if v.name in columns):
        column = columns[variable.name]
        raw = frame[column]
        if variable.role == "key":
            out = out.join(_pseudonymise(raw, key, variable))
            continue
        if variable.role in ("direct_identifier", "free_text") and variable.derive is None:
            continue  # dropped here: never leaves ingest
        parsed = _parse_column(raw, variable, parser)
        problems = parsed.map(lambda p: p.problem)
        # Rejected values and missing ones (with their reason); a blank row is one row issue.
        reported = problems.notna() & ~is_blank
        issues += [
            _issue(
                export,
                int(frame.at[i, "_row"]),
                column,
                variable.name,
                problems[i],
                parsed[i].expected,
                parsed[i].reason,
            )
            for i in reported[reported].index
        ]
        if variable.derive == "age_years":
            born = parsed.map(lambda p: p.value)
            out["_born"] = pd.to_datetime(born, errors="coerce")
            continue  # the birth date itself never leaves ingest
        out[variable.name] = _typed(parsed.map(lambda p: p.value), variable)
        if variable.kind == "ocmw":
            out["ocmw_id"] = out.pop(variable.name)
            status = problems.fillna("known").replace({"unknown_ocmw": "unknown"})
            out["ocmw_status"] = status.astype("string")
    if "_born" in out:
        out["age_years"] = _age(out.pop("_born"), _age_dates(out, age_at, export))
    for variable in (v for v in instrument.variables.values() if v.sum_of and v.name in out):
        out[variable.name], total_issues = consistency.total(out, variable, columns, export, frame)
        issues += total_issues
    if "n_children" in out and "children_birth_years" in out:
        issues += consistency.children(out, columns, export, frame)
    return out, issues


def _age_dates(out: pd.DataFrame, age_at: str | None, export: Export) -> pd.Series:
    """When each row's age is taken: its submission, else the cohort's age reference date.

    Fix (issue 14): a wide export with a birth date has no submission date, and ingest
    stopped with KeyError 'submitted_at'."""
    if "submitted_at" in out:
        return out["submitted_at"]
    if age_at is None:
        raise ConfigError(
            "the export has a birth date but no submission date, and no age reference date is set",
            file=export.path,
            expected="`age_reference: YYYY-MM-DD` in the cohort file (default: the start of the "
            "baseline measurement)",
        )
    return pd.Series(pd.Timestamp(age_at), index=out.index, dtype="datetime64[ns]")


def _issue(
    export: Export,
    row: int,
    column: str,
    variable: str,
    problem: str,
    expected: str | None,
    reason: str | None = None,
) -> dict:
    return {
        "source_file": export.path,
        "source_row": row,
        "column": column,
        "variable": variable,
        "problem": problem,
        "expected": expected or "",
        "reason": reason or "",
    }


def _present_only(rows, issues, frame, columns, mapping, instrument):
    """Wide layouts: keep an endline record only where an endline-only column has a value."""
    shared = {col for (var, w), col in mapping.items() if w == "baseline"}
    own = [col for col in columns.values() if col not in shared]
    present = frame[own].apply(lambda col: ~col.map(_is_empty)).any(axis=1)
    kept_rows = set(frame.loc[present, "_row"])
    return rows[present.to_numpy()].reset_index(drop=True), [
        i for i in issues if i["source_row"] in kept_rows
    ]


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def _parse_column(raw: pd.Series, variable: Variable, parser: ValueParser) -> pd.Series:
    cache: dict[object, parse.Parsed] = {}

    def one(value: object) -> parse.Parsed:
        key = value if not isinstance(value, float) or not pd.isna(value) else None
        if key not in cache:
            cache[key] = parser.parse(variable, key)
        return cache[key]

    return raw.map(one)


def _typed(values: pd.Series, variable: Variable) -> pd.Series:
    if variable.kind in ("score", "integer"):
        return values.astype("Int64")
    if variable.kind in ("datetime", "date"):
        return pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
    return values.astype("string")


def _pseudonymise(raw: pd.Series, key: bytes, variable: Variable) -> pd.DataFrame:
    """Keyed pseudonym of the register number (validated) or of a respondent code."""
    if variable.kind == "nrn":
        statuses = raw.map(lambda v: nrn.status(None if _is_empty(v) else str(v)))
        normalised = raw.map(lambda v: nrn.normalise(str(v)))
    else:  # a respondent code (older, code-based exports): any non-empty code is a key
        statuses = raw.map(lambda v: "missing" if _is_empty(v) else "valid")
        normalised = raw.map(lambda v: "id:" + str(v).strip())
    pseudonyms = [
        nrn.pseudonym(n, key) if s == "valid" else None for n, s in zip(normalised, statuses, strict=True)
    ]
    return pd.DataFrame(
        {
            "pseudonym": pd.array(pseudonyms, dtype="string"),
            "key_status": statuses.astype("string"),
        },
        index=raw.index,
    )


def _age(born: pd.Series, at: pd.Series) -> pd.Series:
    years = (
        at.dt.year - born.dt.year - ((at.dt.month * 100 + at.dt.day) < (born.dt.month * 100 + born.dt.day))
    )
    return years.astype("Int64")


# --- the whole cohort ----------------------------------------------------------------------


def ingest_cohort(
    cohort: Cohort,
    instrument: Instrument,
    reference: pd.DataFrame,
    config: dict,
    root: Path = Path("."),
    aliases: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Ingest every export of a cohort. Returns (rows, value issues, sha256 per export).

    `aliases`: accepted country and language spellings beyond CLDR
    (config/reference/name_aliases.yaml).
    """
    policy = config["parsing"]
    key = pseudonym_key(cohort, **config["pseudonym"])
    resolver = OcmwResolver.from_reference(reference, policy["ocmw_name_prefixes"])
    for export in cohort.exports:
        check_declaration(export, instrument)  # every export, before reading any of them
    hashes = check_distinct_files(cohort, root)
    if cohort.demo:  # its key is public: synthetic exports only
        demo_marker.check(cohort.name, hashes, root)
    frames, issue_frames = [], []
    for export in cohort.exports:
        parser = ValueParser(
            export.language,
            policy["missing_tokens"],
            resolver,
            aliases,
            decimal_comma=policy.get("decimal_comma", True),
        )
        rows, issues = ingest_export(
            export,
            root,
            instrument,
            parser,
            key,
            unknown_column=policy["unknown_column"],
            age_at=cohort.age_reference,
        )
        check_declared_language(rows, export)
        check_window(rows, export, cohort)
        missing = issues["problem"] == "missing"
        log.info(
            "%s: %d rows read, %d values rejected, %d missing",
            export.path,
            len(rows),
            int((~missing).sum()),
            int(missing.sum()),
        )
        frames.append(rows)
        issue_frames.append(issues)
    rows = pd.concat(frames, ignore_index=True)
    issues = pd.concat(issue_frames, ignore_index=True)
    check_shared_response_ids(rows)
    check_unknown_ocmws(rows, issues, policy["unknown_ocmw"])
    return rows, issues, hashes
