"""Certificate identifiers: the ISO/IEC 7064 MOD 37,36 check character against four real
identifiers, its error detection as properties, and the identifier's format."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tongban.certificates.identifiers import (
    ALPHABET,
    ROOT,
    check_character,
    has_valid_check,
    is_valid_identifier,
    make_identifier,
    parse_identifier,
)

# domain.md §8: real identifiers of the national platform (root left off) and their check.
VECTORS = [
    ("11100000000013338W087.11370800MB28559184.37080001202411010001.001", "3"),
    ("11100000000013338W011.11430000006122244L.20230000403.002", "S"),
    ("11100000000013338W011.11430000006122244L.20230000403.001", "U"),
    ("11100000000013338W009.11330105002500287C.2025052201.002", "0"),
]


@pytest.mark.parametrize(("payload", "check"), VECTORS)
def test_the_check_character_of_real_identifiers(payload, check):
    assert check_character(payload.replace(".", "")) == check
    assert check_character(payload) == check  # dots are ignored
    assert is_valid_identifier(f"{ROOT}.{payload}.{check}")


@pytest.mark.parametrize(("payload", "check"), VECTORS)
def test_make_identifier_reproduces_them(payload, check):
    type_code, issuer, serial, version = payload.split(".")
    assert make_identifier(type_code, issuer, serial, version) == f"{ROOT}.{payload}.{check}"


payloads = st.text(alphabet=ALPHABET, min_size=1, max_size=60)


@given(payloads, st.data())
def test_any_single_changed_character_is_detected(payload, data):
    full = payload + check_character(payload)
    position = data.draw(st.integers(min_value=0, max_value=len(full) - 1))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != full[position]))
    changed = full[:position] + replacement + full[position + 1 :]
    assert has_valid_check(full)
    assert not has_valid_check(changed)


def test_almost_every_swap_of_two_adjacent_characters_is_detected():
    """A hybrid system detects nearly all adjacent transpositions, not all (a pure one
    would): measured on fixed pseudo-random payloads, more than 99 % are."""
    import random

    rng = random.Random(7)
    swaps = undetected = 0
    for _ in range(300):
        payload = "".join(rng.choice(ALPHABET) for _ in range(24))
        full = payload + check_character(payload)
        for position in range(len(full) - 1):
            if full[position] != full[position + 1]:
                swaps += 1
                swapped = (
                    full[:position] + full[position + 1] + full[position] + full[position + 2 :]
                )
                undetected += has_valid_check(swapped)
    assert swaps > 6000 and undetected / swaps < 0.01


@given(payloads)
def test_the_check_character_is_in_the_alphabet(payload):
    assert check_character(payload) in ALPHABET


def test_characters_outside_the_alphabet_are_refused():
    with pytest.raises(ValueError):
        check_character("abc")
    assert not has_valid_check("ab")


def test_identifier_format():
    identifier = make_identifier("11100000000013338W050", "113700000045030270", "2026000001")
    assert identifier.startswith("1.2.156.3005.2.11100000000013338W050.113700000045030270.")
    assert identifier.split(".")[-2] == "001"
    parts = parse_identifier(identifier.lower())  # read case-insensitively
    assert str(parts) == identifier
    assert (parts.serial, parts.version) == ("2026000001", "001")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2.16.156.3005.2.11100000000013338W050.113700000045030270.2026000001.001.X", "identifier_root"),
        ("1.2.156.3005.2.11100000000013338W050.113700000045030270.2026000001.001", "identifier_format"),
        ("1.2.156.3005.2.11100000000013338W05.113700000045030270.2026000001.001.X", "identifier_format"),
        ("1.2.156.3005.2.11100000000013338W050.113700000045030270.2026000001.1.X", "identifier_format"),
        ("", "identifier_root"),
    ],
)  # fmt: skip
def test_malformed_identifiers_say_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as refused:
        parse_identifier(value)
    assert refused.value.code == code


def test_a_wrong_check_character_is_refused():
    good = make_identifier("11100000000013338W050", "113700000045030270", "2026000001")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as refused:
        parse_identifier(wrong)
    assert refused.value.code == "identifier_check"


@pytest.mark.parametrize(
    "parts",
    [
        ("11100000000013338W05", "113700000045030270", "1"),
        ("11100000000013338W050", "1137000000450302", "1"),
        ("11100000000013338W050", "113700000045030270", "2026-1"),
    ],
)
def test_make_identifier_refuses_malformed_parts(parts):
    with pytest.raises(ValueError):
        make_identifier(*parts)
