"""Splitting a name into division, trade name, industry and form."""

import pytest

from tongban.naming.parse import Vocabulary, normalize, parse_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary():
    return Vocabulary.load()


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("德州市鑫源食品有限公司", ("德州市", "鑫源", "食品", "有限公司")),
        ("山东鑫源餐饮管理有限公司", ("山东", "鑫源", "餐饮管理", "有限公司")),
        ("鑫源（德州）科技有限公司", ("德州", "鑫源", "科技", "有限公司")),
        ("山东省德州市鑫源食品股份有限公司", ("山东省德州市", "鑫源", "食品", "股份有限公司")),
        ("鑫源投资合伙企业（有限合伙）", ("", "鑫源", "投资", "合伙企业(有限合伙)")),
        ("德州鑫源有限公司", ("德州", "鑫源", "", "有限公司")),
    ],
)
def test_parts(vocabulary, name, parts):
    parsed = parse_name(name, vocabulary)
    assert (parsed.division, parsed.trade_name, parsed.industry, parsed.form) == parts
    assert parsed.problem == ""


def test_region_names_count_as_divisions(county):
    parsed = parse_name("德城区鑫源食品有限公司", Vocabulary.load())
    assert parsed.division == "德城区"
    assert parsed.division_key == "德城"


def test_name_without_a_form_says_why(vocabulary):
    parsed = parse_name("德州市鑫源食品", vocabulary)
    assert parsed.problem == "no_form"
    assert parsed.form == ""
    assert (parsed.trade_name, parsed.industry) == ("鑫源", "食品")
    assert "组织形式" in parsed.reason


def test_name_with_nothing_but_a_form(vocabulary):
    parsed = parse_name("德州市有限公司", vocabulary)
    assert parsed.problem == "no_trade_name"
    assert parse_name("  ", vocabulary).problem == "empty"


def test_industry_group_of_known_and_unknown_terms(vocabulary):
    assert parse_name("德州市鑫源饮品有限公司", vocabulary).industry_group == "food"
    assert parse_name("德州市鑫源电器有限公司", vocabulary).industry_group == ""


def test_normalize_folds_width_and_spaces():
    assert normalize(" 德州 鑫源（食品）ＡＢＣ１\u3000有限公司\n") == "德州鑫源(食品)ABC1有限公司"
    assert normalize("鑫\x00源\u200b") == "鑫源"
