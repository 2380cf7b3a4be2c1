"""The national investment project code (全国固定资产投资项目代码, GB/T 40058-2021).

Structure: ``YYYY-AAAAAA-BB-CC-DDDDDE`` — 24 characters: a 4-digit year the code was
given (时间代码), the 6-digit division code of the project's place (地区代码, GB/T 2260),
a 2-digit code of the central guiding department (中央业务指导部门代码), a 2-digit project
type (项目类型代码: 01 审批, 02 核准, 03 备案, …), then 5 random digits (随机码) and one
check digit (校验码). The check-digit algorithm is not public in the sources we have, so
only the structure is checked here; the national platform stays the authority.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PROJECT_CODE_PATTERN = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
FIRST_YEAR = 2000  # the national online platform dates from 2016; older codes were re-issued
LAST_YEAR = 2099

EXAMPLE = "2020-371402-47-01-012345"


def normalize_project_code(value: str) -> str:
    """Trim spaces and accept the full-width hyphen and dash people paste from documents."""
    text = (value or "").strip()
    for dash in ("－", "—", "–", "‐"):
        text = text.replace(dash, "-")
    return text


def validate_project_code(value: str) -> str:
    """The normalised code, or a ``ValidationError`` saying which part is wrong."""
    code = normalize_project_code(value)
    match = PROJECT_CODE_PATTERN.match(code)
    if match is None:
        raise ValidationError(
            _(
                "A project code has the form year-division-department-type-serial, "
                "e.g. %(example)s (GB/T 40058-2021)."
            )
            % {"example": EXAMPLE},
            code="project_code_format",
        )
    year, division, department, kind, _serial = match.groups()
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ValidationError(
            _("The project code's year %(year)s is not plausible.") % {"year": year},
            code="project_code_year",
        )
    if not 11 <= int(division[:2]) <= 82:  # GB/T 2260 provinces: 11 (Beijing) … 82 (Macao)
        raise ValidationError(
            _("The project code's division code %(code)s is not a place (GB/T 2260).")
            % {"code": division},
            code="project_code_division",
        )
    if department == "00" or kind == "00":
        raise ValidationError(
            _("The project code's department and type codes may not be 00."),
            code="project_code_type",
        )
    return code
