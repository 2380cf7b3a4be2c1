"""The national project code (GB/T 40058-2021): structure checked, errors say which part."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tongban.projects.codes import validate_project_code


@pytest.mark.parametrize(
    "code",
    ["2020-371402-47-01-012345", "2017-130000-74-03-000001", " 2026-371400-48-02-999999 "],
)
def test_well_formed_codes_pass(code):
    assert validate_project_code(code) == code.strip()


def test_full_width_hyphens_are_normalised():
    assert validate_project_code("2020－371402－47－01－012345") == "2020-371402-47-01-012345"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("2020371402470101234", "project_code_format"),  # no hyphens
        ("2020-371402-47-01-01234", "project_code_format"),  # serial too short
        ("2020-37140-47-01-012345", "project_code_format"),  # division too short
        ("20-371402-47-01-012345", "project_code_format"),
        ("2020-371402-47-01-01234A", "project_code_format"),
        ("", "project_code_format"),
        ("1999-371402-47-01-012345", "project_code_year"),
        ("2020-001402-47-01-012345", "project_code_division"),
        ("2020-991402-47-01-012345", "project_code_division"),
        ("2020-371402-00-01-012345", "project_code_type"),
        ("2020-371402-47-00-012345", "project_code_type"),
    ],
)
def test_malformed_codes_are_refused_with_a_reason(code, error):
    with pytest.raises(ValidationError) as raised:
        validate_project_code(code)
    assert raised.value.code == error


def test_the_error_names_the_form_in_chinese_and_english():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as zh:
        validate_project_code("12345")
    assert "项目代码" in zh.value.messages[0] and "2020-371402-47-01-012345" in zh.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as en:
        validate_project_code("12345")
    assert en.value.messages[0].startswith("A project code has the form")
