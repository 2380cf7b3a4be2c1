"""The demo city (演示城市): 德州市, Shandong, as plain data for :mod:`tongban.demo.loader`.

Province, city and county codes are the real GB/T 2260 codes. Township (9-digit) and
village (12-digit) codes are ILLUSTRATIVE: they follow the statistical pattern (streets
001–099, towns 100+, communities 0xx, villages 2xx) but are not the official codes, and
the village and community names are illustrative too. Addresses, telephone numbers,
credit codes, people and ID numbers are made up for the demo.

Every row is keyed on a natural key (region code, credit code, service point name and
region, window number, username), so the loader can run any number of times.
"""

from dataclasses import dataclass

from tongban.core.identifiers import resident_id_check_character, uscc_check_character
from tongban.org.models import Agency, Applicant, Region, ServicePoint, StaffRole, Window

DEMO_PASSWORD = "tongban-demo-2026"  # noqa: S105 -- published on purpose: demo accounts only


def credit_code(prefix: str, region_code: str, organisation: str) -> str:
    """A unified social credit code (GB 32100) with its check character.

    ``prefix``: 11 government body, 12 public institution (事业单位), 91 company.
    """
    body = f"{prefix}{region_code}{organisation}"
    return body + uscc_check_character(body)


def resident_id(region_code: str, birth: str, sequence: str) -> str:
    """A resident ID number (GB 11643) with its check digit."""
    first17 = f"{region_code}{birth}{sequence}"
    return first17 + resident_id_check_character(first17)


# --- regions ---------------------------------------------------------------------------

PROVINCE = ("370000", "山东省")
CITY = ("371400", "德州市")
COUNTIES = [
    ("371402", "德城区"),
    ("371403", "陵城区"),
    ("371422", "宁津县"),
    ("371423", "庆云县"),
    ("371424", "临邑县"),
    ("371425", "齐河县"),
    ("371426", "平原县"),
    ("371427", "夏津县"),
    ("371428", "武城县"),
    ("371481", "乐陵市"),
    ("371482", "禹城市"),
]

# county code → [(3-digit suffix, township name, [(3-digit suffix, village name), ...])]
# Township names are real; their codes, and the villages under them, are illustrative.
TOWNSHIPS: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {
    "371402": [
        ("001", "新湖街道", [("001", "新湖社区"), ("002", "湖滨社区")]),
        ("002", "新华街道", [("001", "新华社区")]),
        ("003", "天衢街道", [("001", "天衢东社区"), ("002", "尚德社区")]),
        ("101", "黄河涯镇", [("201", "黄河涯村"), ("202", "八里庄村")]),
    ],
    "371403": [
        ("001", "安德街道", [("001", "安德社区")]),
        ("002", "临齐街道", [("001", "临齐社区")]),
        ("101", "郑家寨镇", [("201", "郑家寨村"), ("202", "前王村")]),
    ],
    "371422": [
        ("001", "宁城街道", [("001", "宁城社区")]),
        ("002", "津城街道", [("001", "津城社区")]),
        ("101", "柴胡店镇", [("201", "柴胡店村")]),
    ],
    "371423": [
        ("001", "渤海路街道", [("001", "渤海路社区")]),
        ("101", "庆云镇", [("201", "西关村")]),
        ("102", "尚堂镇", [("201", "尚堂村")]),
    ],
    "371424": [
        ("001", "邢侗街道", [("001", "邢侗社区")]),
        ("002", "恒源街道", [("001", "恒源社区")]),
        ("101", "德平镇", [("201", "德平村")]),
    ],
    "371425": [
        ("001", "晏城街道", [("001", "晏城社区"), ("201", "东关村")]),
        ("002", "晏北街道", [("001", "晏北社区")]),
        ("101", "祝阿镇", [("201", "祝阿村")]),
    ],
    "371426": [
        ("001", "龙门街道", [("001", "龙门社区")]),
        ("002", "桃园街道", [("001", "桃园社区")]),
        ("101", "恩城镇", [("201", "恩城村")]),
    ],
    "371427": [
        ("001", "银城街道", [("001", "银城社区")]),
        ("002", "北城街道", [("001", "北城社区")]),
        ("101", "郑保屯镇", [("201", "郑保屯村")]),
    ],
    "371428": [
        ("001", "广运街道", [("001", "广运社区")]),
        ("101", "武城镇", [("201", "武城村")]),
        ("102", "四女寺镇", [("201", "四女寺村")]),
    ],
    "371481": [
        ("001", "市中街道", [("001", "市中社区")]),
        ("002", "云红街道", [("001", "云红社区")]),
        ("101", "杨安镇", [("201", "杨安村")]),
    ],
    "371482": [
        ("001", "市中街道", [("001", "市中社区")]),
        ("101", "伦镇", [("201", "伦镇村")]),
        ("102", "房寺镇", [("201", "房寺村")]),
    ],
}


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent_code: str | None


