"""The whole path of a case, as the issue's "done when" describes it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tongban.cases import actions
from tongban.cases.models import Case, CaseEvent, Status
from tongban.catalog.models import Material
from tongban.core.models import AuditEntry, Notification
from tongban.org import policy

from .helpers import online_case, upload

TZ = dt.timezone(dt.timedelta(hours=8))


def test_apply_supplement_accept_review_approve_pick_up(world):
    with time_machine.travel(dt.datetime(2026, 9, 28, 9, 0, tzinfo=TZ), tick=False):
        case = online_case(world, upload_all=False)
        upload(world, case, "食品经营许可申请书")
        upload(world, case, "房屋产权证明")
        case = actions.submit(world.p(world.citizen), case)
        assert case.status == Status.SUBMITTED
        assert case.code.startswith(world.item.impl_code + "20260928")
        assert case.code.endswith("0001")

    with time_machine.travel(dt.datetime(2026, 9, 28, 10, 0, tzinfo=TZ), tick=False):
        deed = Material.objects.get(version=case.item_version, name="房屋产权证明")
        actions.request_supplement(
            world.p(world.clerk), case, materials=[deed], problems={deed.pk: "复印不清"}
        )
        case.refresh_from_db()
        assert case.status == Status.NEEDS_SUPPLEMENT

    with time_machine.travel(dt.datetime(2026, 9, 29, 10, 0, tzinfo=TZ), tick=False):
        upload(world, case, "房屋产权证明")
        case = actions.supply(world.p(world.citizen), case)
        assert case.status == Status.SUBMITTED

    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=TZ), tick=False):
        case = actions.accept(
            world.p(world.clerk), case, service_point=world.hall, window=world.window
        )
        assert case.status == Status.IN_REVIEW
        assert case.comprehensive_window
        # 5 working days from 30 September: 8, 9, Saturday 10 (make-up), 12, 13 October.
        assert timezone.localdate(case.promised_due) == dt.date(2026, 10, 13)
        assert case.step_role == "backoffice_reviewer"

    with time_machine.travel(dt.datetime(2026, 10, 9, 10, 0, tzinfo=TZ), tick=False):
        case = actions.complete_step(world.p(world.reviewer), case, note="材料齐全")
        assert case.step_role == "section_chief"
        case = actions.approve(world.p(world.chief), case)
        assert case.status == Status.APPROVED
        assert case.step_role == "window_clerk"
        case = actions.issue_result(world.p(world.chief), case)
        assert case.status == Status.RESULT_ISSUED
        case = actions.deliver(world.p(world.clerk), case, recipient_name="李四", id_checked=True)
        assert case.status == Status.CLOSED
        assert case.handover.recipient_id_checked

    actions_done = list(case.events.values_list("action", flat=True))
    assert actions_done == [
        "create",
        "upload",
        "upload",
        "submit",
        "request_supplement",
        "upload",
        "supply",
        "accept",
        "complete_step",
        "approve",
        "issue_result",
        "deliver",
        "close",
    ]
    assert AuditEntry.objects.filter(action="case.accept", object_id=str(case.pk)).exists()
    told = set(
        Notification.objects.filter(recipient=world.citizen).values_list("subject", "channel")
    )
    assert ("已受理", "inbox") in told
    assert ("已受理", "sms") in told


def test_illegal_transition_changes_nothing(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    before = CaseEvent.objects.filter(case=case).count()
    try:
        actions.approve(world.p(world.chief), case)
    except actions.transitions.IllegalTransition:
        pass
    else:
        raise AssertionError("approving a case not yet accepted must be refused")
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert CaseEvent.objects.filter(case=case).count() == before


def test_a_version_step_can_be_taken_by_another_agency(world):
    """A joint review: the version names the agency taking its review step."""
    from tests.factories import AgencyFactory, StaffRole, staff
    from tongban.cases.queries import back_office_inbox
    from tongban.catalog.models import ItemVersion, ReviewStep

    fire = AgencyFactory(name="市消防救援支队")
    fire_reviewer = staff(StaffRole.BACKOFFICE_REVIEWER, agency=fire)
    version = ItemVersion.objects.get(item=world.item)
    ItemVersion.objects.filter(pk=version.pk).update(status="draft")
    version.refresh_from_db()
    ReviewStep.objects.create(
        version=version, order=1, kind="review", role="backoffice_reviewer", agency=fire, share=50
    )
    ReviewStep.objects.create(
        version=version, order=2, kind="decision", role="section_chief", share=50
    )
    ItemVersion.objects.filter(pk=version.pk).update(status="published")

    case = actions.submit(world.p(world.citizen), online_case(world))
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    assert case.step_agency == fire
    assert list(back_office_inbox(world.p(fire_reviewer))) == [case]
    # what the inbox lists its reviewer may open
    assert policy.allows(world.p(fire_reviewer), "cases.view_case", case)
    assert case in policy.visible(world.p(fire_reviewer), "cases.view_case", Case.objects.all())
    assert not back_office_inbox(world.p(world.reviewer)).exists()
    with pytest.raises(actions.PermissionDenied):
        actions.complete_step(world.p(world.reviewer), case)
    case = actions.complete_step(world.p(fire_reviewer), case)
    assert case.step_agency == world.agency and case.step_role == "section_chief"
