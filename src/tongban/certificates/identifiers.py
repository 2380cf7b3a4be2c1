"""Electronic certificate identifiers (电子证照标识, GB/T 36904 practice).

``1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>``:

- ``1.2.156.3005.2``: the OID root of the national e-certificate system;
- type code: the 18-character unified social credit code of the body that defines the
  certificate type, followed by a 3-digit sequence (``11100000000013338W050``);
- issuer code: the 18-character credit code of the issuing agency;
- serial: the certificate's serial (here: year + a per-type counter, ``2026000001``);
- version: 3 digits, ``001`` for the first issue;
- check: one character over ``0-9A-Z``, ISO/IEC 7064 MOD 37,36 over the segments after
  the root joined without dots.

ISO/IEC 7064 MOD 37,36 is a *hybrid* system (modulus M = 36, M + 1 = 37): starting from
P = M, each character's value v is added, the sum reduced mod M (0 counting as M), then
doubled mod M + 1. The check character is the value that brings the final product to 1,
i.e. ``(M + 1 - P) mod M``. It detects every single substituted character and nearly
every transposition of two adjacent ones (a hybrid system misses about 1 in 1,000).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ROOT = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_M = 36

_TYPE_CODE = re.compile(r"^[0-9A-Z]{18}\d{3}$")
_ISSUER_CODE = re.compile(r"^([0-9A-Z]{18}|\d{6})$")
_SERIAL = re.compile(r"^[0-9A-Z]{1,40}$")
_VERSION = re.compile(r"^\d{3}$")


def check_character(payload: str) -> str:
    """The MOD 37,36 check character of ``payload`` (characters ``0-9A-Z``; dots ignored)."""
    product = _M
    for char in payload:
        if char == ".":
            continue
        try:
            value = _VALUES[char]
        except KeyError:
            raise ValueError(f"character {char!r} is not in 0-9A-Z") from None
        total = (product + value) % _M or _M
        product = (2 * total) % (_M + 1)
    return ALPHABET[(_M + 1 - product) % _M]


def has_valid_check(payload_with_check: str) -> bool:
    """True if the last character is the check character of everything before it."""
    if len(payload_with_check) < 2:
        return False
    try:
        return check_character(payload_with_check[:-1]) == payload_with_check[-1]
    except ValueError:
        return False


@dataclass(frozen=True)
class Identifier:
    type_code: str
    issuer_code: str
    serial: str
    version: str
    check: str

    def __str__(self) -> str:
        return ".".join(
            [ROOT, self.type_code, self.issuer_code, self.serial, self.version, self.check]
        )


def make_identifier(type_code: str, issuer_code: str, serial: str, version: str = "001") -> str:
    """The full identifier with its check character; each part validated."""
    parts = [type_code.upper(), issuer_code.upper(), serial.upper(), version]
    for value, pattern, what in zip(
        parts,
        (_TYPE_CODE, _ISSUER_CODE, _SERIAL, _VERSION),
        ("type code", "issuer code", "serial", "version"),
        strict=True,
    ):
        if not pattern.match(value):
            raise ValueError(f"malformed {what}: {value!r}")
    return ".".join([ROOT, *parts, check_character("".join(parts))])


def parse_identifier(value: str) -> Identifier:
    """Split and check an identifier; ``ValidationError`` says what is wrong."""
    text = (value or "").strip().upper()
    if not text.startswith(ROOT + "."):
        raise ValidationError(
            _("A certificate identifier starts with %(root)s.") % {"root": ROOT},
            code="identifier_root",
        )
    parts = text[len(ROOT) + 1 :].split(".")
    if len(parts) != 5:
        raise ValidationError(
            _(
                "A certificate identifier has five parts after the root: type, issuer, "
                "serial, version and check character."
            ),
            code="identifier_format",
        )
    type_code, issuer_code, serial, version, check = parts
    if not (
        _TYPE_CODE.match(type_code)
        and _ISSUER_CODE.match(issuer_code)
        and _SERIAL.match(serial)
        and _VERSION.match(version)
        and len(check) == 1
        and check in _VALUES
    ):
        raise ValidationError(
            _("This certificate identifier is not well formed."), code="identifier_format"
        )
    if check_character(type_code + issuer_code + serial + version) != check:
        raise ValidationError(
            _("The check character of this certificate identifier is wrong."),
            code="identifier_check",
        )
    return Identifier(type_code, issuer_code, serial, version, check)


def is_valid_identifier(value: str) -> bool:
    try:
        parse_identifier(value)
    except ValidationError:
        return False
    return True
