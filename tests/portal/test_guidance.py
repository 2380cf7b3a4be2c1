"""智能导办: search in plain words, browse by department and theme, a bundle's (一件事)
guide with its combined questionnaire, merged materials and combined notification."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import AgencyFactory
from tests.portal.test_item_guide import food_licence, make_item, publish
from tongban.catalog import bundles as catalog_bundles
from tongban.catalog import search
from tongban.catalog.models import (
    Bundle,
    BundleItem,
    Item,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
    Synonym,
)
from tongban.portal import guidance
from tongban.portal.templatetags.portal_guidance import parallel_limit

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PREMISES, ONLINE = "经营场所权属?", "是否网络销售?"


# --- Small factories ----------------------------------------------------------------------


def household_registration(agency) -> Item:
    """个体工商户设立登记: half a day (4 working hours), asks the premises question too."""
    item, version = make_item(
        agency,
        name="个体工商户设立登记",
        catalog_code="DJ0001",
        keywords="营业执照 个体户",
        case_type=ItemVersion.CaseType.INSTANT,
        promised_limit=4,
        promised_limit_unit=ItemVersion.LimitUnit.WORKING_HOURS,
        statutory_limit=15,
    )
    Material.objects.create(version=version, order=1, name="个体工商户登记申请书", kind="form")
    Material.objects.create(
        version=version, order=2, name="经营者身份证明", kind="electronic", source="e_certificate"
    )
    premises = SituationQuestion.objects.create(version=version, order=1, text=PREMISES)
    own = SituationOption.objects.create(question=premises, order=1, text="自有房产")
    rented = SituationOption.objects.create(question=premises, order=2, text="租赁")
    Material.objects.create(
        version=version, order=3, name="房屋产权证明", kind="original", copies=2
    ).applies_when.set([own])
    # Named a little differently from the food licence's: still the same material.
    Material.objects.create(
        version=version, order=4, name="房屋租赁合同（副本）", kind="original"
    ).applies_when.set([rented])
    publish(version)
    return item


def plain_item(agency, name: str, **fields) -> Item:
    item, version = make_item(agency, name=name, **fields)
    Material.objects.create(version=version, order=1, name=f"{name}申请表", kind="form")
    publish(version)
    return item


def make_bundle(code, name, theme, lead, items, **fields) -> Bundle:
    bundle = Bundle.objects.create(code=code, name=name, theme=theme, lead_agency=lead, **fields)
    for order, item in enumerate(items, start=1):
        BundleItem.objects.create(bundle=bundle, item=item, order=order)
    return bundle


@pytest.fixture
def city():
    """A restaurant bundle of two items that share a question and a material, a company
    registration (keyword 营业执照) outside it, and a life-event bundle."""
    bureau = AgencyFactory(name="德州市行政审批服务局")
    market = AgencyFactory(name="德州市市场监督管理局")
    health = AgencyFactory(name="德州市卫生健康委员会")
    household = household_registration(bureau)
    food, parts = food_licence(market, keywords="餐饮 饭店 小吃店")
    company = plain_item(bureau, "企业设立登记", keywords="营业执照 开公司")
    birth = plain_item(health, "出生医学证明签发")
    restaurant = make_bundle(
        "YJS-CYD",
        "开办餐饮店一件事",
        Bundle.Theme.ENTERPRISE,
        bureau,
        [household, food],
        keywords="开饭店 餐馆 餐饮店",
        description="开一家饭店需要的营业执照和食品经营许可，一次申请、并联审批。",
    )
    newborn = make_bundle(
        "YJS-CS",
        "新生儿出生一件事",
        Bundle.Theme.LIFE_EVENT,
        health,
        [birth],
        keywords="生孩子 出生",
        description="出生医学证明、户口登记、医保参保一次办。",
    )
    Synonym.objects.create(term="开饭店", expansion="餐饮")
    search.reindex_all()
    return {
        "bureau": bureau,
        "market": market,
        "health": health,
        "household": household,
        "food": food,
        "food_parts": parts,
        "company": company,
        "restaurant": restaurant,
        "newborn": newborn,
    }


RENTED = {PREMISES: "租赁", ONLINE: "否"}
OWN_ONLINE = {PREMISES: "自有房产", ONLINE: "是"}


def _query(answers: dict) -> list[tuple[str, str]]:
    return [("a", f"{question}|{answer}") for question, answer in answers.items()]


def _radios(answers: dict) -> dict:
    """What the questionnaire's radio groups send (a1, a2, … in question order)."""
    order = [PREMISES, ONLINE]
    return {f"a{order.index(q) + 1}": f"{q}|{a}" for q, a in answers.items()}


