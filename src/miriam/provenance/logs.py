"""One logging set-up for every workflow script: records, warnings and failures go to the log.

A :class:`~miriam.errors.MiriamError` is written as its message alone (it already names file,
row, column and expectation); any other exception is logged with its traceback, because then
it is a bug of ours and the traceback is what a developer needs.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from miriam.errors import MiriamError


def configure(log_path: str | None) -> logging.Logger:
    """Send `logging` records and warnings to `log_path` (and to stderr)."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
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
    try:
        step(snakemake)
    except MiriamError as error:
        log.error("%s", error)
        sys.exit(1)
    except Exception:
        log.exception("unexpected failure in rule %s (a bug: please report it)", snakemake.rule)
        raise
