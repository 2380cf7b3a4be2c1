"""Shared test set-up. Tests run in the default language, Simplified Chinese."""

import pytest


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
