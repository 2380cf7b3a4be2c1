"""A demo construction project through the real actions: a social-investment plant in a
demo industrial park that reuses the park's environmental assessment, three stages
completed (one paused for a while) and completion acceptance under way.

Each stage has the builder's real cases for the approval bureau's items of that stage,
made and decided through :mod:`tongban.cases.actions` as of moments inside the stage:
those of stages 1–3 approved and delivered before their stage completes, those of stage 4
accepted and under review. Without the demo catalog and staff (the clerk and the chief at
the city hall) the stages run without cases.

The demo loader calls :func:`load_demo_project` with the city's region and agencies.
Loading twice changes nothing.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tongban.cases import actions as cases
from tongban.cases.models import Case
from tongban.catalog.actions import current_version
from tongban.catalog.models import Item
from tongban.org.models import Agency, Applicant, Region, ServicePoint, User, Window
from tongban.org.policy import SYSTEM, principal_for_user
from tongban.workdays.clock import calendar_for

from . import actions, services
from .models import (
    AssessmentKind,
    IndustrialPark,
    Project,
    ProjectCategory,
    ProjectStage,
    StageKind,
    StageTemplate,
)

DEMO_CODE_SERIAL = "-47-03-000018"  # 47: building industry; 03: filed (备案); 5 random + check
PARK_NAME = "德州经济技术开发区（演示）"
DOCUMENT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# The items approved in parallel in each stage (the demo catalog's construction bundles),
# and among them the approval bureau's items the demo builder applied for.
STAGE_ITEMS = {
    StageKind.APPROVAL_AND_LAND: (
        "企业投资项目备案",
        "建设项目用地预审与选址意见书核发",
        "建设用地规划许可证核发",
        "固定资产投资项目节能审查",
    ),
    StageKind.ENGINEERING: (
        "建设工程规划许可证核发",
        "特殊建设工程消防设计审查",
        "工程建设涉及城市绿地、树木审批",
        "生产建设项目水土保持方案审批",
        "建设项目环境影响评价文件审批",
    ),
    StageKind.CONSTRUCTION: (
        "建筑工程施工许可证核发",
        "占用、挖掘城市道路审批",
        "城市建筑垃圾处置核准",
    ),
    StageKind.ACCEPTANCE: (
        "特殊建设工程消防验收",
        "房屋建筑和市政基础设施工程竣工验收备案",
        "用水报装",
        "用电报装",
        "燃气报装",
    ),
}
STAGE_CASES = {
    StageKind.APPROVAL_AND_LAND: ("建设项目用地预审与选址意见书核发", "建设用地规划许可证核发"),
    StageKind.ENGINEERING: ("建设工程规划许可证核发", "特殊建设工程消防设计审查"),
    StageKind.CONSTRUCTION: ("建筑工程施工许可证核发", "城市建筑垃圾处置核准"),
    StageKind.ACCEPTANCE: ("特殊建设工程消防验收",),
}
CITY_HALL = "德州市政务服务中心"


def _document(name: str) -> io.BytesIO:
    stream = io.BytesIO(DOCUMENT + name.encode())
    stream.name = name
    return stream


def _working_days_back(calendar, today: dt.date, n: int) -> dt.date:
    day, counted = today, 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_default_timezone())


def _configure(category: ProjectCategory, leads: dict[str, Agency]) -> None:
    """Give the seeded templates their lead agencies where the admin has not yet."""
    for stage, agency in leads.items():
        StageTemplate.objects.filter(category=category, stage=stage, lead_agency=None).update(
            lead_agency=agency
        )


def _items(names) -> dict[str, Item]:
    """The demo catalog's published items by name (none outside the demo city)."""
    items = {}
    for name in names:
        item = Item.objects.filter(versions__name=name, versions__status="published").first()
        if item is not None:
            items[name] = item
    return items


