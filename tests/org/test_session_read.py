"""Sessions stay rows in the database (``tongban.org.sessions``: Django's engine with a
precompiled read): a logout or an expiry anywhere is seen by the very next request."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoDatabaseStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import AgencyFactory, staff
from tongban.org.models import StaffRole
from tongban.org.sessions import SessionStore

pytestmark = pytest.mark.django_db
ME = "/api/v1/org/me"


def _logged_in() -> Client:
    client = Client()
    client.force_login(staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory()))
    assert client.get(ME).status_code == 200
    return client


def _key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_engine_is_djangos_database_engine():
    assert settings.SESSION_ENGINE == "tongban.org.sessions"
    assert issubclass(SessionStore, DjangoDatabaseStore)


def test_what_is_saved_is_read_back_as_djangos_engine_reads_it():
    store = SessionStore()
    store["answer"] = 42
    store["name"] = "李四"
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42, "name": "李四"}
    assert DjangoDatabaseStore(store.session_key).load() == SessionStore(store.session_key).load()


def test_a_logout_in_another_browser_or_process_ends_the_session_at_once():
    client = _logged_in()
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = _key(client)
    other.logout()  # deletes the row, as a logout served by another worker would
    assert not Session.objects.filter(session_key=_key(client)).exists()
    assert client.get(ME).status_code == 401


def test_a_deleted_session_row_is_not_read():
    client = _logged_in()
    SessionStore(_key(client)).delete()
    assert client.get(ME).status_code == 401


def test_an_expired_session_is_not_read():
    client = _logged_in()
    Session.objects.filter(session_key=_key(client)).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(ME).status_code == 401


def test_an_unknown_key_reads_nothing_and_gets_a_new_key_when_written():
    store = SessionStore("k" * 32)
    assert store.load() == {}
    assert store.session_key is None
    store["x"] = 1
    store.save()
    assert store.session_key and store.session_key != "k" * 32
    assert Session.objects.filter(session_key=store.session_key).exists()


def test_session_user_and_roles_cost_three_queries(django_assert_max_num_queries):
    client = _logged_in()
    with django_assert_max_num_queries(3):
        assert client.get(ME).status_code == 200
