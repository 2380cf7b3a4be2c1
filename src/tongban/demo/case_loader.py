"""Demo cases: a few weeks of work at the city hall, made through the real actions.

Each case is created and moved by ``tongban.cases.actions`` as of a past moment, so its
history, deadlines, warnings and notifications are what the platform itself would have
produced. Loaded once: if the demo applicants already have cases, nothing happens.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tongban.cases import actions, warnings
from tongban.cases.models import Case
from tongban.catalog.actions import current_version
from tongban.catalog.guide import guide_for
from tongban.catalog.models import Item
from tongban.org.models import Applicant, ServicePoint, User, Window
from tongban.org.policy import principal_for_user
from tongban.workdays.clock import calendar_for

# A one-page PDF standing in for a scanned document.
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class DemoCase:
    item: str  # item name in the demo catalog
    applicant: str  # demo username
    channel: str
    days_ago: int  # working days before today the application came in
    path: tuple[str, ...]  # what happened, in order (see ``_STEPS``)
    answers: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)


CASES = [
    DemoCase("食品经营许可", "enterprise", "portal", 1, ("submit",), ("租赁", "否")),
    DemoCase("公共场所卫生许可", "enterprise", "portal", 0, ("submit",)),
    DemoCase("医师执业注册", "citizen", "portal", 2, ("submit", "request_supplement")),
    DemoCase("户外广告设施设置审批", "enterprise", "window", 4, ("submit", "accept")),
    # An earlier permit, issued with its e-certificate: the renewal finds it in the library.
    DemoCase(
        "户外广告设施设置审批",
        "enterprise",
        "window",
        15,
        ("submit", "accept", "approve", "issue_result", "deliver"),
        ("自有场地或建筑物", "否"),
    ),
    DemoCase("食品经营许可", "enterprise", "window", 3, ("submit", "accept"), ("自有房产", "是")),
    # A food business licence in force (with its e-certificate), pushed to the market
    # regulator for supervision after approval (审管互动).
    DemoCase(
        "食品经营许可",
        "enterprise",
        "window",
        8,
        ("submit", "accept", "approve", "issue_result", "deliver"),
        ("自有房产", "否"),
    ),
    DemoCase("城镇污水排入排水管网许可", "enterprise", "window", 6, ("submit", "accept")),
    DemoCase("特种设备使用登记", "enterprise", "window", 2, ("submit", "accept")),
    DemoCase("特种设备使用登记", "enterprise", "window", 5, ("submit", "accept")),
    DemoCase("特种设备使用登记", "enterprise", "window", 4, ("submit", "accept", "complete_step")),
    DemoCase("护士执业注册", "citizen", "window", 1, ("submit", "propose_non_acceptance")),
    DemoCase(
        "工程建设涉及城市绿地、树木审批",
        "enterprise",
        "window",
        3,
        ("submit", "accept", "start_special_procedure"),
    ),
    DemoCase(
        "企业变更登记", "enterprise", "window", 2, ("submit", "accept", "approve", "issue_result")
    ),
    DemoCase(
        "医师执业注册", "citizen", "window", 3, ("submit", "accept", "approve", "issue_result")
    ),
    DemoCase(
        "企业注销登记",
        "enterprise",
        "portal",
        8,
        ("submit", "accept", "approve", "issue_result", "deliver"),
    ),
    DemoCase(
        "教师资格认定",
        "citizen",
        "window",
        10,
        ("submit", "accept", "approve", "issue_result", "deliver"),
    ),
]


def _scan(name: str) -> io.BytesIO:
    stream = io.BytesIO(SCAN + name.encode())
    stream.name = f"{name}.pdf"
    return stream


def _working_days_back(today: dt.date, n: int) -> dt.date:
    calendar = calendar_for()
    day = today
    while n > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def _moment(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load_demo_cases() -> dict[str, int]:
    applicants = {a.account.username: a for a in Applicant.objects.select_related("account")}
    # (the demo construction project's cases are not these: they belong to its stages)
    if Case.objects.filter(
        applicant__in=applicants.values(), project_stage_link__isnull=True
    ).exists():
        return {"cases_created": 0}
    users = {u.username: u for u in User.objects.filter(kind=User.Kind.STAFF)}
    hall = ServicePoint.objects.get(name="德州市政务服务中心")
    window = Window.objects.get(service_point=hall, number="A01")
    today = timezone.localdate()
    created = 0
    with transaction.atomic():
        for number, spec in enumerate(CASES):
            item = Item.objects.get(versions__name=spec.item, versions__status="published")
            day = _working_days_back(today, spec.days_ago)
            _load_case(spec, item, applicants[spec.applicant], users, hall, window, day, number)
            created += 1
        warnings.raise_warnings()
    return {"cases_created": created}


def _load_case(spec, item, applicant, users, hall, window, day, number) -> None:
    clerk = principal_for_user(users["clerk"])
    citizen = principal_for_user(applicant.account)
    online = spec.channel == "portal"
    author = citizen if online else clerk
    start = _moment(day, 9, 10 + number * 2)
    with actions.as_of(start):
        version = current_version(item)
        answers = _answers(version, spec.answers)
        case = actions.start_application(
            author,
            item,
            applicant=applicant,
            channel=spec.channel,
            answers=answers,
            form_data={"contact_phone": applicant.phone},
            service_point=None if online else hall,
            window=None if online else window,
        )
        for material in actions.missing_materials(case):
            actions.attach_material(author, case, material, _scan(material.name))
    moment = start
    for step in spec.path:
        moment += dt.timedelta(minutes=25)
        if step in {"approve", "complete_step"} and not case.is_instant:
            # the back office works on it the next working day
            moment = _moment(_next_workday(moment), 10)
        with actions.as_of(moment):
            case = _STEPS[step](case, users, hall, window, citizen, clerk)


def _next_workday(moment: dt.datetime) -> dt.date:
    return calendar_for().add_working_days(timezone.localdate(moment), 1)


def _answers(version, texts: tuple[str, ...]) -> list[int]:
    chosen = []
    for question in version.questions.prefetch_related("options"):
        options = list(question.options.all())
        pick = next((o for o in options if o.text in texts), options[0])
        chosen.append(pick.pk)
    return chosen


def _p(users, name):
    return principal_for_user(users[name])


def _decider(case, users):
    if case.step_role == "window_clerk":  # an instant item is decided at the window
        return _p(users, "clerk")
    return _p(users, "amr_chief" if case.deciding_agency.short_name == "市市场监管局" else "chief")


def _request_supplement(case, users, hall, window, citizen, clerk):
    guide = guide_for(case.item_version, case.answers)
    first = next(m for m in guide.materials if not m.verifiable)
    return actions.request_supplement(
        clerk, case, materials=[first], problems={first.pk: "扫描件不清晰，请重新上传"}
    ).case


def _approve(case, users, *args):
    return actions.approve(_decider(case, users), case, note="符合条件，准予许可")


_STEPS = {
    "submit": lambda case, users, hall, window, citizen, clerk: actions.submit(
        citizen if case.channel == "portal" else clerk, case
    ),
    "accept": lambda case, users, hall, window, citizen, clerk: actions.accept(
        clerk, case, service_point=hall, window=window
    ),
    "request_supplement": _request_supplement,
    "propose_non_acceptance": lambda case, users, *a: (
        actions.propose_non_acceptance(
            _p(users, "clerk"), case, reason="申请事项不属于本机关职权范围"
        ).case
    ),
    "complete_step": lambda case, users, *a: actions.complete_step(
        _p(users, "reviewer"), case, note="材料齐全，符合法定形式"
    ),
    "start_special_procedure": lambda case, users, *a: actions.start_special_procedure(
        _decider(case, users),
        case,
        procedure="expert_review",
        expected_days=5,
        reason="涉及古树名木，需组织专家论证",
    ),
    "approve": _approve,
    "issue_result": lambda case, users, *a: actions.issue_result(_decider(case, users), case),
    "deliver": lambda case, users, hall, window, citizen, clerk: actions.deliver(
        clerk,
        case,
        recipient_name=case.applicant.legal_representative or case.applicant.name,
        id_checked=True,
    ),
}
