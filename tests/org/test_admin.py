"""The admin edits the organisation: identifiers validated, every change audited."""

import pytest
from django.test import Client

from tests.factories import AgencyFactory, UserFactory, city_region, make_uscc
from tongban.core.models import AuditEntry
from tongban.org.models import Agency, Applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


def _agency_form(region, **overrides):
    data = {
        "name": "德州市测试局",
        "short_name": "",
        "credit_code": make_uscc(),
        "kind": Agency.Kind.LINE_DEPARTMENT,
        "region": region.pk,
        "parent": "",
        "phone": "",
        "address": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_admin_refuses_a_wrong_credit_code_and_saves_nothing(admin_client):
    region = city_region()
    response = admin_client.post(
        "/admin/org/agency/add/", _agency_form(region, credit_code="113714000000000012")
    )
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert not Agency.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="admin.").exists()


def test_admin_edit_is_audited_with_the_diff(admin_client):
    agency = AgencyFactory(name="旧名称")
    data = _agency_form(agency.region, credit_code=agency.credit_code, name="新名称")
    response = admin_client.post(f"/admin/org/agency/{agency.pk}/change/", data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.changes == {"name": ["旧名称", "新名称"]}
    assert entry.object_type == "org.agency"


def test_admin_stores_an_id_number_encrypted_and_shows_it_masked(admin_client):
    response = admin_client.post(
        "/admin/org/applicant/add/",
        {"kind": "person", "name": "李明", "id_number": "11010519491231002X", "phone": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    applicant = Applicant.objects.get()
    assert applicant.id_number_masked == "1101**********002X"
    page = admin_client.get(f"/admin/org/applicant/{applicant.pk}/change/").content.decode()
    assert "11010519491231002X" not in page
    entry = AuditEntry.objects.get(action="admin.add")
    assert "11010519491231002X" not in str(entry.changes)


def test_audit_log_is_read_only_in_the_admin(admin_client):
    AgencyFactory()
    response = admin_client.get("/admin/core/auditentry/add/")
    assert response.status_code == 403


def test_admin_issues_a_token_shown_once(admin_client):
    agency = AgencyFactory()
    response = admin_client.post(
        "/admin/org/apiclient/add/",
        {"name": "税务系统", "agency": agency.pk, "scopes": ["org:read"], "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "tb_" in page
    client = agency.api_clients.get()
    assert client.scopes == ["org:read"]
