"""The demo catalog: realistic, complete, published, loaded idempotently, guides that work."""

import dataclasses
import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from tongban.catalog import actions
from tongban.catalog.guide import guide_for
from tongban.catalog.models import (
    Delegation,
    Item,
    ItemType,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
)
from tongban.core.models import AuditEntry
from tongban.demo import catalog_data
from tongban.demo.catalog_loader import KINDS, DemoCityMissing, load_demo_catalog
from tongban.demo.loader import load_demo_city
from tongban.org.models import Agency, Region, StaffRole, User
from tongban.org.policy import allows, principal_for_user

pytestmark = pytest.mark.django_db

BUREAU = "德州市行政审批服务局"
PUBLISHED = ItemVersion.Status.PUBLISHED

# The items the brief names; each must be in the demo catalog (a name containing this).
REQUIRED_NAMES = [
    "企业设立登记",
    "食品经营许可",
    "公共场所卫生许可",
    "户外广告设施设置审批",
    "城镇污水排入排水管网许可",
    "临时使用林地审批",
    "城市绿地、树木审批",
    "教师资格认定",
    "医师执业注册",
    "护士执业注册",
    "社会团体成立登记",
    "民办非企业单位",
    "选址意见书",
    "建设用地规划许可证",
    "建设工程规划许可证",
    "建筑工程施工许可证",
    "竣工验收备案",
    "用水报装",
    "用电报装",
    "燃气报装",
    "宽带及固定电话装机",
    "老年人优待证",
    "残疾人证",
    "生育登记",
    "出生医学证明",
    "道路货物运输经营许可",
    "出租汽车驾驶员从业资格",
    "药品零售企业经营许可",
    "医疗器械经营备案",
    "烟草专卖零售许可",
    "排污许可",
    "取水许可",
    "印章刻制备案",
    "新办纳税人涉税事项",
    "发票领用",
    "社会保险登记",
    "住房公积金单位缴存登记",
    "人力资源服务许可",
    "劳务派遣经营许可",
    "旅行社设立许可",
    "娱乐场所经营许可",
    "互联网上网服务营业场所",
    "二手车",
    "报废机动车回收",
    "危险化学品经营许可",
    "建筑业企业资质",
    "房地产开发企业资质",
    "商品房预售许可",
]


@pytest.fixture
def demo_city():
    return load_demo_city()


def published(name: str) -> ItemVersion:
    return ItemVersion.objects.get(name=name, status=PUBLISHED)


def answers(version: ItemVersion, *pairs: tuple[str, str]) -> list[int]:
    """The ids of the answers ``(question text, answer text)`` of ``version``."""
    return [
        SituationOption.objects.get(
            question__version=version, question__text=question, text=answer
        ).pk
        for question, answer in pairs
    ]


def material_names(version: ItemVersion, *pairs: tuple[str, str]) -> list[str]:
    return [m.name for m in guide_for(version, answers(version, *pairs)).materials]


def catalog_rows() -> dict[str, int]:
    return {
        "items": Item.objects.count(),
        "versions": ItemVersion.objects.count(),
        "questions": SituationQuestion.objects.count(),
        "options": SituationOption.objects.count(),
        "materials": Material.objects.count(),
        "applies_when": Material.applies_when.through.objects.count(),
        "supervising": ItemVersion.supervising_agencies.through.objects.count(),
        "delegations": Delegation.objects.count(),
    }


# --- the data itself, without a database ---------------------------------------------------


