"""Working-day deadlines on cases: start, pauses, extension, warnings, overdue reasons."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.cases import actions, warnings
from tongban.cases.models import CaseEvent, Status
from tongban.core.models import Notification

from .helpers import online_case

TZ = dt.timezone(dt.timedelta(hours=8))


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=TZ), tick=False)


def accepted(world, when):
    with at(*when):
        case = actions.submit(world.p(world.citizen), online_case(world))
        return actions.accept(world.p(world.clerk), case, service_point=world.hall)


def test_acceptance_due_is_five_working_days_and_a_supplement_pauses_it(world):
    with at(2026, 9, 29, 9):  # Tuesday before National Day
        case = actions.submit(world.p(world.citizen), online_case(world))
        # 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (make-up), 12 Oct
        assert timezone.localdate(case.acceptance_due) == dt.date(2026, 10, 12)
    with at(2026, 9, 30, 9):
        actions.request_supplement(
            world.p(world.clerk), case, conditions=["有与经营的食品品种、数量相适应的经营场所"]
        )
    with at(2026, 10, 13, 9):
        case = actions.supply(world.p(world.citizen), case)
    # paused 1 Oct … 13 Oct: 30 Sep counted, then 14, 15, 16, 19 Oct
    assert timezone.localdate(case.acceptance_due) == dt.date(2026, 10, 19)


def test_special_procedure_pauses_and_extension_adds(world):
    case = accepted(world, (2026, 11, 2, 10))  # Monday; 5 working days → Mon 9 Nov
    assert timezone.localdate(case.promised_due) == dt.date(2026, 11, 9)
    with at(2026, 11, 2, 11):
        case = actions.complete_step(world.p(world.reviewer), case)
    with at(2026, 11, 3, 10):
        case = actions.start_special_procedure(
            world.p(world.chief),
            case,
            procedure="expert_review",
            expected_days=3,
            reason="需专家论证",
        )
        assert case.status == Status.SPECIAL_PROCEDURE
    with at(2026, 11, 6, 10):
        case = actions.end_special_procedure(world.p(world.chief), case)
    # 4, 5, 6 Nov not counted: 3 Nov counted, then 9, 10, 11, 12 → Thu 12 Nov
    assert timezone.localdate(case.promised_due) == dt.date(2026, 11, 12)
    with at(2026, 11, 9, 10):
        case = actions.extend(world.p(world.chief), case, days=2, reason="情况复杂")
    assert timezone.localdate(case.promised_due) == dt.date(2026, 11, 16)
    with pytest.raises(ValidationError):
        actions.extend(world.p(world.chief), case, days=9, reason="再延")
    with pytest.raises(actions.PermissionDenied):
        actions.extend(world.p(world.reviewer), case, days=1, reason="再延")


def test_a_deadline_is_not_passed_silently(world):
    case = accepted(world, (2026, 11, 2, 10))  # due Mon 9 Nov
    with at(2026, 11, 5, 10):  # 2 working days left: yellow
        counts = warnings.raise_warnings()
        assert counts["warned"] == 1
        case.refresh_from_db()
        assert case.warning_level == "yellow"
        assert Notification.objects.filter(recipient=world.reviewer).count() == 1
        assert not Notification.objects.filter(recipient=world.chief).exists()
        assert warnings.raise_warnings()["warned"] == 0  # told once per level
    with at(2026, 11, 10, 10):
        warnings.raise_warnings()
        case.refresh_from_db()
        assert case.warning_level == "overdue"
        assert Notification.objects.filter(recipient=world.chief).exists()
        with pytest.raises(ValidationError) as refused:
            actions.complete_step(world.p(world.reviewer), case)
        assert refused.value.code == "overdue_reason"
        case = actions.complete_step(
            world.p(world.reviewer), case, delay_reason="申请人要求现场核查改期"
        )
    assert case.overdue_reason == "申请人要求现场核查改期"
    assert CaseEvent.objects.filter(case=case, action="warn").count() == 2


def test_tolerant_acceptance_terminates_when_materials_miss_their_deadline(world):
    from tongban.catalog.models import Material

    deed = Material.objects.get(version__item=world.item, name="房屋产权证明")
    Material.objects.filter(pk=deed.pk).update(necessity=Material.Necessity.DEFERRABLE)
    deed.refresh_from_db()
    with at(2026, 11, 2, 10):
        case = online_case(world, upload_all=False)
        from .helpers import upload

        upload(world, case, "食品经营许可申请书")
        case = actions.submit(world.p(world.citizen), case)
        with pytest.raises(ValidationError):  # beyond the promised limit (9 Nov)
            actions.accept_tolerant(
                world.p(world.clerk), case, deferred=[deed], due=dt.date(2026, 11, 20)
            )
        with pytest.raises(ValidationError):  # the deed is missing: plain accept refused
            actions.accept(world.p(world.clerk), case, service_point=world.hall)
        case = actions.accept_tolerant(
            world.p(world.clerk),
            case,
            deferred=[deed],
            due=dt.date(2026, 11, 5),
            service_point=world.hall,
        )
        assert case.status == Status.ACCEPTED_TOLERANT
    with at(2026, 11, 6, 10):
        warnings.raise_warnings()
    case.refresh_from_db()
    assert case.status == Status.TERMINATED
    assert case.events.filter(action="terminate", actor_label="system").exists()
