"""The demo project loads through the real actions, once."""

import datetime as dt

import pytest

from tests.factories import city_region
from tongban.cases.actions import missing_materials
from tongban.cases.models import OPEN_STATUSES, Case, Status
from tongban.demo.loader import load_demo_city
from tongban.org.models import Applicant
from tongban.projects.demo_data import load_demo_project
from tongban.projects.models import Project, StageStatus, StageTemplate
from tongban.projects.services import assessments_for_project
from tongban.projects.timeline import project_timeline


def test_the_demo_project_goes_through_the_four_stages_once(world):
    region = city_region()
    today = dt.date(2026, 12, 15)
    kwargs = {
        "bureau": world.bureau,
        "land": world.land,
        "housing": world.housing,
        "builder": world.builder,
        "butler": world.bureau_staff,
        "reviewer": world.land_staff,
        "today": today,
    }
    project = load_demo_project(region, **kwargs)
    assert project.code == "2026-371400-47-03-000018"
    statuses = [s.status for s in project.stages.order_by("order")]
    assert statuses == [StageStatus.COMPLETED] * 3 + [StageStatus.IN_PROGRESS]
    timeline = project_timeline(project, now=project.stages.get(order=4).started_at)
    # Stage 1: 62 → 48 working days before today = 14; stage 2: 46 → 28 = 18 minus the
    # pause 40 → 36 = 4, so 14; stage 3: 26 → 18 = 8.
    assert [t.used for t in timeline.stages[:3]] == [14, 14, 8]
    assert timeline.main_process.used == 36
    assert list(assessments_for_project(project, on=today))
    drawings = project.drawing_sets.order_by("version")
    assert [d.version for d in drawings] == [1, 2] and hasattr(drawings[0], "answer")
    assert project.stages.get(order=4).inspections.count() == 1
    assert load_demo_project(region, **kwargs) == project
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_city_project_has_the_builders_cases_in_every_stage():
    load_demo_city()
    project = Project.objects.get()
    builder = Applicant.objects.get(account__username="enterprise")
    stages = list(project.stages.order_by("order"))
    links = {s.order: list(s.stage_cases.select_related("case__item")) for s in stages}
    assert all(links.values()), links
    for stage in stages:
        template = StageTemplate.objects.get(category=project.category, stage=stage.stage)
        items = set(template.items.all())
        for link in links[stage.order]:
            case = link.case
            assert case.applicant == builder and case.item in items
            assert stage.started_at < case.submitted_at <= case.accepted_at
            assert case.materials.exists() and not missing_materials(case)
            if stage.order < 4:
                assert case.status == Status.CLOSED and case.decided_at < stage.completed_at
                assert case.closed_at < stage.completed_at
                assert case.events.filter(action="approve").exists()
            else:
                assert case.status in OPEN_STATUSES and case.decided_at is None
    # The stage dates are the same as without cases.
    timeline = project_timeline(project, now=stages[3].started_at)
    assert [t.used for t in timeline.stages[:3]] == [14, 14, 8]
    assert timeline.main_process.used == 36
    cases = Case.objects.count()
    load_demo_city()
    assert Case.objects.count() == cases and Project.objects.count() == 1
