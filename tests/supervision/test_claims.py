"""认领: the department's officers and chiefs claim each result, one by one or in bulk;
the claim time is recorded and audited; a claimed result is not claimed again. Results
unclaimed after N working days are escalated (once), telling the chiefs and officers."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tongban.core.models import AuditEntry, Notification
from tongban.supervision import actions
from tongban.supervision.models import Push
from tongban.workdays.clock import calendar_for

from .conftest import only_push

pytestmark = pytest.mark.django_db


def test_an_officer_claims_a_result(sw):
    push = only_push(sw.approve())
    claimed = actions.claim(sw.p(sw.officer), push)
    assert claimed.claimed_by == sw.officer
    assert claimed.claimed_at is not None
    entry = AuditEntry.objects.get(action="supervision.claim")
    assert entry.object_id == str(push.pk)
    assert entry.actor_label == sw.officer.username
    assert entry.changes["on_time"] is True


def test_a_claimed_result_is_not_claimed_again(sw):
    push = only_push(sw.approve())
    actions.claim(sw.p(sw.officer), push)
    with pytest.raises(actions.AlreadyClaimed) as refused:
        actions.claim(sw.p(sw.amr_chief), push)
    assert sw.officer.full_name in refused.value.messages[0]
    push.refresh_from_db()
    assert push.claimed_by == sw.officer


def test_the_departments_chief_claims_too(sw):
    push = only_push(sw.approve())
    assert actions.claim(sw.p(sw.amr_chief), push).claimed_by == sw.amr_chief


@pytest.mark.parametrize("who", ["other_officer", "bureau_chief", "auditor", "admin"])
def test_others_do_not_claim(sw, who):
    push = only_push(sw.approve())
    with pytest.raises(PermissionDenied):
        actions.claim(sw.p(getattr(sw, who)), push)
    push.refresh_from_db()
    assert push.claimed_at is None


def test_bulk_claim_claims_the_rest_and_names_those_claimed_before(sw):
    first = only_push(sw.approve())
    second = Push.objects.exclude(pk=first.pk).first() or only_push(sw.approve())
    third = Push.objects.exclude(pk__in=[first.pk, second.pk]).first() or only_push(sw.approve())
    actions.claim(sw.p(sw.officer2), first)
    claimed, before = actions.claim_many(sw.p(sw.officer), [first.pk, second.pk, third.pk])
    assert {p.pk for p in claimed} == {second.pk, third.pk}
    assert [p.pk for p in before] == [first.pk]
    assert set(Push.objects.values_list("claimed_by", flat=True)) == {sw.officer.pk, sw.officer2.pk}


def test_bulk_claim_with_one_foreign_result_claims_nothing(sw):
    from tongban.catalog.models import ItemVersion

    for version in ItemVersion.objects.filter(item=sw.base.item):
        ItemVersion.supervising_agencies.through.objects.create(
            itemversion=version, agency=sw.other
        )
    sw.approve()
    with pytest.raises(PermissionDenied):
        actions.claim_many(sw.p(sw.officer), Push.objects.values_list("pk", flat=True))
    assert not Push.objects.filter(claimed_at__isnull=False).exists()


def test_the_claim_deadline_is_n_working_days_after_the_push(sw, settings):
    settings.TONGBAN_SUPERVISION_CLAIM_DAYS = 2
    push = only_push(sw.approve())
    local = timezone.localtime(push.created_at).date()
    expected = calendar_for(sw.amr.region_id).add_working_days(local, 2)
    assert timezone.localtime(push.claim_due).date() == expected


def test_unclaimed_results_are_escalated_once_and_the_department_told(sw):
    push = only_push(sw.approve())
    Notification.objects.all().delete()
    assert actions.escalate_due() == 0
    later = push.claim_due + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert actions.escalate_due() == 1
        assert actions.escalate_due() == 0
    push.refresh_from_db()
    assert push.escalated_at == later
    told = {n.recipient for n in Notification.objects.all()}
    assert told == {sw.officer, sw.officer2, sw.amr_chief}
    assert AuditEntry.objects.filter(action="supervision.escalate").count() == 1


def test_a_claimed_result_is_never_escalated(sw):
    push = only_push(sw.approve())
    actions.claim(sw.p(sw.officer), push)
    with time_machine.travel(push.claim_due + dt.timedelta(days=30), tick=False):
        assert actions.escalate_due() == 0
    push.refresh_from_db()
    assert push.escalated_at is None


def test_a_late_claim_is_recorded_as_late(sw):
    push = only_push(sw.approve())
    with time_machine.travel(push.claim_due + dt.timedelta(hours=1), tick=False):
        actions.claim(sw.p(sw.officer), push)
    assert AuditEntry.objects.get(action="supervision.claim").changes["on_time"] is False