def test_data_references_resolve_and_keys_are_unique():
    rows = catalog_data.ITEMS
    assert len({row.key for row in rows}) == len(rows)
    assert len({row.sequence for row in rows}) == len(rows)
    assert len({row.impl_code for row in rows}) == len(rows)
    assert len({row.name for row in rows}) == len(rows)
    for row in rows:
        assert len(row.catalog_code) == 12, row.name
        assert len(row.impl_code) <= Item._meta.get_field("impl_code").max_length
        assert 3 <= len(row.materials) <= 10, row.name
        assert len(row.questions) <= 3, row.name
        answers_of = {f"{q.key}:{o.text}" for q in row.questions for o in q.options}
        assert len({q.key for q in row.questions}) == len(row.questions), row.name
        for question in row.questions:
            assert 2 <= len(question.options) <= 4, (row.name, question.text)
        for material in row.materials:
            assert set(material.when) <= answers_of, (row.name, material.name)
            assert "复印件" not in material.name
            assert material.acceptance_standard
        assert len({m.name for m in row.materials}) == len(row.materials), row.name
        # Every question changes something: a material, the limit, a fee or a condition.
        for question in row.questions:
            refs = {f"{question.key}:{o.text}" for o in question.options}
            used = any(refs & set(m.when) for m in row.materials) or any(
                o.promised_limit is not None or o.fee or o.conditions for o in question.options
            )
            assert used, (row.name, question.text)


# --- loaded --------------------------------------------------------------------------------


def test_the_catalog_is_large_and_spread_across_agencies(demo_city):
    items = Item.objects.all()
    assert items.count() >= 80
    assert demo_city["items_created"] == items.count() == len(catalog_data.ITEMS)
    assert demo_city["item_versions_created"] == items.count()
    agencies = set(items.values_list("agency__name", flat=True))
    assert len(agencies) >= 15
    per_agency = Counter(items.values_list("agency__name", flat=True))
    assert per_agency.most_common(1)[0][0] == BUREAU
    assert per_agency[BUREAU] > items.count() / 2
    with_questions = items.filter(versions__questions__isnull=False).distinct().count()
    assert with_questions >= 0.3 * items.count()
    kinds = set(items.values_list("agency__kind", flat=True))
    assert Agency.Kind.PUBLIC_SERVICE in kinds and Agency.Kind.LINE_DEPARTMENT in kinds
    types = set(ItemVersion.objects.values_list("item_type", flat=True))
    assert {
        ItemType.LICENSING,
        ItemType.CONFIRMATION,
        ItemType.BENEFIT,
        ItemType.PUBLIC_SERVICE,
        ItemType.FILING,
    } <= types


def test_the_items_the_brief_names_are_there(demo_city):
    names = list(ItemVersion.objects.values_list("name", flat=True))
    missing = [wanted for wanted in REQUIRED_NAMES if not any(wanted in n for n in names)]
    assert not missing


def test_every_version_is_published_and_keeps_its_promise(demo_city):
    versions = ItemVersion.objects.select_related("item")
    assert versions.count() == Item.objects.count()
    for version in versions:
        assert version.status == PUBLISHED, version
        assert (version.number, version.effective_from) == (1, dt.date(2026, 1, 1))
        assert version.published_at is not None
        assert actions.current_version(version.item) == version
        if version.promised_limit_unit == version.statutory_limit_unit:
            assert version.promised_limit <= version.statutory_limit, version
        if version.case_type == ItemVersion.CaseType.INSTANT:
            assert version.promised_limit == 0, version
        assert 1 <= version.online_depth <= 4
        assert 0 <= version.onsite_visits <= 2
        if version.online_depth == 4:
            assert version.onsite_visits == 0, version
        assert version.handling_modes and set(version.handling_modes) <= {
            "window",
            "online",
            "mail",
        }
        assert version.target_applicants and set(version.target_applicants) <= {
            "person",
            "enterprise",
            "organisation",
        }
        assert version.legal_basis.startswith("《"), version
        assert version.location and version.contact and version.keywords
        assert version.fee_required == bool(version.fee_description)
        version.full_clean()
    instant = versions.filter(case_type=ItemVersion.CaseType.INSTANT).count()
    assert 0.2 * versions.count() < instant < versions.count()
    assert versions.filter(reach=ItemVersion.Reach.CITY).count() >= 20
    assert versions.filter(fee_required=True).exists()


