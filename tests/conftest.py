import pytest


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Tests run in the default language (Simplified Chinese) unless they switch."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def api_client():
    from django.test import Client

    return Client()
