"""The admin: sources editable, a record added by typing the subject once (kept as its
digest and masked form), the query log read-only."""

import json

import pytest
from django.test import Client

from tests.factories import StaffRole, staff
from tongban.sharing import services
from tongban.sharing.models import DataSource, SharedRecord, SharingQuery


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(staff(StaffRole.PLATFORM_ADMIN, is_staff=True, is_superuser=True))
    return client


def test_a_record_is_added_with_the_subject_typed_once(admin_client):
    subject = "371402199001011234"
    population = DataSource.objects.get(code="population")

    response = admin_client.post(
        "/admin/sharing/sharedrecord/add/",
        {"source": population.pk, "subject": subject.lower(), "data": json.dumps({"name": "某"})},
    )

    assert response.status_code == 302
    record = SharedRecord.objects.get()
    assert record.subject_index == services.subject_index(subject)
    assert record.subject_masked == "3714**********1234"
    again = admin_client.post(
        "/admin/sharing/sharedrecord/add/",
        {"source": population.pk, "subject": subject, "data": "{}"},
    )
    assert again.status_code == 200 and SharedRecord.objects.count() == 1


def test_the_pages_open_and_the_log_is_read_only(admin_client):
    for url in ("/admin/sharing/datasource/", "/admin/sharing/sharedrecord/",
                "/admin/sharing/sharingquery/", "/admin/sharing/materialverification/",
                f"/admin/sharing/datasource/{DataSource.objects.first().pk}/change/"):  # fmt: skip
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/sharing/sharingquery/add/").status_code == 403
    assert not SharingQuery.objects.exists()