def regions() -> list[RegionRow]:
    """Every region, parents before children."""
    rows = [
        RegionRow(PROVINCE[0], PROVINCE[1], Region.Level.PROVINCE, None),
        RegionRow(CITY[0], CITY[1], Region.Level.CITY, PROVINCE[0]),
    ]
    rows += [RegionRow(code, name, Region.Level.COUNTY, CITY[0]) for code, name in COUNTIES]
    for county_code, townships in TOWNSHIPS.items():
        for suffix, name, villages in townships:
            township_code = county_code + suffix
            rows.append(RegionRow(township_code, name, Region.Level.TOWNSHIP, county_code))
            rows += [
                RegionRow(township_code + v_suffix, v_name, Region.Level.VILLAGE, township_code)
                for v_suffix, v_name in villages
            ]
    return rows


def region_code(county: str, *path: str) -> str:
    """The code of a township or village by name: ``region_code("德城区", "新湖街道")``."""
    county_code = next(code for code, name in COUNTIES if name == county)
    if not path:
        return county_code
    suffix, _name, villages = next(t for t in TOWNSHIPS[county_code] if t[1] == path[0])
    if len(path) == 1:
        return county_code + suffix
    return county_code + suffix + next(s for s, name in villages if name == path[1])


# --- agencies --------------------------------------------------------------------------

APPROVAL = Agency.Kind.APPROVAL_BUREAU
LINE = Agency.Kind.LINE_DEPARTMENT
SUPERVISING = Agency.Kind.SUPERVISING_DEPARTMENT
PUBLIC_SERVICE = Agency.Kind.PUBLIC_SERVICE


@dataclass(frozen=True)
class AgencyRow:
    key: str  # a handle for the rows below; the database's natural key is the credit code
    name: str
    short_name: str
    credit_code: str
    kind: str
    region_code: str
    phone: str
    address: str


def _city(key, name, short, organisation, kind, phone, address, prefix="11") -> AgencyRow:
    return AgencyRow(
        key, name, short, credit_code(prefix, CITY[0], organisation), kind, CITY[0], phone, address
    )


