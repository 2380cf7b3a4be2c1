"""Project actions: policy, rules of the stage lifecycle, shared work, the audit log."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.catalog.factories import published_item
from tests.factories import applicant_account, staff
from tongban.cases.models import Case, Status
from tongban.catalog.models import Item, ItemVersion
from tongban.core.models import AuditEntry
from tongban.org.models import StaffRole
from tongban.projects import actions, services
from tongban.projects.models import (
    AssessmentKind,
    IndustrialPark,
    Project,
    ProjectStage,
    StageKind,
    StageStatus,
    StageTemplate,
)
from tongban.projects.policy_rules import _visible

from .conftest import CODE, at, p, pdf

STAGE1, STAGE2 = StageKind.APPROVAL_AND_LAND, StageKind.ENGINEERING


def make_case(world, agency, *, applicant=None, status=Status.IN_REVIEW, item=None) -> Case:
    if item is None:  # one default item per agency
        item = Item.objects.filter(agency=agency, impl_code__startswith="XK0001-").first()
        item = item or published_item(agency, name="建设用地规划许可证核发")
    version = ItemVersion.objects.get(item=item)
    return Case.objects.create(
        item=item,
        item_version=version,
        applicant=applicant or world.builder,
        channel="portal",
        status=status,
        case_type=version.case_type,
        deciding_agency=agency,
    )


# ---------------------------------------------------------------- projects


def test_the_bureau_creates_a_project_and_it_is_audited(world):
    project = world.project()
    assert project.code == CODE and project.created_by == world.bureau_staff
    entry = AuditEntry.objects.get(action="project.create")
    assert entry.object_id == str(project.pk) and entry.actor_label == "bureau"


def test_a_department_may_not_create_a_project(world):
    with pytest.raises(PermissionDenied):
        actions.create_project(
            p(world.land_staff),
            code=CODE,
            name="x",
            builder=world.builder,
            region=world.county,
            category=world.category,
        )


def test_a_malformed_code_or_a_person_as_builder_is_refused(world):
    with pytest.raises(ValidationError) as bad_code:
        world.project(code="2026-371402-47")
    assert bad_code.value.code == "project_code_format"
    _user, person = applicant_account(name="王五")
    with pytest.raises(ValidationError) as bad_builder:
        world.project(builder=person)
    assert bad_builder.value.code == "builder_kind"
    assert not Project.objects.exists()


def test_the_same_code_twice_is_refused(world):
    world.project()
    with pytest.raises(ValidationError) as raised:
        world.project()
    assert raised.value.code == "duplicate"


def test_a_butler_must_be_staff(world):
    with pytest.raises(ValidationError):
        world.project(butler=world.builder_user)
    project = world.project(butler=world.outsider, is_major=True)
    assert project.butler == world.outsider


def test_builders_see_only_their_projects_and_staff_see_all(world):
    mine = world.project()
    other_user, other = applicant_account(name="另一家公司", kind="legal")
    theirs = world.project(code="2026-371402-47-03-054321", builder=other)
    everything = Project.objects.all()
    assert set(_visible(p(world.builder_user), everything)) == {mine}
    assert set(_visible(p(other_user), everything)) == {theirs}
    assert set(_visible(p(world.outsider), everything)) == {mine, theirs}


# ---------------------------------------------------------------- stages


def test_starting_a_stage_copies_the_template(world):
    project = world.project()
    stage = actions.start_stage(p(world.bureau_staff), project, STAGE1, at=at(2026, 9, 14))
    assert (stage.status, stage.limit_days, stage.lead_agency) == (
        StageStatus.IN_PROGRESS,
        20,
        world.land,
    )
    # Editing the template later does not change a stage already started.
    StageTemplate.objects.filter(category=world.category, stage=STAGE1).update(limit_days=99)
    stage.refresh_from_db()
    assert stage.limit_days == 20


def test_stages_run_in_order_and_start_once(world):
    project = world.project()
    bureau = p(world.bureau_staff)
    with pytest.raises(ValidationError) as early:
        actions.start_stage(bureau, project, STAGE2)
    assert early.value.code == "previous_open"
    actions.start_stage(bureau, project, STAGE1)
    with pytest.raises(ValidationError) as twice:
        actions.start_stage(bureau, project, STAGE1)
    assert twice.value.code == "already_started"


def test_a_stage_without_template_cannot_start(world):
    StageTemplate.objects.filter(category=world.category, stage=STAGE1).delete()
    with pytest.raises(ValidationError) as raised:
        actions.start_stage(p(world.bureau_staff), world.project(), STAGE1)
    assert raised.value.code == "no_template"


def test_the_lead_agency_and_butler_run_a_stage_others_do_not(world):
    butler = staff(StaffRole.HELPER_AGENT, agency=world.outsider.assignments.get().agency)
    project = world.project(butler=butler)
    stage = actions.start_stage(p(world.bureau_staff), project, STAGE1, at=at(2026, 9, 14))
    with pytest.raises(PermissionDenied):
        actions.pause_stage(p(world.housing_staff), stage, reason="x", at=at(2026, 9, 15))
    with pytest.raises(PermissionDenied):
        actions.pause_stage(p(world.builder_user), stage, reason="x", at=at(2026, 9, 15))
    actions.pause_stage(p(world.land_staff), stage, reason="x", at=at(2026, 9, 15))
    actions.resume_stage(p(butler), stage, at=at(2026, 9, 16))
    stage.refresh_from_db()
    assert stage.status == StageStatus.IN_PROGRESS
    assert [a.action for a in AuditEntry.objects.filter(action__startswith="project.")] == [
        "project.create",
        "project.start_stage",
        "project.pause_stage",
        "project.resume_stage",
    ]


def test_pause_and_resume_rules(world):
    project = world.project()
    bureau = p(world.bureau_staff)
    stage = actions.start_stage(bureau, project, STAGE1, at=at(2026, 9, 14))
    with pytest.raises(ValidationError):
        actions.pause_stage(bureau, stage, reason="  ", at=at(2026, 9, 15))
    with pytest.raises(ValidationError):
        actions.resume_stage(bureau, stage, at=at(2026, 9, 15))
    with pytest.raises(ValidationError):
        actions.pause_stage(bureau, stage, reason="x", at=at(2026, 9, 1))  # before the start
    pause = actions.pause_stage(bureau, stage, reason="规划调整", at=at(2026, 9, 15))
    with pytest.raises(ValidationError):
        actions.pause_stage(bureau, stage, reason="again", at=at(2026, 9, 16))
    with pytest.raises(ValidationError):
        actions.complete_stage(bureau, stage, at=at(2026, 9, 16))  # paused
    actions.resume_stage(bureau, stage, at=at(2026, 9, 18))
    pause.refresh_from_db()
    assert pause.ended_at == at(2026, 9, 18)


def test_a_stage_completes_only_when_its_cases_are_decided(world):
    project = world.project()
    bureau = p(world.bureau_staff)
    stage = actions.start_stage(bureau, project, STAGE1, at=at(2026, 9, 14))
    case = make_case(world, world.land)
    actions.attach_case(bureau, stage, case)
    with pytest.raises(ValidationError) as raised:
        actions.complete_stage(bureau, stage, at=at(2026, 9, 30))
    assert raised.value.code == "open_cases"
    Case.objects.filter(pk=case.pk).update(status=Status.APPROVED, decided_at=at(2026, 9, 29))
    done = actions.complete_stage(bureau, stage, at=at(2026, 9, 30))
    assert (done.status, done.completed_at) == (StageStatus.COMPLETED, at(2026, 9, 30))
    with pytest.raises(ValidationError):
        actions.complete_stage(bureau, stage, at=at(2026, 9, 30))


def test_withdrawn_or_closed_cases_do_not_hold_a_stage(world):
    stage = actions.start_stage(p(world.bureau_staff), world.project(), STAGE1)
    actions.attach_case(
        p(world.bureau_staff), stage, make_case(world, world.land, status=Status.WITHDRAWN)
    )
    assert actions.complete_stage(p(world.bureau_staff), stage).status == StageStatus.COMPLETED


def test_attaching_a_case_checks_builder_item_and_uniqueness(world):
    project = world.project()
    bureau = p(world.bureau_staff)
    stage = actions.start_stage(bureau, project, STAGE1)
    _user, stranger = applicant_account(name="无关公司", kind="legal")
    with pytest.raises(ValidationError) as other_applicant:
        actions.attach_case(bureau, stage, make_case(world, world.land, applicant=stranger))
    assert other_applicant.value.code == "applicant"
    allowed = published_item(world.land, name="建设项目用地预审与选址意见书", impl_code="A1")
    template = StageTemplate.objects.get(category=world.category, stage=STAGE1)
    template.items.set([allowed])
    with pytest.raises(ValidationError) as wrong_item:
        actions.attach_case(bureau, stage, make_case(world, world.land))
    assert wrong_item.value.code == "item"
    case = make_case(world, world.land, item=allowed)
    link = actions.attach_case(bureau, stage, case)
    assert services.stage_of_case(case) == stage and link.stage == stage
    with pytest.raises(ValidationError) as twice:
        actions.attach_case(bureau, stage, case)
    assert twice.value.code == "attached"


# ---------------------------------------------------------------- shared work


def test_an_inspection_is_shared_with_every_case_of_the_stage(world):
    project = world.project()
    bureau = p(world.bureau_staff)
    stage = actions.start_stage(bureau, project, STAGE1, at=at(2026, 9, 14))
    land_case = make_case(world, world.land)
    housing_case = make_case(
        world, world.housing, item=published_item(world.housing, impl_code="H1")
    )
    actions.attach_case(bureau, stage, land_case)
    actions.attach_case(bureau, stage, housing_case)
    # The education bureau has no case in the stage: it may not record one.
    with pytest.raises(PermissionDenied):
        actions.record_inspection(
            p(world.outsider), stage, inspected_on=dt.date(2026, 9, 16), findings="x", agencies=[]
        )
    inspection = actions.record_inspection(
        p(world.housing_staff),  # a department with a case in the stage
        stage,
        inspected_on=dt.date(2026, 9, 16),
        findings="现场与规划条件一致",
        agencies=[world.land, world.housing],
    )
    assert list(services.inspections_for_case(land_case)) == [inspection]
    assert list(services.inspections_for_case(housing_case)) == [inspection]
    other_case = make_case(world, world.land, item=published_item(world.land, impl_code="L2"))
    assert not services.inspections_for_case(other_case).exists()
    with pytest.raises(ValidationError):
        actions.record_inspection(
            bureau, stage, inspected_on=dt.date(2026, 9, 1), findings="x", agencies=[]
        )


def test_a_meeting_needs_minutes_and_attendees_and_keeps_its_file(world):
    stage = actions.start_stage(p(world.bureau_staff), world.project(), STAGE1)
    bureau = p(world.bureau_staff)
    with pytest.raises(ValidationError):
        actions.record_meeting(
            bureau, stage, held_on=dt.date(2026, 9, 15), attendees=[], minutes="x"
        )
    meeting = actions.record_meeting(
        bureau,
        stage,
        held_on=dt.date(2026, 9, 15),
        attendees=[world.land, world.housing],
        minutes="各部门同意并联审批",
        file=pdf("minutes.pdf"),
    )
    assert len(meeting.sha256) == 64 and meeting.file.name.endswith(".pdf")
    assert set(meeting.attendees.all()) == {world.land, world.housing}


def test_joint_drawing_review_comments_then_one_answer(world):
    project = world.project()
    stage = actions.start_stage(p(world.bureau_staff), project, STAGE1)
    drawings = actions.upload_drawings(p(world.builder_user), stage, pdf("plans.pdf"), "plans.pdf")
    assert drawings.version == 1
    with pytest.raises(ValidationError):
        actions.answer_comments(p(world.builder_user), drawings, text="无意见")  # nothing to answer
    with pytest.raises(PermissionDenied):  # only in the name of one's own agency
        actions.comment_drawing(p(world.land_staff), drawings, agency=world.housing, text="x")
    actions.comment_drawing(p(world.land_staff), drawings, agency=world.land, text="退线不足")
    actions.comment_drawing(p(world.housing_staff), drawings, agency=world.housing, text="消防通道")
    with pytest.raises(PermissionDenied):
        actions.answer_comments(p(world.land_staff), drawings, text="x")
    answer = actions.answer_comments(p(world.builder_user), drawings, text="已按意见修改")
    assert answer.drawing_set == drawings
    with pytest.raises(ValidationError):
        actions.answer_comments(p(world.builder_user), drawings, text="again")
    with pytest.raises(ValidationError):
        actions.comment_drawing(p(world.land_staff), drawings, agency=world.land, text="late")
    second = actions.upload_drawings(p(world.builder_user), stage, pdf("v2.pdf"), "v2.pdf")
    assert second.version == 2 and second.sha256 != drawings.sha256


def test_a_drawing_must_be_a_document(world):
    import io

    stage = actions.start_stage(p(world.bureau_staff), world.project(), STAGE1)
    with pytest.raises(ValidationError):
        actions.upload_drawings(p(world.builder_user), stage, io.BytesIO(b"MZ\x90"), "x.exe")


def test_park_assessments_are_reused_while_valid(world):
    bureau = p(world.bureau_staff)
    with pytest.raises(PermissionDenied):
        actions.add_park(p(world.land_staff), name="x", region=world.county)
    park = actions.add_park(bureau, name="德州经济技术开发区", region=world.county)
    env = actions.attach_assessment(
        bureau,
        park,
        kind=AssessmentKind.ENVIRONMENTAL_IMPACT,
        document=pdf("eia.pdf"),
        name="eia.pdf",
        valid_until=dt.date(2027, 12, 31),
    )
    actions.attach_assessment(
        bureau,
        park,
        kind=AssessmentKind.GEOLOGICAL_HAZARD,
        document=pdf("geo.pdf"),
        name="geo.pdf",
        valid_until=dt.date(2026, 6, 30),
    )
    project = world.project(park=park)
    assert list(services.assessments_for_project(project, on=dt.date(2026, 9, 1))) == [env]
    assert services.assessments_for_project(project, on=dt.date(2026, 6, 1)).count() == 2
    assert not services.assessments_for_project(world.project(code="2026-371402-47-03-000002"))
    assert IndustrialPark.objects.get().assessments.count() == 2


def test_seed_categories_is_idempotent_and_leaves_edits_alone(db):
    first = services.seed_categories()
    assert [(c.code, c.main_process_limit, c.whole_process_limit) for c in first] == [
        ("social", 45, 90),
        ("government", 70, 90),
        ("small_social", 45, 90),
    ]
    first[0].main_process_limit = 40
    first[0].save()
    services.seed_categories()
    assert [c.main_process_limit for c in services.seed_categories()] == [40, 70, 90 - 45]
    assert StageTemplate.objects.count() == 12
    assert ProjectStage.objects.count() == 0
