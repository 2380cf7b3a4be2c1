"""The cases API, end to end: apply, upload, submit, supplement, accept, review, approve,
issue, deliver, each step by the person whose step it is; 409 for illegal moves and stale
pages, 400 for bad input, 403 for the wrong person, each with nothing changed; the public
progress query that tells nothing to someone without the right digits."""

import datetime as dt
import hashlib

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import translation

from tests.catalog.factories import option, published_item
from tests.factories import AgencyFactory, applicant_account, staff
from tongban.cases import actions
from tongban.cases.models import Case, CaseEvent, CaseMaterial, Status
from tongban.catalog.models import Material
from tongban.org import actions as org_actions
from tongban.org.models import StaffRole

from .conftest import PDF
from .helpers import online_case

JSON = "application/json"
TZ = dt.timezone(dt.timedelta(hours=8))
BASE = "/api/v1/cases"


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _material(case_or_version, name: str) -> Material:
    version = getattr(case_or_version, "item_version", case_or_version)
    return Material.objects.get(version=version, name=name)


def _upload(client: Client, case_id: int, material: Material, content: bytes, name: str, **kw):
    return client.post(
        f"{BASE}/{case_id}/materials",
        {"material": material.pk, "file": SimpleUploadedFile(name, content, "application/pdf")},
        **kw,
    )


def _act(client: Client, case_id: int, action: str, body: dict | None = None, **kw):
    return client.post(f"{BASE}/{case_id}/actions/{action}", body or {}, content_type=JSON, **kw)


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def _zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def _at(day: int, hour: int = 10, month: int = 9):
    return time_machine.travel(dt.datetime(2026, month, day, hour, 0, tzinfo=TZ), tick=False)


