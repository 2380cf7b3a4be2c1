"""Which rules are in force on a day: the newest active revision effective by then
decides; monitors effective by then are evaluated too; off is ignored. One query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.rules import services
from tongban.rules.models import Mode

from .conftest import ELDERLY_JDM

pytestmark = pytest.mark.django_db

JAN, JUN, DEC = dt.date(2026, 1, 1), dt.date(2026, 6, 1), dt.date(2026, 12, 1)


def upload(world, effective_from, mode, sources=("population",)):
    return services.upload(
        world.p(world.catalog_admin), world.version, ELDERLY_JDM, name="r",
        sources=sources, effective_from=effective_from, mode=mode,
    )  # fmt: skip


def test_nothing_before_the_first_effective_date(rules_world):
    upload(rules_world, JUN, Mode.ACTIVE)
    in_force = services.rules_in_force(rules_world.version, JAN)
    assert in_force.active is None and in_force.monitors == []
    assert services.sources_for(rules_world.version, JAN) == set()
    assert services.has_rules(rules_world.version)
    assert not services.has_rules(rules_world.other_version)


def test_the_newest_active_revision_in_effect_decides(rules_world):
    first = upload(rules_world, JAN, Mode.ACTIVE)
    second = upload(rules_world, JUN, Mode.ACTIVE)
    third = upload(rules_world, DEC, Mode.ACTIVE)
    assert services.rules_in_force(rules_world.version, JAN).active == first
    assert services.rules_in_force(rules_world.version, dt.date(2026, 5, 31)).active == first
    assert services.rules_in_force(rules_world.version, JUN).active == second
    assert services.rules_in_force(rules_world.version, DEC).active == third


def test_a_newer_revision_wins_even_with_an_earlier_date(rules_world):
    upload(rules_world, JUN, Mode.ACTIVE)
    newer = upload(rules_world, JAN, Mode.ACTIVE)
    assert services.rules_in_force(rules_world.version, DEC).active == newer


def test_monitors_are_evaluated_alongside_and_off_is_ignored(rules_world):
    active = upload(rules_world, JAN, Mode.ACTIVE)
    monitor = upload(rules_world, JAN, Mode.MONITOR, sources=("population", "credit"))
    later_monitor = upload(rules_world, DEC, Mode.MONITOR)
    upload(rules_world, JAN, Mode.OFF, sources=("enterprise",))
    in_force = services.rules_in_force(rules_world.version, JUN)
    assert in_force.active == active
    assert in_force.monitors == [monitor]
    assert in_force.all == [active, monitor]
    assert services.sources_for(rules_world.version, JUN) == {"population", "credit"}
    assert services.rules_in_force(rules_world.version, DEC).monitors == [later_monitor, monitor]


def test_switching_modes_changes_what_is_in_force_at_once(rules_world):
    first = upload(rules_world, JAN, Mode.ACTIVE)
    second = upload(rules_world, JAN, Mode.ACTIVE)
    admin = rules_world.p(rules_world.catalog_admin)
    assert services.rules_in_force(rules_world.version, JUN).active == second
    services.set_mode(admin, second, Mode.MONITOR)
    in_force = services.rules_in_force(rules_world.version, JUN)
    assert in_force.active == first and in_force.monitors == [second]
    services.set_mode(admin, first, Mode.OFF)
    assert services.rules_in_force(rules_world.version, JUN).active is None
    services.set_mode(admin, second, Mode.ACTIVE, effective_from=DEC)
    assert services.rules_in_force(rules_world.version, JUN).active is None
    assert services.rules_in_force(rules_world.version, DEC).active == second


def test_rules_in_force_is_one_query(rules_world):
    upload(rules_world, JAN, Mode.ACTIVE)
    upload(rules_world, JAN, Mode.MONITOR)
    with CaptureQueriesContext(connection) as queries:
        services.rules_in_force(rules_world.version, JUN)
    assert len(queries) == 1


def test_kept_for_the_request_reads_once_per_version_and_day_and_no_longer(rules_world):
    first = upload(rules_world, JAN, Mode.ACTIVE)
    with services.kept_for_the_request():
        with CaptureQueriesContext(connection) as queries:
            assert services.rules_in_force(rules_world.version, JUN).active == first
            assert services.sources_for(rules_world.version, JUN) == {"population"}
            services.rules_in_force(rules_world.version, DEC)
        assert len(queries) == 2  # one per day asked
    services.set_mode(rules_world.p(rules_world.catalog_admin), first, Mode.OFF)
    # Outside the block nothing is kept: the change counts at once.
    assert services.rules_in_force(rules_world.version, JUN).active is None
