"""The back-office inbox read with precompiled statements (``queries.BackOfficeInbox``):
the same cases, order, summaries and count as the ORM queryset, for every shape of roles
and page, in one query after the session's."""

import itertools

import pytest
from django.db.models.functions import Coalesce
from django.test import Client
from django.utils import timezone

from tests.factories import AgencyFactory
from tongban.cases import actions, api, queries
from tongban.cases.models import Case, Status
from tongban.org import policy
from tongban.org.models import StaffAssignment, StaffRole

from .helpers import online_case

INBOX = "/api/v1/cases/inbox"
_codes = itertools.count(1)


def _in_review(world) -> Case:
    case = actions.submit(world.p(world.citizen), online_case(world))
    return actions.accept(world.p(world.clerk), case, service_point=world.hall)


def _copies(template: Case, count: int, **changes) -> list[Case]:
    """``count`` copies of a case, deadlines a day apart (some equal, to test the tie)."""
    fields = {f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields}
    fields.pop("id")
    rows = []
    for n in range(count):
        due = timezone.now() + timezone.timedelta(days=n // 2)
        rows.append(Case(**{**fields, "code": f"T{next(_codes)}", "promised_due": due, **changes}))
    return Case.objects.bulk_create(rows)


@pytest.fixture
def inbox_world(world):
    case = _in_review(world)
    other = AgencyFactory()
    _copies(case, 23)
    _copies(case, 5, step_role=StaffRole.SECTION_CHIEF, step_kind="decision")
    _copies(case, 3, status=Status.DENIAL_PENDING, step_role="", step_kind="")
    _copies(case, 4, closed_at=timezone.now(), status=Status.APPROVED)
    _copies(case, 6, step_agency_id=other.pk, deciding_agency_id=other.pk)
    _copies(
        case, 2, step_agency_id=other.pk, deciding_agency_id=other.pk, step_role="section_chief"
    )
    _copies(
        case,
        2,
        deciding_agency_id=other.pk,
        step_agency_id=other.pk,
        status=Status.NON_ACCEPTANCE_PENDING,
    )
    world.other = other
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _expected(world, user, role=None) -> tuple[list[dict], int]:
    """What the ORM queryset gives, summarised from model instances as before."""
    cases = queries.back_office_inbox(world.p(user), role=role).select_related(
        "item", "item_version", "applicant", "deciding_agency"
    )
    summaries = [api._summary(case) for case in cases]
    return summaries, len(summaries)


def _pages(client, size, **params) -> tuple[list[dict], set[int]]:
    items, counts, page = [], set(), 1
    while True:
        body = client.get(INBOX, {"page": page, "page_size": size, **params}).json()
        counts.add(body["count"])
        if not body["items"]:
            return items, counts
        items += body["items"]
        page += 1


def _json(summaries: list[dict]) -> list[dict]:
    import json

    from ninja.renderers import JSONRenderer

    return json.loads(JSONRenderer().render(None, summaries, response_status=200))


@pytest.mark.parametrize("size", [1, 7, 20, 200])
def test_every_page_of_a_reviewers_inbox_is_what_the_orm_reads(inbox_world, size):
    w = inbox_world
    expected, count = _expected(w, w.reviewer)
    assert count == 24
    items, counts = _pages(_client(w.reviewer), size)
    assert items == _json(expected)
    assert counts == {count}


def test_roles_in_several_agencies_and_the_chiefs_decisions(inbox_world):
    w = inbox_world
    for role, agency in [
        (StaffRole.SECTION_CHIEF, w.agency),
        (StaffRole.SECTION_CHIEF, w.other),
        (StaffRole.BACKOFFICE_REVIEWER, w.other),
    ]:
        StaffAssignment.objects.create(user=w.reviewer, role=role, agency=agency)
    client = _client(w.reviewer)
    for role in (None, StaffRole.SECTION_CHIEF, StaffRole.BACKOFFICE_REVIEWER):
        expected, count = _expected(w, w.reviewer, role)
        params = {"role": role} if role else {}
        items, counts = _pages(client, 10, **params)
        assert items == _json(expected) and counts == {count}
        assert count > 0
    statuses = {c["status"] for c in _pages(client, 50)[0]}
    assert {"in_review", "denial_pending", "non_acceptance_pending"} <= statuses


def test_nothing_for_those_without_a_back_office_role(inbox_world):
    w = inbox_world
    for user, params in [(w.clerk, {}), (w.reviewer, {"role": StaffRole.SECTION_CHIEF})]:
        body = _client(user).get(INBOX, params).json()
        assert body == {"items": [], "count": 0}
    point_only = StaffAssignment.objects.create(
        user=w.clerk, role=StaffRole.BACKOFFICE_REVIEWER, service_point=w.hall
    )
    assert point_only.agency_id is None  # a role with no agency matches nothing
    assert _client(w.clerk).get(INBOX).json() == {"items": [], "count": 0}


def test_a_page_past_the_end_is_empty_with_the_count(inbox_world):
    w = inbox_world
    body = _client(w.reviewer).get(INBOX, {"page": 9, "page_size": 20}).json()
    assert body == {"items": [], "count": 24}


def test_a_removed_assignment_empties_the_inbox_on_the_next_request(inbox_world):
    w = inbox_world
    client = _client(w.reviewer)
    assert client.get(INBOX).json()["count"] == 24
    StaffAssignment.objects.filter(user=w.reviewer).delete()
    assert client.get(INBOX).json() == {"items": [], "count": 0}


def test_the_inbox_is_one_query_after_the_sessions(inbox_world, django_assert_max_num_queries):
    client = _client(inbox_world.reviewer)
    client.get(INBOX)
    with django_assert_max_num_queries(4):  # session, user, roles; page with its count
        assert len(client.get(INBOX).json()["items"]) == 20


def test_the_other_queues_and_the_list_read_columns_not_instances(inbox_world):
    w = inbox_world
    client = _client(w.reviewer)
    cases = queries.back_office_inbox(w.p(w.reviewer)).select_related(
        "item", "item_version", "applicant", "deciding_agency"
    )
    assert api.Summaries(cases)[0:5] == [api._summary(c) for c in cases[0:5]]
    assert api.Summaries(cases)[3] == api._summary(cases[3])
    visible = policy.visible(w.p(w.reviewer), "cases.view_case", api._cases())
    due = Coalesce("promised_due", "acceptance_due")
    expected = [api._summary(c) for c in visible.order_by(due.asc(nulls_last=True), "pk")]
    listed = client.get("/api/v1/cases", {"page_size": 200}).json()
    assert listed["items"] == _json(expected)
    assert listed["count"] == len(expected) == 36
