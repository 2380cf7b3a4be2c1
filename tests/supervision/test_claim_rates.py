"""认领率 per department and item over a date range: pushed, claimed, claimed on time,
unclaimed and overdue, the rate and the median hours to claim."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tongban.supervision import services
from tongban.supervision.models import Push

pytestmark = pytest.mark.django_db


def _pushes(sw, n):
    for _ in range(n):
        sw.approve()
    return list(Push.objects.order_by("pk"))


def test_rates_per_department_and_item(sw):
    first, second, third, fourth = _pushes(sw, 4)
    now = timezone.now()
    Push.objects.filter(pk=first.pk).update(
        claimed_at=first.created_at + dt.timedelta(hours=2), claimed_by=sw.officer
    )
    Push.objects.filter(pk=second.pk).update(
        claimed_at=second.created_at + dt.timedelta(hours=4), claimed_by=sw.officer
    )
    # claimed late
    Push.objects.filter(pk=third.pk).update(
        claimed_at=third.claim_due + dt.timedelta(hours=1), claimed_by=sw.officer
    )
    # unclaimed and overdue
    Push.objects.filter(pk=fourth.pk).update(claim_due=now - dt.timedelta(hours=1))
    today = timezone.localdate()
    report = services.claim_rates(sw.p(sw.officer), start=today, end=today)
    [department] = report.departments
    assert department.agency == "德州市市场监督管理局"
    assert (department.pushed, department.claimed, department.claimed_on_time) == (4, 3, 2)
    assert (department.unclaimed, department.unclaimed_overdue) == (1, 1)
    assert department.rate == 0.75
    assert department.on_time_rate == 0.5
    assert department.median_hours == 4.0
    [item] = report.items
    assert item.item == "食品经营许可" and item.pushed == 4
    assert report.total.pushed == 4


def test_the_range_counts_by_push_day(sw):
    _pushes(sw, 1)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    report = services.claim_rates(sw.p(sw.auditor), start=yesterday, end=yesterday)
    assert report.departments == [] and report.total.pushed == 0
    assert report.total.rate is None


def test_a_department_sees_only_its_own_figures(sw):
    _pushes(sw, 1)
    today = timezone.localdate()
    assert services.claim_rates(sw.p(sw.other_officer), start=today, end=today).departments == []
    for who in (sw.bureau_chief, sw.auditor, sw.admin):
        report = services.claim_rates(sw.p(who), start=today, end=today)
        assert [r.agency for r in report.departments] == ["德州市市场监督管理局"]


def test_others_see_no_claim_rates(sw):
    today = timezone.localdate()
    for who in (sw.base.clerk, sw.base.reviewer):
        with pytest.raises(PermissionDenied):
            services.claim_rates(sw.p(who), start=today, end=today)