def test_power_sources_name_who_delegated(demo_city):
    versions = ItemVersion.objects.select_related("delegating_agency", "item__agency")
    for version in versions:
        if version.power_source == ItemVersion.PowerSource.STATUTORY:
            assert version.delegating_agency is None, version
        else:
            assert version.delegating_agency is not None, version
            assert version.delegating_agency != version.item.agency
    assert versions.exclude(power_source=ItemVersion.PowerSource.STATUTORY).count() >= 3
    travel = published("旅行社设立许可")
    assert travel.power_source == ItemVersion.PowerSource.ENTRUSTED
    assert travel.delegating_agency.name == "山东省文化和旅游厅"
    assert travel.delegating_agency.region.code == "370000"


def test_bureau_items_name_their_supervising_department(demo_city):
    bureau_versions = ItemVersion.objects.filter(item__agency__name=BUREAU)
    for version in bureau_versions:
        assert version.supervising_agencies.exists(), version
    food = published("食品经营许可")
    assert list(food.supervising_agencies.values_list("name", flat=True)) == [
        "德州市市场监督管理局"
    ]
    assert food.item.agency.name == BUREAU


def test_materials_are_never_photocopies_and_some_are_verifiable(demo_city):
    for item in Item.objects.prefetch_related("versions__materials"):
        (version,) = item.versions.all()
        materials = list(version.materials.all())
        assert 3 <= len(materials) <= 10, version
        for material in materials:
            assert "复印件" not in material.name
            assert material.acceptance_standard
            material.full_clean(exclude=["version"])
    assert not Material.objects.filter(name__contains="复印件").exists()
    verifiable = [m for m in Material.objects.all() if m.verifiable]
    assert len(verifiable) >= 80
    assert Material.objects.filter(source=Material.Source.SHARED_DATA).exists()
    assert Material.objects.filter(source=Material.Source.E_CERTIFICATE).exists()
    assert Material.objects.filter(necessity=Material.Necessity.DEFERRABLE).exists()
    assert set(Material.objects.values_list("kind", flat=True)) == set(Material.Kind.values)


def test_questions_have_two_to_four_answers(demo_city):
    for question in SituationQuestion.objects.prefetch_related("options"):
        assert 2 <= question.options.count() <= 4, question
    per_version = Counter(SituationQuestion.objects.values_list("version_id", flat=True))
    assert max(per_version.values()) <= 3


def test_business_licence_is_promised_in_half_a_day(demo_city):
    licence = published("企业设立登记")
    assert (licence.statutory_limit, licence.statutory_limit_unit) == (
        15,
        ItemVersion.LimitUnit.WORKING_DAYS,
    )
    assert (licence.promised_limit, licence.promised_limit_unit) == (
        4,
        ItemVersion.LimitUnit.WORKING_HOURS,
    )
    assert licence.reach == ItemVersion.Reach.CITY
    assert "营业执照" in licence.keywords


@pytest.mark.parametrize(
    ("company_type", "premises", "expected"),
    [
        (
            "有限责任公司",
            "租赁房产",
            [
                "企业登记（备案）申请书",
                "公司章程",
                "法定代表人、董事、监事和经理的任职文件",
                "投资人（股东、合伙人）主体资格证明",
                "经营场所租赁合同",
                "指定代表或者共同委托代理人授权委托书",
            ],
        ),
        (
            "个人独资企业",
            "自有房产",
            [
                "企业登记（备案）申请书",
                "投资人（股东、合伙人）主体资格证明",
                "经营场所不动产权证书",
                "指定代表或者共同委托代理人授权委托书",
            ],
        ),
    ],
)
def test_business_licence_guide(demo_city, company_type, premises, expected):
    version = published("企业设立登记")
    pairs = [("拟设立的企业类型？", company_type), ("经营场所是否为自有房产？", premises)]
    assert material_names(version, *pairs) == expected
    guide = guide_for(version, answers(version, *pairs))
    assert guide.promised_limit == 4
    if company_type == "个人独资企业":
        assert any("一个自然人" in condition for condition in guide.conditions)


