"""A password change ends the account's other sessions on their very next request (the
session's auth hash no longer matches)."""

import pytest
from django.test import Client

from tests.factories import AgencyFactory, staff
from tongban.org.models import StaffRole, User

pytestmark = pytest.mark.django_db
ME = "/api/v1/org/me"


def test_a_password_change_elsewhere_logs_this_session_out():
    user = staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory())
    client = Client()
    client.force_login(user)
    assert client.get(ME).status_code == 200
    changed = User.objects.get(pk=user.pk)  # as another process would load it
    changed.set_password("a new and long password")
    changed.save()
    assert client.get(ME).status_code == 401
    assert "_auth_user_id" not in client.session
