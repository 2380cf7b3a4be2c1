"""A case's detail read with precompiled statements: the materials, supplements, refusals
and allowed actions are what the ORM reads through the case's relations, for staff and
for the applicant, and only the lists a case has are read."""

import datetime as dt
import json

import pytest
from django.test import Client
from ninja.renderers import JSONRenderer

from tongban.cases import actions, api
from tongban.cases.models import Case, Commitment, RefusalRequest, Status
from tongban.catalog.models import Material
from tongban.org.models import StaffAssignment

from .helpers import online_case, upload

DETAIL = "/api/v1/cases/{}"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _json(data):
    return json.loads(JSONRenderer().render(None, data, response_status=200))


def _reference(world, user, case_id: int) -> dict:
    """The lists of the detail as read before: through the case's related managers."""
    principal = world.p(user)
    case = api._cases().get(pk=case_id)
    refusals = case.refusals.all()
    if not api._sees_internals(principal, case):
        refusals = refusals.filter(outcome=RefusalRequest.Outcome.CONFIRMED)
    internal = api._sees_internals(principal, case)
    return _json(
        {
            **{k: v for k, v in api._summary(case).items() if k != "warning_level"},
            "materials": [api._material_out(m) for m in case.materials.select_related("material")],
            "supplements": [
                {
                    "id": s.pk,
                    "stage": s.stage,
                    "materials": [api._guide_material(m) for m in s.materials.all()],
                    "problems": s.problems,
                    "conditions": s.conditions,
                    "note": s.note,
                    "requested_at": s.requested_at,
                    "due": s.due,
                    "answered_at": s.answered_at,
                }
                for s in case.supplements.prefetch_related("materials")
            ],
            "refusals": [
                {
                    "id": r.pk,
                    "kind": r.kind,
                    "reason": r.reason,
                    "requested_at": r.requested_at,
                    "outcome": r.outcome,
                    "decided_at": r.decided_at,
                    "decision_note": r.decision_note if internal else "",
                }
                for r in refusals
            ],
            "allowed_actions": api.allowed_actions(principal, case),
        }
    )


def _assert_as_before(world, user, case_id: int) -> dict:
    body = _client(user).get(DETAIL.format(case_id)).json()
    expected = _reference(world, user, case_id)
    assert {k: body[k] for k in expected} == expected
    return body


@pytest.fixture
def eventful(world) -> Case:
    """A case with materials, an answered supplement, an overturned and a confirmed-later
    refusal proposal, accepted on a commitment."""
    deed = Material.objects.get(version=world.item.versions.get(), name="房屋产权证明")
    Material.objects.filter(pk=deed.pk).update(necessity=Material.Necessity.DEFERRABLE)
    case = online_case(world, upload_all=False)
    form = Material.objects.get(version=case.item_version, name="食品经营许可申请书")
    upload(world, case, form.name)
    case = actions.submit(world.p(world.citizen), case)
    clerk = world.p(world.clerk)
    actions.request_supplement(
        clerk, case, materials=[form], problems={form.pk: "签名不清"}, note="请重新签名"
    )
    case.refresh_from_db()
    upload(world, case, form.name)
    case = actions.supply(world.p(world.citizen), case)
    actions.propose_non_acceptance(clerk, case, reason="材料存疑")
    case = actions.overturn_refusal(world.p(world.chief), case, note="材料齐全")
    case = actions.accept_on_commitment(
        clerk,
        case,
        materials=[deed],
        text="本人承诺房屋权属属实",
        check_due=dt.date.today() + dt.timedelta(days=30),
        service_point=world.hall,
    )
    return case


def test_staff_and_the_applicant_see_what_the_orm_reads(world, eventful):
    assert eventful.status in {Status.IN_REVIEW, Status.ACCEPTED_TOLERANT}
    for user in (world.chief, world.reviewer, world.clerk, world.citizen):
        body = _assert_as_before(world, user, eventful.pk)
        assert len(body["materials"]) >= 2 and len(body["supplements"]) == 1
    assert _client(world.chief).get(DETAIL.format(eventful.pk)).json()["refusals"]
    assert _client(world.citizen).get(DETAIL.format(eventful.pk)).json()["refusals"] == []


def test_the_commitment_is_read_with_the_case(world, eventful):
    if "post_check" not in api.ACTIONS:
        pytest.skip("no post-check action")
    assert Commitment.objects.get(case=eventful).check_result == Commitment.CheckResult.PENDING
    assert "post_check" in _assert_as_before(world, world.chief, eventful.pk)["allowed_actions"]


def test_a_confirmed_refusal_is_shown_to_the_applicant(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    actions.propose_non_acceptance(world.p(world.clerk), case, reason="不属于本部门职权范围")
    actions.confirm_refusal(world.p(world.chief), case, note="内部意见")
    body = _assert_as_before(world, world.citizen, case.pk)
    assert [(r["outcome"], r["decision_note"]) for r in body["refusals"]] == [("confirmed", "")]
    staff_view = _assert_as_before(world, world.chief, case.pk)
    assert staff_view["refusals"][0]["decision_note"] == "内部意见"


def test_a_draft_without_anything_reads_no_lists(world, django_assert_max_num_queries):
    case = online_case(world, upload_all=False)
    client = _client(world.citizen)
    client.get(DETAIL.format(case.pk))
    # session; user and roles; the case; what is missing; no materials, so the flags are
    # asked for once more, and no list is read
    with django_assert_max_num_queries(6):
        body = client.get(DETAIL.format(case.pk)).json()
    assert body["materials"] == body["supplements"] == body["refusals"] == []
    _assert_as_before(world, world.citizen, case.pk)


def test_an_in_review_case_is_read_in_few_queries(world, django_assert_max_num_queries):
    case = actions.submit(world.p(world.citizen), online_case(world))
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    client = _client(world.reviewer)
    client.get(DETAIL.format(case.pk))
    # the session; the user with their roles; the case with its commitment; its materials,
    # each saying whether the case has supplements and refusals
    with django_assert_max_num_queries(4):
        body = client.get(DETAIL.format(case.pk)).json()
    assert body["status"] == "in_review" and body["materials"]
    _assert_as_before(world, world.reviewer, case.pk)


def test_not_found_and_not_yours(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    client = _client(world.reviewer)
    assert client.get(DETAIL.format(case.pk + 1000)).json()["code"] == "not_found"
    assert client.get(DETAIL.format(case.pk + 1000)).status_code == 404
    for beyond in (2**63, -(2**63) - 1, 10**30):
        assert client.get(DETAIL.format(beyond)).status_code == 404
        assert client.get(DETAIL.format(beyond) + "/history").status_code == 404
    StaffAssignment.objects.filter(user=world.reviewer).delete()
    assert client.get(DETAIL.format(case.pk)).status_code == 403
