"""The name check: each rule refuses or warns on one name and lets a near one pass."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import make_uscc
from tongban.core.models import AuditEntry
from tongban.naming import services
from tongban.naming.models import BannedWord, RegisteredName
from tongban.org.models import Applicant

pytestmark = pytest.mark.django_db


def codes(name, **kwargs):
    return services.check_name(name, **kwargs).codes()


def test_a_fresh_name_is_ok(registry):
    result = services.check_name("德州市瑞丰食品有限公司")
    assert result.outcome == "ok", result.findings
    assert result.parts.as_dict() == {
        "division": "德州市",
        "trade_name": "瑞丰",
        "industry": "食品",
        "form": "有限公司",
    }


# ---------------------------------------------------------------- exact


def test_exact_name_is_refused(registry):
    result = services.check_name("德州市鑫源食品有限公司")
    assert result.outcome == "refused"
    assert result.findings[0].code == "exact_duplicate"
    assert result.findings[0].existing == ["德州市鑫源食品有限公司"]


def test_exact_ignores_spacing_width_and_division(registry):
    assert "exact_duplicate" in codes(" 德州市 鑫源食品 有限公司 ")
    assert "exact_duplicate" in codes("鑫源（德州）食品有限公司")
    assert "exact_duplicate" in codes("鑫源食品有限公司")  # no division: checked everywhere
    assert "exact_duplicate" in codes("德州鑫源食品有限公司")


def test_same_name_in_another_region_is_only_a_warning(registry):
    result = services.check_name("青岛市鑫源食品有限公司")
    assert result.codes() == ["same_name_other_region"]
    assert result.outcome == "warning"


def test_cancelled_names_do_not_count(registry):
    RegisteredName.objects.filter(full_name="德州市鑫源食品有限公司").update(
        status=RegisteredName.Status.CANCELLED
    )
    assert services.check_name("德州市鑫源食品有限公司").outcome == "ok"


# ---------------------------------------------------------------- trade name and industry


def test_same_trade_name_in_the_same_industry_group_is_refused(registry):
    result = services.check_name("德州市鑫源餐饮管理有限公司")  # 餐饮 groups with 食品
    assert result.codes() == ["same_trade_name_same_industry"]
    assert result.findings[0].existing == ["德州市鑫源食品有限公司"]
    assert result.outcome == "refused"


def test_same_trade_name_in_another_region_passes(registry):
    assert services.check_name("青岛市鑫源餐饮管理有限公司").outcome == "ok"


def test_same_trade_name_without_division_is_checked_everywhere(registry):
    assert codes("鑫源饮品有限公司") == ["same_trade_name_same_industry"]
    # A national name counts in every region.
    assert codes("德州市远航运输有限公司") == ["same_trade_name_same_industry"]


def test_same_trade_name_in_another_industry_warns(registry):
    result = services.check_name("德州市鑫源科技有限公司")
    assert result.codes() == ["same_trade_name_other_industry"]
    assert result.outcome == "warning"


def test_region_scope_covers_the_regions_above_and_below(registry, county):
    # 德城区 lies in 德州市: the city's names count there, and a county's name in the city.
    assert services.check_name("鑫源饮品有限公司", region=county).outcome == "refused"
    assert services.check_name("德城区鑫源饮品有限公司").outcome == "refused"
    services.register_name("德城区瑞丰食品有限公司", region=county)
    assert codes("德州市瑞丰饮品有限公司") == ["same_trade_name_same_industry"]
    assert codes("济南市瑞丰饮品有限公司") == []


# ---------------------------------------------------------------- near matches


def test_one_character_apart_warns(registry):
    result = services.check_name("德州市金禾丰农业开发有限公司")
    assert result.codes() == ["similar_trade_name"]
    assert result.findings[0].existing == ["德州市金禾源农业科技有限公司"]


def test_one_character_apart_in_another_industry_passes(registry):
    assert services.check_name("德州市金禾丰贸易有限公司").outcome == "ok"


def test_homophone_warns(registry):
    result = services.check_name("德州市新元食品有限公司")  # xinyuan, like 鑫源
    assert result.codes() == ["homophone_trade_name"]
    assert result.findings[0].existing == ["德州市鑫源食品有限公司"]
    assert services.check_name("德州市新华食品有限公司").outcome == "ok"


def test_containing_or_contained_trade_name_warns(registry):
    longer = services.check_name("德州市华宇天成建筑有限公司")
    assert longer.codes() == ["contains_trade_name"]
    assert longer.findings[0].existing == ["德州市华宇建筑工程有限公司"]
    services.register_name("德州市恒信达建材有限公司", region=registry)
    shorter = services.check_name("德州市恒信建筑有限公司")
    assert "contains_trade_name" in shorter.codes() or "similar_trade_name" in shorter.codes()


def test_near_match_list_is_capped(registry):
    services.bulk_register(
        RegisteredName(full_name=f"山东{chr(0x4E00 + i)}宏达科技有限公司") for i in range(30)
    )
    result = services.check_name("德州市宏达兴科技有限公司")
    assert all(len(f.existing) <= services.MAX_LISTED for f in result.findings)
    assert result.outcome == "warning"


# ---------------------------------------------------------------- words


def test_prohibited_word_is_refused(registry):
    result = services.check_name("德州市解放军食品有限公司")
    assert "prohibited_word" in result.codes()
    assert result.outcome == "refused"


def test_restricted_word_warns(registry):
    result = services.check_name("中国瑞丰食品有限公司")
    assert result.codes() == ["restricted_word"]
    assert "国务院" in result.findings[0].message


def test_banned_words_are_data(registry):
    BannedWord.objects.create(word="瑞丰", kind=BannedWord.Kind.PROHIBITED, reason="测试")
    assert services.check_name("德州市瑞丰食品有限公司").outcome == "refused"


# ---------------------------------------------------------------- structure


def test_missing_form_is_refused(registry):
    result = services.check_name("德州市瑞丰食品")
    assert result.codes() == ["missing_form"]
    assert result.outcome == "refused"


def test_short_trade_name_is_refused(registry):
    assert "trade_name_too_short" in codes("德州市丰食品有限公司")
    assert "trade_name_too_short" in codes("德州市有限公司")


def test_non_chinese_trade_name_warns(registry):
    result = services.check_name("德州市ABC食品有限公司")
    assert result.codes() == ["non_chinese_trade_name"]
    assert services.check_name("德州市ＡＢＣ食品有限公司").parts.trade_name == "ABC"


def test_empty_and_overlong_names_are_refused(registry):
    assert codes("   ") == ["empty"]
    assert "too_long" in codes("瑞" * 200 + "有限公司")


def test_messages_are_chinese_by_default_and_english_on_request(registry):
    assert services.check_name("德州市瑞丰食品").findings[0].message.startswith("名称")
    with translation.override("en"):
        message = services.check_name("德州市瑞丰食品").findings[0].message
    assert "organisational form" in message


# ---------------------------------------------------------------- registry upkeep


def test_sync_from_applicants_takes_enterprise_names(registry):
    enterprise = Applicant.objects.create(
        kind=Applicant.Kind.LEGAL,
        name="德州市鲁北餐饮管理有限公司",
        credit_code=make_uscc(prefix="91"),
        region=registry,
    )
    assert services.sync_from_applicants()["created"] == 1
    assert services.check_name("德州市鲁北食品有限公司").outcome == "refused"
    enterprise.name = "德州市鲁北饮品有限公司"
    enterprise.save()
    assert services.sync_from_applicants() == {
        "created": 0,
        "updated": 1,
        "linked": 0,
        "unchanged": 0,
    }
    assert RegisteredName.objects.get(applicant=enterprise).industry == "饮品"
    assert AuditEntry.objects.filter(action="naming.sync_from_applicants").count() == 2


def test_sync_links_an_existing_row(registry):
    Applicant.objects.create(
        kind=Applicant.Kind.LEGAL,
        name="德州市宏达科技有限公司",
        credit_code=make_uscc(prefix="91"),
    )
    assert services.sync_from_applicants()["linked"] == 1
    assert RegisteredName.objects.filter(full_name="德州市宏达科技有限公司").count() == 1


def test_seed_is_idempotent():
    assert services.seed() == {"banned_words": 0, "industry_terms": 0}
    assert BannedWord.objects.filter(word="中国", kind="restricted").exists()


def test_reindex_after_a_new_industry_term(registry):
    from tongban.naming.models import IndustryTerm

    services.register_name("德州市瑞丰电器有限公司", region=registry)
    IndustryTerm.objects.create(term="电器", group_code="appliances")
    assert services.reindex() == 7
    assert RegisteredName.objects.get(full_name="德州市瑞丰电器有限公司").trade_name == "瑞丰"


def test_query_count_does_not_grow_with_the_registry(registry):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            services.check_name("德州市鑫圆食品有限公司")
        return len(captured)

    before = queries()
    services.bulk_register(
        RegisteredName(full_name=f"德州市{chr(0x4E00 + i)}{chr(0x4E80 + i)}食品有限公司")
        for i in range(500)
    )
    assert queries() == before