CITY_AGENCIES = [
    _city("bureau", "德州市行政审批服务局", "市审批局", "MB2850101", APPROVAL,
          "0534-2688001", "德州市德城区湖滨北大道1666号市民中心"),
    # Supervising departments: they claim the approvals the bureau grants in their field
    # (审管互动) and push notices back; the rest keep items of their own (tax, police…).
    _city("amr", "德州市市场监督管理局", "市市场监管局", "MB2850102", SUPERVISING,
          "0534-2688011", "德州市德城区三八东路1166号"),
    _city("health", "德州市卫生健康委员会", "市卫健委", "MB2850103", SUPERVISING,
          "0534-2688012", "德州市德城区东风中路1409号"),
    _city("urban", "德州市城市管理局", "市城管局", "MB2850104", SUPERVISING,
          "0534-2688013", "德州市德城区新湖南路57号"),
    _city("ecology", "德州市生态环境局", "市生态环境局", "MB2850105", SUPERVISING,
          "0534-2688014", "德州市德城区湖滨中大道2668号"),
    _city("housing", "德州市住房和城乡建设局", "市住建局", "MB2850106", SUPERVISING,
          "0534-2688015", "德州市德城区德兴中大道559号"),
    _city("emergency", "德州市应急管理局", "市应急局", "MB2850107", SUPERVISING,
          "0534-2688016", "德州市德城区天衢东路1099号"),
    _city("culture", "德州市文化和旅游局", "市文旅局", "MB2850108", SUPERVISING,
          "0534-2688017", "德州市德城区大学西路1566号"),
    _city("transport", "德州市交通运输局", "市交通局", "MB2850109", SUPERVISING,
          "0534-2688018", "德州市德城区东方红西路1818号"),
    _city("police", "德州市公安局", "市公安局", "MB2850110", LINE,
          "0534-2688021", "德州市德城区东风中路1269号"),
    _city("tax", "国家税务总局德州市税务局", "市税务局", "MB2850111", LINE,
          "0534-2688022", "德州市德城区湖滨北大道1199号"),
    _city("hrss", "德州市人力资源和社会保障局", "市人社局", "MB2850112", LINE,
          "0534-2688023", "德州市德城区天衢西路1188号"),
    _city("medical", "德州市医疗保障局", "市医保局", "MB2850113", LINE,
          "0534-2688024", "德州市德城区三八中路1588号"),
    _city("fund", "德州市住房公积金管理中心", "市公积金中心", "MB2850114", LINE,
          "0534-2688025", "德州市德城区湖滨南大道800号", prefix="12"),
    _city("land", "德州市自然资源和规划局", "市自然资源和规划局", "MB2850115", LINE,
          "0534-2688026", "德州市德城区湖滨中大道1150号"),
    _city("education", "德州市教育和体育局", "市教体局", "MB2850116", LINE,
          "0534-2688027", "德州市德城区东风中路1688号"),
    _city("civil", "德州市民政局", "市民政局", "MB2850117", LINE,
          "0534-2688028", "德州市德城区天衢东路1355号"),
    _city("agriculture", "德州市农业农村局", "市农业农村局", "MB2850118", LINE,
          "0534-2688029", "德州市德城区德兴北大道2106号"),
    _city("water", "德州市水利局", "市水利局", "MB2850119", LINE,
          "0534-2688030", "德州市德城区新河西路2号"),
    _city("commerce", "德州市商务局", "市商务局", "MB2850120", LINE,
          "0534-2688031", "德州市德城区东方红东路499号"),
    _city("development", "德州市发展和改革委员会", "市发展改革委", "MB2850121", LINE,
          "0534-2688032", "德州市德城区湖滨北大道1666号"),
    # Utilities handled in the hall too (只进一扇门); companies, hence prefix 91.
    _city("power", "国网山东省电力公司德州供电公司", "国网德州供电公司", "MA3C2850Y",
          PUBLIC_SERVICE, "95598", "德州市德城区东风中路1516号", prefix="91"),
    _city("waterworks", "德州市水务集团有限公司", "德州水务集团", "MA3C2851K",
          PUBLIC_SERVICE, "0534-2688041", "德州市德城区新湖大街1088号", prefix="91"),
    _city("gas", "德州市燃气有限公司", "德州燃气", "MA3C2852P",
          PUBLIC_SERVICE, "0534-2688042", "德州市德城区天衢中路1288号", prefix="91"),
    _city("telecom", "中国电信股份有限公司德州分公司", "德州电信", "MA3C2853R",
          PUBLIC_SERVICE, "10000", "德州市德城区东风中路1088号", prefix="91"),
    # Departments that keep their own items (the catalog names them as implementing).
    _city("tobacco", "德州市烟草专卖局", "市烟草专卖局", "MB2850122", LINE,
          "0534-2688033", "德州市德城区新华路1288号"),
    _city("disabled", "德州市残疾人联合会", "市残联", "MB2850123", LINE,
          "0534-2688034", "德州市德城区天衢东路1366号", prefix="13"),
]  # fmt: skip

# Provincial departments that entrust or delegate items to the city (委托, 授权).
PROVINCE_AGENCIES = [
    AgencyRow("prov_culture", "山东省文化和旅游厅", "省文化和旅游厅",
              credit_code("11", PROVINCE[0], "MB2840101"), LINE, PROVINCE[0],
              "0531-8688101", "山东省济南市历下区文旅路100号"),
    AgencyRow("prov_commerce", "山东省商务厅", "省商务厅",
              credit_code("11", PROVINCE[0], "MB2840102"), LINE, PROVINCE[0],
              "0531-8688102", "山东省济南市历下区商务路200号"),
]  # fmt: skip

