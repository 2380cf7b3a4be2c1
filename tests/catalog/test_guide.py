"""Situation answers select exactly the materials, limit and conditions that apply."""

import pytest

from tests.catalog.factories import option, published_item
from tongban.catalog.actions import current_version
from tongban.catalog.guide import IncompleteAnswers, guide_for

pytestmark = pytest.mark.django_db


def _names(guide):
    return [m.name for m in guide.materials]


def test_rented_premises_and_no_online_sales():
    item = published_item()
    guide = guide_for(current_version(item), [option(item, "租赁").pk, option(item, "否").pk])
    assert _names(guide) == ["食品经营许可申请书", "营业执照", "房屋租赁合同"]
    assert guide.promised_limit == 5


def test_own_premises_and_online_sales_extend_the_limit_and_add_a_condition():
    item = published_item()
    guide = guide_for(current_version(item), [option(item, "自有房产").pk, option(item, "是").pk])
    assert _names(guide) == ["食品经营许可申请书", "营业执照", "房屋产权证明", "网站备案信息"]
    assert guide.promised_limit == 8
    assert "须有网站备案" in guide.conditions


def test_unanswered_question_is_named():
    item = published_item()
    with pytest.raises(IncompleteAnswers) as error:
        guide_for(current_version(item), [option(item, "租赁").pk])
    assert [q.text for q in error.value.questions] == ["网络销售?"]


def test_answers_of_another_item_are_ignored():
    item, other = published_item(), published_item(impl_code="OTHER")
    guide = guide_for(
        current_version(item),
        [option(other, "租赁").pk, option(item, "自有房产").pk, option(item, "否").pk],
    )
    assert "房屋租赁合同" not in _names(guide)


def test_guide_reads_a_bounded_number_of_queries(django_assert_max_num_queries):
    item = published_item()
    version = current_version(item)
    answers = [option(item, "租赁").pk, option(item, "否").pk]
    with django_assert_max_num_queries(4):
        guide_for(version, answers)
