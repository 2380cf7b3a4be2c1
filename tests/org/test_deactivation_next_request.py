"""Deactivating an account locks its open sessions out on their very next request."""

import pytest
from django.test import Client

from tests.factories import AgencyFactory, staff
from tongban.org.models import StaffRole, User

pytestmark = pytest.mark.django_db
ME = "/api/v1/org/me"


def test_a_deactivated_account_is_refused_at_once_and_back_when_reactivated():
    user = staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory())
    client = Client()
    client.force_login(user)
    assert client.get(ME).json()["username"] == user.username
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(ME).status_code == 401
    assert client.get("/api/v1/cases/inbox").status_code == 401
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert client.get(ME).status_code == 200
