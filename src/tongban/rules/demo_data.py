"""The demo city's decision rules (秒批) and the tests shipped with each.

Each rule is one ``collect`` decision table: a row per condition that is NOT met, giving
``refer`` and the reason, and a last row that always gives ``approve``. The result
approves only when no refer row matched (``services.normalise``). A missing record
(``found`` not true) has its own row, so absent data never passes a condition.

Inputs (built by ``tongban.instant``): ``form``, ``answers`` (the chosen situation
answers' texts), ``applicant``, ``context`` (``today``, ``year``) and one key per data
source the rule reads.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from tongban.catalog.models import ItemVersion

from .models import DecisionRule, Mode, RuleTest

EFFECTIVE_FROM = dt.date(2026, 1, 1)


def collect_table(name: str, refusals: list[tuple[str, str]]) -> dict:
    """A JDM graph: input → one collect table (``condition → refer, reason`` rows, then
    an unconditional approve row) → output."""
    rows = [
        {"_id": f"r{n}", "c": condition, "o": '"refer"', "r": f'"{reason}"'}
        for n, (condition, reason) in enumerate(refusals, start=1)
    ]
    rows.append({"_id": "ok", "c": "", "o": '"approve"', "r": '"符合全部条件"'})
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "申请", "position": {"x": 80, "y": 200}},
            {
                "id": "table",
                "type": "decisionTableNode",
                "name": name,
                "position": {"x": 360, "y": 200},
                "content": {
                    "hitPolicy": "collect",
                    "inputs": [{"id": "c", "name": "不满足的条件", "field": ""}],
                    "outputs": [
                        {"id": "o", "name": "结果", "field": "outcome"},
                        {"id": "r", "name": "理由", "field": "reason"},
                    ],
                    "rules": rows,
                },
            },
            {"id": "out", "type": "outputNode", "name": "决定", "position": {"x": 680, "y": 200}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
        ],
    }


@dataclass(frozen=True)
class DemoRule:
    name: str
    sources: tuple[str, ...]
    refusals: list[tuple[str, str]]
    tests: list[dict] = field(default_factory=list)

    @property
    def jdm(self) -> dict:
        return collect_table(self.name, self.refusals)


CONTEXT = {"today": "2026-11-28", "year": 2026}
CITY = "371400"


def person(**data) -> dict:
    base = {
        "found": True,
        "name": "示例",
        "sex": "女",
        "birth_date": "1960-01-01",
        "age": 66,
        "household_region": "371402",
        "household_city": CITY,
        "alive": True,
    }
    return base | data


def sample(name: str, expected: str, reason: str = "", **inputs) -> dict:
    document = {"form": {}, "answers": [], "applicant": {"kind": "person"}, "context": CONTEXT}
    return {
        "name": name,
        "inputs": document | inputs,
        "expected_outcome": expected,
        "expected_reason": reason,
    }


POPULATION_FOUND = ("population.found != true", "人口信息库未查到本人信息")
ALIVE = ("population.alive != true", "人口信息库显示本人状态异常")
CITY_HOUSEHOLD = (f'population.household_city != "{CITY}"', "户籍不在本市")

DEMO_RULES: dict[str, DemoRule] = {
    "elderly_card": DemoRule(
        "老年人优待证秒批规则",
        ("population",),
        [
            POPULATION_FOUND,
            ALIVE,
            ("population.age < 60", "年龄未满60周岁"),
            CITY_HOUSEHOLD,
        ],
        [
            sample("65周岁本市户籍", "approve", population=person(age=65)),
            sample("59周岁", "refer", "未满60周岁", population=person(age=59)),
            sample("外市户籍", "refer", "户籍", population=person(household_city="370100")),
            sample("查无此人", "refer", "未查到", population={"found": False, "error": ""}),
        ],
    ),
    "senior_allowance": DemoRule(
        "高龄津贴秒批规则",
        ("population",),
        [POPULATION_FOUND, ALIVE, ("population.age < 80", "年龄未满80周岁"), CITY_HOUSEHOLD],
        [
            sample("82周岁", "approve", population=person(age=82)),
            sample("79周岁", "refer", "未满80周岁", population=person(age=79)),
            sample("外市户籍", "refer", "户籍", population=person(age=85, household_city="370100")),
        ],
    ),
    "teacher_qualification": DemoRule(
        "教师资格认定秒批规则",
        ("education", "qualification", "credit"),
        [
            ("education.found != true", "学历学位库未查到学历信息"),
            ("qualification.found != true", "职业资格库未查到普通话和体检信息"),
            ("credit.found != true", "公共信用信息库未能查询"),
            ("education.degree_rank < 2", "学历低于专科"),
            (
                '("初级中学" in answers or "高级中学" in answers) and education.degree_rank < 3',
                "申请中学教师资格须具备本科及以上学历",
            ),
            ("qualification.putonghua_rank < 3", "普通话水平低于二级乙等"),
            ("qualification.health_check_passed != true", "体检结论不合格或未体检"),
            ("credit.disqualifying_record == true", "存在不得认定教师资格的记录"),
        ],
        [
            sample(
                "本科申请高中",
                "approve",
                answers=["高级中学", "否"],
                education={"found": True, "degree_rank": 3, "highest_degree": "bachelor"},
                qualification={"found": True, "putonghua_rank": 4, "health_check_passed": True},
                credit={"found": True, "disqualifying_record": False},
            ),
            sample(
                "专科申请初中",
                "refer",
                "本科",
                answers=["初级中学", "否"],
                education={"found": True, "degree_rank": 2, "highest_degree": "associate"},
                qualification={"found": True, "putonghua_rank": 4, "health_check_passed": True},
                credit={"found": True, "disqualifying_record": False},
            ),
            sample(
                "专科申请幼儿园",
                "approve",
                answers=["幼儿园", "是"],
                education={"found": True, "degree_rank": 2, "highest_degree": "associate"},
                qualification={"found": True, "putonghua_rank": 3, "health_check_passed": True},
                credit={"found": True, "disqualifying_record": False},
            ),
            sample(
                "有不良记录",
                "refer",
                "记录",
                answers=["小学", "否"],
                education={"found": True, "degree_rank": 3, "highest_degree": "bachelor"},
                qualification={"found": True, "putonghua_rank": 4, "health_check_passed": True},
                credit={"found": True, "disqualifying_record": True},
            ),
        ],
    ),
    "nurse_renewal": DemoRule(
        "护士执业注册延续秒批规则",
        ("qualification", "social_insurance"),
        [
            ('not ("延续注册" in answers)', "仅延续注册可自动办理，首次和变更注册由人工审核"),
            ("qualification.found != true", "职业资格库未查到护士执业注册信息"),
            ("social_insurance.found != true", "社会保险库未查到参保信息"),
            ('(qualification.nurse_registration_number ?? "") == ""', "未查到原护士执业注册"),
            ("qualification.health_check_passed != true", "体检结论不合格或未体检"),
            (
                'social_insurance.insured != true or social_insurance.employer_kind != "hospital"',
                "未在医疗机构参保执业",
            ),
        ],
        [
            sample(
                "医院在职护士延续",
                "approve",
                answers=["延续注册"],
                qualification={
                    "found": True,
                    "nurse_registration_number": "202037140001",
                    "health_check_passed": True,
                },
                social_insurance={"found": True, "insured": True, "employer_kind": "hospital"},
            ),
            sample(
                "首次注册",
                "refer",
                "人工审核",
                answers=["首次注册"],
                qualification={"found": True, "health_check_passed": True},
                social_insurance={"found": True, "insured": True, "employer_kind": "hospital"},
            ),
            sample(
                "未在医院参保",
                "refer",
                "医疗机构",
                answers=["延续注册"],
                qualification={
                    "found": True,
                    "nurse_registration_number": "202037140001",
                    "health_check_passed": True,
                },
                social_insurance={"found": True, "insured": True, "employer_kind": "company"},
            ),
        ],
    ),
    "outdoor_ad_renewal": DemoRule(
        "户外广告设施设置延续秒批规则",
        ("enterprise", "credit"),
        [
            ("enterprise.found != true", "市场主体登记库未查到本单位"),
            ("credit.found != true", "公共信用信息库未能查询"),
            ('enterprise.status != "存续"', "市场主体不在存续状态"),
            ("credit.dishonest == true", "存在严重失信记录"),
            ('not (credit.grade in ["A", "B"])', "信用等级低于B级"),
        ],
        [
            sample(
                "守信企业",
                "approve",
                applicant={"kind": "legal"},
                enterprise={"found": True, "status": "存续"},
                credit={"found": True, "grade": "A", "dishonest": False},
            ),
            sample(
                "失信企业",
                "refer",
                "失信",
                applicant={"kind": "legal"},
                enterprise={"found": True, "status": "存续"},
                credit={"found": True, "grade": "D", "dishonest": True},
            ),
            sample(
                "已注销",
                "refer",
                "存续",
                applicant={"kind": "legal"},
                enterprise={"found": True, "status": "注销"},
                credit={"found": True, "grade": "A", "dishonest": False},
            ),
        ],
    ),
    "graduate_housing_subsidy": DemoRule(
        "高校毕业生住房补贴秒批规则",
        ("population", "education", "social_insurance"),
        [
            POPULATION_FOUND,
            ("education.found != true", "学历学位库未查到学历信息"),
            ("social_insurance.found != true", "社会保险库未查到参保信息"),
            ("population.age > 35", "年龄超过35周岁"),
            ("education.degree_rank < 3", "学历低于全日制本科"),
            (
                "context.year - year(date(education.graduated_on)) > 5",
                "毕业已超过5年",
            ),
            (
                "social_insurance.insured != true or social_insurance.months_in_city < 6",
                "在本市连续缴纳社会保险不足6个月",
            ),
        ],
        [
            sample(
                "本科毕业两年",
                "approve",
                population=person(age=24),
                education={"found": True, "degree_rank": 3, "graduated_on": "2024-06-30"},
                social_insurance={"found": True, "insured": True, "months_in_city": 12},
            ),
            sample(
                "毕业七年",
                "refer",
                "5年",
                population=person(age=30),
                education={"found": True, "degree_rank": 4, "graduated_on": "2019-06-30"},
                social_insurance={"found": True, "insured": True, "months_in_city": 40},
            ),
            sample(
                "社保不足6个月",
                "refer",
                "6个月",
                population=person(age=24),
                education={"found": True, "degree_rank": 3, "graduated_on": "2025-06-30"},
                social_insurance={"found": True, "insured": True, "months_in_city": 3},
            ),
        ],
    ),
}


def load(versions: dict[str, ItemVersion | None]) -> list[DecisionRule]:
    """Each demo rule as revision 1 of its item version, active (idempotent)."""
    from .services import _sha

    loaded = []
    for key, rule_spec in DEMO_RULES.items():
        version = versions.get(key)
        if version is None:
            continue
        jdm = rule_spec.jdm
        rule, created = DecisionRule.objects.get_or_create(
            item_version=version,
            revision=1,
            defaults={
                "name": rule_spec.name,
                "jdm": jdm,
                "jdm_sha256": _sha(jdm),
                "sources": list(rule_spec.sources),
                "effective_from": EFFECTIVE_FROM,
                "mode": Mode.ACTIVE,
                "note": "演示规则",
                "uploaded_at": timezone.now(),
            },
        )
        if created:
            RuleTest.objects.bulk_create(RuleTest(rule=rule, **spec) for spec in rule_spec.tests)
        loaded.append(rule)
    return loaded
