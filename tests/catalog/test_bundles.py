"""Bundles (一件事): one questionnaire, a material shared by items asked for once, the
combined limit, the agencies involved, found by plain words."""

import pytest
from django.test import Client

from tests.catalog.factories import published_item
from tests.factories import AgencyFactory
from tongban.catalog import search
from tongban.catalog.models import Bundle, BundleItem, ItemVersion, Synonym

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restaurant():
    market, bureau = AgencyFactory(name="市场监管局"), AgencyFactory(name="审批局")
    licence = published_item(bureau, name="企业设立登记", impl_code="LICENCE", situations=False)
    food = published_item(market, name="食品经营许可", impl_code="FOOD")
    ItemVersion.objects.filter(item=licence).update(
        promised_limit=4, promised_limit_unit=ItemVersion.LimitUnit.WORKING_HOURS
    )
    bundle = Bundle.objects.create(
        code="OPEN-RESTAURANT",
        name="开办餐饮店一件事",
        theme=Bundle.Theme.ENTERPRISE,
        keywords="开饭店 餐馆",
        lead_agency=bureau,
    )
    BundleItem.objects.create(bundle=bundle, item=licence, order=1)
    BundleItem.objects.create(bundle=bundle, item=food, order=2)
    Synonym.objects.create(term="开饭店", expansion="餐饮")
    search.reindex_all()
    return bundle


ANSWERS = {"经营场所权属?": "租赁", "网络销售?": "否"}


def test_shared_material_is_asked_once_and_names_both_items(restaurant):
    body = (
        Client()
        .post(
            "/api/v1/catalog/bundles/OPEN-RESTAURANT/guide",
            {"answers": ANSWERS},
            content_type="application/json",
        )
        .json()
    )
    names = [m["name"] for m in body["materials"]]
    assert names.count("营业执照") == 1
    shared = next(m for m in body["materials"] if m["name"] == "营业执照")
    assert shared["for_items"] == ["企业设立登记", "食品经营许可"]
    assert "房屋租赁合同" in names and "房屋产权证明" not in names
    assert body["promised_limit_days"] == 5.0  # the food licence's 5 days; 4 hours = 0.5 day
    assert body["agencies"] == ["审批局", "市场监管局"]


def test_combined_questionnaire_and_missing_answers(restaurant):
    detail = Client().get("/api/v1/catalog/bundles/OPEN-RESTAURANT").json()
    assert [q["text"] for q in detail["questions"]] == ["经营场所权属?", "网络销售?"]
    response = Client().post(
        "/api/v1/catalog/bundles/OPEN-RESTAURANT/guide",
        {"answers": {"经营场所权属?": "租赁"}},
        content_type="application/json",
    )
    assert response.status_code == 400 and "网络销售?" in response.json()["message"]


def test_plain_words_find_the_bundle_first(restaurant):
    hits = search.search("我想开饭店")
    assert (hits[0].kind, hits[0].name) == ("bundle", "开办餐饮店一件事")
    body = Client().get("/api/v1/catalog/search", {"q": "开饭店"}).json()
    assert body["items"][0]["code"] == "OPEN-RESTAURANT"


def test_bundle_notice_pdf_lists_the_merged_materials(restaurant):
    import io

    from pypdf import PdfReader

    response = Client().get(
        "/api/v1/catalog/bundles/OPEN-RESTAURANT/notice.pdf",
        {"a": [f"{q}|{a}" for q, a in ANSWERS.items()]},
    )
    assert response.status_code == 200, response.content[:300]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "开办餐饮店一件事" in text and "房屋租赁合同" in text and "房屋产权证明" not in text
    assert text.count("营业执照") >= 1
    missing = Client().get("/api/v1/catalog/bundles/OPEN-RESTAURANT/notice.pdf")
    assert missing.status_code == 400