def test_food_business_guide_own_premises_offline(demo_city):
    version = published("食品经营许可")
    pairs = [("经营场所是否为自有房产？", "自有房产"), ("是否从事网络食品销售？", "否")]
    assert material_names(version, *pairs) == [
        "食品经营许可申请书",
        "营业执照",
        "法定代表人（负责人）身份证明",
        "经营场所平面布局图",
        "食品安全管理制度",
        "经营场所不动产权证书",
    ]
    assert guide_for(version, answers(version, *pairs)).promised_limit == 3


def test_food_business_guide_rented_premises_selling_online(demo_city):
    version = published("食品经营许可")
    pairs = [("经营场所是否为自有房产？", "租赁房产"), ("是否从事网络食品销售？", "是")]
    assert material_names(version, *pairs) == [
        "食品经营许可申请书",
        "营业执照",
        "法定代表人（负责人）身份证明",
        "经营场所平面布局图",
        "食品安全管理制度",
        "经营场所租赁合同",
        "网络食品经营情况说明",
    ]
    guide = guide_for(version, answers(version, *pairs))
    assert guide.promised_limit == 5
    assert any("网络食品交易第三方平台" in c for c in guide.conditions)


def test_teacher_qualification_guides(demo_city):
    version = published("教师资格认定")
    assert version.case_type == ItemVersion.CaseType.INSTANT
    high_school = [("申请哪一学段？", "高级中学"), ("是否为免试认定的师范类专业毕业生？", "否")]
    assert material_names(version, *high_school) == [
        "教师资格认定申请表",
        "申请人居民身份证",
        "学历证书",
        "普通话水平测试等级证书",
        "教师资格认定体检表",
        "中小学教师资格考试合格证明",
        "本人近期二寸免冠彩色照片",
    ]
    assert any("本科" in c for c in guide_for(version, answers(version, *high_school)).conditions)
    kindergarten = [("申请哪一学段？", "幼儿园"), ("是否为免试认定的师范类专业毕业生？", "是")]
    assert material_names(version, *kindergarten) == [
        "教师资格认定申请表",
        "申请人居民身份证",
        "学历证书",
        "普通话水平测试等级证书",
        "教师资格认定体检表",
        "师范生教师职业能力测试合格证明",
        "本人近期二寸免冠彩色照片",
    ]
    guide = guide_for(version, answers(version, *kindergarten))
    assert guide.promised_limit == 0
    assert any("专科" in c for c in guide.conditions)


def test_greenery_guide_depends_on_felling_or_occupying(demo_city):
    version = published("工程建设涉及城市绿地、树木审批")
    assert material_names(version, ("申请事项？", "砍伐城市树木")) == [
        "工程建设涉及城市绿地、树木审批申请表",
        "建设项目批准文件",
        "树木位置图及品种、规格、数量清单",
        "树木补植方案",
    ]
    assert material_names(version, ("申请事项？", "临时占用城市绿地")) == [
        "工程建设涉及城市绿地、树木审批申请表",
        "建设项目批准文件",
        "占用绿地位置图和绿地恢复方案",
    ]


def test_an_answer_can_set_the_fee(demo_city):
    version = published("国有建设用地使用权及房屋所有权转移登记")
    guide = guide_for(version, answers(version, ("房屋用途？", "非住宅"), ("转移原因？", "继承")))
    assert guide.fees == ["不动产登记费550元/件（发改价格规〔2016〕2559号）"]
    assert "继承公证书或生效法律文书" in [m.name for m in guide.materials]


def test_delegations_hand_items_down_to_county_bureaus(demo_city):
    delegations = Delegation.objects.select_related("item__agency__region", "region")
    assert delegations.count() == demo_city["delegations_created"] >= 4
    for delegation in delegations:
        assert delegation.handling_agency.region == delegation.region
        assert delegation.handling_agency.kind == Agency.Kind.APPROVAL_BUREAU
        assert delegation.region.level == Region.Level.COUNTY
        assert delegation.region.level > delegation.item.agency.region.level
        assert delegation.ended_on is None
    names = {str(d.item) for d in delegations}
    assert {"公共场所卫生许可", "食品经营许可"} <= names
    food = Delegation.objects.filter(item__versions__name="食品经营许可")
    assert set(food.values_list("handling_agency__name", flat=True)) == {
        "德城区行政审批服务局",
        "陵城区行政审批服务局",
    }


