"""Chinese search: segments, synonyms (开饭店 → 餐饮), pinyin initials (yyzz → 营业执照)."""

import pytest

from tests.catalog.factories import published_item
from tests.factories import AgencyFactory
from tongban.catalog import search
from tongban.catalog.models import ItemVersion, SearchDocument, Synonym

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog():
    agency = AgencyFactory(name="市行政审批服务局")
    food = published_item(agency, name="食品经营许可", impl_code="FOOD")
    licence = published_item(agency, name="企业设立登记", impl_code="LICENCE", situations=False)
    insurance = published_item(agency, name="社会保险登记", impl_code="SOCIAL", situations=False)
    ItemVersion.objects.filter(item=food).update(keywords="餐饮 饭店 小吃店")
    ItemVersion.objects.filter(item=licence).update(keywords="营业执照 开公司")
    Synonym.objects.create(term="开饭店", expansion="餐饮 食品经营")
    Synonym.objects.create(term="社保", expansion="社会保险")
    search.reindex_all()
    return {"food": food, "licence": licence, "insurance": insurance}


def _first(query):
    hits = search.search(query)
    return hits[0].name if hits else None


def test_plain_words_find_the_item(catalog):
    assert _first("食品经营") == "食品经营许可"


def test_people_words_go_through_the_synonym_table(catalog):
    assert _first("我想开饭店") == "食品经营许可"
    assert _first("社保") == "社会保险登记"


def test_pinyin_initials_find_the_keyword(catalog):
    assert _first("yyzz") == "企业设立登记"
    assert _first("QYSLDJ") == "企业设立登记"


def test_nothing_for_nonsense_and_empty(catalog):
    assert search.search("") == []
    assert search.search("zzzzqqq") == []


def test_cancelled_item_leaves_the_index(catalog):
    import datetime as dt

    from tests.factories import staff
    from tongban.catalog import actions
    from tongban.org.models import StaffRole
    from tongban.org.policy import principal_for_user

    admin = principal_for_user(staff(StaffRole.PLATFORM_ADMIN))
    actions.cancel_item(admin, catalog["insurance"], on=dt.date(2026, 1, 2), reason="合并")
    assert _first("社保") is None
    assert not SearchDocument.objects.filter(item=catalog["insurance"]).exists()


def test_query_characters_of_the_match_syntax_are_harmless(catalog):
    for query in ['"', "'", "a OR b", "食品 AND", "* NEAR", "\\", ":"]:
        search.search(query)


def test_search_api_is_public_and_paginated(catalog):
    from django.test import Client

    body = Client().get("/api/v1/catalog/search", {"q": "yyzz"}).json()
    assert body["count"] >= 1
    assert (body["items"][0]["kind"], body["items"][0]["code"]) == ("item", "LICENCE")