def _url(name: str, bundle: Bundle) -> str:
    return reverse(name, args=[bundle.code])


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def _rows(html: str) -> dict[str, str]:
    """Material name → its row's header cell, from a merged-materials table."""
    rows = {}
    for cell in re.findall(r'<th scope="row">(.*?)</th>', html, flags=re.S):
        name = re.search(r'<span class="material-name">([^<]+)</span>', cell)
        rows[name.group(1) if name else cell.split("<")[0].strip()] = cell
    return rows


def _results(html: str) -> list[str]:
    return re.findall(r'<li class="result[^"]*">.*?<h3><a href="([^"]+)">', html, flags=re.S)


# --- Search -------------------------------------------------------------------------------


def test_home_page_asks_what_you_want_to_do(client):
    html = client.get(reverse("portal:home")).content.decode()
    form = _between(html, '<form class="ask-form"', "</form>")
    assert f'action="{reverse("portal:search")}"' in form and 'method="get"' in form
    assert '<label class="ask-label" for="home-q">您想办什么事？</label>' in form
    assert 'name="q"' in form and 'role="search"' in form
    nav = _between(html, '<nav id="site-nav"', "</nav>")
    assert f'href="{reverse("portal:search")}"' in nav and "智能导办" in nav
    assert f'href="{reverse("portal:browse")}"' in nav


def test_plain_words_find_the_bundle_first(client, city):
    response = client.get(reverse("portal:search"), {"q": "我想开饭店"})
    html = response.content.decode()
    assert response.status_code == 200
    urls = _results(html)
    assert urls[0] == _url("portal:bundle-guide", city["restaurant"])
    assert reverse("portal:item-guide", args=[city["food"].impl_code]) in urls
    first = _between(html, '<li class="result result-bundle">', "</li>")
    assert "一件事" in first and "开办餐饮店一件事" in first
    assert "包含 2 个事项" in first and "涉及 2 个部门" in first
    # The words understood, the synonym's among them; the box keeps what was typed.
    understood = _between(html, '<p class="understood"', "</p>")
    assert "按以下词语查找" in understood and '<span class="word">餐饮</span>' in understood
    assert 'value="我想开饭店"' in html


def test_items_show_department_and_promised_limit(client, city):
    html = client.get(reverse("portal:search"), {"q": "食品经营"}).content.decode()
    food = reverse("portal:item-guide", args=[city["food"].impl_code])
    entry = _between(html, f'<a href="{food}">', "</li>")
    assert "德州市市场监督管理局" in entry and "承诺办结时限：5 个工作日" in entry


def test_pinyin_initials_find_the_business_licence(client, city):
    html = client.get(reverse("portal:search"), {"q": "yyzz"}).content.decode()
    company = reverse("portal:item-guide", args=[city["company"].impl_code])
    assert company in _results(html)
    assert "企业设立登记" in html and "德州市行政审批服务局" in html
    assert "也按拼音首字母查找" in html


def test_empty_query_suggests_what_to_type(client, city):
    html = client.get(reverse("portal:search")).content.decode()
    assert "没有找到" not in html and "result-list" not in html
    assert 'id="search-q"' in html
    assert (
        f'href="{reverse("portal:search")}?q=%E6%88%91%E6%83%B3%E5%BC%80%E9%A5%AD%E5%BA%97"' in html
    )
    for anchor in ("departments", "life-events", "enterprise", "construction"):
        assert f'href="{reverse("portal:browse")}#{anchor}"' in html


