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


# --- The one merge (catalog.bundles), which the API and the portal both use ---------------


def test_bundle_guide_merges_in_a_fixed_number_of_queries(restaurant, django_assert_num_queries):
    from tongban.catalog import bundles

    with django_assert_num_queries(6):  # entries, versions, questions, options, materials…
        guide = bundles.bundle_guide(restaurant, ANSWERS)
    # A material several items need (by name, brackets aside) is asked for once.
    merged = {m.name: [v.name for v in m.versions] for m in guide.materials}
    assert merged["营业执照"] == ["企业设立登记", "食品经营许可"]
    assert [m.name for m in guide.materials].count("营业执照") == 1
    # The answers choose: rented premises, no online sales.
    assert "房屋租赁合同" in merged and "房屋产权证明" not in merged
    assert "网站备案信息" not in merged
    # Combined limit: the longest (5 days; 4 working hours are half a day).
    assert guide.promised_limit_days == 5.0
    assert guide.item_limits == {"企业设立登记": "4 个工作小时", "食品经营许可": "5 个工作日"}
    assert guide.agencies == ["审批局", "市场监管局"]
    assert [g.version.name for g in guide.guides] == ["企业设立登记", "食品经营许可"]


def test_an_answer_can_lengthen_the_combined_limit(restaurant):
    from tongban.catalog import bundles

    guide = bundles.bundle_guide(restaurant, {"经营场所权属?": "自有房产", "网络销售?": "是"})
    names = [m.name for m in guide.materials]
    assert "房屋产权证明" in names and "网站备案信息" in names and "房屋租赁合同" not in names
    assert guide.promised_limit_days == 8.0
    assert bundles.load(restaurant).longest_days == 8.0


def test_a_bundle_limit_overrides_the_items(restaurant):
    from tongban.catalog import bundles

    Bundle.objects.filter(pk=restaurant.pk).update(promised_limit=3)
    restaurant.refresh_from_db()
    assert bundles.bundle_guide(restaurant, ANSWERS).promised_limit_days == 3.0


def test_every_unanswered_question_of_every_item_is_named(restaurant):
    from tongban.catalog import bundles
    from tongban.catalog.guide import IncompleteAnswers

    # A third item asks the same two questions as the food licence.
    other = published_item(AgencyFactory(name="消防救援支队"), name="公众聚集场所检查")
    BundleItem.objects.create(bundle=restaurant, item=other, order=3)
    with pytest.raises(IncompleteAnswers) as raised:
        bundles.bundle_guide(restaurant, {})
    asked = [(q.version.name, q.text) for q in raised.value.questions]
    assert asked == [
        ("食品经营许可", "经营场所权属?"),
        ("公众聚集场所检查", "经营场所权属?"),
        ("食品经营许可", "网络销售?"),
        ("公众聚集场所检查", "网络销售?"),
    ]
    response = Client().post(
        "/api/v1/catalog/bundles/OPEN-RESTAURANT/guide",
        {"answers": {"经营场所权属?": "租赁"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    message = response.json()["message"]
    assert "网络销售?" in message and "经营场所权属?" not in message


def test_an_answer_one_item_does_not_offer_leaves_its_question_unanswered(restaurant):
    from tongban.catalog import bundles
    from tongban.catalog.guide import IncompleteAnswers

    with pytest.raises(IncompleteAnswers) as raised:
        bundles.bundle_guide(restaurant, {"经营场所权属?": "借用", "网络销售?": "否"})
    assert [q.text for q in raised.value.questions] == ["经营场所权属?"]


def test_search_api_pages_go_on_past_the_first(restaurant):
    for number in range(25):
        published_item(AgencyFactory(), name=f"餐饮服务许可{number:02d}", situations=False)
    search.reindex_all()
    first = Client().get("/api/v1/catalog/search", {"q": "餐饮", "page_size": 10}).json()
    second = (
        Client().get("/api/v1/catalog/search", {"q": "餐饮", "page_size": 10, "page": 2}).json()
    )
    assert first["count"] == second["count"] >= 26
    assert len(first["items"]) == len(second["items"]) == 10
    assert not {i["code"] for i in first["items"]} & {i["code"] for i in second["items"]}
    everything = search.search("餐饮", limit=100)
    assert search.search("餐饮", limit=10, offset=10) == everything[10:20]


def test_a_question_the_bundle_answers_is_not_asked(restaurant):
    """E.g. a start-up's seal: always a new company's first set (and so free)."""
    Bundle.objects.filter(pk=restaurant.pk).update(preset_answers={"网络销售?": "是"})
    detail = Client().get("/api/v1/catalog/bundles/OPEN-RESTAURANT").json()
    assert [q["text"] for q in detail["questions"]] == ["经营场所权属?"]
    body = Client().post(
        "/api/v1/catalog/bundles/OPEN-RESTAURANT/guide",
        {"answers": {"经营场所权属?": "租赁"}},
        content_type="application/json",
    )
    assert body.status_code == 200
    names = [m["name"] for m in body.json()["materials"]]
    assert "网站备案信息" in names  # what the bundle's answer "是" requires


def test_a_malformed_one_form_is_refused_with_what_is_wrong(restaurant):
    from django.core.exceptions import ValidationError

    restaurant.form_fields = [
        {"label": "没有键"},
        {"key": "capital", "max_length": "20"},
        {"key": "capital", "check": "magic"},
    ]
    with pytest.raises(ValidationError) as refused:
        restaurant.full_clean()
    said = " ".join(refused.value.message_dict["form_fields"])
    assert "1" in said and "capital" in said and "enterprise_name" in said
    restaurant.form_fields = [{"key": "phone", "label": "联系电话", "required": True}]
    restaurant.full_clean()
    entry = restaurant.entries.first()
    entry.field_map = {"fax": "contact_phone"}
    with pytest.raises(ValidationError) as unknown:
        entry.full_clean()
    assert "fax" in str(unknown.value)
    entry.field_map = {"phone": "contact_phone"}
    entry.full_clean()
