"""The bundle endpoints: offer, apply, upload once, submit, read; errors change nothing."""

from django.test import Client

from tests.bundles.conftest import ANSWERS
from tests.cases.conftest import PDF
from tongban.bundles.models import BundleCase

BASE = "/api/v1/bundles"
JSON = "application/json"
FORM = {"company": "德州鑫源食品有限公司", "phone": "13900000000"}


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_applicant_applies_uploads_once_and_is_told_what_is_missing(bw):
    w = bw.base
    offered = Client().get("/api/v1/catalog/bundles/startup").json()
    assert len(offered["item_codes"]) == 3 and offered["form_fields"][0]["key"] == "company"
    assert [q["text"] for q in offered["questions"]] == ["是否设立分支机构?"]

    client = _as(w.citizen)
    made = client.post(
        f"{BASE}/startup/applications",
        {"form_data": FORM, "answers": ANSWERS},
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "draft" and len(body["parts"]) == 3
    assert [gap["material"] for gap in body["missing"]] == [
        "食品经营许可申请书",
        "法定代表人身份证明",
    ]

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")
    after = client.post(
        f"{BASE}/applications/{body['id']}/materials",
        {"material": "法定代表人身份证明", "file": upload},
    )
    assert after.status_code == 200, after.content
    assert [gap["material"] for gap in after.json()["missing"]] == ["食品经营许可申请书"]

    refused = client.post(f"{BASE}/applications/{body['id']}/submit", {}, content_type=JSON)
    assert refused.status_code == 400 and "食品经营许可申请书" in refused.json()["message"]
    assert client.get(f"{BASE}/applications/{body['id']}").json()["status"] == "draft"
    mine = client.get(f"{BASE}/applications").json()
    assert mine["count"] == 1 and mine["items"][0]["id"] == body["id"]


def test_bad_input_and_strangers_are_refused(bw):
    from tests.factories import applicant_account

    w = bw.base
    client = _as(w.citizen)
    bad = client.post(f"{BASE}/startup/applications", {"form_data": {}}, content_type=JSON)
    assert bad.status_code == 400 and "企业名称" in bad.json()["message"]
    assert not BundleCase.objects.exists()
    assert client.post(f"{BASE}/nothing/applications", {}, content_type=JSON).status_code == 404
    made = client.post(
        f"{BASE}/startup/applications", {"form_data": FORM, "answers": ANSWERS}, content_type=JSON
    )
    stranger, _ = applicant_account(name="王五", username="wangwu")
    other = _as(stranger).get(f"{BASE}/applications/{made.json()['id']}")
    assert other.status_code == 403
