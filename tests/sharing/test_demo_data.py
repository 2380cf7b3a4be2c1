"""The registers' synthetic demo records: loaded idempotently, valid numbers (MOD 11-2,
GB 32100), birth dates and sexes matching the ID numbers, and the residents instant
approval is tried with (65 today, 59, 82, teachers-to-be, nurses, graduates, companies)."""

import datetime as dt

import pytest
import time_machine

from tongban.core.adapters.data_sources import SourceRequest
from tongban.core.identifiers import validate_resident_id, validate_uscc
from tongban.sharing import demo_data
from tongban.sharing.adapters import LocalAdapter
from tongban.sharing.models import SharedRecord

PEOPLE = {p.key: p for p in demo_data.EXTRA_PEOPLE}
COMPANIES = {c.key: c for c in demo_data.EXTRA_ENTERPRISES}


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time():
    first = demo_data.load()
    rows = SharedRecord.objects.count()
    second = demo_data.load()

    assert first["created"] == rows > 60 and first["updated"] == 0
    assert second == {"created": 0, "updated": 0, "unchanged": rows}
    assert SharedRecord.objects.count() == rows


@pytest.mark.django_db
def test_a_changed_record_is_put_back():
    demo_data.load()
    record = SharedRecord.objects.filter(source__code="population").first()
    record.data = {"name": "改过"}
    record.save()

    assert demo_data.load()["updated"] == 1


def test_every_number_is_valid_and_matches_the_record():
    subjects = [s.subject for s in demo_data.ALL_SUBJECTS]
    assert len(subjects) == len(set(subjects))
    for entry in demo_data.ALL_SUBJECTS:
        person = entry.records.get("population")
        if person is None:
            assert validate_uscc(entry.subject) == entry.subject
            continue
        assert validate_resident_id(entry.subject) == entry.subject
        assert entry.subject[6:14] == person["birth_date"].replace("-", "")
        assert person["sex"] == ("男" if int(entry.subject[16]) % 2 else "女"), entry.key
        assert entry.subject[:6] == person["household_region"]


def test_the_residents_for_instant_approval():
    on = dt.date(2026, 11, 28)
    assert PEOPLE["aged65"].age_on(on) == 65
    assert PEOPLE["aged65"].age_on(on - dt.timedelta(days=1)) == 64
    assert PEOPLE["aged59"].age_on(on) == 59 and PEOPLE["aged82"].age_on(on) == 82
    for key in ("aged65", "aged59", "aged82"):
        assert PEOPLE[key].records["population"]["household_city"] == "371400"

    teachers = [p for p in demo_data.EXTRA_PEOPLE if "teacher" in p.key]
    assert {p.records["education"]["highest_degree"] for p in teachers} >= {"bachelor", "associate"}
    levels = {p.records["qualification"]["putonghua_level"] for p in teachers}
    assert {"二级甲等", "二级乙等", "三级甲等"} <= levels
    assert [p.key for p in teachers if p.records["credit"]["disqualifying_record"]] == [
        "teacher_disqualified"
    ]

    nurse = PEOPLE["nurse_expiring"].records
    valid_to = dt.date.fromisoformat(nurse["qualification"]["nurse_registration_valid_to"])
    assert on < valid_to <= on + dt.timedelta(days=90)
    assert nurse["social_insurance"]["employer_kind"] == "hospital"

    graduates = [p for p in demo_data.EXTRA_PEOPLE if p.key.startswith("graduate_")]
    recent = [p for p in graduates
              if on.year - int(p.records["education"]["graduated_on"][:4]) <= 2]  # fmt: skip
    assert {p.records["education"]["highest_degree"] for p in recent} == {"bachelor", "master"}
    assert all(p.records["social_insurance"]["insured"] for p in recent)

    credits = [c.records["credit"] for c in demo_data.EXTRA_ENTERPRISES]
    # The dishonest company is a demo login (``dishonest``), among the demo applicants.
    assert not any(c["dishonest"] for c in credits)
    assert demo_data.DEMO_APPLICANTS[-1].records["credit"]["dishonest"]
    assert any(c["grade"] == "A" and not c["dishonest"] for c in credits)


def test_the_demo_applicants_are_the_demo_city_s():
    from tongban.demo.data import APPLICANTS

    expected = {row.username: row.id_number or row.credit_code for row in APPLICANTS}
    mine = {s.key: s.subject for s in demo_data.DEMO_APPLICANTS}
    assert mine == expected


@pytest.mark.django_db
def test_the_local_register_answers_the_age_as_of_today():
    demo_data.load()
    subject = PEOPLE["aged65"].subject

    with time_machine.travel(dt.datetime(2026, 11, 28, 1, tzinfo=dt.UTC), tick=False):
        record = LocalAdapter().fetch(SourceRequest("population", subject))

    assert record["age"] == 65 and record["name"] == "刘桂芳"
    assert (
        "age"
        not in SharedRecord.objects.get(
            source__code="population", subject_masked=subject[:4] + "*" * 10 + subject[-4:]
        ).data
    )
