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


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread (the locale middleware
    activates, nothing deactivates); the next test starts in the default language again."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)