def test_loading_twice_creates_nothing(demo_city):
    before = catalog_rows()
    audits = AuditEntry.objects.count()

    again = load_demo_city()

    assert catalog_rows() == before
    assert not any(again.values()), {k: v for k, v in again.items() if v}
    assert AuditEntry.objects.count() == audits
    assert not any(load_demo_catalog().values())
    assert {f"{kind}_created" for kind in KINDS} <= set(demo_city)
    assert demo_city["materials_created"] == before["materials"]


def test_changed_data_publishes_a_new_version_and_keeps_the_old(demo_city, monkeypatch):
    old = published("食品经营许可")
    old_materials = list(old.materials.values_list("name", flat=True))
    changed = [
        dataclasses.replace(row, promised_limit=2) if row.name == "食品经营许可" else row
        for row in catalog_data.ITEMS
    ]
    monkeypatch.setattr(catalog_data, "ITEMS", changed)

    counts = load_demo_city()

    assert counts["items_updated"] == 1
    assert counts["item_versions_created"] == 1
    assert counts["items_created"] == 0
    assert counts["materials_created"] == len(old_materials)
    versions = list(old.item.versions.order_by("number"))
    assert [(v.number, v.status) for v in versions] == [(1, PUBLISHED), (2, PUBLISHED)]
    assert versions[0].promised_limit == 3  # the old version keeps its promise
    assert versions[1].promised_limit == 2
    assert list(versions[0].materials.values_list("name", flat=True)) == old_materials
    assert list(versions[1].materials.values_list("name", flat=True)) == old_materials
    assert versions[1].supervising_agencies.get().name == "德州市市场监督管理局"
    assert actions.current_version(old.item) == versions[1]
    pairs = [("经营场所是否为自有房产？", "租赁房产"), ("是否从事网络食品销售？", "是")]
    assert "经营场所租赁合同" in material_names(versions[1], *pairs)
    assert AuditEntry.objects.filter(action="demo.load").count() == 2

    assert not any(load_demo_city().values())
    assert AuditEntry.objects.filter(action="demo.load").count() == 2


def test_an_item_being_edited_is_left_alone(demo_city, monkeypatch):
    version = published("食品经营许可")
    draft = actions.copy_version(version)
    changed = [
        dataclasses.replace(row, keywords="改过的关键词") if row.name == "食品经营许可" else row
        for row in catalog_data.ITEMS
    ]
    monkeypatch.setattr(catalog_data, "ITEMS", changed)

    counts = load_demo_city()

    assert not any(counts.values())
    assert list(version.item.versions.values_list("pk", flat=True)) == [draft.pk, version.pk]


def test_the_catalog_needs_the_city_first():
    with pytest.raises(DemoCityMissing):
        load_demo_catalog()
    assert not Item.objects.exists()


def test_catalog_admin_account_can_edit_and_publish_bureau_items(demo_city):
    user = User.objects.get(username="catalog")
    (assignment,) = user.assignments.all()
    assert assignment.role == StaffRole.CATALOG_ADMIN
    assert assignment.agency.name == BUREAU
    principal = principal_for_user(user)
    bureau_item = published("企业设立登记").item
    tax_item = published("发票领用").item
    assert allows(principal, "catalog.edit_item", bureau_item)
    assert not allows(principal, "catalog.edit_item", tax_item)
    assert allows(principal, "catalog.publish_item", tax_item)


def test_load_only_reports_the_catalog():
    out = StringIO()
    call_command("demo", "--load-only", stdout=out)
    assert f"items: {len(catalog_data.ITEMS)} created, 0 updated" in out.getvalue()
    assert "delegations:" in out.getvalue()
