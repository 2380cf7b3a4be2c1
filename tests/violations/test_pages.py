"""The workbench's notice pages: the officer's form (prefilled from ``?case=``, or found by
case code or certificate identifier), the lists, the chief's decision; bad input comes back
with the reason and changes nothing."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from tests.cases.conftest import PDF
from tongban.certificates.models import Status as CertificateStatus
from tongban.violations.models import Status, ViolationNotice

from .conftest import evidence, file_notice

NEW = reverse("workbench:violation-new")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_is_prefilled_from_the_case_id(vw):
    page = logged_in(vw.officer).get(NEW, {"case": vw.licence.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-licence="{vw.licence.pk}"' in html
    assert vw.certificate.identifier in html
    assert "data-notice-form" in html


def test_the_licence_is_found_by_case_code_or_certificate_identifier(vw):
    officer = logged_in(vw.officer)
    for query in (vw.licence.code, vw.certificate.identifier):
        html = officer.get(NEW, {"q": query}).content.decode()
        assert f'data-licence="{vw.licence.pk}"' in html, query
    missing = officer.get(NEW, {"q": "nothing-like-this"}).content.decode()
    assert "data-problem" in missing
    assert "data-licence" not in missing


def test_a_licence_of_another_department_shows_nothing(vw):
    html = logged_in(vw.other_officer).get(NEW, {"case": vw.licence.pk}).content.decode()
    assert "data-licence" not in html
    assert vw.licence.applicant.name not in html
    assert "data-problem" in html


def test_an_officer_files_a_notice_and_sees_it(vw):
    officer = logged_in(vw.officer)
    response = officer.post(
        NEW,
        {
            "case": vw.licence.pk,
            "kind": "commitment",
            "facts": "经营场所与承诺不符。",
            "legal_basis": "《行政许可法》第六十九条",
            "proposed_measure": "revoke",
            "evidence": [evidence()],
        },
    )
    notice = ViolationNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:violation", args=[notice.pk])
    listed = officer.get(reverse("workbench:violations")).content.decode()
    assert f'data-notice="{notice.pk}"' in listed
    detail = officer.get(response["Location"]).content.decode()
    assert "data-decision-form" not in detail  # an officer does not decide
    stored = notice.evidence.get()
    download = officer.get(reverse("workbench:violation-evidence", args=[notice.pk, stored.pk]))
    assert download.status_code == 200
    assert b"".join(download) == PDF


def test_bad_input_comes_back_and_sends_nothing(vw):
    response = logged_in(vw.officer).post(
        NEW,
        {
            "case": vw.licence.pk,
            "kind": "commitment",
            "facts": "经营场所与承诺不符。",
            "legal_basis": "《行政许可法》第六十九条",
            "proposed_measure": "revoke",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error" in html
    assert "经营场所与承诺不符。" in html  # what was typed is kept
    assert not ViolationNotice.objects.exists()


def test_the_chief_sees_what_awaits_by_due_date_overdue_marked(vw):
    late = file_notice(vw)
    ViolationNotice.objects.filter(pk=late.pk).update(due_date=dt.date(2020, 1, 2))
    fresh = file_notice(vw)
    html = logged_in(vw.base.chief).get(reverse("workbench:violations")).content.decode()
    assert html.index(f'data-notice="{late.pk}"') < html.index(f'data-notice="{fresh.pk}"')
    assert f'data-notice="{late.pk}" data-status="received" data-overdue' in html
    assert f'data-notice="{fresh.pk}" data-status="received" data-overdue' not in html


def test_the_chief_revokes_from_the_page(vw):
    notice = file_notice(vw)
    chief = logged_in(vw.base.chief)
    url = reverse("workbench:violation", args=[notice.pk])
    assert "data-decision-form" in chief.get(url).content.decode()
    bad = chief.post(url, {"measure": "revoke", "reasons": " "})
    assert bad.status_code == 400
    assert "data-error" in bad.content.decode()
    notice.refresh_from_db()
    assert notice.status == Status.RECEIVED
    done = chief.post(url, {"measure": "revoke", "reasons": "承诺不实"})
    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == Status.DECIDED
    vw.certificate.refresh_from_db()
    assert vw.certificate.status == CertificateStatus.REVOKED
    again = chief.post(url, {"measure": "dismiss", "reasons": "再议"})
    assert again.status_code == 409
    page = chief.get(url).content.decode()
    assert 'data-decision="decided"' in page
    assert "data-decision-form" not in page


def test_others_see_nothing(vw):
    notice = file_notice(vw)
    url = reverse("workbench:violation", args=[notice.pk])
    assert logged_in(vw.other_officer).get(url).status_code == 404
    assert logged_in(vw.base.clerk).get(url).status_code == 403
    assert logged_in(vw.base.clerk).get(NEW).status_code == 403
