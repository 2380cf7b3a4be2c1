"""``/api/v1/archive``: the archive as the applicant and staff see it, and reuse on request."""

import pytest
from django.test import Client

from tongban.archive.models import ArchiveReuse
from tongban.cases import actions

from .conftest import apply, first_case

pytestmark = pytest.mark.urls("tests.archive.urls")
PASSWORD = "correct horse battery"
BASE = "/api/v1/archive"


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_applicant_and_counter_staff_see_the_archive_others_do_not(aw):
    first_case(aw)
    url = f"{BASE}/applicants/{aw.company.pk}/documents"
    own = client_for(aw.company_user).get(url, {"page": 1, "page_size": 10})
    assert own.status_code == 200, own.content
    body = own.json()
    assert body["count"] == 3
    identity = next(d for d in body["items"] if d["name"] == "法定代表人身份证明")
    assert identity["state"] == "valid" and identity["valid_until"] is None
    assert identity["has_file"] and len(identity["sha256"]) == 64
    assert client_for(aw.base.clerk).get(url).json()["count"] == 3  # 市域通办: counter staff
    refused = client_for(aw.other_user).get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert client_for(aw.base.reviewer).get(url).status_code == 403
    assert Client().get(url).status_code == 401
    missing = client_for(aw.company_user).get(f"{BASE}/applicants/999999/documents")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_reuse_on_request_says_what_and_why(aw):
    second = apply(aw, aw.second_item, aw.company)  # before the archive holds anything
    first = first_case(aw)
    client = client_for(aw.company_user)
    answer = client.post(f"{BASE}/cases/{second.pk}/reuse")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert {r["material"] for r in body["reused"]} == {
        "法定代表人身份证明（副本）",
        "房屋产权证明（正本）",
    }
    assert all(first.code in r["reason"] for r in body["reused"])
    assert body["still_missing"] == ["公章刻制申请表"]
    listed = client_for(aw.base.clerk).get(f"{BASE}/cases/{second.pk}/reuses").json()
    assert listed["count"] == 2
    assert client.post(f"{BASE}/cases/{second.pk}/reuse").json()["reused"] == []


def test_reuse_errors_are_code_and_message(aw):
    first_case(aw)
    theirs = apply(aw, aw.second_item, aw.other)
    company = client_for(aw.company_user)
    refused = company.post(f"{BASE}/cases/{theirs.pk}/reuse")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert company.get(f"{BASE}/cases/{theirs.pk}/reuses").status_code == 403
    assert company.post(f"{BASE}/cases/999999/reuse").json()["code"] == "not_found"
    # Someone else's archive gives their case nothing.
    own = client_for(aw.other_user).post(f"{BASE}/cases/{theirs.pk}/reuse")
    assert own.status_code == 200 and own.json()["reused"] == []
    assert not ArchiveReuse.objects.filter(case=theirs).exists()


def test_a_counter_draft_without_answers_is_400_then_filled_when_answered(aw):
    first_case(aw)
    world = aw.base
    draft = actions.start_application(
        world.p(world.clerk),
        world.item,
        applicant=aw.company,
        channel="window",
        service_point=world.hall,
        window=world.window,
    )
    clerk = client_for(world.clerk)
    answer = clerk.post(f"{BASE}/cases/{draft.pk}/reuse")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"
    assert answer.json()["message"].startswith("请先回答以下问题")
    # Answering is an edit: the draft then takes what the archive holds.
    draft = actions.update_draft(
        world.p(world.clerk),
        draft,
        answers=world.answers("自有房产", "否"),
        revision=draft.revision,
    )
    assert actions.missing_materials(draft) == []
    assert clerk.get(f"{BASE}/cases/{draft.pk}/reuses").json()["count"] == 3
    actions.submit(world.p(world.clerk), draft, revision=draft.revision)
