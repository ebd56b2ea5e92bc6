"""One logging set-up for every workflow script: records, warnings and failures go to the log.

A :class:`~miriam.errors.MiriamError` is written as its message alone (it already names file,
row, column and expectation), to the rule's log only: the Snakefile's `onerror` handler prints
it once, after Snakemake's job listing (:func:`collected_errors`), instead of twice inside it
(issue 17: once from stderr, once from `show-failed-logs`). Any other exception is logged with
its traceback, also on stderr, because then it is a bug of ours and the traceback is what a
developer needs.

A job of a cohort withdraws that cohort's published report as it starts (miriam.provenance.published).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from miriam import io
from miriam.errors import MiriamError
from miriam.provenance import published

ERROR_PREFIX = "ERROR miriam: "


def configure(log_path: str | None) -> logging.Logger:
    """Send `logging` records and warnings to `log_path` (and to stderr)."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        io.prepare_owner_only(log_path)  # a log moved under qa/ or private/ is the owner's only
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    logging.captureWarnings(True)
    return logging.getLogger("miriam")


def run_step(snakemake: Any, step: Callable[[Any], None]) -> None:
    """Run a workflow script's `step(snakemake)` with logging; exit 1 on a clear error."""
    log_path = snakemake.log[0] if len(snakemake.log) else None
    log = configure(log_path)
    published.withdraw_for_job(snakemake.rule, getattr(snakemake.wildcards, "cohort", None))
    try:
        step(snakemake)
    except MiriamError as error:
        root = logging.getLogger()
        if log_path:  # the log file only: the onerror handler prints it once, last
            for handler in [h for h in root.handlers if not isinstance(h, logging.FileHandler)]:
                root.removeHandler(handler)
        log.error("%s", error)
        sys.exit(1)
    except Exception:
        log.exception("unexpected failure in rule %s (a bug: please report it)", snakemake.rule)
        raise


def collected_errors(log_dir: str | Path = "logs", since: float = 0.0) -> list[tuple[str, str]]:
    """(log file, message) of every clear error logged by a job since `since` (a time stamp):
    the message is the ERROR record to the end of its log (it may span several lines)."""
    found = []
    for path in sorted(Path(log_dir).rglob("*.log")):
        if path.stat().st_mtime < since:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        at = text.rfind(ERROR_PREFIX)
        if at >= 0 and (at == 0 or text[at - 1] == "\n"):
            found.append((str(path), text[at + len(ERROR_PREFIX) :].strip()))
    return found


def format_errors(errors: list[tuple[str, str]]) -> str:
    """The errors as one readable block, printed after Snakemake's own listing."""
    if not errors:
        return ""
    lines = ["", "=" * 78, f"MIRIAM stopped: {len(errors)} problem(s) to fix", "=" * 78]
    for path, message in errors:
        lines += ["", message, f"  (log: {path})"]
    return "\n".join(lines) + "\n"
