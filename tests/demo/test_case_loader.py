"""The demo cases: made by the real actions, spread over every stage, loaded once."""

import pytest

from tongban.cases.models import Case, CaseEvent, Status
from tongban.cases.queries import back_office_inbox
from tongban.demo.case_loader import CASES, load_demo_cases
from tongban.demo.loader import load_demo_city
from tongban.org.models import User
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_the_stages_and_load_once():
    load_demo_city()
    assert load_demo_cases() == {"cases_created": len(CASES)}
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        Status.SUBMITTED,
        Status.NEEDS_SUPPLEMENT,
        Status.IN_REVIEW,
        Status.NON_ACCEPTANCE_PENDING,
        Status.SPECIAL_PROCEDURE,
        Status.RESULT_ISSUED,
        Status.CLOSED,
    } <= statuses
    # Every case has its history from the actions, and every code is unique.
    loaded = Case.objects.filter(project_stage_link__isnull=True)  # not the project's
    assert CaseEvent.objects.filter(action="submit", case__in=loaded).count() == len(CASES)
    assert loaded.values("code").distinct().count() == len(CASES)
    assert Case.objects.values("code").distinct().count() == Case.objects.count()
    # The demo reviewer and chiefs each find work in their inbox.
    for username in ("reviewer", "amr_chief", "chief"):
        principal = principal_for_user(User.objects.get(username=username))
        assert back_office_inbox(principal).exists(), username
    events = CaseEvent.objects.count()
    assert load_demo_cases() == {"cases_created": 0}
    assert CaseEvent.objects.count() == events