# Every county has its own approval bureau (not under the city's: it answers to the
# county government), operating the county hall.
COUNTY_BUREAUS = [
    AgencyRow(
        key=f"bureau_{code}",
        name=f"{name}行政审批服务局",
        short_name=f"{name}审批局",
        credit_code=credit_code("11", code, f"MB28{index:05d}"),
        kind=APPROVAL,
        region_code=code,
        phone=f"0534-{6100000 + index * 11:07d}",
        address=f"德州市{name}政务服务中心",
    )
    for index, (code, name) in enumerate(COUNTIES, start=601)
]

COUNTY_DEPARTMENTS = [
    AgencyRow(
        "amr_371402",
        "德城区市场监督管理局",
        "德城区市场监管局",
        credit_code("11", "371402", "MB2860101"),
        SUPERVISING,
        "371402",
        "0534-2688051",
        "德州市德城区新华路66号",
    ),
]

AGENCIES: list[AgencyRow] = [
    *CITY_AGENCIES,
    *COUNTY_BUREAUS,
    *COUNTY_DEPARTMENTS,
    *PROVINCE_AGENCIES,
]
AGENCY_BY_KEY = {row.key: row for row in AGENCIES}

# --- service points --------------------------------------------------------------------

WEEKDAYS = (1, 2, 3, 4, 5)
HALL_HOURS = (("09:00", "12:00"), ("13:30", "17:30"))


@dataclass(frozen=True)
class ServicePointRow:
    key: str
    name: str
    kind: str
    region_code: str
    operator_key: str | None
    address: str
    phone: str
    note: str = ""
    days: tuple[int, ...] = WEEKDAYS
    hours: tuple[tuple[str, str], ...] = HALL_HOURS

    def periods(self) -> list[tuple[int, str, str]]:
        return [(day, opens, closes) for day in self.days for opens, closes in self.hours]


CITY_HALL = ServicePointRow(
    "city_hall",
    "德州市政务服务中心",
    ServicePoint.Kind.CITY_HALL,
    CITY[0],
    "bureau",
    "德州市德城区湖滨北大道1666号市民中心",
    "0534-12345",
    "周六上午预约服务；节假日延时服务请提前预约",
)

COUNTY_HALLS = [
    ServicePointRow(
        f"hall_{code}",
        f"{name}政务服务中心",
        ServicePoint.Kind.COUNTY_HALL,
        code,
        f"bureau_{code}",
        f"德州市{name}政务服务中心",
        f"0534-{6100000 + index * 11:07d}",
        "周六上午预约服务",
    )
    for index, (code, name) in enumerate(COUNTIES, start=601)
]

TOWNSHIP_HALLS = [
    ServicePointRow(
        f"township_{region_code(county, township)}",
        f"{township}便民服务中心",
        ServicePoint.Kind.TOWNSHIP_HALL,
        region_code(county, township),
        None,
        f"德州市{county}{township}便民服务中心",
        phone,
    )
    for county, township, phone in [
        ("德城区", "新湖街道", "0534-2688101"),
        ("德城区", "黄河涯镇", "0534-2688102"),
        ("齐河县", "晏城街道", "0534-5388103"),
        ("禹城市", "伦镇", "0534-7388104"),
    ]
]

VILLAGE_STATIONS = [
    ServicePointRow(
        f"village_{region_code(county, township, village)}",
        f"{village}便民服务站",
        ServicePoint.Kind.VILLAGE_STATION,
        region_code(county, township, village),
        None,
        f"德州市{county}{township}{village}党群服务中心",
        phone,
        "村（社区）代办员可上门帮办",
    )
    for county, township, village, phone in [
        ("德城区", "新湖街道", "新湖社区", "0534-2688201"),
        ("德城区", "黄河涯镇", "黄河涯村", "0534-2688202"),
        ("齐河县", "晏城街道", "东关村", "0534-5388203"),
    ]
]

PARTNER_OUTLETS = [
    ServicePointRow(
        "bank_outlet",
        "中国农业银行德州分行营业部",
        ServicePoint.Kind.BANK_OUTLET,
        "371402",
        None,
        "德州市德城区东风中路1000号",
        "0534-2688301",
        "政务服务自助专区；周六照常营业",
        days=(*WEEKDAYS, 6),
    ),
    ServicePointRow(
        "post_outlet",
        "中国邮政德州市分公司天衢路营业所",
        ServicePoint.Kind.POST_OUTLET,
        "371402",
        None,
        "德州市德城区天衢中路500号",
        "0534-2688302",
        "证照免费寄递；周六照常营业",
        days=(*WEEKDAYS, 6),
    ),
]

