"""The Belgian national register number (rijksregisternummer / numéro de registre national).

Format YY.MM.DD-SSS.CC. The check digits are CC = 97 - (YYMMDDSSS mod 97); for people born
from 2000 on, the same is computed over the number with a 2 prefixed (2YYMMDDSSS). A number is
valid when either variant matches (the birth century is not otherwise known).
Written here because no maintained PyPI package covers this small rule without pulling in
a large dependency (python-stdnum does, but only for this one check we keep it local and tested).
"""

from __future__ import annotations

import hmac
import re
from hashlib import sha256

_NON_DIGITS = re.compile(r"[\s.\-/]")


def normalise(raw: str | None) -> str | None:
    """Digits only (separators removed), or None when empty."""
    if raw is None:
        return None
    digits = _NON_DIGITS.sub("", str(raw).strip())
    return digits or None


def status(raw: str | None) -> str:
    """'valid', 'missing', 'malformed' (not 11 digits) or 'bad_checksum'."""
    digits = normalise(raw)
    if digits is None:
        return "missing"
    # ASCII digits only: str.isdigit() also accepts '²' or Arabic-Indic digits, on which
    # int() raises or pseudonym()'s ASCII encoding fails (fix found by the property tests).
    if not (len(digits) == 11 and digits.isascii() and digits.isdigit()):
        return "malformed"
    body, check = int(digits[:9]), int(digits[9:])
    if 97 - body % 97 == check or 97 - int("2" + digits[:9]) % 97 == check:
        return "valid"
    return "bad_checksum"


def check_digits(body9: str, born_2000_or_later: bool) -> str:
    """The two check digits for the first nine digits (used by the demo generator and tests)."""
    number = int(("2" if born_2000_or_later else "") + body9)
    return f"{97 - number % 97:02d}"


def pseudonym(digits: str, key: bytes) -> str:
    """Keyed pseudonym: HMAC-SHA256 of the normalised number, first 16 hex characters.

    64 bits keep collisions negligible for the programme's size (thousands of women) while
    staying short in QA listings; without the key the number cannot be recovered or tested.
    """
    return hmac.new(key, digits.encode("ascii"), sha256).hexdigest()[:16]
