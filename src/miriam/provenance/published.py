"""Nothing stale, nothing partial: withdrawing a cohort's published report while it is rebuilt.

Every workflow job of a cohort that feeds its report withdraws the published report as it
starts (miriam.provenance.logs.run_step): from that moment the report no longer matches the current
inputs. A STALE.txt in results/<cohort>/ says why and since when, and covers every table left
there. The start of the chain (ingest: new exports, a changed cohort config or codebook) moves
results/<cohort>/report to results/<cohort>/report.stale, since the whole report is rebuilt
after it; a later job (a changed template, say) leaves the report in place, because only part
of it is rebuilt, and puts a "withdrawn" banner on its index page. The last rule of the
cohort (write_index) calls :func:`publish` once the new report is complete: the marker and the
withdrawn copy go. A run that stops anywhere in between (bad export, contract failure, audit)
therefore leaves no unmarked report of that cohort; the Snakefile's `onerror` handler also
withdraws a report that lost one of its language folders or its index page.
"""

from __future__ import annotations

import html
import logging
import shutil
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

MARKER = "STALE.txt"
REPORT = "report"
STALE_REPORT = "report.stale"


def cohort_dir(cohort: str, results: str | Path = "results") -> Path:
    return Path(results) / cohort


def is_withdrawn(cohort: str, results: str | Path = "results") -> bool:
    return (cohort_dir(cohort, results) / MARKER).exists()


BANNER_ID = "miriam-withdrawn"
#: Rules of a cohort that do not feed its report: they never withdraw it (write_index is the
#: last rule of the report and publishes it; the extract is private).
NOT_FEEDING = frozenset({"write_index", "write_extract"})
#: The start of a cohort's chain: everything of the report depends on it, so when it runs the
#: whole report is rebuilt in this run and the published one can be moved away.
CHAIN_START = "ingest_exports"


def withdraw(cohort: str, reason: str, results: str | Path = "results", *, move: bool = True) -> bool:
    """Withdraw the cohort's published report and mark its results folder stale.

    `move`: move results/<cohort>/report to report.stale (only when the whole report is being
    rebuilt: the start of the chain). Otherwise the report stays where it is, marked: the
    STALE.txt marker, and a banner at the top of its index page. Returns True when a report
    was withdrawn now. Idempotent: an already withdrawn cohort keeps its first reason.
    """
    folder = cohort_dir(cohort, results)
    report, stale = folder / REPORT, folder / STALE_REPORT
    if not folder.exists() or (not report.exists() and not any(folder.iterdir())):
        return False
    marked = (folder / MARKER).exists()
    moved = False
    if move and report.exists():
        if stale.exists():
            shutil.rmtree(stale)
        report.rename(stale)
        moved = True
    elif report.exists():
        _banner(report / "index.html", reason)
    if not marked:
        when = datetime.now().isoformat(timespec="seconds")
        (folder / MARKER).write_text(
            f"{when}: WITHDRAWN - {reason}.\n"
            f"The files in {folder}/ were made from earlier inputs and are not the current "
            f"results of this cohort; the last complete report is in {stale}/ or marked at the "
            "top of its index page (not published).\n"
            "A complete rebuild of this cohort removes this file.\n",
            encoding="utf-8",
        )
    if moved or not marked:
        log.warning("%s: published results withdrawn (%s)", folder, reason)
    return moved or not marked


def withdraw_for_job(rule: str, cohort: str | None, results: str | Path = "results") -> bool:
    """Called as a workflow job of `rule` starts (miriam.provenance.logs.run_step): a job that feeds the
    cohort's report withdraws it until write_index publishes the rebuilt one."""
    if not cohort or rule in NOT_FEEDING:
        return False
    return withdraw(cohort, f"rule {rule} started to rebuild this cohort", results, move=rule == CHAIN_START)


def _banner(index: Path, reason: str) -> None:
    """A visible 'withdrawn' banner at the top of the index page (both languages)."""
    if not index.exists():
        return
    text = index.read_text(encoding="utf-8")
    if BANNER_ID in text:
        return
    banner = (
        f'<p id="{BANNER_ID}" style="background:#fdd;border:2px solid #a00;padding:1em">'
        "<strong>Ingetrokken / Retiré</strong>: dit rapport is gemaakt met vroegere gegevens "
        "en wordt opnieuw opgebouwd / ce rapport a été produit avec des données antérieures et "
        f"est en cours de reconstruction ({html.escape(reason)}).</p>"
    )
    at = text.find("<body")
    at = text.find(">", at) + 1 if at >= 0 else 0
    index.write_text(text[:at] + banner + text[at:], encoding="utf-8")


def publish(cohort: str, results: str | Path = "results") -> None:
    """The cohort's report is complete from the current inputs: drop the marker and the
    withdrawn copy."""
    folder = cohort_dir(cohort, results)
    (folder / MARKER).unlink(missing_ok=True)
    shutil.rmtree(folder / STALE_REPORT, ignore_errors=True)


def withdraw_incomplete(cohort: str, languages: list[str], results: str | Path = "results") -> bool:
    """After a failed run: withdraw a report that misses one of its language folders (a render
    or source job failed, and Snakemake removed that job's output) or its index page."""
    report = cohort_dir(cohort, results) / REPORT
    if not report.exists():
        return False
    missing = [lang for lang in languages if not (report / lang).is_dir()]
    if not (report / "index.html").exists():
        missing.append("index.html")
    if not missing:
        return False
    reason = f"the last run stopped with the report incomplete (missing: {', '.join(missing)})"
    return withdraw(cohort, reason, results, move=True)
