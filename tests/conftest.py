"""Shared test set-up. Tests run in the default language, Simplified Chinese."""

import pytest
from hypothesis import settings

# Speed is measured in bench/, never in unit tests: no per-example deadline (a busy CI
# machine made a calendar property test fail on time, not on its property).
settings.register_profile("tongban", deadline=None)
settings.load_profile("tongban")


@pytest.fixture(autouse=True)
def _fresh_working_day_calendar():
    """Calendars are cached per process; a test must not see one built by an earlier test
    (whose rows were rolled back or flushed)."""
    from tongban.catalog.guide import forget_published
    from tongban.workdays import clock

    clock.reset()
    forget_published()
    yield
    clock.reset()
    forget_published()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread (the locale middleware
    activates, nothing deactivates); the next test starts in the default language again."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _close_numbering_connections():
    """Case numbers have a connection of their own on PostgreSQL: closed after each test,
    so none is left open when the test database is dropped."""
    yield
    from tongban.cases.numbering import close_connections

    close_connections()
