"""The daily sequence in case codes: counts up per item and day, never gives a number
twice; on PostgreSQL a number is taken outside the action's transaction (no lock held
until commit), so a failed action leaves a gap."""

import datetime as dt

import pytest
from django.db import connection, transaction

from tongban.cases.numbering import next_number

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.date(2026, 11, 30)


def test_numbers_count_up_per_prefix_and_day():
    assert [next_number("A", DAY) for _ in range(3)] == [1, 2, 3]
    assert next_number("B", DAY) == 1
    assert next_number("A", DAY + dt.timedelta(days=1)) == 1


def test_a_failed_action_never_makes_a_number_be_given_twice():
    with pytest.raises(RuntimeError), transaction.atomic():
        taken = next_number("C", DAY)
        raise RuntimeError("the action failed after taking its number")
    after = next_number("C", DAY)
    if connection.vendor == "postgresql":
        assert (taken, after) == (1, 2)  # a gap, like a sequence: the lock was never held
    else:
        assert (taken, after) == (1, 1)  # SQLite: taken in the action's transaction
