"""The demo city's decision rules (秒批规则) and the tests shipped with each.

The rules are JDM files in ``rules/demo/<key>.json`` (open them in the GoRules JDM
editor; the workbench uploads and downloads the same format). Each is a ``collect``
decision table over condition expressions:

- one ``refer`` row per condition, matching when the condition is NOT met, with its
  Chinese reason; a condition on a data source's record only applies when the record
  was found (``<source>.found == true``), and a missing record has its own row;
- a last ``approve`` row matching only when every condition holds.

The rule approves only when the approve row alone matched (``services.normalise``). A
condition the engine cannot evaluate (a missing or mistyped field) matches neither its
refer row nor the approve row, so bad or missing data never approves.

``teacher_qualification`` first runs an expression node that finds the school level
applied for (``form.school_level``, else the chosen situation answer).

Inputs (built by ``tongban.instant``): ``form``, ``answers`` (the chosen situation
answers' texts), ``applicant``, ``context`` (``today``, ``year``) and one key per data
source the rule reads.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from tongban.catalog.models import ItemVersion

from .models import DecisionRule, Mode, RuleTest, jdm_sha256

EFFECTIVE_FROM = dt.date(2026, 1, 1)
DEMO_DIR = Path(__file__).resolve().parent / "demo"
CITY = "371400"
CONTEXT = {"today": "2026-11-28", "year": 2026}


@dataclass(frozen=True)
class DemoRule:
    """A demo rule: its JDM file (in ``rules/demo/``), name, sources and shipped tests."""

    file: str
    name: str
    sources: tuple[str, ...]
    tests: list[dict] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return DEMO_DIR / self.file

    @cached_property
    def raw(self) -> bytes:
        return self.path.read_bytes()

    @property
    def jdm(self) -> dict:
        return json.loads(self.raw)


def person(**data) -> dict:
    """A found population record (a 66-year-old resident of the city), with changes."""
    base = {
        "found": True,
        "name": "王秀兰",
        "sex": "女",
        "birth_date": "1960-03-15",
        "age": 66,
        "household_region": "371402",
        "household_city": CITY,
        "alive": True,
    }
    return base | data


def education(**data) -> dict:
    base = {
        "found": True,
        "highest_degree": "bachelor",
        "degree_rank": 3,
        "major": "汉语言文学",
        "school": "德州学院",
        "graduated_on": "2024-06-30",
    }
    return base | data


def qualification(**data) -> dict:
    base = {
        "found": True,
        "putonghua_level": "二级甲等",
        "putonghua_rank": 4,
        "health_check_passed": True,
        "health_check_on": "2026-09-01",
        "nurse_registration_number": "",
        "nurse_registration_valid_to": None,
        "teacher_qualification": True,
    }
    return base | data


def credit(**data) -> dict:
    base = {
        "found": True,
        "grade": "A",
        "dishonest": False,
        "disqualifying_record": False,
        "records": [],
    }
    return base | data


def insurance(**data) -> dict:
    base = {
        "found": True,
        "insured": True,
        "employer_name": "德州市人民医院",
        "employer_uscc": "12371400MB2850000X",
        "employer_kind": "hospital",
        "months_in_city": 24,
    }
    return base | data


def enterprise(**data) -> dict:
    base = {
        "found": True,
        "name": "德州示例广告传媒有限公司",
        "status": "存续",
        "established": "2015-04-20",
        "legal_representative": "李明",
        "industry": "广告业",
        "region": "371402",
    }
    return base | data


NOT_FOUND = {"found": False, "error": "未查到"}


def sample(
    name: str, expected: str, reason: str = "", *, form=None, answers=(), kind="person", **sources
) -> dict:
    """A shipped test: the input document ``tongban.instant`` builds, and the answer."""
    document = {
        "form": form or {},
        "answers": list(answers),
        "applicant": {"kind": kind, "name": "示例申请人"},
        "context": CONTEXT,
    }
    return {
        "name": name,
        "inputs": document | sources,
        "expected_outcome": expected,
        "expected_reason_contains": reason,
    }


DEMO_RULES: dict[str, DemoRule] = {
    "elderly_card": DemoRule(
        "elderly_card.json",
        "老年人优待证秒批规则",
        ("population",),
        [
            sample("65周岁本市户籍", "approve", population=person(age=65)),
            sample("刚满60周岁", "approve", population=person(age=60)),
            sample("59周岁", "refer", "年龄未满60周岁", population=person(age=59)),
            sample("外市户籍", "refer", "户籍不在本市", population=person(household_city="370100")),
            sample("人口库查无此人", "refer", "人口信息库未查到本人信息", population=NOT_FOUND),
        ],
    ),
    "senior_allowance": DemoRule(
        "senior_allowance.json",
        "高龄津贴秒批规则",
        ("population",),
        [
            sample("82周岁本市户籍", "approve", population=person(age=82)),
            sample("79周岁", "refer", "年龄未满80周岁", population=person(age=79)),
            sample(
                "外市户籍",
                "refer",
                "户籍不在本市",
                population=person(age=85, household_city="370100"),
            ),
            sample("已死亡", "refer", "已死亡", population=person(age=90, alive=False)),
        ],
    ),
    "teacher_qualification": DemoRule(
        "teacher_qualification.json",
        "教师资格认定秒批规则",
        ("education", "qualification", "credit"),
        [
            sample(
                "本科申请高级中学数学",
                "approve",
                form={"school_level": "高级中学", "subject": "数学"},
                answers=["高级中学", "否"],
                education=education(),
                qualification=qualification(putonghua_rank=3, putonghua_level="二级乙等"),
                credit=credit(),
            ),
            sample(
                "专科申请幼儿园（按所选学段）",
                "approve",
                answers=["幼儿园", "是"],
                education=education(highest_degree="associate", degree_rank=2),
                qualification=qualification(putonghua_rank=3, putonghua_level="二级乙等"),
                credit=credit(),
            ),
            sample(
                "专科申请初级中学",
                "refer",
                "本科及以上学历",
                form={"school_level": "初级中学", "subject": "英语"},
                answers=["初级中学", "否"],
                education=education(highest_degree="associate", degree_rank=2),
                qualification=qualification(),
                credit=credit(),
            ),
            sample(
                "语文学科普通话二级乙等",
                "refer",
                "二级甲等",
                form={"school_level": "小学", "subject": "语文"},
                answers=["小学", "否"],
                education=education(),
                qualification=qualification(putonghua_rank=3, putonghua_level="二级乙等"),
                credit=credit(),
            ),
            sample(
                "体检不合格且有不良记录",
                "refer",
                "不得认定",
                form={"school_level": "小学", "subject": "数学"},
                answers=["小学", "否"],
                education=education(),
                qualification=qualification(health_check_passed=False),
                credit=credit(disqualifying_record=True),
            ),
        ],
    ),
    "outdoor_ad_renewal": DemoRule(
        "outdoor_ad_renewal.json",
        "户外广告设施设置延续秒批规则",
        ("enterprise", "credit"),
        [
            sample(
                "存续的守信企业",
                "approve",
                kind="enterprise",
                enterprise=enterprise(),
                credit=credit(grade="B"),
            ),
            sample(
                "严重失信企业",
                "refer",
                "失信",
                kind="enterprise",
                enterprise=enterprise(),
                credit=credit(grade="D", dishonest=True),
            ),
            sample(
                "已注销企业",
                "refer",
                "存续",
                kind="enterprise",
                enterprise=enterprise(status="注销"),
                credit=credit(),
            ),
            sample(
                "信用等级C级",
                "refer",
                "低于B级",
                kind="enterprise",
                enterprise=enterprise(),
                credit=credit(grade="C"),
            ),
        ],
    ),
    "nurse_renewal": DemoRule(
        "nurse_renewal.json",
        "护士执业注册延续秒批规则",
        ("qualification", "social_insurance"),
        [
            sample(
                "医院在职护士延续注册",
                "approve",
                answers=["延续注册"],
                qualification=qualification(
                    nurse_registration_number="202137140001",
                    nurse_registration_valid_to="2026-12-31",
                ),
                social_insurance=insurance(),
            ),
            sample(
                "首次注册",
                "refer",
                "人工审核",
                answers=["首次注册"],
                qualification=qualification(nurse_registration_number="202137140001"),
                social_insurance=insurance(),
            ),
            sample(
                "在企业参保",
                "refer",
                "医疗机构",
                answers=["延续注册"],
                qualification=qualification(nurse_registration_number="202137140001"),
                social_insurance=insurance(employer_kind="company", employer_name="某科技公司"),
            ),
            sample(
                "无原注册记录",
                "refer",
                "原护士执业注册",
                answers=["延续注册"],
                qualification=qualification(),
                social_insurance=insurance(),
            ),
        ],
    ),
    "graduate_housing_subsidy": DemoRule(
        "graduate_housing_subsidy.json",
        "高校毕业生住房补贴秒批规则",
        ("education", "social_insurance", "population"),
        [
            sample(
                "本科毕业两年",
                "approve",
                population=person(age=24, birth_date="2002-05-01"),
                education=education(graduated_on="2024-06-30"),
                social_insurance=insurance(months_in_city=12),
            ),
            sample(
                "毕业正好5年",
                "approve",
                population=person(age=27, birth_date="1999-05-01"),
                education=education(graduated_on="2021-06-30", degree_rank=4),
                social_insurance=insurance(months_in_city=6),
            ),
            sample(
                "毕业7年",
                "refer",
                "毕业已超过5年",
                population=person(age=30, birth_date="1996-05-01"),
                education=education(graduated_on="2019-06-30", degree_rank=4),
                social_insurance=insurance(months_in_city=40),
            ),
            sample(
                "社保不足6个月",
                "refer",
                "不足6个月",
                population=person(age=24, birth_date="2002-05-01"),
                education=education(graduated_on="2025-06-30"),
                social_insurance=insurance(months_in_city=3),
            ),
            sample(
                "专科学历",
                "refer",
                "学历低于本科",
                population=person(age=23, birth_date="2003-05-01"),
                education=education(highest_degree="associate", degree_rank=2),
                social_insurance=insurance(),
            ),
        ],
    ),
}


@transaction.atomic
def load(versions: dict[str, ItemVersion | None]) -> list[DecisionRule]:
    """Each demo rule as revision 1 of its item version, active from 2026-01-01, with
    its shipped tests (idempotent: an existing revision 1 is left as it is)."""
    loaded = []
    for key, spec in DEMO_RULES.items():
        version = versions.get(key)
        if version is None:
            continue
        jdm = spec.jdm
        rule, created = DecisionRule.objects.get_or_create(
            item_version=version,
            revision=1,
            defaults={
                "name": spec.name,
                "jdm": jdm,
                "jdm_sha256": jdm_sha256(jdm),
                "sources": sorted(spec.sources),
                "effective_from": EFFECTIVE_FROM,
                "mode": Mode.ACTIVE,
                "note": "演示规则（随演示数据提供）",
                "uploaded_at": timezone.now(),
            },
        )
        if created:
            RuleTest.objects.bulk_create(RuleTest(rule=rule, **test) for test in spec.tests)
        loaded.append(rule)
    return loaded