def test_nonsense_query_says_so_and_offers_ways_in(client, city):
    html = client.get(reverse("portal:search"), {"q": "zzzzqqq"}).content.decode()
    assert "没有找到与“zzzzqqq”相关的服务" in html
    assert f'href="{reverse("portal:browse")}#departments"' in html
    assert f'href="{reverse("portal:items")}"' in html
    assert "12345" in html
    assert "result-list" not in html


def test_results_are_capped_with_a_link_to_more(client):
    agency = AgencyFactory()
    for number in range(guidance.RESULTS_SHOWN + 2):
        plain_item(agency, f"居住证明{number:02d}", keywords="居住证明")
    search.reindex_all()
    html = client.get(reverse("portal:search"), {"q": "居住证明"}).content.decode()
    assert len(_results(html)) == guidance.RESULTS_SHOWN
    assert "显示更多结果" in html and "all=1" in html
    html = client.get(reverse("portal:search"), {"q": "居住证明", "all": "1"}).content.decode()
    assert len(_results(html)) == guidance.RESULTS_SHOWN + 2
    assert "显示更多结果" not in html


def test_search_leaves_out_what_is_no_longer_offered(client, city):
    # The index is stale on purpose: the page checks what is in force today.
    Item.objects.filter(pk=city["food"].pk).update(cancelled_on=timezone.localdate())
    Bundle.objects.filter(pk=city["restaurant"].pk).update(is_active=False)
    html = client.get(reverse("portal:search"), {"q": "开饭店"}).content.decode()
    assert "开办餐饮店一件事" not in html and "食品经营许可" not in html


def test_search_page_query_count_is_bounded(client, city, django_assert_max_num_queries):
    for query in ("我想开饭店", "yyzz", "zzzzqqq", ""):
        with django_assert_max_num_queries(10):
            assert client.get(reverse("portal:search"), {"q": query}).status_code == 200


# --- Browse -------------------------------------------------------------------------------


