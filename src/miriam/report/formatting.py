"""Text as the report prints it, one language at a time: markdown, YAML and Typst escapes,
French typography, capitals. Numbers are formatted by :class:`miriam.printed.Fmt`, the one
formatter of text, tables, charts and alt text.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

#: A printed difference smaller than this (either way) is "stable" in the text: "+0,1" is no
#: progress and "-0,1" no decline. The rules judge the printed difference, never the exact one.
CHANGE_MIN = Decimal("0.2")


_DIGIT_GROUP = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")


def french_guillemets(text: str) -> str:
    """« and » hold their text with a no-break space, so that a line never ends on « nor
    starts with » (safe on a whole document: it touches nothing else)."""
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def _french_spacing(text: str) -> str:
    """French typography: a no-break space before : ; ? ! (so they never start a line) and
    inside « », a narrow no-break space between groups of digits ("100 000")."""
    for mark, space in ((":", "\u00a0"), (";", "\u202f"), ("?", "\u202f"), ("!", "\u202f")):
        text = text.replace(f" {mark}", f"{space}{mark}")
    return _DIGIT_GROUP.sub("\u202f", french_guillemets(text))


def typography(text: Any, lang: str) -> str:
    """A label or definition from the codebook or the catalogue, set for the page's language."""
    return _french_spacing(str(text)) if lang == "fr" else str(text)


def capitalise(text: str) -> str:
    """A sentence starts with a capital ("vier indicatoren ..." -> "Vier indicatoren ...")."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :] if ch.islower() else text
        if ch.isdigit():
            return text
    return text


def _lower(label: str) -> str:
    """A label inside a sentence: 'Vrije tijd' -> 'vrije tijd'; acronyms stay ('OCMW-hulp');
    the long statements ('Ik ken mensen aan wie...') stay as asked, between quotes."""
    if len(label.split()) > 5:
        return f"‘{label}’"
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def footnote(text: str) -> str:
    """A pandoc inline footnote (HTML: numbered note at the end; PDF: at the page foot)."""
    return f"^[{text}]"


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|$@^~"})


def md(text: Any) -> str:
    """Escape a plain string for inline markdown (names, labels, table cells)."""
    return str(text).translate(_MD_SPECIAL)


def md_cell(text: Any) -> str:
    """A table cell: escaped markdown, no line breaks, keeps **bold** written by us."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def yaml_str(text: Any) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def pipe_table(header: list[str], rows: list[list[str]], align: str) -> str:
    """A pipe table with a header row; align is one letter per column: l, r or c.

    The dashes of the separator line are proportional to each column's longest cell: pandoc
    (and Quarto) turn them into relative column widths when a row is long, so a label column
    with long statements gets the room it needs instead of an equal share.
    """
    cells = [[md_cell(h) for h in header]] + [[md_cell(c) for c in row] for row in rows]
    cap = 45 if len(header) <= 6 else 24  # wide tables: the label column wraps, numbers do not
    widths = [max(8, min(cap, max(len(r[i]) for r in cells) + 4)) for i in range(len(header))]
    lines = ["| " + " | ".join(cells[0]) + " |"]
    marks = []
    for a, w in zip(align, widths, strict=False):
        left, right = (":", "") if a == "l" else ("", ":") if a == "r" else (":", ":")
        marks.append(left + "-" * max(1, w - len(left) - len(right)) + right)
    lines.append("|" + "|".join(marks) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(lines)


def typst_string(text: str) -> str:
    """A typst string literal (JSON escapes are typst escapes for these characters)."""
    return json.dumps(str(text), ensure_ascii=False)
