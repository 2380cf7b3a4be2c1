"""``/api/v1/projects``: lists, detail with the timeline, stage actions, shared work."""

import pytest
from django.test import Client
from django.utils import timezone

from tongban.core.models import AuditEntry
from tongban.projects.models import IndustrialPark

from .conftest import CODE, PDF

pytestmark = pytest.mark.urls("tests.projects.urls")
PASSWORD = "correct horse battery"
BASE = "/api/v1/projects"


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _create(client, world, **extra):
    return client.post(
        BASE,
        {
            "code": CODE,
            "name": "新材料产业园一期",
            "builder_id": world.builder.pk,
            "region": world.county.code,
            "category": "social",
            **extra,
        },
        content_type="application/json",
    )


def test_create_list_and_detail(world):
    bureau = client_for(world.bureau_staff)
    created = _create(bureau, world, butler="land")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == CODE and body["butler"] == "land"
    assert body["main_process"] == {
        "limit_days": 45,
        "used_days": 0,
        "remaining_days": 45,
        "level": "green",
    }
    listed = bureau.get(BASE, {"page": 1, "page_size": 10}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    assert client_for(world.builder_user).get(f"{BASE}/{body['id']}").status_code == 200


def test_errors_are_code_and_message(world):
    bureau = client_for(world.bureau_staff)
    bad = _create(bureau, world, code="2026-12")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert "2020-371402-47-01-012345" in bad.json()["message"]
    refused = _create(client_for(world.land_staff), world)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert Client().get(BASE).status_code == 401
    assert bureau.get(f"{BASE}/999").json()["code"] == "not_found"


def test_another_builder_does_not_see_the_project(world):
    from tests.factories import applicant_account

    project_id = _create(client_for(world.bureau_staff), world).json()["id"]
    other, _applicant = applicant_account(name="别家公司", kind="legal")
    client = client_for(other)
    assert client.get(f"{BASE}/{project_id}").status_code == 404
    assert client.get(BASE).json()["count"] == 0


def test_stage_actions_and_shared_work(world):
    bureau = client_for(world.bureau_staff)
    project_id = _create(bureau, world).json()["id"]
    stage = f"{BASE}/{project_id}/stages/approval_land"
    today = timezone.localdate().isoformat()  # the API acts now
    started = bureau.post(f"{stage}/start")
    assert started.status_code == 200, started.content
    first = started.json()["stages"][0]
    assert (first["status"], first["limit_days"], first["lead_agency_id"]) == (
        "in_progress",
        20,
        world.land.pk,
    )
    paused = bureau.post(
        f"{stage}/pause", {"reason": "补充规划条件"}, content_type="application/json"
    )
    assert paused.json()["stages"][0]["status"] == "paused"
    assert bureau.post(f"{stage}/resume").json()["stages"][0]["status"] == "in_progress"
    inspection = client_for(world.land_staff).post(
        f"{stage}/inspections",
        {"inspected_on": today, "findings": "现场踏勘无异常", "agency_ids": [world.land.pk]},
        content_type="application/json",
    )
    assert inspection.status_code == 201, inspection.content
    assert inspection.json()["inspector"] == "land"
    meeting = bureau.post(
        f"{stage}/meetings",
        {"held_on": today, "minutes": "同意并联审批", "agency_ids": [world.land.pk]},
        content_type="application/json",
    )
    assert meeting.status_code == 201 and meeting.json()["agency_ids"] == [world.land.pk]
    builder = client_for(world.builder_user)
    upload = builder.post(f"{stage}/drawings", {"file": _pdf_upload("plans.pdf")})
    assert upload.status_code == 201, upload.content
    drawing_id = upload.json()["id"]
    comment = client_for(world.land_staff).post(
        f"{BASE}/drawings/{drawing_id}/comments",
        {"agency_id": world.land.pk, "text": "退线不足"},
        content_type="application/json",
    )
    assert comment.status_code == 201
    answer = builder.post(
        f"{BASE}/drawings/{drawing_id}/answer", {"text": "已修改"}, content_type="application/json"
    )
    assert answer.status_code == 201
    drawings = bureau.get(f"{BASE}/{project_id}/drawings").json()
    assert drawings["items"][0]["comments"] == 1 and drawings["items"][0]["answered"] is True
    completed = bureau.post(f"{stage}/complete")
    assert completed.json()["stages"][0]["status"] == "completed"
    assert AuditEntry.objects.filter(action="project.complete_stage").count() == 1


def test_park_assessments(world):
    park = IndustrialPark.objects.create(name="德州经济技术开发区", region=world.county)
    bureau = client_for(world.bureau_staff)
    added = bureau.post(
        f"{BASE}/parks/{park.pk}/assessments",
        {"kind": "energy", "valid_until": "2027-12-31", "file": _pdf_upload("energy.pdf")},
    )
    assert added.status_code == 201, added.content
    assert added.json()["kind"] == "energy"
    listed = bureau.get(f"{BASE}/parks/{park.pk}/assessments").json()
    assert listed["count"] == 1
    refused = client_for(world.land_staff).post(
        f"{BASE}/parks/{park.pk}/assessments",
        {"kind": "energy", "file": _pdf_upload("e.pdf")},
    )
    assert refused.status_code == 403
    assert bureau.get(f"{BASE}/parks").json()["items"][0]["name"] == "德州经济技术开发区"


def _pdf_upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF + name.encode(), content_type="application/pdf")