def test_browse_has_four_ways_in(client, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        html = client.get(reverse("portal:browse")).content.decode()
    departments = _between(html, 'id="departments"', "</section>")
    items = reverse("portal:items")
    bureau = _between(departments, f'?agency={city["bureau"].pk}#items"', "</li>")
    assert "德州市行政审批服务局" in bureau and "2 个事项" in bureau
    assert f"{items}?agency={city['market'].pk}#items" in departments
    life = _between(html, 'id="life-events"', "</section>")
    assert "个人生命周期" in life and _url("portal:bundle-guide", city["newborn"]) in life
    enterprise = _between(html, 'id="enterprise"', "</section>")
    assert "企业生命周期" in enterprise and "开办餐饮店一件事" in enterprise
    assert "包含 2 个事项" in enterprise
    construction = _between(html, 'id="construction"', "</section>")
    assert "工程建设项目" in construction and "暂无" in construction
    assert 'id="other"' not in html  # no bundle of another theme


def test_browse_query_count_does_not_grow(client, city, django_assert_max_num_queries):
    for number in range(8):
        agency = AgencyFactory()
        items = [plain_item(agency, f"事项{number}-{n}") for n in range(3)]
        make_bundle(f"B{number}", f"一件事{number}", Bundle.Theme.CONSTRUCTION, agency, items)
    with django_assert_max_num_queries(4):
        html = client.get(reverse("portal:browse")).content.decode()
    assert html.count('class="card bundle-card"') == 10


# --- A bundle's guide ---------------------------------------------------------------------


def test_bundle_guide_shows_items_agencies_limit_and_questions(client, city):
    bundle = city["restaurant"]
    html = client.get(_url("portal:bundle-guide", bundle)).content.decode()
    assert "<h1>开办餐饮店一件事</h1>" in html
    assert "一次申请、并联审批" in html
    facts = _between(html, '<dl class="key-facts">', "</dl>")
    assert "牵头部门" in facts and "德州市行政审批服务局" in facts
    assert "2 个事项" in facts and "2 个部门" in facts
    # The longest any answer can make it: the food licence's 8 days with online sales.
    assert "并联办理，最长 8 个工作日" in facts
    services = _between(html, 'id="services"', "</section>")
    household = reverse("portal:item-guide", args=[city["household"].impl_code])
    row = _between(services, f'<a href="{household}">', "</tr>")
    assert "个体工商户设立登记" in row and "德州市行政审批服务局" in row and "4 个工作小时" in row
    assert "德州市市场监督管理局" in services and "5 个工作日" in services
    departments = _between(html, 'id="departments"', "</section>")
    assert "德州市行政审批服务局（牵头）" in departments and "德州市市场监督管理局" in departments
    # Both items ask the premises question: it is asked once.
    form = _between(html, '<form class="situation-form"', "</form>")
    assert form.count("<fieldset") == 2
    assert f"<legend>1. {PREMISES}</legend>" in form and f"<legend>2. {ONLINE}</legend>" in form
    assert f'name="a1" value="{PREMISES}|租赁"' in form
    assert f'hx-post="{_url("portal:bundle-situation", bundle)}"' in form
    assert f'action="{_url("portal:bundle-guide", bundle)}#guide-result"' in form


@pytest.mark.parametrize(
    ("answers", "expected", "shared"),
    [
        (
            RENTED,
            [
                "个体工商户登记申请书",
                "经营者身份证明",
                "房屋租赁合同（副本）",
                "食品经营许可申请书",
                "营业执照",
            ],
            "房屋租赁合同（副本）",
        ),
        (
            OWN_ONLINE,
            [
                "个体工商户登记申请书",
                "经营者身份证明",
                "房屋产权证明",
                "食品经营许可申请书",
                "营业执照",
                "网站备案信息",
            ],
            "房屋产权证明",
        ),
    ],
)
def test_answers_give_the_merged_list_without_reload(client, city, answers, expected, shared):
    bundle = city["restaurant"]
    response = client.post(_url("portal:bundle-situation", bundle), _radios(answers), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment
    rows = _rows(html)
    assert list(rows) == expected
    assert html.count(shared) == 1  # once, for both items
    assert "用于：个体工商户设立登记、食品经营许可" in rows[shared]
    assert "用于：食品经营许可" in rows["营业执照"]
    for verified in ("营业执照", "经营者身份证明"):
        assert "可通过数据共享核验，无需提交" in rows[verified]
    assert "可通过数据共享核验" not in rows[shared]
    assert f"需要提交 {len(expected) - 2} 份材料" in html
    assert "2 份材料通过数据共享核验" in html or "另有 2 份" in html
    url = response["HX-Replace-Url"]
    assert urlsplit(url).path == _url("portal:bundle-guide", bundle)
    assert parse_qsl(urlsplit(url).query) == _query(answers)
    assert "HX-Request" in response["Vary"]


def test_shared_material_is_strictest_and_copies_the_most(client, city):
    html = client.post(
        _url("portal:bundle-situation", city["restaurant"]), _radios(OWN_ONLINE), **HTMX
    ).content.decode()
    row = _between(html, '<span class="material-name">房屋产权证明</span>', "</tr>")
    assert '<td data-label="份数">2</td>' in row  # the household registration asks for 2


def test_combined_limit_and_each_items_limit_for_the_answers(client, city):
    bundle = city["restaurant"]
    html = client.post(_url("portal:bundle-situation", bundle), _radios(RENTED), **HTMX)
    html = html.content.decode()
    assert "并联办理，最长 5 个工作日" in html
    assert "个体工商户设立登记：4 个工作小时" in html and "食品经营许可：5 个工作日" in html
    html = client.post(_url("portal:bundle-situation", bundle), _radios(OWN_ONLINE), **HTMX)
    html = html.content.decode()
    assert "并联办理，最长 8 个工作日" in html
    assert "食品经营许可：须已取得网站备案" in html
    assert "食品经营许可：网络销售备案工本费 10 元" in html


def test_the_pages_show_what_catalog_bundles_gives(client, city):
    """The portal words catalog.bundles' merge (the API's too); it adds none of its own."""
    bundle = city["restaurant"]
    for answers in (RENTED, OWN_ONLINE, {PREMISES: "租赁", ONLINE: "是"}):
        expected = catalog_bundles.bundle_guide(bundle, answers)
        loaded = guidance.load(bundle, timezone.localdate())
        assert [q.text for q in loaded.questions] == [
            q.text for q in catalog_bundles.questions_of(bundle)
        ]
        narrowed = guidance.narrow(loaded, answers)
        assert [(m.name, m.item_names, m.verifiable) for m in narrowed.materials] == [
            (m.name, [v.name for v in m.versions], m.verifiable) for m in expected.materials
        ]
        assert narrowed.limit_days == expected.promised_limit_days
        assert [a.name for a in loaded.agencies] == expected.agencies


def test_unanswered_questions_are_named(client, city):
    bundle = city["restaurant"]
    response = client.post(
        _url("portal:bundle-situation", bundle), _radios({PREMISES: "租赁"}), **HTMX
    )
    html = response.content.decode()
    assert "请先回答以下问题" in html
    assert f'<a href="#question-2">{ONLINE}</a>' in html
    assert PREMISES not in html
    assert "material-table" not in html
    assert "HX-Replace-Url" not in response
    # An answer that is not offered counts as none.
    html = client.post(
        _url("portal:bundle-situation", bundle),
        {"a1": f"{PREMISES}|借用", "a2": f"{ONLINE}|否"},
        **HTMX,
    ).content.decode()
    assert f'<a href="#question-1">{PREMISES}</a>' in html


def test_without_javascript_the_form_reloads_the_page_narrowed(client, city):
    bundle = city["restaurant"]
    response = client.get(_url("portal:bundle-guide", bundle), _radios(RENTED))
    html = response.content.decode()
    assert "<h1>开办餐饮店一件事</h1>" in html
    result = _between(
        html, '<div id="guide-result"', '<section class="section-block" id="services"'
    )
    assert "房屋租赁合同（副本）" in result and "房屋产权证明" not in result
    assert f'value="{PREMISES}|租赁" checked' in html and f'value="{ONLINE}|否" checked' in html
    # The address the HTMX answer puts in the bar reloads the same result.
    html = client.get(_url("portal:bundle-guide", bundle) + "?" + _encoded(RENTED))
    assert "房屋租赁合同（副本）" in html.content.decode()
    # The fallback also answers the situation URL with the whole page.
    html = client.get(_url("portal:bundle-situation", bundle), _radios(RENTED)).content.decode()
    assert "<h1>开办餐饮店一件事</h1>" in html and "房屋租赁合同（副本）" in html


def _encoded(answers: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(_query(answers))


def test_a_bundle_without_questions_shows_its_materials_at_once(client, city):
    html = client.get(_url("portal:bundle-guide", city["newborn"])).content.decode()
    assert "situation-form" not in html
    assert "出生医学证明签发申请表" in html
    assert "需要提交 1 份材料" in html
    assert f'href="{_url("portal:bundle-notice", city["newborn"])}"' in html


@pytest.mark.parametrize(
    "view", ["portal:bundle-guide", "portal:bundle-situation", "portal:bundle-notice"]
)
def test_unknown_and_withdrawn_bundles_are_not_found(client, city, view):
    assert client.get(reverse(view, args=["NO-SUCH"])).status_code == 404
    Bundle.objects.filter(pk=city["restaurant"].pk).update(is_active=False)
    assert client.get(_url(view, city["restaurant"])).status_code == 404


def test_an_item_out_of_force_leaves_the_bundle(client, city):
    Item.objects.filter(pk=city["household"].pk).update(cancelled_on=timezone.localdate())
    html = client.get(_url("portal:bundle-guide", city["restaurant"])).content.decode()
    services = _between(html, 'id="services"', "</section>")
    assert "个体工商户设立登记" not in services and "食品经营许可" in services


# --- The combined notification ------------------------------------------------------------


def test_notice_lists_exactly_the_merged_materials(client, city):
    bundle = city["restaurant"]
    response = client.get(_url("portal:bundle-notice", bundle) + "?" + _encoded(RENTED))
    html = response.content.decode()
    assert response.status_code == 200
    sheet = _between(html, '<article class="notice-sheet"', "</article>")
    materials = _between(sheet, 'id="notice-materials-title"', "</section>")
    names = [
        cell.split("<")[0].strip()
        for cell in re.findall(r'<th scope="row">(.*?)</th>', materials, flags=re.S)
    ]
    expected = guidance.narrow(guidance.load(bundle, timezone.localdate()), RENTED)
    assert names == [m.name for m in expected.materials]
    assert names == [
        "个体工商户登记申请书",
        "经营者身份证明",
        "房屋租赁合同（副本）",
        "食品经营许可申请书",
        "营业执照",
    ]
    for absent in ("房屋产权证明", "网站备案信息", "须已取得网站备案", "网络销售备案工本费"):
        assert absent not in html
    assert "用于：个体工商户设立登记、食品经营许可" in _between(
        materials, "房屋租赁合同（副本）", "</tr>"
    )
    assert "您需要提交 3 份材料。" in sheet
    assert f"<dt>{PREMISES}</dt><dd>租赁</dd>" in sheet and f"<dt>{ONLINE}</dt><dd>否</dd>" in sheet
    assert "德州市行政审批服务局" in _between(sheet, '<p class="notice-issuer">', "</p>")
    assert "并联办理，最长 5 个工作日" in sheet
    services = _between(sheet, 'id="services-title"', "</section>")
    assert (
        "4 个工作小时" in services and "德州市市场监督管理局" in services and "不收费" in services
    )
    assert "有与经营的食品品种、数量相适应的经营场所" in sheet
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in sheet
    assert 'onclick="window.print()"' in html
    back = _url("portal:bundle-guide", bundle) + "?" + _encoded(RENTED).replace("&", "&amp;")
    assert f'href="{back}"' in html


def test_notice_link_from_the_guide_carries_the_answers(client, city):
    bundle = city["restaurant"]
    html = client.post(
        _url("portal:bundle-situation", bundle), _radios(OWN_ONLINE), **HTMX
    ).content.decode()
    href = re.search(r'href="([^"]*/notice/[^"]*)"', html).group(1).replace("&amp;", "&")
    sheet = client.get(href).content.decode()
    assert "网站备案信息" in _between(sheet, '<article class="notice-sheet"', "</article>")
    assert "房屋租赁合同" not in sheet
    # The same notice as a PDF, with the same answers.
    pdf_href = re.search(r'href="([^"]*/notice\.pdf[^"]*)"', sheet).group(1).replace("&amp;", "&")
    pdf = client.get(pdf_href)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_notice_needs_every_answer(client, city):
    bundle = city["restaurant"]
    html = client.get(
        _url("portal:bundle-notice", bundle), {"a": f"{PREMISES}|租赁"}
    ).content.decode()
    assert "以下问题尚未回答" in html and ONLINE in html
    assert '<article class="notice-sheet"' not in html
    html = client.get(_url("portal:bundle-notice", bundle), {"a": "garbage"}).content.decode()
    assert PREMISES in html and ONLINE in html


def test_bundle_pages_query_count_does_not_grow_with_items(
    client, city, django_assert_max_num_queries
):
    big = city["restaurant"]
    agency = AgencyFactory()
    for number in range(6):  # eight items in all, each asking the premises question
        household = household_registration(agency)
        ItemVersion.objects.filter(item=household).update(name=f"分店登记{number}")
        BundleItem.objects.create(bundle=big, item=household, order=10 + number)
    radios = _radios(RENTED)
    with django_assert_max_num_queries(6):
        assert client.get(_url("portal:bundle-guide", big)).status_code == 200
    with django_assert_max_num_queries(8):
        html = client.post(_url("portal:bundle-situation", big), radios, **HTMX).content.decode()
    assert html.count("房屋租赁合同（副本）") == 1
    with django_assert_max_num_queries(8):
        assert client.get(_url("portal:bundle-guide", big), radios).status_code == 200
    with django_assert_max_num_queries(8):
        url = _url("portal:bundle-notice", big) + "?" + _encoded(RENTED)
        assert client.get(url).status_code == 200


# --- Details ------------------------------------------------------------------------------


def test_answers_survive_a_bar_in_the_question():
    question = catalog_bundles.CombinedQuestion("类型|规模?", ["小型|微型", "大型"])
    data = QueryDict(mutable=True)
    data.setlist("a", ["类型|规模?|小型|微型", "不存在|是"])
    assert guidance.chosen_answers(data, [question]) == {"类型|规模?": "小型|微型"}
    assert guidance.answers_query({"类型|规模?": "小型|微型"}) == (
        "a=%E7%B1%BB%E5%9E%8B%7C%E8%A7%84%E6%A8%A1%3F%7C%E5%B0%8F%E5%9E%8B%7C%E5%BE%AE%E5%9E%8B"
    )


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "并联办理，均当场办结"),
        (0.5, "并联办理，最长 4 个工作小时"),
        (1, "并联办理，最长 1 个工作日"),
        (1.5, "并联办理，最长 1.5 个工作日"),
        (20, "并联办理，最长 20 个工作日"),
    ],
)
def test_combined_limit_wording(days, text):
    with translation.override("zh-hans"):
        assert parallel_limit(days) == text


