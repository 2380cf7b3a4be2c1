"""The public service guide: the item list, one item's guide, the situation questions and
the one-time notification (一次性告知)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory
from tongban.catalog.actions import current_version
from tongban.catalog.models import (
    Item,
    ItemType,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
)
from tongban.portal.items import ITEMS_PER_PAGE

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- Small factories ----------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def make_item(
    agency=None,
    *,
    name="事项",
    impl_code=None,
    effective_from=None,
    cancelled_on=None,
    **fields,
) -> tuple[Item, ItemVersion]:
    """An item with one draft version; publish it with ``publish``."""
    agency = agency or AgencyFactory()
    item = Item.objects.create(
        catalog_code=fields.pop("catalog_code", "XK000100"),
        handling_item_code=fields.pop("handling_item_code", ""),
        impl_code=impl_code or f"IMPL-{Item.objects.count() + 1:04d}-{agency.credit_code}",
        agency=agency,
        cancelled_on=cancelled_on,
    )
    version = new_version(item, name=name, **fields)
    version._effective = effective_from or _today() - dt.timedelta(days=30)
    return item, version


def new_version(item: Item, *, name="事项", number=1, **fields) -> ItemVersion:
    values = {
        "item_type": ItemType.LICENSING,
        "legal_basis": "《中华人民共和国行政许可法》",
        "case_type": ItemVersion.CaseType.COMMITTED,
        "statutory_limit": 20,
        "promised_limit": 5,
        "target_applicants": ["person"],
    }
    values.update(fields)
    return ItemVersion.objects.create(item=item, number=number, name=name, **values)


def publish(version: ItemVersion, effective_from: dt.date | None = None) -> ItemVersion:
    version.status = ItemVersion.Status.PUBLISHED
    version.effective_from = effective_from or getattr(
        version, "_effective", _today() - dt.timedelta(days=30)
    )
    version.save()
    return version


def food_licence(agency=None, **fields) -> tuple[Item, dict]:
    """A food-business licence whose two situation questions choose the materials."""
    item, version = make_item(
        agency,
        name="食品经营许可",
        catalog_code="XK0001",
        handling_item_code="XK0001-01",
        acceptance_conditions="有与经营的食品品种、数量相适应的经营场所",
        promised_limit=5,
        target_applicants=["enterprise"],
        **fields,
    )
    Material.objects.create(
        version=version,
        order=1,
        name="食品经营许可申请书",
        kind="form",
        copies=2,
        acceptance_standard="法定代表人签字并加盖公章",
        blank_form="catalog/forms/application.docx",
        sample="catalog/samples/application.pdf",
    )
    Material.objects.create(
        version=version, order=2, name="营业执照", kind="electronic", source="e_certificate"
    )
    premises = SituationQuestion.objects.create(version=version, order=1, text="经营场所权属?")
    own = SituationOption.objects.create(question=premises, order=1, text="自有房产")
    rented = SituationOption.objects.create(question=premises, order=2, text="租赁")
    online = SituationQuestion.objects.create(version=version, order=2, text="是否网络销售?")
    yes = SituationOption.objects.create(
        question=online,
        order=1,
        text="是",
        promised_limit=8,
        conditions="须已取得网站备案",
        fee_description="网络销售备案工本费 10 元",
    )
    no = SituationOption.objects.create(question=online, order=2, text="否")
    Material.objects.create(
        version=version, order=3, name="房屋产权证明", kind="original"
    ).applies_when.set([own])
    Material.objects.create(
        version=version, order=4, name="房屋租赁合同", kind="original", necessity="deferrable"
    ).applies_when.set([rented])
    Material.objects.create(
        version=version, order=5, name="网站备案信息", kind="electronic"
    ).applies_when.set([yes])
    publish(version)
    answers = {"own": own, "rented": rented, "yes": yes, "no": no}
    return item, {"version": version, "premises": premises, "online": online, **answers}


def _guide(item: Item) -> str:
    return reverse("portal:item-guide", args=[item.impl_code])


def _situation(item: Item) -> str:
    return reverse("portal:item-situation", args=[item.impl_code])


def _notice(item: Item) -> str:
    return reverse("portal:item-notice", args=[item.impl_code])


def _ids(*options) -> str:
    return ",".join(str(option.pk) for option in options)


ALL_FOOD_MATERIALS = {
    "食品经营许可申请书",
    "营业执照",
    "房屋产权证明",
    "房屋租赁合同",
    "网站备案信息",
}


def _material_names(html: str) -> set[str]:
    return set(re.findall(r'<span class="material-name">([^<]+)</span>', html)) | set(
        re.findall(r'<th scope="row">\s*([^<\s]+)\s*(?:<span|</th>)', html)
    )


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# --- The list -----------------------------------------------------------------------------


def test_nav_links_to_the_service_guides(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:items")}"' in html
    assert "办事指南" in html


def test_list_shows_items_in_force_only(client):
    agency = AgencyFactory(name="德州市行政审批服务局")
    _item, live = make_item(
        agency,
        name="食品经营许可",
        case_type=ItemVersion.CaseType.COMMITTED,
        promised_limit=5,
        online_depth=3,
    )
    publish(live)
    _item, instant = make_item(
        agency,
        name="个体工商户登记",
        case_type=ItemVersion.CaseType.INSTANT,
        promised_limit=4,
        statutory_limit=8,
        promised_limit_unit=ItemVersion.LimitUnit.WORKING_HOURS,
        statutory_limit_unit=ItemVersion.LimitUnit.WORKING_HOURS,
    )
    publish(instant)
    make_item(agency, name="尚未发布的事项")  # a draft only
    _item, future = make_item(agency, name="明年生效的事项")
    publish(future, _today() + dt.timedelta(days=10))
    _item, cancelled = make_item(agency, name="已取消的事项", cancelled_on=_today())
    publish(cancelled)
    _item, ending = make_item(
        agency, name="下月取消的事项", cancelled_on=_today() + dt.timedelta(days=30)
    )
    publish(ending)

    response = client.get(reverse("portal:items"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "食品经营许可" in html and "个体工商户登记" in html and "下月取消的事项" in html
    for hidden in ("尚未发布的事项", "明年生效的事项", "已取消的事项"):
        assert hidden not in html
    assert "共找到 3 个事项。" in html
    row = _between(html, "食品经营许可", "</tr>")
    assert "德州市行政审批服务局" in row
    assert "承诺件" in row and "5 个工作日" in row and "Ⅲ级" in row
    assert f'href="{reverse("portal:item-guide", args=[live.item.impl_code])}"' in html
    row = _between(html, "个体工商户登记", "</tr>")
    assert "即办件" in row and "4 个工作小时" in row


def test_list_shows_the_version_current_version_picks(client):
    agency = AgencyFactory()
    item, first = make_item(agency, name="旧名称")
    publish(first, _today() - dt.timedelta(days=60))
    second = new_version(item, number=2, name="新名称")
    publish(second, _today() - dt.timedelta(days=1))
    third = new_version(item, number=3, name="将来的名称")
    publish(third, _today() + dt.timedelta(days=5))
    html = client.get(reverse("portal:items")).content.decode()
    assert current_version(item).name == "新名称"
    assert "新名称" in html
    assert "旧名称" not in html and "将来的名称" not in html


def test_list_filters_by_agency_target_and_keyword(client):
    market, health = AgencyFactory(name="市场监督管理局"), AgencyFactory(name="卫生健康委员会")
    publish(make_item(market, name="食品经营许可", target_applicants=["enterprise"])[1])
    publish(make_item(market, name="个体工商户登记", target_applicants=["person", "enterprise"])[1])
    publish(
        make_item(health, name="医师执业注册", target_applicants=["person"], keywords="医生")[1]
    )
    url = reverse("portal:items")

    html = client.get(url, {"agency": market.pk}).content.decode()
    assert "食品经营许可" in html and "个体工商户登记" in html
    assert "医师执业注册" not in html
    assert f'<option value="{market.pk}" selected>市场监督管理局</option>' in html

    html = client.get(url, {"target": "person"}).content.decode()
    assert "个体工商户登记" in html and "医师执业注册" in html
    assert "食品经营许可" not in html

    html = client.get(url, {"target": "enterprise", "agency": market.pk}).content.decode()
    assert "食品经营许可" in html and "个体工商户登记" in html and "医师执业注册" not in html

    html = client.get(url, {"q": "医生"}).content.decode()
    assert "医师执业注册" in html and "食品经营许可" not in html

    # Nonsense filters are ignored, not an error.
    response = client.get(url, {"agency": "x", "target": "martian"})
    assert response.status_code == 200
    assert "共找到 3 个事项。" in response.content.decode()


def test_list_paginates_with_bounded_queries(client, django_assert_max_num_queries):
    agencies = [AgencyFactory() for _ in range(3)]
    for number in range(ITEMS_PER_PAGE + 1):
        publish(make_item(agencies[number % 3], name=f"事项{number:02d}")[1])
    with django_assert_max_num_queries(6):
        first = client.get(reverse("portal:items")).content.decode()
    assert first.count('<th scope="row">') == ITEMS_PER_PAGE
    assert "第 1 页，共 2 页" in first
    second = client.get(reverse("portal:items"), {"page": 2}).content.decode()
    assert second.count('<th scope="row">') == 1


# --- One item's guide ---------------------------------------------------------------------


def test_guide_shows_every_field(client):
    agency = AgencyFactory(name="德州市行政审批服务局")
    province = AgencyFactory(name="山东省市场监督管理局")
    supervisor = AgencyFactory(name="德州市市场监督管理局")
    item, version = make_item(
        agency,
        name="食品生产许可",
        catalog_code="XK0002",
        handling_item_code="XK0002-03",
        item_type=ItemType.LICENSING,
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        power_source=ItemVersion.PowerSource.DELEGATED,
        delegating_agency=province,
        levels=["province", "city"],
        acceptance_conditions="具有与生产的食品品种相适应的生产场所",
        case_type=ItemVersion.CaseType.COMMITTED,
        statutory_limit=20,
        promised_limit=10,
        special_procedures="现场核查",
        fee_required=True,
        fee_description="依据《行政事业性收费标准》收取 50 元",
        online_depth=3,
        onsite_visits=1,
        handling_modes=["window", "online"],
        reach=ItemVersion.Reach.CITY,
        target_applicants=["enterprise"],
        procedure="申请—受理—审查—决定",
        location="德州市政务服务中心二楼 B 区",
        contact="0534-2688888",
    )
    version.supervising_agencies.set([supervisor])
    Material.objects.create(
        version=version,
        order=1,
        name="食品生产许可申请书",
        kind="form",
        copies=2,
        necessity="required",
        acceptance_standard="加盖公章",
        blank_form="catalog/forms/food.docx",
    )
    Material.objects.create(
        version=version, order=2, name="营业执照", kind="electronic", source="shared_data"
    )
    Material.objects.create(
        version=version,
        order=3,
        name="食品安全管理制度",
        kind="original",
        necessity="deferrable",
        source="applicant",
    )
    publish(version, dt.date(2026, 1, 5))

    response = client.get(_guide(item))
    html = response.content.decode()
    assert response.status_code == 200
    expected = [
        "食品生产许可",
        "XK0002",
        item.impl_code,
        "XK0002-03",
        "行政许可",
        "德州市行政审批服务局",
        "授权",
        "山东省市场监督管理局",
        "省级、市级",
        "《中华人民共和国食品安全法》第三十五条",
        "具有与生产的食品品种相适应的生产场所",
        "承诺件",
        "20 个工作日",
        "10 个工作日",
        "现场核查",
        "依据《行政事业性收费标准》收取 50 元",
        "Ⅲ级",
        "Ⅲ级：网上申请、网上受理，最多跑一次。",
        "1 次",
        "窗口办理、网上办理",
        "全市任一服务网点办理（市域通办）",
        "企业法人",
        "德州市市场监督管理局",
        "申请—受理—审查—决定",
        "德州市政务服务中心二楼 B 区",
        "0534-2688888",
        "第 1 版，自 2026年1月5日 起施行",
    ]
    missing = [text for text in expected if text not in html]
    assert not missing
    for label in ("设定依据", "受理条件", "法定办结时限", "承诺办结时限", "特别程序", "监管部门"):
        assert f"<dt>{label}</dt>" in html
    # Materials: name, kind, copies, necessity, source, standard, forms.
    materials = _between(html, 'id="materials"', "</table>")
    row = _between(materials, "食品生产许可申请书", "</tr>")
    assert "填报表单" in row and '<td data-label="份数">2</td>' in row and "必要" in row
    assert "申请人自备" in row and "受理标准：加盖公章" in row
    assert 'href="/media/catalog/forms/food.docx"' in row
    row = _between(materials, "营业执照", "</tr>")
    assert "可通过数据共享核验，无需提交" in row
    row = _between(materials, "食品安全管理制度", "</tr>")
    assert "可容缺后补" in row and "可通过数据共享核验" not in row
    # No situation questions: the notification is one click away.
    assert f'href="{_notice(item)}"' in html


def test_guide_of_a_free_instant_item(client):
    item, version = make_item(
        name="居民身份证挂失",
        case_type=ItemVersion.CaseType.INSTANT,
        promised_limit=0,
        statutory_limit=1,
        onsite_visits=0,
    )
    publish(version)
    html = client.get(_guide(item)).content.decode()
    assert "即办件" in html and "当场办结" in html
    assert "不收费" in html and "0 次（无需到现场）" in html
    assert "无需提交材料。" in html


@pytest.mark.parametrize("path", ["guide", "situation", "notice"])
def test_cancelled_and_unknown_items_are_not_found(client, path):
    item, version = make_item(name="已取消的事项", cancelled_on=_today() - dt.timedelta(days=1))
    publish(version)
    draft_only, _draft = make_item(name="草稿事项")
    urls = {"guide": _guide, "situation": _situation, "notice": _notice}
    for target in (item, draft_only):
        response = client.get(urls[path](target))
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
    assert (
        client.get(f"/items/NO-SUCH-CODE/{'' if path == 'guide' else path + '/'}").status_code
        == 404
    )


def test_item_cancelled_in_the_future_still_shows_with_a_warning(client):
    item, version = make_item(name="即将取消的事项", cancelled_on=_today() + dt.timedelta(days=7))
    publish(version)
    html = client.get(_guide(item)).content.decode()
    assert "即将取消的事项" in html and "起取消，此前仍正常受理" in html


def test_guide_with_forty_materials_stays_within_the_query_budget(
    client, django_assert_max_num_queries
):
    item, version = make_item(
        name="建设工程规划许可", delegating_agency=AgencyFactory(), power_source="entrusted"
    )
    version.supervising_agencies.set([AgencyFactory(), AgencyFactory()])
    question = SituationQuestion.objects.create(version=version, text="是否分期建设?")
    yes = SituationOption.objects.create(question=question, order=1, text="是")
    SituationOption.objects.create(question=question, order=2, text="否")
    for number in range(40):
        material = Material.objects.create(
            version=version, order=number, name=f"材料{number:02d}", kind="original"
        )
        if number % 4 == 0:
            material.applies_when.set([yes])
    publish(version)
    with django_assert_max_num_queries(15):
        html = client.get(_guide(item)).content.decode()
    assert html.count('<span class="material-name">') == 40
    with django_assert_max_num_queries(15):
        html = client.get(_guide(item), {"answers": yes.pk}).content.decode()
    assert "需要提交 40 份材料" in html
    with django_assert_max_num_queries(15):
        client.post(_situation(item), {f"q{question.pk}": yes.pk}, **HTMX)
    with django_assert_max_num_queries(15):
        client.get(_notice(item), {"answers": yes.pk})


# --- The situation questions --------------------------------------------------------------


def test_guide_shows_questions_as_accessible_radio_groups(client):
    item, parts = food_licence()
    html = client.get(_guide(item)).content.decode()
    assert html.count('<fieldset class="question"') == 2
    assert "<legend>1. 经营场所权属?</legend>" in html
    assert "<legend>2. 是否网络销售?</legend>" in html
    assert f'type="radio" name="q{parts["premises"].pk}" value="{parts["rented"].pk}"' in html
    assert f'hx-post="{_situation(item)}"' in html
    assert 'method="get"' in html  # works without JavaScript
    # The full list says when a conditional material is needed.
    row = _between(html, "房屋租赁合同", "</tr>")
    assert "适用情形：经营场所权属：租赁" in row


def test_rented_premises_without_online_sales(client):
    item, parts = food_licence()
    response = client.post(
        _situation(item),
        {f"q{parts['premises'].pk}": parts["rented"].pk, f"q{parts['online'].pk}": parts["no"].pk},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment
    assert _material_names(html) == {"食品经营许可申请书", "营业执照", "房屋租赁合同"}
    # The e-certificate is verified, not submitted.
    assert "根据您的选择，需要提交 2 份材料" in html
    assert "另有 1 份材料可通过数据共享核验，无需提交。" in html
    assert "5 个工作日" in html and "不收费" in html
    assert "有与经营的食品品种、数量相适应的经营场所" in html
    assert "须已取得网站备案" not in html
    answers = _ids(parts["rented"], parts["no"])
    assert f'href="{_notice(item)}?answers={answers}"' in html
    assert response["HX-Replace-Url"] == f"{_guide(item)}?answers={answers}"
    assert "HX-Request" in response["Vary"]


def test_own_premises_with_online_sales(client):
    item, parts = food_licence()
    html = client.post(
        _situation(item),
        {f"q{parts['premises'].pk}": parts["own"].pk, f"q{parts['online'].pk}": parts["yes"].pk},
        **HTMX,
    ).content.decode()
    assert _material_names(html) == {
        "食品经营许可申请书",
        "营业执照",
        "房屋产权证明",
        "网站备案信息",
    }
    assert "根据您的选择，需要提交 3 份材料" in html
    assert "8 个工作日" in html
    assert "须已取得网站备案" in html
    assert "网络销售备案工本费 10 元" in html


def test_unanswered_questions_are_named(client):
    item, parts = food_licence()
    response = client.post(
        _situation(item), {f"q{parts['premises'].pk}": parts["rented"].pk}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "请先回答以下问题：" in html
    assert f'<a href="#question-{parts["online"].pk}">是否网络销售?</a>' in html
    assert "经营场所权属?" not in html
    assert "需要提交" not in html
    # Nothing answered at all, or answers of another item: every question is named.
    _other, other_parts = food_licence(impl_code="OTHER-ITEM")
    html = client.post(
        _situation(item), {"answers": _ids(other_parts["own"], other_parts["no"])}, **HTMX
    ).content.decode()
    assert "经营场所权属?" in html and "是否网络销售?" in html


def test_without_javascript_the_form_reloads_the_page_narrowed(client):
    item, parts = food_licence()
    response = client.get(
        _guide(item),
        {f"q{parts['premises'].pk}": parts["own"].pk, f"q{parts['online'].pk}": parts["no"].pk},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    result = _between(html, 'id="guide-result"', 'id="materials"')
    assert _material_names(result) == {"食品经营许可申请书", "营业执照", "房屋产权证明"}
    # The choices stay ticked, and the full list is still below.
    assert f'value="{parts["own"].pk}" checked' in html
    assert _material_names(_between(html, 'id="materials"', "</table>")) == ALL_FOOD_MATERIALS
    # A plain POST to the situation address (JavaScript failed) gives the whole page too.
    html = client.post(
        _situation(item),
        {f"q{parts['premises'].pk}": parts["rented"].pk, f"q{parts['online'].pk}": parts["no"].pk},
    ).content.decode()
    assert "<html" in html
    result = _between(html, 'id="guide-result"', 'id="materials"')
    assert _material_names(result) == {"食品经营许可申请书", "营业执照", "房屋租赁合同"}
    # An address with the answers (as HTMX puts in the address bar) shows the same.
    html = client.get(_guide(item), {"answers": _ids(parts["rented"], parts["no"])})
    result = _between(html.content.decode(), 'id="guide-result"', 'id="materials"')
    assert _material_names(result) == {"食品经营许可申请书", "营业执照", "房屋租赁合同"}


def test_a_material_for_several_answers_says_so_plainly(client):
    item, version = make_item(name="道路运输经营许可")
    vehicles = SituationQuestion.objects.create(version=version, order=1, text="车辆来源？")
    owned = SituationOption.objects.create(question=vehicles, order=1, text="自有")
    leased = SituationOption.objects.create(question=vehicles, order=2, text="融资租赁")
    borrowed = SituationOption.objects.create(question=vehicles, order=3, text="借用")
    goods = SituationQuestion.objects.create(version=version, order=2, text="运输危险货物?")
    dangerous = SituationOption.objects.create(question=goods, order=1, text="是")
    SituationOption.objects.create(question=goods, order=2, text="否")
    Material.objects.create(version=version, name="车辆行驶证", kind="original").applies_when.set(
        [owned, leased, dangerous]
    )
    publish(version)
    html = client.get(_guide(item)).content.decode()
    assert "适用情形：车辆来源：自有或融资租赁；运输危险货物：是" in html
    # Both conditions must hold: a leased vehicle without dangerous goods needs no licence.
    fragment = client.post(
        _situation(item), {"answers": _ids(leased, dangerous)}, **HTMX
    ).content.decode()
    assert "车辆行驶证" in fragment
    for answers in (
        _ids(leased, SituationOption.objects.get(text="否")),
        _ids(borrowed, dangerous),
    ):
        fragment = client.post(_situation(item), {"answers": answers}, **HTMX).content.decode()
        assert "车辆行驶证" not in fragment
        assert "需要提交 0 份材料" in fragment


# --- The one-time notification ------------------------------------------------------------


def test_notice_lists_exactly_what_applies(client):
    item, parts = food_licence()
    version = parts["version"]
    response = client.get(_notice(item), {"answers": _ids(parts["rented"], parts["no"])})
    html = response.content.decode()
    assert response.status_code == 200
    sheet = _between(html, '<article class="notice-sheet"', "</article>")
    assert _material_names(sheet) == {"食品经营许可申请书", "营业执照", "房屋租赁合同"}
    for absent in ("房屋产权证明", "网站备案信息", "须已取得网站备案", "网络销售备案工本费"):
        assert absent not in html
    row = _between(sheet, "食品经营许可申请书", "</tr>")
    assert "<td>2</td>" in row and "填报表单" in row and "必要" in row
    assert "可容缺后补" in _between(sheet, "房屋租赁合同", "</tr>")
    assert "可通过数据共享核验，无需提交" in _between(sheet, "营业执照", "</tr>")
    assert "您需要提交 2 份材料。" in sheet
    # The answers, conditions, limit, fee, version and today's date.
    assert "<dt>经营场所权属?</dt><dd>租赁</dd>" in sheet
    assert "<dt>是否网络销售?</dt><dd>否</dd>" in sheet
    assert "有与经营的食品品种、数量相适应的经营场所" in sheet
    assert "5 个工作日" in sheet and "不收费" in sheet
    assert f"第 {version.number} 版" in sheet
    today = _today()
    assert f"{today.year}年{today.month}月{today.day}日" in sheet
    assert 'onclick="window.print()"' in html and ">打印</button>" in html


def test_notice_for_the_other_path(client):
    item, parts = food_licence()
    html = client.get(_notice(item), {"answers": _ids(parts["own"], parts["yes"])}).content.decode()
    sheet = _between(html, '<article class="notice-sheet"', "</article>")
    assert _material_names(sheet) == {
        "食品经营许可申请书",
        "营业执照",
        "房屋产权证明",
        "网站备案信息",
    }
    assert "房屋租赁合同" not in html
    assert "8 个工作日" in sheet and "网络销售备案工本费 10 元" in sheet
    assert "须已取得网站备案" in sheet


def test_notice_shows_procedure_place_and_contact(client):
    item, version = make_item(
        name="公共场所卫生许可",
        procedure="网上申请\n窗口受理\n现场核查",
        location="德州市政务服务中心一楼",
        contact="0534-12345678",
        fee_required=True,
        fee_description="不收取费用以外的工本费 5 元",
    )
    Material.objects.create(version=version, name="卫生许可申请表", kind="form")
    publish(version)
    html = client.get(_notice(item)).content.decode()  # no questions: nothing to answer
    sheet = _between(html, '<article class="notice-sheet"', "</article>")
    assert "网上申请<br>窗口受理<br>现场核查" in sheet
    assert "德州市政务服务中心一楼" in sheet and "0534-12345678" in sheet
    assert "工本费 5 元" in sheet
    assert "您的情形" not in sheet


def test_notice_needs_every_answer(client):
    item, parts = food_licence()
    html = client.get(_notice(item), {"answers": _ids(parts["own"])}).content.decode()
    assert "以下问题尚未回答" in html
    assert "是否网络销售?" in html
    assert '<article class="notice-sheet"' not in html
    assert f'href="{_guide(item)}#situation"' in html
    # Garbage in the address is treated as no answer.
    html = client.get(_notice(item), {"answers": "1;drop,abc"}).content.decode()
    assert "经营场所权属?" in html and "是否网络销售?" in html


def test_pages_are_english_too(client):
    item, parts = food_licence()
    client.cookies["tongban_language"] = "en"
    html = client.get(_guide(item)).content.decode()
    assert "Which materials do I need?" in html and "5 working days" in html
    html = client.get(_notice(item), {"answers": _ids(parts["rented"], parts["no"])})
    assert "One-time notification" in html.content.decode()
