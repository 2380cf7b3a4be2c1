"""The applicant and the staff see what was taken from the archive, and why."""

import datetime as dt

import time_machine
from django.test import Client

from .conftest import apply, first_case

TZ = dt.timezone(dt.timedelta(hours=8))


def test_the_applicant_and_the_staff_see_what_was_reused_and_why(aw):
    with time_machine.travel(dt.datetime(2026, 5, 11, 9, tzinfo=TZ), tick=False):
        first = first_case(aw)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=TZ), tick=False):
        second = apply(aw, aw.second_item, aw.company)
        applicant = Client()
        applicant.force_login(aw.company_user)
        draft = applicant.get(f"/me/cases/{second.pk}/apply/").content.decode()
        assert draft.count("data-reused") == 2
        assert f"已于 2026-05-11 在办件 {first.code}" in draft
        clerk = Client()
        clerk.force_login(aw.base.clerk)
        page = clerk.get(f"/workbench/cases/{second.pk}/").content.decode()
        assert page.count("data-reused") == 2 and first.code in page
