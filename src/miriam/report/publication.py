"""The publication around the content: document names per language, the publisher's identity
(config ``publication``) for the cover and the back page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from miriam.report.formatting import typography
from miriam.report.text import Text


def slug(name: str) -> str:
    """A file-name word from a unit's name in one language: "Forest" -> "forest",
    "Liège" -> "liege", "Sint-Jans-Molenbeek" -> "sint-jans-molenbeek"."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold()).strip("-") or "unit"


#: The document names per language: the file (without extension) of each kind of document.
DOC_NAMES = {
    "national": {"nl": "nationaal-rapport", "fr": "rapport-national"},
    "provenance": {"nl": "herkomst", "fr": "provenance"},
}


def document_name(kind: str, lang: str, unit_name_in_lang: str | None = None) -> str:
    """The file name (no extension) of a document in `lang`: ``nationaal-rapport`` /
    ``rapport-national``, ``herkomst`` / ``provenance``, ``factsheet-<name in lang>``."""
    if kind == "factsheet":
        return f"factsheet-{slug(unit_name_in_lang or '')}"
    return DOC_NAMES[kind][lang]


def publication_context(publication: Mapping | None, t: Text, *, title: str, label: str) -> dict[str, Any]:
    """The publisher's identity in `t`'s language (config ``publication``), for the cover and
    the back page; empty strings for what the configuration leaves out."""
    pub = dict(publication or {})
    lang = t.lang

    def text(key: str) -> str:
        value = pub.get(key)
        if isinstance(value, Mapping):
            value = value.get(lang, "")
        return typography(value or "", lang)

    date = str(pub.get("date") or "")
    contact = pub.get("contact") or {}
    year = date[:4]
    citation = text("citation")
    if citation:
        citation = citation.format(title=title, label=label, year=year)
    return {
        "pub": {
            "publisher": text("publisher"),
            "series": text("series"),
            "date": t.fmt.day(date) if date else "",
            "team": text("research_team"),
            "email": str(contact.get("email", "")),
            "web": str(contact.get("web", "")),
            "editor": text("responsible_editor"),
            "citation": citation,
            "licence": text("licence"),
        }
    }
