"""The workbench pages: the officer's inbox (unclaimed first, deadlines, overdue marked,
HTMX claims one by one and in bulk), a result's detail with its deliveries and resend,
the claim-rate page, and the case page's panel."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tongban.supervision import actions
from tongban.supervision.models import Push
from tongban.workbench.supervision_panel import panel

from .conftest import Receiver, only_push, run_deliveries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
INBOX = "workbench:supervision"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_lists_new_licences_unclaimed_first_with_deadlines(sw):
    first = only_push(sw.approve())
    second = Push.objects.exclude(pk=first.pk).first() or only_push(sw.approve())
    actions.claim(sw.p(sw.officer2), first)
    Push.objects.filter(pk=second.pk).update(claim_due=timezone.now() - dt.timedelta(hours=1))
    html = logged_in(sw.officer).get(reverse(INBOX)).content.decode()
    assert html.index(f'data-push="{second.pk}"') < html.index(f'data-push="{first.pk}"')
    assert "食品经营许可" in html and "李四" in html
    assert f'data-push="{second.pk}" data-claimed="no" data-overdue' in html  # overdue marked
    due = timezone.localtime(Push.objects.get(pk=second.pk).claim_due).strftime("%Y-%m-%d %H:%M")
    assert due in html  # its claim deadline
    assert sw.officer2.full_name in html
    assert "德州市市场监督管理局" in html  # the officer's scope


def test_the_empty_inbox_says_so(sw):
    html = logged_in(sw.officer).get(reverse(INBOX)).content.decode()
    assert "暂无待监管事项" in html


def test_an_officer_claims_with_htmx(sw):
    push = only_push(sw.approve())
    response = logged_in(sw.officer).post(reverse(INBOX), {"claim": push.pk}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="push-list"')
    assert f'data-push="{push.pk}" data-claimed="yes"' in html
    assert 'role="status"' in html
    push.refresh_from_db()
    assert push.claimed_by == sw.officer
    again = logged_in(sw.officer2).post(reverse(INBOX), {"claim": push.pk}, **HTMX)
    assert 'role="alert"' in again.content.decode()
    assert sw.officer.full_name in again.content.decode()
    push.refresh_from_db()
    assert push.claimed_by == sw.officer


def test_bulk_claim_from_the_inbox(sw):
    sw.approve()
    sw.approve()
    ids = list(Push.objects.values_list("pk", flat=True))
    response = logged_in(sw.officer).post(reverse(INBOX), {"ids": ids, "bulk": "1"})
    assert response.status_code == 302
    assert Push.objects.filter(claimed_by=sw.officer).count() == 2


def test_another_department_cannot_claim_from_the_inbox(sw):
    push = only_push(sw.approve())
    response = logged_in(sw.other_officer).post(reverse(INBOX), {"claim": push.pk}, **HTMX)
    assert response.status_code == 200
    push.refresh_from_db()
    assert push.claimed_at is None


def test_the_detail_shows_the_result_and_the_deliveries(sw, settings):
    settings.TONGBAN_SUPERVISION_MAX_ATTEMPTS = 1
    with Receiver(statuses=[503]) as receiver:
        actions.create_endpoint(sw.p(sw.admin), sw.amr, receiver.url)
        push = only_push(sw.approve())
        run_deliveries()
        client = logged_in(sw.officer)
        url = reverse("workbench:supervision-push", args=[push.pk])
        html = client.get(url).content.decode()
        assert push.payload["certificate"]["identifier"] in html
        assert (
            reverse("portal:certificate-verify", args=[push.payload["certificate"]["identifier"]])
            in html
        )
        assert 'data-attempt="rejected"' in html and "503" in html
        assert 'value="resend"' in html
        response = client.post(url, {"action": "resend"})
        assert response.status_code == 302
        assert run_deliveries() == ["delivered"]
        html = client.get(url).content.decode()
        assert 'data-delivery="delivered"' in html
        assert 'value="resend"' not in html


def test_the_detail_links_to_a_violation_report_when_that_page_exists(sw):
    from django.urls import NoReverseMatch

    push = only_push(sw.approve())
    html = (
        logged_in(sw.officer)
        .get(reverse("workbench:supervision-push", args=[push.pk]))
        .content.decode()
    )
    try:
        target = reverse("workbench:violation-new")
    except NoReverseMatch:
        assert "报告违法违规" not in html
    else:
        assert f"{target}?case={push.case_id}" in html


def test_the_detail_is_not_shown_to_other_departments(sw):
    push = only_push(sw.approve())
    url = reverse("workbench:supervision-push", args=[push.pk])
    assert logged_in(sw.other_officer).get(url).status_code == 404


def test_claim_from_the_detail_page(sw):
    push = only_push(sw.approve())
    url = reverse("workbench:supervision-push", args=[push.pk])
    assert logged_in(sw.amr_chief).post(url, {"action": "claim"}).status_code == 302
    again = logged_in(sw.officer).post(url, {"action": "claim"})
    assert again.status_code == 409


def test_the_claim_rate_page_for_the_department_and_the_bureau(sw):
    push = only_push(sw.approve())
    actions.claim(sw.p(sw.officer), push)
    sw.approve()
    for who in (sw.officer, sw.auditor, sw.bureau_chief):
        response = logged_in(who).get(reverse("workbench:supervision-rates"))
        assert response.status_code == 200, who
        html = response.content.decode()
        assert "德州市市场监督管理局" in html
        assert "50%" in html
    assert (
        logged_in(sw.base.reviewer).get(reverse("workbench:supervision-rates")).status_code == 403
    )
    bad = logged_in(sw.officer).get(reverse("workbench:supervision-rates"), {"start": "x"})
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.content.decode()


def test_the_case_panel(sw):
    from django.template.loader import render_to_string

    case = sw.approve()
    actions.claim(sw.p(sw.officer), only_push(case))
    context = panel(case)
    assert len(context["pushes"]) == 1
    html = render_to_string("workbench/supervision/_case_panel.html", {"panel": context})
    assert "德州市市场监督管理局" in html and 'data-claimed="yes"' in html