def test_apply_supplement_accept_review_approve_issue_deliver(world):
    citizen, clerk = _as(world.citizen), _as(world.clerk)
    reviewer, chief = _as(world.reviewer), _as(world.chief)
    with _at(28, 9):
        case = _ok(
            citizen.post(
                BASE,
                {
                    "item": world.item.impl_code,
                    "answers": world.answers("自有房产", "否"),
                    "form_data": {"contact_phone": "13900000000"},
                },
                content_type=JSON,
            ),
            201,
        )
        assert case["status"] == "draft" and case["applicant_id"] == world.applicant.pk
        assert {"submit", "withdraw"} <= set(case["allowed_actions"])
        assert [m["name"] for m in case["missing_materials"]] == [
            "食品经营许可申请书",
            "房屋产权证明",
        ]
        case_id = case["id"]
        for material in case["missing_materials"]:
            content = PDF + material["name"].encode()
            received = _ok(
                _upload(
                    citizen, case_id, Material.objects.get(pk=material["id"]), content, "a.pdf"
                ),
                201,
            )
            assert received["sha256"] == hashlib.sha256(content).hexdigest()
            assert received["size"] == len(content)
        listed = _ok(citizen.get(f"{BASE}/{case_id}/materials"))
        assert listed["count"] == 2
        case = _ok(citizen.get(f"{BASE}/{case_id}"))
        assert case["missing_materials"] == []
        case = _ok(_act(citizen, case_id, "submit", {"revision": case["revision"]}))
        assert case["status"] == "submitted"
        assert case["status_label"] == _zh(Status.SUBMITTED.label)
        assert case["code"].startswith(world.item.impl_code + "20260928")
        assert case["acceptance_due"] is not None

    with _at(28, 10):
        queue = _ok(clerk.get(f"{BASE}/inbox", {"queue": "online"}))
        assert [c["id"] for c in queue["items"]] == [case_id]
        detail = _ok(clerk.get(f"{BASE}/{case_id}"))
        assert {"request_supplement", "accept", "propose_non_acceptance"} <= set(
            detail["allowed_actions"]
        )
        assert "submit" not in detail["allowed_actions"]
        deed = _material(world.item.versions.get(), "房屋产权证明")
        case = _ok(
            _act(
                clerk,
                case_id,
                "request_supplement",
                {"materials": [deed.pk], "problems": {str(deed.pk): "复印不清"}},
            )
        )
        assert case["status"] == "needs_supplement"
        assert case["supplements"][0]["problems"] == {str(deed.pk): "复印不清"}

    with _at(29):
        _ok(_upload(citizen, case_id, deed, PDF + b"clear", "deed.pdf"), 201)
        case = _ok(_act(citizen, case_id, "supply"))
        assert case["status"] == "submitted"
        materials = _ok(citizen.get(f"{BASE}/{case_id}/materials"))["items"]
        assert [m["superseded"] for m in materials if m["material_id"] == deed.pk] == [True, False]

    with _at(30):
        case = _ok(
            _act(
                clerk,
                case_id,
                "accept",
                {"service_point": world.hall.pk, "window": world.window.pk},
            )
        )
        assert case["status"] == "in_review"
        assert case["step"]["role"] == "backoffice_reviewer"
        # 5 working days from 30 September: 8, 9, Saturday 10 (make-up), 12, 13 October.
        assert case["promised_due"].startswith("2026-10-13")
        assert case["warning"]["value"] == "green"

    with _at(9, month=10):
        inbox = _ok(reviewer.get(f"{BASE}/inbox"))
        assert [c["id"] for c in inbox["items"]] == [case_id]
        assert _ok(chief.get(f"{BASE}/inbox"))["count"] == 0
        assert _ok(clerk.get(f"{BASE}/{case_id}"))["allowed_actions"] == []
        case = _ok(_act(reviewer, case_id, "complete_step", {"note": "材料齐全"}))
        assert case["step"]["role"] == "section_chief"
        assert "approve" in _ok(chief.get(f"{BASE}/{case_id}"))["allowed_actions"]
        case = _ok(_act(chief, case_id, "approve"))
        assert case["status"] == "approved"
        case = _ok(_act(chief, case_id, "issue_result"))
        assert case["status"] == "result_issued"
        assert [c["id"] for c in _ok(clerk.get(f"{BASE}/inbox", {"queue": "pickup"}))["items"]] == [
            case_id
        ]
        case = _ok(_act(clerk, case_id, "deliver", {"recipient_name": "李四", "id_checked": True}))
        assert case["status"] == "closed" and case["closed_at"] is not None

    everything = _ok(reviewer.get(f"{BASE}/{case_id}/history", {"page_size": 100}))["items"]
    public = _ok(citizen.get(f"{BASE}/{case_id}/history", {"page_size": 100}))["items"]
    assert [e["action"] for e in public] == [
        "submit",
        "request_supplement",
        "supply",
        "accept",
        "complete_step",
        "approve",
        "issue_result",
        "deliver",
        "close",
    ]
    assert all(e["public"] for e in public)
    assert {"create", "upload"} <= {e["action"] for e in everything}
    assert "复印不清" in public[1]["note"]
    mine = _ok(citizen.get(BASE))
    assert [c["id"] for c in mine["items"]] == [case_id]


def _submitted(world) -> Case:
    return actions.submit(world.p(world.citizen), online_case(world))