SERVICE_POINTS: list[ServicePointRow] = [
    CITY_HALL,
    *COUNTY_HALLS,
    *TOWNSHIP_HALLS,
    *VILLAGE_STATIONS,
    *PARTNER_OUTLETS,
]
SERVICE_POINT_BY_KEY = {row.key: row for row in SERVICE_POINTS}

# --- windows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowRow:
    number: str
    name: str
    kind: str
    agency_keys: tuple[str, ...] = ()


# A full hall has a window of every kind; departments that keep their own items (tax,
# social insurance, real estate) sit at specialised windows.
FULL_HALL_WINDOWS = [
    WindowRow("A01", "综合受理窗口一", Window.Kind.COMPREHENSIVE),
    WindowRow("A02", "综合受理窗口二", Window.Kind.COMPREHENSIVE),
    WindowRow("A03", "综合受理窗口三", Window.Kind.COMPREHENSIVE),
    WindowRow("B01", "税务社保医保专窗", Window.Kind.SPECIALISED, ("tax", "hrss", "medical")),
    WindowRow("B02", "不动产登记公积金专窗", Window.Kind.SPECIALISED, ("land", "fund")),
    WindowRow("C01", "即办件窗口", Window.Kind.INSTANT),
    WindowRow("D01", "帮办代办窗口", Window.Kind.HELPER_AGENT),
    WindowRow("E01", "统一出件窗口", Window.Kind.RESULT_PICKUP),
    WindowRow("F01", "“找茬”窗口", Window.Kind.FIND_FAULT),
]
TOWNSHIP_WINDOWS = [
    WindowRow("A01", "综合受理窗口", Window.Kind.COMPREHENSIVE),
    WindowRow("D01", "帮办代办窗口", Window.Kind.HELPER_AGENT),
]
SMALL_WINDOWS = [WindowRow("A01", "综合受理窗口", Window.Kind.COMPREHENSIVE)]


def windows_for(point: ServicePointRow) -> list[WindowRow]:
    if point.kind in {ServicePoint.Kind.CITY_HALL, ServicePoint.Kind.COUNTY_HALL}:
        return FULL_HALL_WINDOWS
    if point.kind == ServicePoint.Kind.TOWNSHIP_HALL:
        return TOWNSHIP_WINDOWS
    return SMALL_WINDOWS


# --- people ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRow:
    username: str
    full_name: str
    phone: str
    role: str
    agency_key: str | None = None
    point_key: str | None = None
    window_number: str | None = None
    superuser: bool = False


# The browser tests and the README rely on these usernames.
STAFF = [
    StaffRow("clerk", "王芳", "13905340001", StaffRole.WINDOW_CLERK,
             point_key="city_hall", window_number="A01"),
    StaffRow("reviewer", "张伟", "13905340002", StaffRole.BACKOFFICE_REVIEWER, agency_key="amr"),
    StaffRow("chief", "刘洋", "13905340003", StaffRole.SECTION_CHIEF, agency_key="bureau"),
    # Decides the market regulator's own items after the reviewer (demo cases).
    StaffRow("amr_chief", "马俊", "13905340011", StaffRole.SECTION_CHIEF, agency_key="amr"),
    StaffRow("agent", "陈静", "13905340004", StaffRole.HELPER_AGENT,
             point_key="city_hall", window_number="D01"),
    StaffRow("supervisor", "赵磊", "13905340005", StaffRole.SUPERVISING_OFFICER,
             agency_key="amr"),
    StaffRow("manager", "孙丽", "13905340006", StaffRole.HALL_MANAGER, point_key="city_hall"),
    # Keeps the bureau's service catalog (事项目录): drafts, reviews and publishes items.
    StaffRow("catalog", "周静", "13905340010", StaffRole.CATALOG_ADMIN, agency_key="bureau"),
    StaffRow("auditor", "吴敏", "13905340030", StaffRole.AUDITOR, agency_key="bureau"),
    # Scoped to the bureau that runs the platform, though the role itself is city-wide.
    StaffRow("admin", "周强", "13905340007", StaffRole.PLATFORM_ADMIN, agency_key="bureau",
             superuser=True),
    # Out-of-scope demonstrations: staff of a county hall.
    StaffRow("county_clerk", "吴敏", "13905340008", StaffRole.WINDOW_CLERK,
             point_key="hall_371402", window_number="A01"),
    StaffRow("county_manager", "郑华", "13905340009", StaffRole.HALL_MANAGER,
             point_key="hall_371402"),
    # Business start-up (企业开办): each department's officer completes its own part.
    StaffRow("police_officer", "何军", "13905340012", StaffRole.BACKOFFICE_REVIEWER,
             agency_key="police"),
    StaffRow("tax_officer", "钱敏", "13905340013", StaffRole.BACKOFFICE_REVIEWER,
             agency_key="tax"),
    StaffRow("hrss_officer", "冯静", "13905340014", StaffRole.BACKOFFICE_REVIEWER,
             agency_key="hrss"),
    StaffRow("medical_officer", "许娜", "13905340015", StaffRole.BACKOFFICE_REVIEWER,
             agency_key="medical"),
    StaffRow("fund_officer", "邓超", "13905340016", StaffRole.BACKOFFICE_REVIEWER,
             agency_key="fund"),
    # Construction projects: the planning department comments on the joint drawing review.
    StaffRow("land_reviewer", "韩雪", "13905340017", StaffRole.BACKOFFICE_REVIEWER,
             agency_key="land"),
]  # fmt: skip


