"""Each review step has its share of the promised limit: a due time, warnings to the step's
holders before the case's own deadline is near, and a line on the staff's case page."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tongban.cases import actions, warnings
from tongban.cases.models import CaseEvent
from tongban.catalog.models import ItemVersion
from tongban.core.models import Notification

from .helpers import online_case

TZ = dt.timezone(dt.timedelta(hours=8))


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=TZ), tick=False)


@pytest.fixture
def twenty_days(world):
    """The item promises 20 working days; the agency's default steps take 60/30/10 %."""
    ItemVersion.objects.filter(item=world.item).update(promised_limit=20)
    return world


def _accepted(world):
    with at(2026, 11, 2, 10):  # Monday
        case = actions.submit(world.p(world.citizen), online_case(world))
        return actions.accept(world.p(world.clerk), case, service_point=world.hall)


def test_each_step_is_due_when_the_shares_up_to_it_are_used(twenty_days):
    world = twenty_days
    case = _accepted(world)
    assert timezone.localdate(case.promised_due) == dt.date(2026, 11, 30)
    # review: 60 % of 20 = 12 working days after Mon 2 Nov → Wed 18 Nov
    assert case.step_kind == "review"
    assert timezone.localdate(case.step_due) == dt.date(2026, 11, 18)
    with at(2026, 11, 5, 10):
        case = actions.complete_step(world.p(world.reviewer), case)
    # decision: 90 % → 18 working days from acceptance (not from the review's end)
    assert case.step_kind == "decision"
    assert timezone.localdate(case.step_due) == dt.date(2026, 11, 26)
    with at(2026, 11, 6, 10):
        case = actions.approve(world.p(world.chief), case)
    assert case.status == "approved"
    assert case.step_due is None  # the result step is the window's hand-over


def test_a_step_running_out_of_time_warns_its_holders_once_per_level(twenty_days):
    world = twenty_days
    case = _accepted(world)
    with at(2026, 11, 16, 10):  # two working days before the review step's end
        counts = warnings.raise_warnings()
        assert counts["warned"] == 1
        told = Notification.objects.filter(recipient=world.reviewer)
        assert told.count() == 1
        assert "审查" in told.get().subject or "review" in told.get().subject.lower()
        assert not Notification.objects.filter(recipient=world.chief).exists()
        assert warnings.raise_warnings()["warned"] == 0
        case.refresh_from_db()
        assert case.warning_level == "green"  # the case itself is far from its promise
    with at(2026, 11, 19, 10):  # the step's share is used up: its chief hears of it
        warnings.raise_warnings()
        assert Notification.objects.filter(recipient=world.chief).count() == 1
        # Not the case's deadline: the step moves on without a delay reason.
        case = actions.complete_step(world.p(world.reviewer), case)
    events = CaseEvent.objects.filter(case=case, action="warn_step")
    assert [e.data["level"] for e in events.order_by("pk")] == ["yellow", "overdue"]
    assert not any(e.public for e in events)
    with at(2026, 11, 24, 10):  # the decision step is a new step: warned afresh
        warnings.raise_warnings()
    assert CaseEvent.objects.filter(case=case, action="warn_step").count() == 3


def test_the_case_page_shows_the_steps_due_time(twenty_days):
    world = twenty_days
    case = _accepted(world)
    browser = Client()
    browser.force_login(world.reviewer)
    with at(2026, 11, 16, 10):
        page = browser.get(f"/workbench/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "本环节时限" in text
    assert "2026-11-18" in text


def test_the_api_detail_gives_staff_the_steps_due_time_and_not_the_applicant(twenty_days):
    world = twenty_days
    case = _accepted(world)
    staff_client, citizen_client = Client(), Client()
    staff_client.force_login(world.reviewer)
    citizen_client.force_login(world.citizen)
    with at(2026, 11, 16, 10):
        for_staff = staff_client.get(f"/api/v1/cases/{case.pk}").json()["step"]
        for_citizen = citizen_client.get(f"/api/v1/cases/{case.pk}").json()["step"]
    assert for_staff["due"].startswith("2026-11-18")
    assert for_staff["warning_level"] == "yellow"
    assert for_citizen["due"] is None