def _configure_items(category: ProjectCategory) -> None:
    """Give the seeded templates their items where the admin has not yet."""
    for stage, names in STAGE_ITEMS.items():
        template = StageTemplate.objects.filter(category=category, stage=stage).first()
        if template is None or template.items.exists():
            continue
        template.items.set(_items(names).values())


@dataclass(frozen=True)
class _Desk:
    """Who handles the builder's cases: the city hall's clerk and the bureau's chief."""

    builder: Applicant
    clerk: User
    chief: User
    hall: ServicePoint
    window: Window

    @classmethod
    def find(cls, builder: Applicant) -> "_Desk | None":
        staff = {u.username: u for u in User.objects.filter(username__in=["clerk", "chief"])}
        hall = ServicePoint.objects.filter(name=CITY_HALL).first()
        window = Window.objects.filter(service_point=hall, number="A01").first() if hall else None
        if len(staff) < 2 or window is None or builder.account_id is None:
            return None
        return cls(builder, staff["clerk"], staff["chief"], hall, window)

    def apply(self, stage: ProjectStage, item: Item, at: dt.datetime) -> Case | None:
        """Apply (online where the item allows it, else at the hall's window) and accept."""
        version = current_version(item, timezone.localdate(at))
        if version is None:
            return None
        online = cases.may_apply_online(version)
        clerk = principal_for_user(self.clerk)
        author = principal_for_user(self.builder.account) if online else clerk
        with cases.as_of(at):
            case = cases.start_application(
                author,
                item,
                applicant=self.builder,
                channel="portal" if online else "window",
                answers=[q.options.all()[0].pk for q in version.questions.all()],
                form_data={"contact_phone": self.builder.phone},
                service_point=None if online else self.hall,
                window=None if online else self.window,
            )
            for material in cases.missing_materials(case):
                cases.attach_material(author, case, material, _document(f"{material.name}.pdf"))
            case = cases.submit(author, case)
        with cases.as_of(at + dt.timedelta(minutes=40)):
            case = cases.accept(clerk, case, service_point=self.hall, window=self.window)
        actions.attach_case(SYSTEM, stage, case)
        return case

    def decide(self, case: Case, decided: dt.datetime, delivered: dt.datetime) -> Case:
        """The chief approves, the clerk issues the result and hands it to the builder."""
        clerk = principal_for_user(self.clerk)
        with cases.as_of(decided):
            case = cases.approve(principal_for_user(self.chief), case, note="符合条件，准予许可")
        with cases.as_of(decided + dt.timedelta(hours=3)):
            case = cases.issue_result(clerk, case)
        with cases.as_of(delivered):
            return cases.deliver(
                clerk,
                case,
                recipient_name=self.builder.legal_representative or self.builder.name,
                id_checked=True,
            )


def _stage_cases(
    desk: _Desk | None,
    stage: ProjectStage,
    applied: dt.datetime,
    decided: dt.datetime | None = None,
    delivered: dt.datetime | None = None,
) -> None:
    """The builder's cases of the stage, half an hour apart; decided if ``decided``."""
    if desk is None:
        return
    for number, item in enumerate(_items(STAGE_CASES[stage.stage]).values()):
        shift = dt.timedelta(minutes=30 * number)
        case = desk.apply(stage, item, applied + shift)
        if case is not None and decided is not None and delivered is not None:
            desk.decide(case, decided + shift, delivered + shift)


