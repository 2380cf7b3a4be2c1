"""GB 11643 ID numbers and GB 32100 credit codes: real vectors and property tests."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.identifiers import (
    USCC_ALPHABET,
    mask_resident_id,
    resident_id_check_character,
    uscc_check_character,
    validate_division_code,
    validate_resident_id,
    validate_uscc,
)

# Real credit codes of government bodies, from published e-licence identifiers (domain.md §8).
REAL_USCC = [
    "11100000000013338W",
    "113700000045030270",
    "11370800MB28559184",
    "11430000006122244L",
    "11330105002500287C",
]


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_credit_codes_validate(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize("code", REAL_USCC)
def test_changing_the_check_character_is_refused(code):
    wrong = code[:17] + next(c for c in USCC_ALPHABET if c != code[17])
    with pytest.raises(ValidationError) as error:
        validate_uscc(wrong)
    assert error.value.code == "uscc_check_character"


@pytest.mark.parametrize(
    "code", ["", "1137080", "11370800MB2855918I", "11370800MB28559184X", "11ABCDEFMB28559184"]
)
def test_malformed_credit_codes_are_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_uscc(code)
    assert error.value.code == "uscc_format"


def test_lower_case_credit_code_is_normalised():
    assert validate_uscc(" 11370800mb28559184 ") == "11370800MB28559184"


def test_published_example_id_number_validates():
    # The example of GB 11643-1999 itself: 11010519491231002X.
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"


def test_id_number_check_digit_error_names_the_check_digit():
    with pytest.raises(ValidationError) as error:
        validate_resident_id("110105194912310021")
    assert error.value.code == "id_check_digit"


@pytest.mark.parametrize("number", ["11010519491331002X", "11010519490230002X"])
def test_id_number_with_impossible_birth_date_is_refused(number):
    body = number[:17]
    with pytest.raises(ValidationError) as error:
        validate_resident_id(body + resident_id_check_character(body))
    assert error.value.code == "id_birth_date"


def test_error_message_is_chinese_by_default_and_english_on_request():
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as error:
            validate_resident_id("110105194912310021")
        assert "校验码" in error.value.messages[0]
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            validate_resident_id("110105194912310021")
        assert "check digit" in error.value.messages[0]


def test_mask_keeps_region_prefix_and_tail():
    assert mask_resident_id("371402199001011234") == "3714**********1234"


@given(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(0, 999),
)
def test_every_generated_id_number_validates_and_one_changed_digit_does_not(region, birth, seq):
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = body + resident_id_check_character(body)
    assert validate_resident_id(number) == number
    changed = body[:-1] + str((int(body[-1]) + 1) % 10)
    with pytest.raises(ValidationError):
        validate_resident_id(changed + number[-1])


@given(
    st.text(alphabet=USCC_ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)
def test_every_generated_credit_code_validates_and_a_changed_character_does_not(head, region, tail):
    body = head + region + tail
    code = body + uscc_check_character(body)
    assert validate_uscc(code) == code
    position = 12
    replacement = USCC_ALPHABET[(USCC_ALPHABET.index(code[position]) + 1) % 31]
    with pytest.raises(ValidationError):
        validate_uscc(code[:position] + replacement + code[position + 1 :])


@pytest.mark.parametrize("code", ["371400", "371402001", "371402001001"])
def test_division_codes(code):
    assert validate_division_code(code) == code


@pytest.mark.parametrize("code", ["37140", "3714000", "37140A"])
def test_bad_division_codes(code):
    with pytest.raises(ValidationError):
        validate_division_code(code)