@dataclass(frozen=True)
class ApplicantRow:
    username: str
    kind: str
    name: str
    phone: str
    address: str
    region_code: str
    id_number: str = ""
    credit_code: str | None = None
    legal_representative: str = ""


APPLICANTS = [
    ApplicantRow(
        "citizen",
        Applicant.Kind.PERSON,
        "李明",
        "13805341958",
        "德州市德城区新湖街道湖滨社区3号楼2单元101室",
        region_code("德城区", "新湖街道"),
        # Born 1958-03-12 in 德城区; odd 17th digit: male.
        id_number=resident_id("371402", "19580312", "031"),
    ),
    ApplicantRow(
        "enterprise",
        Applicant.Kind.LEGAL,
        "德州市鲁北餐饮管理有限公司",
        "13705342020",
        "德州市德城区天衢街道尚德路88号",
        "371402",
        credit_code=credit_code("91", "371402", "MA3NR8K2L"),
        legal_representative="王建国",
    ),
    # Residents for trying instant approval (秒批); their shared data (population,
    # education, qualifications, social insurance) is in the sharing app's demo records.
    ApplicantRow(
        "resident59",
        Applicant.Kind.PERSON,
        "王秀兰",
        "13805346715",
        "德州市德城区天衢街道东风里小区6号楼1单元302室",
        region_code("德城区", "天衢街道"),
        # Born 1967-06-15: 59 until June 2027, too young for the elderly card.
        id_number=resident_id("371402", "19670615", "042"),
    ),
    ApplicantRow(
        "teacher",
        Applicant.Kind.PERSON,
        "陈晓雨",
        "13905342001",
        "德州市德城区新湖街道湖滨社区8号楼1单元502室",
        region_code("德城区", "新湖街道"),
        id_number=resident_id("371402", "20010920", "062"),
    ),
    ApplicantRow(
        "nurse",
        Applicant.Kind.PERSON,
        "赵静",
        "13905342002",
        "德州市德城区天衢街道尚德路16号",
        region_code("德城区", "天衢街道"),
        id_number=resident_id("371402", "19920408", "082"),
    ),
    ApplicantRow(
        "graduate",
        Applicant.Kind.PERSON,
        "孙浩",
        "13905342003",
        "德州市德城区新湖街道湖滨社区12号楼3单元201室",
        region_code("德城区", "新湖街道"),
        id_number=resident_id("371402", "20020516", "071"),
    ),
    # On the black list (失信被执行人): tries credit-based approval the other way round —
    # no notify-and-commit, no tolerant acceptance, a person reviews with a credit check.
    ApplicantRow(
        "dishonest",
        Applicant.Kind.LEGAL,
        "德州市速达户外广告有限公司",
        "13705342015",
        "德州市德城区新华街道东方红路106号",
        "371402",
        credit_code=credit_code("91", "371402", "MA3M7TW56"),
        legal_representative="姜涛",
    ),
]
