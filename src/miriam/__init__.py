"""MIRIAM evaluation pipeline: raw form exports -> protected aggregates -> bilingual report.

Stages, one module each, in the order the workflow runs them:
ingest, clean, protect, indicators, disclose, figures, report (plus render for the engines).
"""

__version__ = "0.3.0"
