"""Synthetic records of the registers (数据共享) for the demo city (德州市, 3714xx).

Every demo applicant has a population or enterprise-registry record (the same as the
demo loader's), and :data:`EXTRA_PEOPLE` and :data:`EXTRA_ENTERPRISES` are residents and
companies made up for trying instant approval (秒批): an applicant aged exactly 65 on
2026-11-28, one aged 59, one aged 82, teachers-to-be (one with a disqualifying record),
nurses whose registration runs out soon, recent graduates, companies with a clean record
and one dishonest. All numbers are synthetic with valid check characters
(GB 11643 MOD 11-2, GB 32100); none is a real person's or company's.

:func:`load` is idempotent: records are replaced by subject and source, nothing else is
touched. The sharing app may not import the demo package (a higher floor), so the demo
applicants' numbers are written out here (``tests/sharing/test_demo_data.py`` checks that
they are the demo loader's).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from tongban.core.identifiers import resident_id_check_character, uscc_check_character

from .models import DataSource, SharedRecord
from .services import mask, subject_index

CITY = "371400"  # 德州市
CITY_RECORD = {"household_city": CITY, "alive": True}
CLEAN = {"grade": "A", "dishonest": False, "disqualifying_record": False, "records": []}
AS_OF = dt.date(2026, 11, 28)  # the demo's today: the ages below are as of this day

PUTONGHUA_RANK = {
    "一级甲等": 6,
    "一级乙等": 5,
    "二级甲等": 4,
    "二级乙等": 3,
    "三级甲等": 2,
    "三级乙等": 1,
}
DEGREE_RANK = {"doctor": 5, "master": 4, "bachelor": 3, "associate": 2, "secondary": 1}


def resident_id(region: str, birth: str, sequence: str) -> str:
    """A resident ID number with its check character: region, ``YYYYMMDD``, 3 digits
    (odd last digit: male)."""
    first17 = f"{region}{birth}{sequence}"
    return first17 + resident_id_check_character(first17)


def credit_code(prefix: str, region: str, organisation: str) -> str:
    """A unified social credit code with its check character (91: a company)."""
    body = f"{prefix}{region}{organisation}"
    return body + uscc_check_character(body)


def population(name: str, sex: str, birth: str, region: str = "371402") -> dict[str, Any]:
    """A population record (the age is computed when asked, from ``birth_date``)."""
    return {"name": name, "sex": sex, "birth_date": birth, "household_region": region,
            **CITY_RECORD}  # fmt: skip


def education(degree: str, major: str, school: str, graduated_on: str) -> dict[str, Any]:
    return {"highest_degree": degree, "degree_rank": DEGREE_RANK[degree], "major": major,
            "school": school, "graduated_on": graduated_on}  # fmt: skip


def qualification(
    level: str = "",
    *,
    health_on: str | None = None,
    health_passed: bool = True,
    nurse_number: str = "",
    nurse_valid_to: str | None = None,
    teacher: bool = False,
) -> dict[str, Any]:
    return {
        "putonghua_level": level,
        "putonghua_rank": PUTONGHUA_RANK.get(level, 0),
        "health_check_passed": bool(health_on) and health_passed,
        "health_check_on": health_on,
        "nurse_registration_number": nurse_number,
        "nurse_registration_valid_to": nurse_valid_to,
        "teacher_qualification": teacher,
    }


def insured(employer: str, uscc: str, kind: str, months: int) -> dict[str, Any]:
    return {"insured": True, "employer_name": employer, "employer_uscc": uscc,
            "employer_kind": kind, "months_in_city": months}  # fmt: skip


def credit_record(kind: str, since: str, authority: str) -> dict[str, str]:
    return {"kind": kind, "since": since, "authority": authority}


# Employers (synthetic codes with valid check characters).
PEOPLES_HOSPITAL = ("德州市人民医院", "12371400495571234X")  # as the demo loader has it
CITY_HOSPITAL_2 = ("德州市第二人民医院", credit_code("12", "371400", "49557128K"))
SOFTWARE_CO = ("德州市智云软件有限公司", "91371402MA3NR9P21T")  # as the demo loader has it
FOOD_CO = ("德州市鲁北餐饮管理有限公司", credit_code("91", "371402", "MA3NR8K2L"))
SCHOOL = ("德州市第一中学", credit_code("12", "371400", "49557305N"))


@dataclass(frozen=True)
class Subject:
    """One subject (a resident or an organisation) and its records, per source code."""

    key: str
    subject: str  # resident ID number or unified social credit code
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""

    @property
    def name(self) -> str:
        record = self.records.get("population") or self.records.get("enterprise") or {}
        return record.get("name", "")

    @property
    def birth_date(self) -> dt.date | None:
        birth = self.records.get("population", {}).get("birth_date")
        return dt.date.fromisoformat(birth) if birth else None

    def age_on(self, day: dt.date = AS_OF) -> int | None:
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- the demo applicants (tongban.demo.data.APPLICANTS), as the demo loader records them ---

DEMO_APPLICANTS = [
    Subject("citizen", resident_id("371402", "19580312", "031"), {
        "population": population("李明", "男", "1958-03-12", "371402"),
        "social_insurance": {"insured": True, "employer_name": "退休（德州市社会保险事业中心）",
                             "employer_uscc": "", "employer_kind": "retired",
                             "months_in_city": 420},
        "credit": CLEAN,
    }),
    Subject("enterprise", FOOD_CO[1], {
        "enterprise": {"name": FOOD_CO[0], "status": "存续", "established": "2019-05-20",
                       "legal_representative": "王建国", "industry": "餐饮业",
                       "region": "371402"},
        "credit": CLEAN,
    }),
    Subject("resident59", resident_id("371402", "19670615", "042"), {
        "population": population("王秀兰", "女", "1967-06-15", "371402"),
        "credit": CLEAN,
    }),
    Subject("teacher", resident_id("371402", "20010920", "062"), {
        "population": population("陈晓雨", "女", "2001-09-20", "371402"),
        "education": education("bachelor", "汉语言文学", "德州学院", "2023-06-30"),
        "qualification": qualification("二级甲等", health_on="2026-10-12", teacher=True),
        "credit": CLEAN,
    }),
    Subject("nurse", resident_id("371402", "19920408", "082"), {
        "population": population("赵静", "女", "1992-04-08", "371402"),
        "qualification": qualification("二级乙等", health_on="2026-09-01",
                                       nurse_number="201937140088",
                                       nurse_valid_to="2026-12-20"),
        "social_insurance": insured(*PEOPLES_HOSPITAL, "hospital", 86),
        "credit": CLEAN,
    }),
    Subject("graduate", resident_id("371402", "20020516", "071"), {
        "population": population("孙浩", "男", "2002-05-16", "371402"),
        "education": education("bachelor", "软件工程", "山东大学", "2024-06-30"),
        "social_insurance": insured(*SOFTWARE_CO, "company", 14),
        "credit": CLEAN,
    }),
    # The demo login "dishonest": on the black list of the credit app too.
    Subject("dishonest", credit_code("91", "371402", "MA3M7TW56"), {
        "enterprise": {"name": "德州市速达户外广告有限公司", "status": "存续",
                       "established": "2015-11-02", "legal_representative": "姜涛",
                       "industry": "广告业", "region": "371402"},
        "credit": {"grade": "D", "dishonest": True, "disqualifying_record": False,
                   "records": [credit_record("失信被执行人", "2025-09-01",
                                             "德州市德城区人民法院"),
                               credit_record("重大税收违法失信主体", "2026-02-14",
                                             "国家税务总局德州市税务局")]},
    }, "dishonest (失信被执行人)"),
]  # fmt: skip


# --- synthetic residents for instant approval -------------------------------------------

EXTRA_PEOPLE = [
    # Elderly card (老年人优待证, from 60) and longevity allowance (高龄津贴, from 80).
    Subject("aged65", resident_id("371402", "19611128", "024"), {
        "population": population("刘桂芳", "女", "1961-11-28", "371402"),
        "credit": CLEAN,
    }, "65 today (2026-11-28): elderly card yes, allowance no"),
    Subject("aged59", resident_id("371403", "19670302", "037"), {
        "population": population("张国强", "男", "1967-03-02", "371403"),
        "credit": CLEAN,
    }, "59: too young for the elderly card"),
    Subject("aged82", resident_id("371422", "19440506", "028"), {
        "population": population("马玉珍", "女", "1944-05-06", "371422"),
        "social_insurance": {"insured": True, "employer_name": "退休（德州市社会保险事业中心）",
                             "employer_uscc": "", "employer_kind": "retired",
                             "months_in_city": 480},
        "credit": CLEAN,
    }, "82: elderly card and longevity allowance"),
    Subject("aged70_elsewhere", resident_id("370102", "19560719", "051"), {
        "population": {**population("高建军", "男", "1956-07-19", "370102"),
                       "household_city": "370100"},
        "credit": CLEAN,
    }, "70, household in 济南: not this city's card"),
    # Teachers-to-be (教师资格认定).
    Subject("teacher_bachelor", resident_id("371402", "19990214", "086"), {
        "population": population("杨雪", "女", "1999-02-14", "371402"),
        "education": education("bachelor", "数学与应用数学", "山东师范大学", "2021-06-30"),
        "qualification": qualification("二级甲等", health_on="2026-09-18", teacher=True),
        "credit": CLEAN,
    }, "bachelor, 二级甲等, health check passed: senior high school"),
    Subject("teacher_associate", resident_id("371424", "20000603", "093"), {
        "population": population("李志远", "男", "2000-06-03", "371424"),
        "education": education("associate", "学前教育", "德州职业技术学院", "2021-07-01"),
        "qualification": qualification("二级乙等", health_on="2026-10-08", teacher=True),
        "credit": CLEAN,
    }, "associate, 二级乙等: kindergarten or primary school, not high school"),
    Subject("teacher_putonghua_low", resident_id("371402", "19980911", "104"), {
        "population": population("韩梅", "女", "1998-09-11", "371402"),
        "education": education("bachelor", "英语", "聊城大学", "2020-06-30"),
        "qualification": qualification("三级甲等", health_on="2026-08-22", teacher=True),
        "credit": CLEAN,
    }, "三级甲等: Mandarin below 二级乙等"),
    Subject("teacher_disqualified", resident_id("371403", "19970125", "117"), {
        "population": population("周立", "男", "1997-01-25", "371403"),
        "education": education("master", "物理学", "曲阜师范大学", "2022-06-30"),
        "qualification": qualification("二级甲等", health_on="2026-09-30", teacher=True),
        "credit": {"grade": "C", "dishonest": False, "disqualifying_record": True,
                   "records": [credit_record("受到剥夺政治权利处罚", "2023-04-11",
                                             "德州市中级人民法院")]},
    }, "a disqualifying record in the credit register"),
    Subject("teacher_health_failed", resident_id("371402", "20011030", "128"), {
        "population": population("吴倩", "女", "2001-10-30", "371402"),
        "education": education("bachelor", "音乐学", "德州学院", "2024-06-30"),
        "qualification": qualification("二级乙等", health_on="2026-07-15", health_passed=False,
                                       teacher=True),
        "credit": CLEAN,
    }, "health check not passed"),
    # Nurses (护士执业注册延续).
    Subject("nurse_expiring", resident_id("371402", "19900517", "146"), {
        "population": population("孟婷", "女", "1990-05-17", "371402"),
        "qualification": qualification("二级乙等", health_on="2026-10-20",
                                       nurse_number="201437140123",
                                       nurse_valid_to="2027-01-15"),
        "social_insurance": insured(*PEOPLES_HOSPITAL, "hospital", 132),
        "credit": CLEAN,
    }, "registration runs out 2027-01-15, works at a hospital"),
    Subject("nurse_expiring_2", resident_id("371422", "19881203", "151"), {
        "population": population("郭鹏", "男", "1988-12-03", "371422"),
        "qualification": qualification("二级甲等", health_on="2026-11-02",
                                       nurse_number="201237140456",
                                       nurse_valid_to="2026-12-31"),
        "social_insurance": insured(*CITY_HOSPITAL_2, "hospital", 150),
        "credit": CLEAN,
    }, "registration runs out 2026-12-31, works at a hospital"),
    Subject("nurse_not_at_hospital", resident_id("371402", "19930621", "162"), {
        "population": population("田甜", "女", "1993-06-21", "371402"),
        "qualification": qualification("二级乙等", health_on="2026-10-05",
                                       nurse_number="201637140789",
                                       nurse_valid_to="2027-02-28"),
        "social_insurance": insured(*SOFTWARE_CO, "company", 40),
        "credit": CLEAN,
    }, "insured by a company, not a hospital: referred to a person"),
    # Recent graduates (高校毕业生住房补贴).
    Subject("graduate_bachelor", resident_id("371402", "20030408", "173"), {
        "population": population("王浩然", "男", "2003-04-08", "371402"),
        "education": education("bachelor", "计算机科学与技术", "中国石油大学（华东）",
                               "2025-06-30"),
        "social_insurance": insured(*SOFTWARE_CO, "company", 16),
        "credit": CLEAN,
    }, "bachelor 2025, insured in the city 16 months"),
    Subject("graduate_master", resident_id("371403", "20000822", "184"), {
        "population": population("赵雅琪", "女", "2000-08-22", "371403"),
        "education": education("master", "临床医学", "山东大学", "2026-06-30"),
        "social_insurance": insured(*CITY_HOSPITAL_2, "hospital", 4),
        "credit": CLEAN,
    }, "master 2026, insured 4 months: not yet six"),
    Subject("graduate_master_settled", resident_id("371402", "19991005", "195"), {
        "population": population("钱磊", "男", "1999-10-05", "371402"),
        "education": education("master", "土木工程", "天津大学", "2025-06-30"),
        "social_insurance": insured(*SCHOOL, "school", 12),
        "credit": CLEAN,
    }, "master 2025, insured 12 months"),
    Subject("graduate_long_ago", resident_id("371402", "19950312", "201"), {
        "population": population("冯晨", "男", "1995-03-12", "371402"),
        "education": education("bachelor", "会计学", "山东财经大学", "2017-06-30"),
        "social_insurance": insured(*FOOD_CO, "company", 60),
        "credit": CLEAN,
    }, "graduated 2017: too long ago"),
]  # fmt: skip


# --- synthetic companies (outdoor advertising and the like) -----------------------------

EXTRA_ENTERPRISES = [
    Subject("ad_company", credit_code("91", "371402", "MA3P0QX71"), {
        "enterprise": {"name": "德州市明光广告传媒有限公司", "status": "存续",
                       "established": "2016-08-09", "legal_representative": "许文",
                       "industry": "广告业", "region": "371402"},
        "credit": CLEAN,
    }, "clean credit, grade A"),
    Subject("signs_company", credit_code("91", "371403", "MA3Q2RB48"), {
        "enterprise": {"name": "德州市陵城区宏达标识标牌有限公司", "status": "存续",
                       "established": "2020-03-17", "legal_representative": "邵海",
                       "industry": "广告业", "region": "371403"},
        "credit": {"grade": "B", "dishonest": False, "disqualifying_record": False,
                   "records": []},
    }, "grade B, no dishonest record"),
    Subject("revoked_company", credit_code("91", "371422", "MA3K5LC93"), {
        "enterprise": {"name": "宁津县恒通广告有限公司", "status": "吊销",
                       "established": "2012-05-28", "legal_representative": "尹平",
                       "industry": "广告业", "region": "371422"},
        "credit": CLEAN,
    }, "licence revoked (吊销)"),
]  # fmt: skip


ALL_SUBJECTS = [*DEMO_APPLICANTS, *EXTRA_PEOPLE, *EXTRA_ENTERPRISES]


@transaction.atomic
def load(stdout=None) -> dict[str, int]:
    """Put every synthetic record in place (idempotent); counts created / updated /
    unchanged. A record's ``data`` is replaced when it differs."""
    sources = {s.code: s for s in DataSource.objects.all()}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for entry in ALL_SUBJECTS:
        index, masked = subject_index(entry.subject), mask(entry.subject)
        for code, data in entry.records.items():
            source = sources[code]
            record = SharedRecord.objects.filter(source=source, subject_index=index).first()
            if record is None:
                SharedRecord.objects.create(
                    source=source, subject_index=index, subject_masked=masked, data=data
                )
                counts["created"] += 1
            elif record.data != data or record.subject_masked != masked:
                record.data, record.subject_masked = data, masked
                record.save(update_fields=["data", "subject_masked", "updated_at"])
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    if stdout is not None:
        stdout.write(
            "Shared records: {created} created, {updated} updated, {unchanged} unchanged\n".format(
                **counts
            )
        )
    return counts
