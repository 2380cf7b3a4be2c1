"""Construction projects in the workbench: the list, a project's page, its actions, the
butler's view.

Every staff member reads projects (parallel approval needs every department to see
them); applicants get a 403 and visitors the login page. Each action on the page goes
through ``projects.actions``; a refused or malformed one says why and changes nothing.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.projects.conftest import World, at, p, pdf, world  # noqa: F401 (the fixture)
from tongban.cases.models import Status
from tongban.core.models import AuditEntry
from tongban.projects import actions
from tongban.projects.models import (
    DrawingComment,
    PreReviewMeeting,
    Project,
    ProjectStage,
    SiteInspection,
    StageKind,
    StageStatus,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STAGE1, STAGE2 = StageKind.APPROVAL_AND_LAND, StageKind.ENGINEERING


def url(name: str, *args) -> str:
    return reverse(f"workbench:{name}", args=args)


def running(world: World, **fields) -> Project:  # noqa: F811
    """A project whose first stage started on Monday 14 September 2026."""
    project = world.project(**fields)
    actions.start_stage(p(world.bureau_staff), project, STAGE1, at=at(2026, 9, 14))
    return project


def stage(project: Project, kind: str = STAGE1) -> ProjectStage:
    return ProjectStage.objects.get(project=project, stage=kind)


def post(client, project: Project, data: dict, htmx: bool = True):
    extra = HTMX if htmx else {}
    return client.post(url("project", project.pk), data, **extra)


def project_audits() -> int:
    return AuditEntry.objects.filter(action__startswith="project.").count()


# --- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["projects", "project-butler"])
def test_every_staff_member_opens_the_project_pages(client, world, page):  # noqa: F811
    for user in (world.bureau_staff, world.land_staff, world.outsider):
        client.force_login(user)
        assert client.get(url(page)).status_code == 200


def test_applicants_are_refused_and_visitors_sent_to_log_in(client, world):  # noqa: F811
    project = world.project()
    pages = [url("projects"), url("project-butler"), url("project", project.pk)]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/login/" in response.url
    client.force_login(world.builder_user)
    for page in pages:
        assert client.get(page).status_code == 403
    assert post(client, project, {"action": "start", "stage": STAGE1}).status_code == 403
    assert not ProjectStage.objects.exists()


def test_an_unknown_project_is_not_found(client, world):  # noqa: F811
    client.force_login(world.land_staff)
    assert client.get(url("project", 999)).status_code == 404


def test_the_menu_links_the_projects(client, world):  # noqa: F811
    client.force_login(world.outsider)
    menu = client.get(url("home")).content.decode().split('id="wb-nav"')[1].split("</nav>")[0]
    assert f'href="{url("projects")}"' in menu
    page = client.get(url("projects")).content.decode()
    assert f'href="{url("projects")}" aria-current="page"' in page


# --- The list ----------------------------------------------------------------------------


def test_the_list_shows_projects_with_their_markers_and_filters(client, world):  # noqa: F811
    started = running(world, butler=world.land_staff, is_major=True)
    idle = world.project(code="2026-371402-47-03-054321", name="待开工的仓储项目")
    client.force_login(world.housing_staff)
    page = client.get(url("projects")).content.decode()
    assert started.code in page and idle.code in page
    assert "due-badge" in page

    def codes(**query) -> str:
        return client.get(url("projects"), query).content.decode()

    assert started.code in codes(state="in_progress")
    assert idle.code not in codes(state="in_progress")
    assert idle.code in codes(state="not_started")
    assert started.code not in codes(state="not_started")
    assert started.code not in codes(state="completed")
    assert started.code in codes(category="social")
    assert started.code not in codes(mine="1")  # housing is not the butler
    assert idle.code in codes(q="仓储") and started.code not in codes(q="仓储")
    client.force_login(world.land_staff)
    assert started.code in codes(mine="1") and idle.code not in codes(mine="1")
    partial = client.get(
        url("projects"), {"state": "in_progress"}, HTTP_HX_TARGET="project-list", **HTMX
    )
    assert partial.content.decode().lstrip().startswith('<div id="project-list">')


def test_the_list_is_paginated(client, world):  # noqa: F811
    for serial in range(26):
        world.project(code=f"2026-371402-47-03-{serial:05d}0", name=f"项目{serial}")
    client.force_login(world.land_staff)
    first = client.get(url("projects")).content.decode()
    assert "第 1 页，共 2 页" in first or "Page 1 of 2" in first
    assert client.get(url("projects"), {"page": 2}).status_code == 200


# --- The project page --------------------------------------------------------------------


def test_the_page_shows_the_record_the_stages_and_the_timeline(client, world, settings):  # noqa: F811
    project = running(world, butler=world.bureau_staff, location="崇德八大道以东")
    first = stage(project)
    actions.pause_stage(p(world.bureau_staff), first, reason="建设单位修改方案", at=at(2026, 9, 16))
    actions.resume_stage(p(world.bureau_staff), first, at=at(2026, 9, 18))
    actions.complete_stage(p(world.bureau_staff), first, at=at(2026, 9, 25, 16))
    client.force_login(world.outsider)
    page = client.get(url("project", project.pk)).content.decode()
    for text in (
        project.code,
        world.builder.name,
        "崇德八大道以东",
        "社会投资项目",
        "建设单位修改方案",
    ):
        assert text in page
    # 14 → 25 September: 9 working days, minus the pause (16 → 18 September: 2).
    assert "7 / 20 个工作日" in page
    assert "7 / 45 个工作日" in page and "7 / 90 个工作日" in page
    for label in StageKind.labels:
        assert str(label) in page
    # Staff of another department see the project but are offered no stage action.
    assert 'name="action" value="start"' not in page


def test_the_page_shows_the_parks_assessments_meetings_inspections_and_drawings(client, world):  # noqa: F811
    bureau = p(world.bureau_staff)
    park = actions.add_park(bureau, name="德州经开区", region=world.county)
    actions.attach_assessment(
        bureau, park, kind="environmental_impact", document=pdf(), name="eia.pdf", title="区域环评"
    )
    project = running(world, park=park)
    first = stage(project)
    actions.record_meeting(
        bureau, first, held_on=dt.date(2026, 9, 15), attendees=[world.land], minutes="并联审批"
    )
    actions.record_inspection(
        bureau, first, inspected_on=dt.date(2026, 9, 16), findings="现场踏勘一次", agencies=[]
    )
    drawing = actions.upload_drawings(bureau, first, pdf("plan.pdf"), "总平面图.pdf")
    actions.comment_drawing(p(world.land_staff), drawing, agency=world.land, text="退线不足")
    client.force_login(world.housing_staff)
    page = client.get(url("project", project.pk)).content.decode()
    for text in ("区域环评", "德州经开区", "并联审批", "现场踏勘一次", "总平面图.pdf", "退线不足"):
        assert text in page


def test_an_attached_case_links_to_the_case_page(client, world):  # noqa: F811
    from tests.projects.test_actions import make_case

    project = running(world)
    case = make_case(world, world.land, status=Status.IN_REVIEW)
    actions.attach_case(p(world.bureau_staff), stage(project), case)
    client.force_login(world.land_staff)
    page = client.get(url("project", project.pk)).content.decode()
    assert f'href="{url("case", case.pk)}"' in page


def test_a_case_is_attached_to_a_stage_by_its_code(client, world):  # noqa: F811
    from tests.projects.test_actions import make_case

    project = running(world)
    case = make_case(world, world.land, status=Status.IN_REVIEW)
    case.code = "XK0001-TEST202609150001"
    case.save(update_fields=["code"])
    client.force_login(world.bureau_staff)
    page = client.get(url("project", project.pk)).content.decode()
    assert 'name="action" value="attach"' in page
    unknown = post(client, project, {"action": "attach", "stage": STAGE1, "code": "NOPE"})
    assert "NOPE" in unknown.content.decode() and not stage(project).stage_cases.exists()
    done = post(client, project, {"action": "attach", "stage": STAGE1, "code": case.code})
    assert done.status_code == 200 and case.code in done.content.decode()
    assert list(stage(project).stage_cases.values_list("case_id", flat=True)) == [case.pk]


# --- Actions -----------------------------------------------------------------------------


def test_the_bureau_starts_pauses_resumes_and_completes_a_stage(client, world):  # noqa: F811
    project = world.project()
    client.force_login(world.bureau_staff)
    page = client.get(url("project", project.pk)).content.decode()
    assert 'name="action" value="start"' in page

    response = post(client, project, {"action": "start", "stage": STAGE1})
    assert response.status_code == 200
    assert stage(project).status == StageStatus.IN_PROGRESS
    assert "已开始" in response.content.decode() or "has started" in response.content.decode()

    post(client, project, {"action": "pause", "stage": STAGE1, "reason": "补充规划条件"})
    assert stage(project).status == StageStatus.PAUSED
    assert stage(project).pauses.get().reason == "补充规划条件"

    post(client, project, {"action": "resume", "stage": STAGE1})
    assert stage(project).status == StageStatus.IN_PROGRESS

    response = post(client, project, {"action": "complete", "stage": STAGE1}, htmx=False)
    assert response.status_code == 302 and response.url == url("project", project.pk)
    assert stage(project).status == StageStatus.COMPLETED
    page = client.get(url("project", project.pk)).content.decode()
    assert f'name="stage" value="{STAGE2}"' in page  # the next stage may start now


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"action": "start", "stage": STAGE2}, 400),  # stage 1 is not completed
        ({"action": "start", "stage": "nonsense"}, 400),
        ({"action": "pause", "stage": STAGE1, "reason": "  "}, 400),  # no reason
        ({"action": "pause", "stage": STAGE2, "reason": "x"}, 400),  # not started
        ({"action": "resume", "stage": STAGE1}, 400),  # not paused
        ({"action": "meeting", "stage": STAGE1, "held_on": "tomorrow", "minutes": "x"}, 400),
        ({"action": "meeting", "stage": STAGE1, "held_on": "2026-09-15", "minutes": "x"}, 400),
        (
            {
                "action": "inspection",
                "stage": STAGE1,
                "inspected_on": "2026-09-01",
                "findings": "x",
            },
            400,
        ),
        (
            {"action": "inspection", "stage": STAGE1, "inspected_on": "2026-09-15", "findings": ""},
            400,
        ),
        ({"action": "butler", "butler": "999999"}, 400),
        ({"action": "nonsense"}, 400),
    ],
)
def test_a_bad_input_is_refused_clearly_and_changes_nothing(client, world, data, status):  # noqa: F811
    project = running(world)
    before = (project_audits(), stage(project).status, stage(project).pauses.count())
    client.force_login(world.bureau_staff)

    response = post(client, project, data)
    assert response.status_code == 200  # HTMX swaps the page part with the message in it
    assert 'class="alert alert-error"' in response.content.decode()
    assert "未作任何更改" in response.content.decode() or "Nothing was changed" in (
        response.content.decode()
    )
    plain = post(client, project, data, htmx=False)
    assert plain.status_code == status

    assert (project_audits(), stage(project).status, stage(project).pauses.count()) == before
    assert not PreReviewMeeting.objects.exists() and not SiteInspection.objects.exists()
    assert Project.objects.get().butler is None


def test_a_department_cannot_run_a_stage_it_does_not_lead(client, world):  # noqa: F811
    project = running(world)
    client.force_login(world.housing_staff)  # stage 1 is led by land
    response = post(
        client, project, {"action": "pause", "stage": STAGE1, "reason": "x"}, htmx=False
    )
    assert response.status_code == 403
    assert stage(project).status == StageStatus.IN_PROGRESS
    response = post(
        client, project, {"action": "butler", "butler": world.housing_staff.pk}, htmx=False
    )
    assert response.status_code == 403
    assert Project.objects.get().butler is None


def test_a_meeting_and_an_inspection_are_recorded(client, world):  # noqa: F811
    project = running(world)
    client.force_login(world.land_staff)  # the lead agency of stage 1
    response = post(
        client,
        project,
        {
            "action": "meeting",
            "stage": STAGE1,
            "held_on": "2026-09-15",
            "minutes": "同意并联审批",
            "agencies": [world.land.pk, world.housing.pk],
        },
    )
    assert response.status_code == 200
    meeting = PreReviewMeeting.objects.get()
    assert meeting.minutes == "同意并联审批" and meeting.recorded_by == world.land_staff
    assert set(meeting.attendees.all()) == {world.land, world.housing}

    post(
        client,
        project,
        {
            "action": "inspection",
            "stage": STAGE1,
            "inspected_on": "2026-09-16",
            "findings": "现场与规划条件一致",
            "agencies": [world.land.pk, world.housing.pk],
        },
    )
    inspection = SiteInspection.objects.get()
    assert inspection.inspector == world.land_staff and inspection.stage == stage(project)
    assert set(inspection.agencies.all()) == {world.land, world.housing}
    assert "现场与规划条件一致" in client.get(url("project", project.pk)).content.decode()


def test_another_department_may_not_record_an_inspection(client, world):  # noqa: F811
    project = running(world)
    client.force_login(world.outsider)
    data = {"action": "inspection", "stage": STAGE1, "inspected_on": "2026-09-16", "findings": "x"}
    assert post(client, project, data, htmx=False).status_code == 403
    assert not SiteInspection.objects.exists()


def test_a_department_comments_on_the_current_drawings_as_itself(client, world):  # noqa: F811
    project = running(world)
    first = actions.upload_drawings(p(world.bureau_staff), stage(project), pdf(), "图纸.pdf")
    client.force_login(world.housing_staff)
    page = client.get(url("project", project.pk)).content.decode()
    assert 'name="action" value="comment"' in page

    data = {
        "action": "comment",
        "drawing": first.pk,
        "agency": world.housing.pk,
        "text": "消防通道宽度不足",
    }
    assert post(client, project, data).status_code == 200
    comment = DrawingComment.objects.get()
    assert (comment.agency, comment.author, comment.text) == (
        world.housing,
        world.housing_staff,
        "消防通道宽度不足",
    )
    # Not in another agency's name, not empty, not on an old version.
    for bad in (
        {**data, "agency": world.land.pk},
        {**data, "text": " "},
    ):
        assert post(client, project, bad, htmx=False).status_code == 400
    actions.upload_drawings(p(world.bureau_staff), stage(project), pdf("v2"), "图纸v2.pdf")
    assert post(client, project, data, htmx=False).status_code == 400
    assert DrawingComment.objects.count() == 1


def test_the_bureau_sets_and_clears_the_butler(client, world):  # noqa: F811
    project = world.project()
    client.force_login(world.bureau_staff)
    post(client, project, {"action": "butler", "butler": world.bureau_staff.pk})
    assert Project.objects.get().butler == world.bureau_staff
    post(client, project, {"action": "butler", "butler": ""})
    assert Project.objects.get().butler is None


# --- The butler's view -------------------------------------------------------------------


def test_the_butler_sees_what_is_pending_on_their_projects(client, world):  # noqa: F811
    from tests.projects.test_actions import make_case

    project = running(world, butler=world.land_staff, is_major=True)
    other = running(world, code="2026-371402-47-03-054321", name="别人的项目")
    first = stage(project)
    case = make_case(world, world.land, status=Status.IN_REVIEW)
    actions.attach_case(p(world.bureau_staff), first, case)
    drawing = actions.upload_drawings(p(world.bureau_staff), first, pdf(), "图纸.pdf")
    actions.comment_drawing(p(world.housing_staff), drawing, agency=world.housing, text="意见")

    client.force_login(world.land_staff)
    page = client.get(url("project-butler")).content.decode()
    assert project.name in page and other.name not in page
    assert f'href="{url("case", case.pk)}"' in page
    drawings = page.split("data-butler-drawings")[1].split("</ul>")[0]
    assert project.name in drawings

    client.force_login(world.housing_staff)
    page = client.get(url("project-butler")).content.decode()
    assert project.name not in page


def test_the_timeline_markers_turn_red_when_a_limit_is_at_risk(client, world, monkeypatch):  # noqa: F811
    project = running(world)
    client.force_login(world.land_staff)
    # 15–30 September and 8, 9, 10 (a make-up Saturday), 12, 13 October: 17 working days
    # used by 13 October, 3 of 20 left (at most 20 % of the limit): red.
    late = timezone.make_aware(dt.datetime(2026, 10, 13, 12))
    monkeypatch.setattr(timezone, "now", lambda: late)
    page = client.get(url("project", project.pk)).content.decode()
    assert 'data-level="red"' in page


def test_the_lead_agency_of_the_next_stage_may_start_it(client, world):  # noqa: F811
    project = world.project()
    client.force_login(world.land_staff)  # leads stage 1
    assert 'name="action" value="start"' in client.get(url("project", project.pk)).content.decode()
    post(client, project, {"action": "start", "stage": STAGE1})
    assert stage(project).status == StageStatus.IN_PROGRESS
    client.force_login(world.housing_staff)  # leads neither stage 1 nor 2
    assert (
        'name="action" value="start"' not in client.get(url("project", project.pk)).content.decode()
    )
