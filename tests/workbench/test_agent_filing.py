"""A helper agent (帮办代办) or a village station's agent files for an applicant: the case is
theirs to complete and hand in, a hall accepts it, and their page says what each still needs."""

import pytest
from django.urls import reverse

from tests.cases.conftest import world  # noqa: F401 (the fixture)
from tests.catalog.factories import option
from tests.factories import ServicePointFactory, staff
from tongban.cases.models import Case, Status
from tongban.org.models import ServicePoint, StaffRole

from .test_case_pages import HTMX, material, pdf

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"workbench:{name}", args=args)


@pytest.fixture
def village_agent(world):  # noqa: F811
    station = ServicePointFactory(
        name="黄河涯镇王庄村代办点", kind=ServicePoint.Kind.VILLAGE_STATION
    )
    return staff(StaffRole.HELPER_AGENT, service_point=station, username="wangzhuang")


def _start(client, world, agent):  # noqa: F811
    client.force_login(agent)
    response = client.post(
        url("start-case"), {"item": world.item.pk, "applicant": world.applicant.pk}
    )
    case = Case.objects.get(submitted_by=agent)
    assert response.url == url("intake", case.pk)
    return case


def test_a_village_agent_files_answers_scans_and_hands_in(client, world, village_agent):  # noqa: F811
    case = _start(client, world, village_agent)
    assert case.channel == "village_station"
    assert case.on_behalf is True
    assert case.service_point_id is None  # accepted at a hall, like an online application
    page = client.get(url("intake", case.pk)).content.decode()
    assert "代为提交" in page or "提交受理" in page
    assert "窗口受理决定" not in page  # an agent cannot accept
    chosen = [option(world.item, text) for text in ("租赁", "否")]
    answers = {f"answer_{o.question_id}": o.pk for o in chosen}
    client.post(url("intake", case.pk), {"op": "answers", **answers}, **HTMX)
    client.post(
        url("intake", case.pk),
        {
            "op": "upload",
            "material": material(case, "食品经营许可申请书").pk,
            "file": pdf("申请书"),
        },
        **HTMX,
    )
    listed = client.get(url("agent")).content.decode()
    assert "房屋租赁合同" in listed  # what the draft still needs
    case.refresh_from_db()
    response = client.post(
        url("intake", case.pk), {"op": "submit", "revision": case.revision}, **HTMX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("agent")
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.code
    listed = client.get(url("agent")).content.decode()
    assert case.code in listed
    assert "已提交" in listed or "待受理" in listed

    # A hall's clerk finds it with the online applications and accepts it there.
    client.force_login(world.clerk)
    counter = client.get(url("counter")).content.decode()
    assert case.code in counter


def test_an_agent_in_a_hall_files_as_helper_agent(client, world):  # noqa: F811
    agent = staff(StaffRole.HELPER_AGENT, service_point=world.hall, username="helper")
    case = _start(client, world, agent)
    assert case.channel == "helper_agent"


def test_another_agents_case_is_not_theirs_to_hand_in(client, world, village_agent):  # noqa: F811
    case = _start(client, world, village_agent)
    other = staff(
        StaffRole.HELPER_AGENT,
        service_point=ServicePointFactory(kind=ServicePoint.Kind.VILLAGE_STATION),
        username="other-agent",
    )
    client.force_login(other)
    response = client.post(url("intake", case.pk), {"op": "submit", "revision": case.revision})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.DRAFT


def test_the_agent_page_starts_empty_and_points_to_the_counter(client, village_agent):
    client.force_login(village_agent)
    html = client.get(url("agent")).content.decode()
    assert "黄河涯镇王庄村代办点" in html
    assert "村级代办点" in html
    assert f'href="{url("counter")}"' in html