def test_illegal_transition_is_409_and_changes_nothing(world):
    case = _submitted(world)
    events = CaseEvent.objects.count()
    response = _act(_as(world.chief), case.pk, "approve")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition"
    assert "不能执行" in body["message"]
    english = _act(_as(world.chief), case.pk, "approve", HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be" in english.json()["message"]
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert CaseEvent.objects.count() == events


def test_stale_revision_is_409_and_changes_nothing(world):
    case = _submitted(world)
    seen = case.revision
    clerk = _as(world.clerk)
    _ok(_act(clerk, case.pk, "propose_non_acceptance", {"reason": "材料不全", "revision": seen}))
    events = CaseEvent.objects.count()
    response = _act(clerk, case.pk, "accept", {"service_point": world.hall.pk, "revision": seen})
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert "刷新" in response.json()["message"]
    case.refresh_from_db()
    assert case.status == Status.NON_ACCEPTANCE_PENDING
    assert CaseEvent.objects.count() == events
    # The chief decides the refusal; the proposer may not.
    assert _act(clerk, case.pk, "confirm_refusal").status_code == 403
    overturned = _ok(
        _act(
            _as(world.chief),
            case.pk,
            "overturn_refusal",
            {"note": "材料已齐", "revision": case.revision},
        )
    )
    assert overturned["status"] == "submitted"
    assert overturned["refusals"][0]["outcome"] == "overturned"


def test_missing_required_material_is_400_in_chinese_and_english(world):
    case = online_case(world, upload_all=False)
    citizen = _as(world.citizen)
    response = _act(citizen, case.pk, "submit")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "缺少必需材料" in response.json()["message"]
    assert "食品经营许可申请书" in response.json()["message"]
    english = _act(citizen, case.pk, "submit", HTTP_ACCEPT_LANGUAGE="en")
    assert "Required materials are missing" in english.json()["message"]
    case.refresh_from_db()
    assert case.status == Status.DRAFT and case.code is None


@override_settings(TONGBAN_MAX_UPLOAD_MB=1)
def test_too_large_or_forbidden_files_are_400_and_not_stored(world):
    case = online_case(world, upload_all=False)
    citizen = _as(world.citizen)
    form = _material(case, "食品经营许可申请书")
    too_big = _upload(citizen, case.pk, form, PDF + b"0" * (1024 * 1024), "big.pdf")
    assert too_big.status_code == 400
    assert "超过 1 MB" in too_big.json()["message"]
    english = _upload(
        citizen, case.pk, form, PDF + b"0" * (1024 * 1024), "big.pdf", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "larger than 1 MB" in english.json()["message"]
    # A Windows program renamed .pdf is known by its first bytes, not by its name.
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
    renamed = _upload(citizen, case.pk, form, exe, "scan.pdf")
    assert renamed.status_code == 400
    assert "不是 PDF" in renamed.json()["message"]
    english = _upload(citizen, case.pk, form, exe, "scan.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert "is not a PDF" in english.json()["message"]
    # A material of another item's guide is refused too.
    other = published_item(AgencyFactory(), impl_code="OTHER-1")
    foreign = _upload(citizen, case.pk, _material(other.versions.get(), "营业执照"), PDF, "a.pdf")
    assert foreign.status_code == 400
    assert CaseMaterial.objects.count() == 0


def test_tampered_answers_and_unknown_fields_are_400(world):
    citizen = _as(world.citizen)
    other = published_item(AgencyFactory(), impl_code="OTHER-1")
    tampered = citizen.post(
        BASE,
        {
            "item": world.item.impl_code,
            "answers": [option(other, "自有房产").pk, option(world.item, "否").pk],
        },
        content_type=JSON,
    )
    assert tampered.status_code == 400
    assert "不属于该事项" in tampered.json()["message"]
    assert Case.objects.count() == 0
    case = online_case(world, upload_all=False)
    before = (case.form_data, case.answers, case.revision)
    unknown = citizen.patch(
        f"{BASE}/{case.pk}",
        {"form_data": {"contact_phone": "1", "favourite_colour": "蓝"}},
        content_type=JSON,
    )
    assert unknown.status_code == 400
    assert "不存在的字段" in unknown.json()["message"]
    assert "favourite_colour" in unknown.json()["message"]
    english = citizen.patch(
        f"{BASE}/{case.pk}",
        {"answers": [option(other, "租赁").pk, option(world.item, "否").pk]},
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "do not belong" in english.json()["message"]
    case.refresh_from_db()
    assert (case.form_data, case.answers, case.revision) == before
    edited = _ok(
        citizen.patch(
            f"{BASE}/{case.pk}",
            {"answers": world.answers("租赁", "否"), "revision": case.revision},
            content_type=JSON,
        )
    )
    assert "房屋租赁合同" in [m["name"] for m in edited["missing_materials"]]


def test_the_wrong_person_gets_403_and_nothing_changes(world):
    case = _submitted(world)
    stranger, _ = applicant_account(name="王五", username="wangwu")
    as_stranger = _as(stranger)
    assert as_stranger.get(f"{BASE}/{case.pk}").status_code == 403
    assert as_stranger.get(f"{BASE}/{case.pk}/history").status_code == 403
    assert _act(as_stranger, case.pk, "withdraw").status_code == 403
    assert _ok(as_stranger.get(BASE))["count"] == 0
    # The applicant cannot accept their own case, nor apply in someone else's name.
    accepted = _act(_as(world.citizen), case.pk, "accept")
    assert accepted.status_code == 403 and accepted.json()["code"] == "forbidden"
    in_another_name = as_stranger.post(
        BASE,
        {"item": world.item.impl_code, "applicant": world.applicant.pk},
        content_type=JSON,
    )
    assert in_another_name.status_code == 403
    # A reviewer of another agency sees nothing of this one's cases.
    outsider = staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory())
    assert _as(outsider).get(f"{BASE}/{case.pk}").status_code == 403
    # nor, acting on one, learns its status (a 409 would tell it is no longer submitted)
    refused = _act(_as(outsider), case.pk, "approve")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    for unknown in (case.pk + 1000, 2**63):
        assert _act(_as(outsider), unknown, "approve").status_code == 404
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and not Case.objects.exclude(pk=case.pk).exists()


def test_a_clerk_files_for_an_applicant_at_the_window(world):
    clerk = _as(world.clerk)
    case = _ok(
        clerk.post(
            BASE,
            {
                "item": world.item.impl_code,
                "applicant": world.applicant.pk,
                "channel": "window",
                "answers": world.answers("自有房产", "否"),
                "service_point": world.hall.pk,
                "window": world.window.pk,
            },
            content_type=JSON,
        ),
        201,
    )
    assert case["channel"] == "window" and case["service_point_id"] == world.hall.pk
    assert Case.objects.get(pk=case["id"]).on_behalf
    # Applicants apply online only; the window is the clerk's.
    at_window = _as(world.citizen).post(
        BASE, {"item": world.item.impl_code, "channel": "window"}, content_type=JSON
    )
    assert at_window.status_code == 400


def test_progress_query_tells_nothing_without_the_right_digits(world):
    case = _submitted(world)
    anyone = Client(enforce_csrf_checks=True)  # a phone app or a kiosk: no CSRF cookie
    by_phone = _ok(
        anyone.post(f"{BASE}/progress", {"code": case.code, "tail": "0000"}, content_type=JSON)
    )
    assert by_phone["status"] == "submitted"
    assert by_phone["status_label"] == _zh(Status.SUBMITTED.label)
    assert [step["action"] for step in by_phone["timeline"]] == ["submit"]
    assert by_phone["deadline"] is not None
    assert "李四" not in str(by_phone) and "13900000000" not in str(by_phone)
    id_tail = world.applicant.id_number_masked[-4:]
    by_id = anyone.post(
        f"{BASE}/progress", {"code": case.code.lower(), "tail": id_tail}, content_type=JSON
    )
    assert by_id.status_code == 200
    wrong = anyone.post(f"{BASE}/progress", {"code": case.code, "tail": "1234"}, content_type=JSON)
    unknown = anyone.post(
        f"{BASE}/progress", {"code": case.code + "9", "tail": "0000"}, content_type=JSON
    )
    empty = anyone.post(f"{BASE}/progress", {"code": case.code, "tail": ""}, content_type=JSON)
    assert wrong.status_code == unknown.status_code == empty.status_code == 404
    assert wrong.json() == unknown.json() == empty.json()
    assert wrong.json()["code"] == "no_match"


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    TONGBAN_PROGRESS_FAILURES_PER_CODE=(3, 60),
)
def test_progress_query_stops_guessing(world):
    from django.core.cache import cache

    cache.clear()
    case = _submitted(world)
    anyone = Client()
    for tail in ("1111", "2222", "3333"):
        assert (
            anyone.post(
                f"{BASE}/progress", {"code": case.code, "tail": tail}, content_type=JSON
            ).status_code
            == 404
        )
    # Even the right digits are refused for a while now, with a friendly message.
    stopped = anyone.post(
        f"{BASE}/progress", {"code": case.code, "tail": "0000"}, content_type=JSON
    )
    assert stopped.status_code == 429
    assert stopped.json()["code"] == "too_many_requests"
    cache.clear()


def test_department_system_reads_its_agencys_cases(world):
    case = _submitted(world)
    reader = org_actions.issue_api_client("市场监管系统", world.agency, ["cases:read"])
    listed = _ok(Client().get(BASE, **_bearer(reader.token)))
    assert [c["id"] for c in listed["items"]] == [case.pk]
    detail = _ok(Client().get(f"{BASE}/{case.pk}", **_bearer(reader.token)))
    assert detail["allowed_actions"] == []
    # Reading only: it cannot act on the case.
    assert _act(Client(), case.pk, "accept", **_bearer(reader.token)).status_code == 403
    other = org_actions.issue_api_client("别的系统", AgencyFactory(), ["cases:read"])
    assert _ok(Client().get(BASE, **_bearer(other.token)))["count"] == 0
    assert Client().get(f"{BASE}/{case.pk}", **_bearer(other.token)).status_code == 403
    unscoped = org_actions.issue_api_client("无权系统", world.agency, ["org:read"])
    assert _ok(Client().get(BASE, **_bearer(unscoped.token)))["count"] == 0
    assert Client().get(BASE).status_code == 401


def test_department_system_completes_its_agencys_steps(world):
    """企业开办 and the like: a department's own system does its part through the API."""
    case = _submitted(world)
    actions.accept(world.p(world.clerk), case, service_point=world.hall)
    system = org_actions.issue_api_client("市场监管审批系统", world.agency, ["cases:decide"])
    other = org_actions.issue_api_client("别的系统", AgencyFactory(), ["cases:decide"])
    reader = org_actions.issue_api_client("只读系统", world.agency, ["cases:read"])
    assert _act(Client(), case.pk, "complete_step", **_bearer(other.token)).status_code == 403
    assert _act(Client(), case.pk, "complete_step", **_bearer(reader.token)).status_code == 403
    done = _ok(_act(Client(), case.pk, "complete_step", **_bearer(system.token)))
    assert done["step"]["role"] == "section_chief"
    # the decision step is a chief's: a person's, not a system's
    assert _act(Client(), case.pk, "approve", **_bearer(system.token)).status_code == 403
    event = CaseEvent.objects.filter(case=case, action="complete_step").get()
    assert event.actor is None and event.actor_label == "api:市场监管审批系统"


def test_list_filters_and_order(world):
    with _at(28, 9):
        first = _submitted(world)
        second = online_case(world)
        reviewer = _as(world.reviewer)
        everything = _ok(reviewer.get(BASE))
        # By deadline, soonest first; a draft has none and comes last.
        assert [c["id"] for c in everything["items"]] == [first.pk, second.pk]
        drafts = _ok(reviewer.get(BASE, {"status": "draft"}))
        assert [c["id"] for c in drafts["items"]] == [second.pk]
        assert _ok(reviewer.get(BASE, {"item": "NOPE"}))["count"] == 0
        assert _ok(reviewer.get(BASE, {"deciding_agency": world.agency.pk}))["count"] == 2
        assert _ok(reviewer.get(BASE, {"overdue": "true"}))["count"] == 0
        assert reviewer.get(f"{BASE}/inbox", {"queue": "nope"}).status_code == 400
    # Five working days to accept, from 28 September: late after 9 October.
    with _at(12, month=10):
        reviewer = _as(world.reviewer)
        late = _ok(reviewer.get(BASE, {"overdue": "true"}))
        assert [c["id"] for c in late["items"]] == [first.pk]
        assert _ok(reviewer.get(BASE, {"overdue": "false"}))["count"] == 1


def test_openapi_lists_the_case_endpoints():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/inbox",
        "/api/v1/cases/progress",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/history",
        "/api/v1/cases/{case_id}/materials",
        "/api/v1/cases/{case_id}/actions/submit",
        "/api/v1/cases/{case_id}/actions/accept_tolerant",
        "/api/v1/cases/{case_id}/actions/deliver",
        "/api/v1/cases/{case_id}/actions/revoke",
    ):
        assert path in paths, path
    tolerant = paths["/api/v1/cases/{case_id}/actions/accept_tolerant"]["post"]
    assert "409" in tolerant["responses"]
    assert "容缺" in tolerant["description"]


def test_deferred_special_procedure_extension_refusal_and_after_closing(world):
    """The other rows of the table, each through its endpoint with its typed body."""
    deed = _material(world.item.versions.get(), "房屋产权证明")
    Material.objects.filter(pk=deed.pk).update(necessity=Material.Necessity.DEFERRABLE)
    citizen, clerk, reviewer = _as(world.citizen), _as(world.clerk), _as(world.reviewer)
    chief, chief2 = _as(world.chief), _as(world.chief2)
    with _at(30):
        case = online_case(world, upload_all=False)
        form = _material(case, "食品经营许可申请书")
        _ok(_upload(citizen, case.pk, form, PDF, "form.pdf"), 201)
        _ok(_act(citizen, case.pk, "submit"))
        case = _ok(
            _act(
                clerk,
                case.pk,
                "accept_tolerant",
                {"deferred": [deed.pk], "due": "2026-10-09", "service_point": world.hall.pk},
            )
        )
        assert case["status"] == "accepted_tolerant" and case["deferred_due"]
        _ok(_upload(citizen, case["id"], deed, PDF + b"deed", "deed.pdf"), 201)
        assert "supply_deferred" in _ok(citizen.get(f"{BASE}/{case['id']}"))["allowed_actions"]
        case = _ok(_act(citizen, case["id"], "supply_deferred"))
        assert case["status"] == "in_review"
        case = _ok(
            _act(
                reviewer,
                case["id"],
                "start_special_procedure",
                {"procedure": "expert_review", "expected_days": 3, "reason": "专家评审"},
            )
        )
        assert case["status"] == "special_procedure"
        unknown = _act(reviewer, case["id"], "end_special_procedure", {"note": 1})
        assert unknown.status_code == 422
        case = _ok(_act(reviewer, case["id"], "end_special_procedure", {"note": "评审完毕"}))
        assert case["status"] == "in_review"
        assert (
            _act(reviewer, case["id"], "extend", {"days": 2, "reason": "复杂"}).status_code == 403
        )
        case = _ok(_act(chief, case["id"], "extend", {"days": 2, "reason": "情况复杂"}))
        assert case["extension_days"] == 2
        _ok(_act(reviewer, case["id"], "complete_step"))
        case = _ok(_act(chief, case["id"], "propose_denial", {"reason": "场所不符合要求"}))
        assert case["status"] == "denial_pending"
        assert case["refusals"][0]["outcome"] == "pending"
        # The applicant does not see a refusal the chief has not decided.
        assert _ok(citizen.get(f"{BASE}/{case['id']}"))["refusals"] == []
        assert _act(chief, case["id"], "confirm_refusal").status_code == 403
        case = _ok(_act(chief2, case["id"], "confirm_refusal", {"note": "同意"}))
        assert case["status"] == "denied"
        assert _ok(citizen.get(f"{BASE}/{case['id']}"))["refusals"][0]["reason"] == "场所不符合要求"
        _ok(_act(chief, case["id"], "issue_result"))
        case = _ok(
            _act(clerk, case["id"], "deliver", {"recipient_name": "李四", "id_checked": True})
        )
        assert case["status"] == "closed"
        assert "amend" in _ok(chief.get(f"{BASE}/{case['id']}"))["allowed_actions"]
        case = _ok(_act(chief, case["id"], "amend", {"reason": "更正地址"}))
        assert case["status"] == "closed"


def test_commitment_post_check_and_withdrawal(world):
    deed = _material(world.item.versions.get(), "房屋产权证明")
    Material.objects.filter(pk=deed.pk).update(necessity=Material.Necessity.DEFERRABLE)
    citizen, clerk, chief = _as(world.citizen), _as(world.clerk), _as(world.chief)
    with _at(30):
        case = online_case(world, upload_all=False)
        _ok(_upload(citizen, case.pk, _material(case, "食品经营许可申请书"), PDF, "f.pdf"), 201)
        _ok(_act(citizen, case.pk, "submit"))
        case = _ok(
            _act(
                clerk,
                case.pk,
                "accept_on_commitment",
                {"materials": [deed.pk], "text": "本人承诺房屋权属属实", "check_due": "2026-12-31"},
            )
        )
        assert case["status"] == "in_review"
        if "post_check" in _ok(chief.get(f"{BASE}/{case['id']}"))["allowed_actions"]:
            case = _ok(_act(chief, case["id"], "post_check", {"kept": True, "note": "核查属实"}))
            assert case["status"] == "in_review"
        draft = online_case(world, upload_all=False)
        withdrawn = _ok(_act(citizen, draft.pk, "withdraw", {"reason": "不办了"}))
        assert withdrawn["status"] == "withdrawn" and withdrawn["allowed_actions"] == []
        again = _act(citizen, draft.pk, "withdraw")
        assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