def test_item_notice_offers_the_pdf_with_the_same_answers(client):
    item, parts = food_licence()
    answers = f"{parts['rented'].pk},{parts['no'].pk}"
    html = client.get(reverse("portal:item-notice", args=[item.impl_code]), {"answers": answers})
    html = html.content.decode()
    pdf = reverse("api-v1:notice_pdf", args=[item.impl_code]) + f"?answers={answers}"
    link = re.search(rf'<a [^>]*href="{re.escape(pdf)}"[^>]*>([^<]+)</a>', html)
    assert link and link.group(1) == "下载 PDF"
    response = client.get(pdf)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_pages_are_english_too(client, city):
    client.cookies["tongban_language"] = "en"
    html = client.get(reverse("portal:search"), {"q": "开饭店"}).content.decode()
    assert "What do you want to do?" in html and "One thing" in html
    html = client.get(_url("portal:bundle-guide", city["restaurant"])).content.decode()
    assert "Handled in parallel: at most 8 working days" in html
    html = client.get(reverse("portal:browse")).content.decode()
    assert "Enterprise life cycle" in html


def test_a_half_day_promise_reads_in_hours_and_a_bundle_limit_wins(client, city):
    bundle = make_bundle(
        "YJS-GT",
        "个体户开业一件事",
        Bundle.Theme.ENTERPRISE,
        city["bureau"],
        [city["household"]],
    )
    html = client.get(_url("portal:bundle-guide", bundle)).content.decode()
    assert "并联办理，最长 4 个工作小时" in html
    Bundle.objects.filter(pk=bundle.pk).update(promised_limit=3)
    html = client.get(_url("portal:bundle-guide", bundle)).content.decode()
    assert "并联办理，最长 3 个工作日" in html


def test_stale_answers_in_an_address_are_asked_again(client, city):
    """A question no item asks any more is ignored; its replacement is asked."""
    html = client.get(
        _url("portal:bundle-notice", city["restaurant"]),
        [("a", "旧问题?|是"), *_query({PREMISES: "租赁"})],
    ).content.decode()
    assert "旧问题" not in html and ONLINE in html
