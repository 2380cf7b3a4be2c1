"""A construction project in the workbench, as staff use it: the demo project (three
stages done, completion acceptance under way) is opened from the list, its timeline
read, a site inspection recorded by the butler and a drawing comment added by the
planning department — each through the real pages, HTMX and all."""

import pytest
from playwright.sync_api import expect

from tests.factories import AgencyFactory, applicant_account, city_region, staff
from tongban.org.models import Agency, Applicant, StaffRole
from tongban.projects.demo_data import load_demo_project
from tongban.projects.models import DrawingComment, SiteInspection

from .conftest import DESKTOP, axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_project(transactional_db):
    bureau = AgencyFactory(name="德州市行政审批服务局", kind=Agency.Kind.APPROVAL_BUREAU)
    land = AgencyFactory(name="德州市自然资源和规划局")
    housing = AgencyFactory(name="德州市住房和城乡建设局")
    _user, builder = applicant_account(name="德州新材料科技有限公司", kind=Applicant.Kind.LEGAL)
    butler = staff(StaffRole.SECTION_CHIEF, agency=bureau, username="chief", full_name="刘洋")
    planner = staff(StaffRole.BACKOFFICE_REVIEWER, agency=land, full_name="李规划")
    project = load_demo_project(
        city_region(), bureau=bureau, land=land, housing=housing, builder=builder, butler=butler
    )
    return {"project": project, "butler": butler, "planner": planner, "land": land}


def test_staff_read_the_timeline_record_an_inspection_and_comment(visit, demo_project):
    project = demo_project["project"]
    visiting = visit(DESKTOP)
    page = visiting.page
    visiting.log_in_as(demo_project["butler"])

    page.goto("/workbench/")
    page.get_by_role("navigation", name="工作台页面").get_by_role(
        "link", name="工程建设项目"
    ).click()
    expect(page.get_by_role("heading", name="工程建设项目", exact=True)).to_be_visible()
    page.get_by_role("link", name=project.code).click()
    expect(page.get_by_role("heading", name=project.name)).to_be_visible()

    # The timeline: 14, 14 (a pause of 4 taken out) and 8 working days in stages 1–3.
    timeline = page.locator("[data-timeline]")
    expect(timeline.locator('[data-stage="approval_land"]')).to_contain_text("14 / 15 个工作日")
    expect(timeline.locator('[data-stage="engineering"]')).to_contain_text("14 / 20 个工作日")
    expect(timeline.locator('[data-stage="engineering"]')).to_contain_text("4 个工作日")
    expect(timeline.locator('[data-stage="construction"]')).to_contain_text("8 / 10 个工作日")
    expect(timeline.locator('[data-process="main"]')).to_contain_text("36 / 45 个工作日")
    expect(page.locator("[data-pauses]")).to_contain_text("建设单位修改总平面图")
    expect(page.locator("[data-assessments]")).to_contain_text("园区规划环境影响评价报告书")
    expect(page.locator("[data-inspections] li")).to_have_count(1)
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # The butler records a second inspection for completion acceptance.
    inspections = page.get_by_role("region", name="现场勘察")
    inspections.get_by_text("记录现场勘察", exact=True).click()
    inspections.get_by_label("勘察结论").fill("消防设施复核完成，各部门共享结论。")
    inspections.get_by_label("德州市住房和城乡建设局").check()
    inspections.get_by_role("button", name="记录勘察").click()
    expect(page.get_by_text("现场勘察已记录，本阶段各部门共享查看。")).to_be_visible()
    expect(page.locator("[data-inspections] li")).to_have_count(2)
    expect(page.locator("[data-inspections]")).to_contain_text("消防设施复核完成")
    assert SiteInspection.objects.filter(findings__startswith="消防设施复核").count() == 1
    screenshot(page, "project-detail")

    # The planning department comments on the current drawings (version 2) as itself.
    visiting.context.clear_cookies()
    visiting.log_in_as(demo_project["planner"])
    page.goto(f"/workbench/projects/{project.pk}/")
    page.get_by_text("提出本部门审查意见", exact=True).click()
    expect(page.get_by_text("您代表德州市自然资源和规划局提出意见。")).to_be_visible()
    page.get_by_label("审查意见").fill("第2版建筑退线已满足规划条件。")
    page.get_by_role("button", name="提交审查意见").click()
    expect(page.get_by_text("您对第 2 版图纸的审查意见已记录。")).to_be_visible()
    expect(page.locator('[data-drawing="2"] [data-comments]')).to_contain_text(
        "第2版建筑退线已满足规划条件。"
    )
    comment = DrawingComment.objects.get()
    assert (comment.agency, comment.drawing_set.version) == (demo_project["land"], 2)
