"""The auditor's pages: the query log (filters, subject searched by digest, masked only)
and the data sources; a clerk is refused."""

import pytest
from django.test import Client

from tests.factories import StaffRole, staff
from tongban.sharing import adapters

from .conftest import put_record, use_adapter


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def logged(sw):
    put_record("population", sw.subject, {"name": "李四"})
    case = sw.draft()  # the create hook asks three sources
    return case


def test_the_log_is_for_auditors_and_platform_admins(sw, logged):
    for role in (StaffRole.AUDITOR, StaffRole.PLATFORM_ADMIN):
        page = client(staff(role)).get("/workbench/sharing/queries/")
        assert page.status_code == 200
        assert page.content.count(b"data-query-id=") == 3
    assert client(sw.base.clerk).get("/workbench/sharing/queries/").status_code == 403
    assert client(sw.base.citizen).get("/workbench/sharing/queries/").status_code == 403
    assert Client().get("/workbench/sharing/queries/").status_code == 302  # to the login


def test_filters_and_the_subject_searched_by_digest_never_shown(sw, logged):
    auditor = client(staff(StaffRole.AUDITOR))

    by_source = auditor.get("/workbench/sharing/queries/", {"source": "population"})
    assert by_source.content.count(b"data-query-id=") == 1
    by_outcome = auditor.get("/workbench/sharing/queries/", {"outcome": "not_found"})
    assert by_outcome.content.count(b'data-query="not_found"') == 2
    by_case = auditor.get("/workbench/sharing/queries/", {"case": "nothing-like-it"})
    assert by_case.content.count(b"data-query-id=") == 0
    by_day = auditor.get("/workbench/sharing/queries/", {"date": "1999-01-01"})
    assert by_day.content.count(b"data-query-id=") == 0
    bad_day = auditor.get("/workbench/sharing/queries/", {"date": "yesterday"})
    assert bad_day.status_code == 200 and b'aria-invalid="true"' in bad_day.content

    searched = auditor.get("/workbench/sharing/queries/", {"subject": sw.subject.lower()})
    assert searched.status_code == 302 and sw.subject not in searched.url.upper()
    found = auditor.get(searched.url)
    assert found.content.count(b"data-query-id=") == 3
    assert sw.subject.encode() not in found.content
    assert sw.subject[-4:].encode() in found.content  # the masked form
    other = auditor.get(
        "/workbench/sharing/queries/", {"subject": "110101199003077777"}, follow=True
    )
    assert other.content.count(b"data-query-id=") == 0


def test_the_sources_page_shows_breakers_and_the_day(sw, logged):
    use_adapter("credit", "http", base_url="http://127.0.0.1:9", failures_to_open=1)
    adapters.breaker_for("credit").failures = 1
    adapters.breaker_for("credit").opened_at = 10**12  # far in the future: open

    page = client(staff(StaffRole.AUDITOR)).get("/workbench/sharing/sources/")

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-source=") == 7
    assert 'data-source="credit" data-enabled="yes" data-breaker="open"' in html
    assert 'data-source="population" data-enabled="yes" data-breaker="none"' in html
    assert client(sw.base.clerk).get("/workbench/sharing/sources/").status_code == 403


def test_the_case_partial_lists_the_case_queries(sw, logged):
    from django.template.loader import render_to_string

    from tongban.sharing.services import queries_for_case

    html = render_to_string(
        "workbench/sharing/_case_queries.html", {"sharing_queries": queries_for_case(logged)}
    )

    assert html.count('data-query="') == 3 and 'data-query="found"' in html
    assert sw.subject not in html