def load_demo_project(
    city_region: Region,
    *,
    bureau: Agency,
    land: Agency,
    housing: Agency,
    builder: Applicant,
    butler: User | None = None,
    reviewer: User | None = None,
    today: dt.date | None = None,
) -> Project:
    """The demo project; ``reviewer`` (staff of ``land``) comments on the drawings if given.

    ``bureau`` attends the pre-review meeting; the stages are run as the system.
    """
    code = f"{(today or timezone.localdate()).year}-{city_region.code[:6]}{DEMO_CODE_SERIAL}"
    existing = Project.objects.filter(code=code).first()
    if existing is not None:
        return existing
    today = today or timezone.localdate()
    calendar = calendar_for(city_region)

    def back(n: int, hour: int = 10) -> dt.datetime:
        return _moment(_working_days_back(calendar, today, n), hour)

    with transaction.atomic():
        categories = {c.code: c for c in services.seed_categories()}
        social = categories["social"]
        _configure(
            social,
            {
                StageKind.APPROVAL_AND_LAND: land,
                StageKind.ENGINEERING: land,
                StageKind.CONSTRUCTION: housing,
                StageKind.ACCEPTANCE: housing,
            },
        )
        _configure_items(social)
        desk = _Desk.find(builder)
        park = IndustrialPark.objects.filter(name=PARK_NAME).first() or actions.add_park(
            SYSTEM, name=PARK_NAME, region=city_region
        )
        if not park.assessments.exists():
            actions.attach_assessment(
                SYSTEM,
                park,
                kind=AssessmentKind.ENVIRONMENTAL_IMPACT,
                document=_document("区域环评报告.pdf"),
                name="区域环评报告.pdf",
                title="园区规划环境影响评价报告书",
                valid_until=dt.date(today.year + 3, 12, 31),
            )
        project = actions.create_project(
            SYSTEM,
            code=code,
            name="新型建材智能制造项目",
            builder=builder,
            region=city_region,
            category=social,
            location="德州经济技术开发区崇德八大道以东",
            park=park,
            total_investment="28000",
            is_major=True,
            butler=butler,
            at=back(64, 9),
        )
        # Stage 1: a pre-review meeting, then 14 working days.
        stage1 = actions.start_stage(SYSTEM, project, StageKind.APPROVAL_AND_LAND, at=back(62))
        actions.record_meeting(
            SYSTEM,
            stage1,
            held_on=back(61).date(),
            attendees=[bureau, land, housing],
            minutes="各部门同意按会审意见并联审批，材料共享，不再重复提交。",
        )
        _stage_cases(desk, stage1, back(60), decided=back(57), delivered=back(55))
        actions.complete_stage(SYSTEM, stage1, at=back(48, 16))
        # Stage 2: joint drawing review; paused while the builder revised the plans.
        stage2 = actions.start_stage(SYSTEM, project, StageKind.ENGINEERING, at=back(46))
        drawings = actions.upload_drawings(
            SYSTEM, stage2, _document("总平面图.pdf"), "总平面图.pdf", at=back(45)
        )
        if reviewer is not None:
            actions.comment_drawing(
                principal_for_user(reviewer),
                drawings,
                agency=land,
                text="建筑退线不满足规划条件，请调整总平面布置。",
            )
            actions.answer_comments(SYSTEM, drawings, text="已按意见调整建筑退线，见第2版图纸。")
        actions.pause_stage(SYSTEM, stage2, reason="建设单位修改总平面图", at=back(40))
        actions.resume_stage(SYSTEM, stage2, at=back(36))
        actions.upload_drawings(
            SYSTEM, stage2, _document("总平面图v2.pdf"), "总平面图v2.pdf", at=back(36, 14)
        )
        _stage_cases(desk, stage2, back(35), decided=back(32), delivered=back(30))
        actions.complete_stage(SYSTEM, stage2, at=back(28, 16))
        # Stage 3: construction permit.
        stage3 = actions.start_stage(SYSTEM, project, StageKind.CONSTRUCTION, at=back(26))
        _stage_cases(desk, stage3, back(25), decided=back(23), delivered=back(21))
        actions.complete_stage(SYSTEM, stage3, at=back(18, 16))
        # Stage 4: joint acceptance under way, one site inspection shared by all.
        stage4 = actions.start_stage(SYSTEM, project, StageKind.ACCEPTANCE, at=back(10))
        _stage_cases(desk, stage4, back(9))
        if butler is not None:
            actions.record_inspection(
                principal_for_user(butler),
                stage4,
                inspected_on=back(8).date(),
                findings="主体结构、消防、人防、规划条件现场核验一次完成，各部门共享。",
                agencies=[land, housing],
            )
    return project
