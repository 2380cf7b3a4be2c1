"""Validation of the national identifiers the platform stores.

- Resident ID number (居民身份证号码), GB 11643-1999: 17 digits + ISO 7064 MOD 11-2 check.
- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters over a
  31-character alphabet with a MOD 31 check character.
- Administrative division code (行政区划代码), GB/T 2260: 6 digits, or the 9/12-digit
  statistical codes for townships and villages.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def resident_id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_resident_id(value: str) -> str:
    return (value or "").strip().upper()


def validate_resident_id(value: str) -> str:
    """Return the normalised ID number or raise ``ValidationError`` saying what is wrong."""
    number = normalize_resident_id(value)
    if not _ID_PATTERN.match(number):
        raise ValidationError(
            _("An ID card number has 17 digits followed by a digit or X."), code="id_format"
        )
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth in this ID card number does not exist."), code="id_birth_date"
        ) from None
    if resident_id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID card number is wrong; please check the number."),
            code="id_check_digit",
        )
    return number


def mask_resident_id(number: str) -> str:
    """``371402199001011234`` → ``3714**********1234``: region prefix and tail only."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_character(first17: str) -> str:
    total = sum(
        USCC_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def validate_uscc(value: str) -> str:
    """Return the normalised credit code or raise ``ValidationError`` saying what is wrong."""
    code = normalize_uscc(value)
    if len(code) != 18 or not _USCC_PATTERN.match(code):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "other than I, O, Z, S and V, with a 6-digit region code in positions 3–8."
            ),
            code="uscc_format",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."),
            code="uscc_check_character",
        )
    return code


_DIVISION_PATTERN = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def validate_division_code(value: str) -> str:
    code = (value or "").strip()
    if not _DIVISION_PATTERN.match(code):
        raise ValidationError(
            _("A division code has 6 digits (GB/T 2260), or 9 or 12 for townships and villages."),
            code="division_format",
        )
    return code
