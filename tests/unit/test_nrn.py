"""miriam.ingest.nrn: validation of the national register number and the keyed pseudonym."""

from __future__ import annotations

import re
from datetime import date

import pytest
from helpers import make_nrn
from hypothesis import given, settings
from hypothesis import strategies as st

from miriam.ingest import nrn

# The sample exports' numbers (fake people, valid check digits), before and after 2000.
SAMPLE_NUMBERS = ["91.03.14-123.31", "87.11.02-045.53", "94.01.08-077.15", "85.09.23-301.81"]
SAMPLE_2000S = "01.06.30-210.49"  # born 30/06/2001: valid only with the '2' prefix


@pytest.mark.parametrize("raw", [*SAMPLE_NUMBERS, SAMPLE_2000S])
def test_sample_numbers_are_valid(raw):
    assert nrn.status(raw) == "valid"


def test_born_from_2000_needs_the_2_prefix(nrn_for):
    birth = date(2003, 2, 11)
    number = nrn_for(birth, 17)
    assert nrn.status(number) == "valid"
    # The same nine digits with the pre-2000 check digits are valid too (as a 1903 birth),
    # and their check digits differ from the 2000s ones: both rules are applied.
    digits = nrn.normalise(number)
    old_check = 97 - int(digits[:9]) % 97
    assert f"{old_check:02d}" != digits[9:]
    assert nrn.status(digits[:9] + f"{old_check:02d}") == "valid"


def test_check_digits_helper_matches_the_rule():
    assert nrn.check_digits("910314123", born_2000_or_later=False) == "31"
    assert nrn.check_digits("010630210", born_2000_or_later=True) == "49"
    assert nrn.check_digits("010630210", born_2000_or_later=False) != "49"


@pytest.mark.parametrize(
    "raw",
    ["91031412331", "91.03.14-123.31", " 91 03 14 123 31 ", "91/03/14-123-31", "910314-12331"],
)
def test_separators_and_spaces_are_ignored(raw):
    assert nrn.normalise(raw) == "91031412331"
    assert nrn.status(raw) == "valid"


@pytest.mark.parametrize(
    "raw",
    [
        "91.03.14-123.32",  # last check digit typed wrong
        "91.03.14-132.31",  # two digits of the sequence swapped
        "19.03.14-123.31",  # year digits swapped
    ],
)
def test_typos_break_the_check_digits(raw):
    assert nrn.status(raw) == "bad_checksum"


@pytest.mark.parametrize(
    "raw",
    [
        "91.03.14-123.3",  # 10 digits
        "91.03.14-123.311",  # 12 digits
        "9103141233l",  # letter l for digit 1
        "onbekend",
        "91.03.14_123.31",  # an underscore is not a separator
        "9103141233²",  # a superscript two is not an ASCII digit
        "٩١٠٣١٤١٢٣٣١",  # Arabic-Indic digits: not a register number as typed in the form
    ],
)
def test_malformed_numbers(raw):
    assert nrn.status(raw) == "malformed"


@pytest.mark.parametrize("raw", [None, "", "   ", " - . / "])
def test_missing_numbers(raw):
    assert nrn.normalise(raw) is None
    assert nrn.status(raw) == "missing"


def test_pseudonym_is_keyed_stable_and_16_hex():
    digits = "91031412331"
    first = nrn.pseudonym(digits, b"key-one")
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert nrn.pseudonym(digits, b"key-one") == first  # stable
    assert nrn.pseudonym(digits, b"key-two") != first  # keyed
    assert nrn.pseudonym("87110204553", b"key-one") != first  # per number
    assert digits not in first


def test_pseudonym_is_hmac_sha256_prefix():
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"91031412331", hashlib.sha256).hexdigest()[:16]
    assert nrn.pseudonym("91031412331", b"k") == expected


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789 .-/²٣x", max_size=20)))
def test_status_never_raises(raw):
    result = nrn.status(raw)
    assert result in {"valid", "missing", "malformed", "bad_checksum"}
    if result == "valid":
        digits = nrn.normalise(raw)
        assert re.fullmatch(r"[0-9]{11}", digits)
        nrn.pseudonym(digits, b"k")  # a valid number can always be pseudonymised


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(1930, 1, 1), max_value=date(2012, 12, 31)),
    st.integers(min_value=1, max_value=998),
)
def test_generated_numbers_validate_and_a_wrong_check_does_not(birth, seq):
    good = make_nrn(birth, seq)
    assert nrn.status(good) == "valid"
    bad = make_nrn(birth, seq, valid=False)
    # A wrong check value is caught unless it happens to match the other century's rule.
    other = {
        f"{97 - int(nrn.normalise(good)[:9]) % 97:02d}",
        f"{97 - int('2' + nrn.normalise(good)[:9]) % 97:02d}",
    }
    expected = "valid" if nrn.normalise(bad)[9:] in other else "bad_checksum"
    assert nrn.status(bad) == expected
