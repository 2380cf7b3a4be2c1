"""The credit standing is computed from the records on the day asked."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.credit import services
from tongban.credit.models import CreditRecord, Kind

TODAY = dt.date(2026, 11, 27)


def rec(kind, decided, *, until=None, repaired=None):
    return CreditRecord(
        kind=kind,
        title="t",
        authority="a",
        decided_on=decided,
        valid_until=until,
        repaired_on=repaired,
    )


def test_no_record_is_clean_since_three_years_ago():
    assessment = services.assess_records([], TODAY)
    assert assessment.standing == services.CLEAN
    assert assessment.fast_track
    assert "2023-11-27" in assessment.explanation()


def test_black_list_in_force_is_black_until_repaired():
    record = rec(Kind.BLACK_LIST, dt.date(2025, 9, 1))
    assert services.assess_records([record], TODAY).standing == services.BLACK
    record.repaired_on = dt.date(2026, 3, 1)
    # Repaired, but an adverse record within three years: not the fast track.
    assert services.assess_records([record], TODAY).standing == services.NORMAL


def test_false_commitment_is_serious_and_expired_records_stop_counting():
    assert (
        services.assess_records([rec(Kind.FALSE_COMMITMENT, dt.date(2026, 1, 5))], TODAY).standing
        == services.BLACK
    )
    old = rec(Kind.BLACK_LIST, dt.date(2020, 1, 1), until=dt.date(2022, 1, 1))
    assert services.assess_records([old], TODAY).standing == services.CLEAN


def test_red_list_is_fast_track_and_black_wins_over_red():
    red = rec(Kind.RED_LIST, dt.date(2026, 1, 1), until=dt.date(2027, 1, 1))
    assert services.assess_records([red], TODAY).standing == services.RED
    black = rec(Kind.BLACK_LIST, dt.date(2026, 2, 1))
    assert services.assess_records([red, black], TODAY).standing == services.BLACK


def test_a_minor_record_within_the_window_is_normal(settings):
    minor = rec(Kind.OVERDUE_SUPPLEMENT, dt.date(2024, 6, 1))
    assert services.assess_records([minor], TODAY).standing == services.NORMAL
    settings.TONGBAN_CREDIT_CLEAN_YEARS = 2
    assert services.assess_records([minor], TODAY).standing == services.CLEAN


@given(
    kind=st.sampled_from(list(Kind)),
    decided=st.dates(dt.date(2015, 1, 1), dt.date(2026, 11, 27)),
    repaired_after=st.none() | st.integers(0, 4000),
)
def test_a_future_record_never_counts_and_black_never_fast_tracks(kind, decided, repaired_after):
    repaired = None if repaired_after is None else decided + dt.timedelta(days=repaired_after)
    record = rec(kind, decided, repaired=repaired)
    assessment = services.assess_records([record], TODAY)
    assert not (assessment.is_black and assessment.fast_track)
    before = services.assess_records([record], decided - dt.timedelta(days=1))
    assert before.standing == services.CLEAN


@pytest.mark.parametrize("day", [dt.date(2024, 2, 29), dt.date(2026, 11, 27)])
def test_years_before_handles_leap_days(day):
    assert services.years_before(day, 3).year == day.year - 3
