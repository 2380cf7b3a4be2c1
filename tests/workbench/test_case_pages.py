"""Case pages of the workbench: counter intake, inbox, approvals, case detail, pickup.

Each page opens for its roles and refuses others; actions posted from the pages go through
``cases.actions``; a stale page or a move not allowed is refused with a clear message and
changes nothing.
"""

import io

import pytest
from django.urls import reverse

from tests.cases.conftest import PDF, world  # noqa: F401 (the fixture)
from tests.cases.helpers import online_case
from tests.catalog.factories import option, published_item
from tests.factories import AgencyFactory, ServicePointFactory, staff
from tongban.cases import actions
from tongban.cases.models import Case, CaseEvent, Status
from tongban.catalog.models import Material
from tongban.catalog.search import index_item
from tongban.org.models import StaffAssignment, StaffRole

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, *args) -> str:
    return reverse(f"workbench:{name}", args=args)


def pdf(name: str) -> io.BytesIO:
    stream = io.BytesIO(PDF + name.encode())
    stream.name = f"{name}.pdf"
    return stream


def material(case: Case, name: str) -> Material:
    return Material.objects.get(version=case.item_version, name=name)


def window_case(client, world) -> Case:  # noqa: F811
    """A walk-in case started at the counter, answered, every material scanned (a draft)."""
    client.force_login(world.clerk)
    response = client.post(
        url("start-case"), {"item": world.item.pk, "applicant": world.applicant.pk}
    )
    case = Case.objects.get()
    assert response.url == url("intake", case.pk)
    chosen = [option(world.item, text) for text in ("租赁", "否")]
    answers = {f"answer_{o.question_id}": o.pk for o in chosen}
    client.post(url("intake", case.pk), {"op": "answers", **answers}, **HTMX)
    for name in ("食品经营许可申请书", "房屋租赁合同"):
        client.post(
            url("intake", case.pk),
            {"op": "upload", "material": material(case, name).pk, "file": pdf(name)},
            **HTMX,
        )
    case.refresh_from_db()
    return case


def _option(world, text):  # noqa: F811
    return option(world.item, text)


def accepted_case(client, world) -> Case:  # noqa: F811
    case = window_case(client, world)
    response = client.post(
        url("intake", case.pk), {"op": "accept", "revision": case.revision}, **HTMX
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("case", case.pk)
    case.refresh_from_db()
    return case


# --- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "allowed", "refused"),
    [
        ("counter", "clerk", "reviewer"),
        ("pickup", "clerk", "reviewer"),
        ("inbox", "reviewer", "clerk"),
        ("approvals", "chief", "reviewer"),
    ],
)
def test_each_case_page_opens_for_its_role_only(client, world, page, allowed, refused):  # noqa: F811
    client.force_login(getattr(world, allowed))
    assert client.get(url(page)).status_code == 200
    client.force_login(getattr(world, refused))
    assert client.get(url(page)).status_code == 403


def test_pickup_is_in_the_clerks_menu(client, world):  # noqa: F811
    client.force_login(world.clerk)
    menu = client.get(url("home")).content.decode().split('id="wb-nav"')[1].split("</nav>")[0]
    assert f'href="{url("pickup")}"' in menu
    assert "取件" in menu or "出件" in menu


def test_case_detail_only_for_those_who_may_see_the_case(client, world):  # noqa: F811
    case = accepted_case(client, world)
    client.force_login(world.reviewer)
    assert client.get(url("case", case.pk)).status_code == 200
    stranger = staff(StaffRole.BACKOFFICE_REVIEWER, agency=AgencyFactory())
    client.force_login(stranger)
    assert client.get(url("case", case.pk)).status_code == 403
    received = case.materials.first()
    assert client.get(url("case-file", case.pk, received.pk)).status_code == 403
    client.force_login(world.reviewer)
    response = client.get(url("case-file", case.pk, received.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["X-Content-Type-Options"] == "nosniff"


# --- Counter -----------------------------------------------------------------------------


def test_counter_finds_any_item_and_starts_a_window_case(client, world):  # noqa: F811
    index_item(world.item)
    client.force_login(world.clerk)
    html = client.get(url("counter"), {"item_q": "食品经营"}).content.decode()
    assert "食品经营许可" in html
    assert world.agency.name in html
    html = client.get(
        url("counter"), {"item": world.item.pk, "applicant": world.applicant.pk}
    ).content.decode()
    assert "开始受理" in html
    assert "A01" in html  # the clerk's desk: the hall's comprehensive window
    case = window_case(client, world)
    assert case.status == Status.DRAFT
    assert (case.channel, case.service_point, case.window) == ("window", world.hall, world.window)
    assert case.materials.count() == 2


def test_answers_narrow_the_checklist(client, world):  # noqa: F811
    case = window_case(client, world)
    html = client.get(url("intake", case.pk)).content.decode()
    assert "房屋租赁合同" in html
    assert "房屋产权证明" not in html
    assert "网站备案信息" not in html
    own, online = _option(world, "自有房产"), _option(world, "是")
    html = client.post(
        url("intake", case.pk),
        {
            "op": "answers",
            f"answer_{own.question_id}": own.pk,
            f"answer_{online.question_id}": online.pk,
        },
        **HTMX,
    ).content.decode()
    assert "房屋产权证明" in html and "网站备案信息" in html
    assert "房屋租赁合同" not in html
    assert "须有网站备案" in html  # the answer's extra condition
    assert "营业执照" in html and "共享数据" in html  # verifiable: not asked


def test_submit_and_accept_in_one_go_sends_the_case_to_the_agency(client, world):  # noqa: F811
    case = accepted_case(client, world)
    assert case.status == Status.IN_REVIEW
    assert case.code and case.accepted_by == world.clerk
    assert case.comprehensive_window
    assert case.step_role == StaffRole.BACKOFFICE_REVIEWER
    client.force_login(world.reviewer)
    html = client.get(url("inbox")).content.decode()
    assert case.code in html
    assert "due-badge" in html


def test_accept_with_a_missing_material_is_refused_and_leaves_the_draft(client, world):  # noqa: F811
    client.force_login(world.clerk)
    client.post(url("start-case"), {"item": world.item.pk, "applicant": world.applicant.pk})
    case = Case.objects.get()
    rented, no = _option(world, "租赁"), _option(world, "否")
    client.post(
        url("intake", case.pk),
        {
            "op": "answers",
            f"answer_{rented.question_id}": rented.pk,
            f"answer_{no.question_id}": no.pk,
        },
    )
    case.refresh_from_db()
    response = client.post(url("intake", case.pk), {"op": "accept", "revision": case.revision})
    assert response.status_code == 400
    assert "缺少必需的材料" in response.content.decode() or "材料" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.DRAFT and case.code is None


def test_supplement_names_only_the_guide(client, world):  # noqa: F811
    case = window_case(client, world)
    other = published_item(AgencyFactory(), name="其他事项", impl_code="OTHER-1")
    foreign = Material.objects.filter(version__item=other).first()
    response = client.post(
        url("intake", case.pk),
        {"op": "supplement", "revision": case.revision, "materials": [foreign.pk]},
        **HTMX,
    )
    assert (
        "不在本办件的办事指南中" in response.content.decode()
        or "办事指南" in response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == Status.DRAFT
    lease = material(case, "房屋租赁合同")
    response = client.post(
        url("intake", case.pk),
        {
            "op": "supplement",
            "revision": case.revision,
            "materials": [lease.pk],
            f"problem_{lease.pk}": "租期已过",
            "conditions": ["有与经营的食品品种、数量相适应的经营场所"],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.NEEDS_SUPPLEMENT
    request = case.supplements.get()
    assert list(request.materials.all()) == [lease]
    assert request.problems == {str(lease.pk): "租期已过"}


def test_online_application_is_accepted_from_the_queue(client, world):  # noqa: F811
    case = actions.submit(world.p(world.citizen), online_case(world))
    client.force_login(world.clerk)
    html = client.get(url("counter")).content.decode()
    assert case.code in html
    response = client.post(url("intake", case.pk), {"op": "accept", "revision": case.revision})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert (case.service_point, case.window) == (world.hall, world.window)


# --- Detail actions ---------------------------------------------------------------------


def test_reviewer_completes_the_step_from_the_detail(client, world):  # noqa: F811
    case = accepted_case(client, world)
    client.force_login(world.reviewer)
    html = client.get(url("case", case.pk)).content.decode()
    assert "完成本步骤" in html
    assert "准予许可" not in html.split('id="actions-title"')[1]  # not at the decision step
    response = client.post(
        url("case", case.pk),
        {"action": "complete_step", "revision": case.revision, "note": "材料齐全"},
        **HTMX,
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.step_role == StaffRole.SECTION_CHIEF
    assert "材料齐全" in response.content.decode()


def test_a_stale_revision_shows_the_conflict_and_changes_nothing(client, world):  # noqa: F811
    case = accepted_case(client, world)
    stale = case.revision
    actions.extend(world.p(world.chief), case, days=2, reason="需现场核查")
    case.refresh_from_db()
    events = CaseEvent.objects.filter(case=case).count()
    client.force_login(world.reviewer)
    response = client.post(
        url("case", case.pk), {"action": "complete_step", "revision": stale, "note": "好"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "其他人" in html or "他人" in html
    assert "未作任何更改" in html or "没有" in html
    htmx = client.post(url("case", case.pk), {"action": "complete_step", "revision": stale}, **HTMX)
    assert htmx.status_code == 200 and 'role="alert"' in htmx.content.decode()
    after = Case.objects.get(pk=case.pk)
    assert (after.revision, after.step_role) == (case.revision, case.step_role)
    assert CaseEvent.objects.filter(case=case).count() == events


def test_an_action_not_allowed_is_refused(client, world):  # noqa: F811
    case = accepted_case(client, world)
    client.force_login(world.clerk)
    html = client.get(url("case", case.pk)).content.decode()
    assert 'value="complete_step"' not in html
    response = client.post(
        url("case", case.pk), {"action": "complete_step", "revision": case.revision}
    )
    assert response.status_code == 403
    response = client.post(url("case", case.pk), {"action": "approve", "revision": case.revision})
    assert response.status_code in {403, 409}
    response = client.post(url("case", case.pk), {"action": "hack", "revision": case.revision})
    assert response.status_code == 400
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.revision) == (Status.IN_REVIEW, case.revision)


def test_review_approve_issue_and_hand_over(client, world):  # noqa: F811
    case = accepted_case(client, world)
    client.force_login(world.reviewer)
    client.post(url("case", case.pk), {"action": "complete_step", "revision": case.revision})
    case.refresh_from_db()
    client.force_login(world.chief)
    assert case.code in client.get(url("approvals")).content.decode()
    client.post(url("case", case.pk), {"action": "approve", "revision": case.revision})
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert case.code in client.get(url("approvals")).content.decode()  # result to issue
    client.post(url("case", case.pk), {"action": "issue_result", "revision": case.revision})
    case.refresh_from_db()
    assert case.status == Status.RESULT_ISSUED
    client.force_login(world.clerk)
    assert case.code in client.get(url("pickup")).content.decode()
    response = client.post(
        url("pickup"),
        {"case": case.pk, "revision": case.revision, "recipient_name": "李四", "method": "window"},
        **HTMX,
    )
    assert "身份证件" in response.content.decode()  # the identity document must be checked
    case.refresh_from_db()
    assert case.status == Status.RESULT_ISSUED
    client.post(
        url("pickup"),
        {
            "case": case.pk,
            "revision": case.revision,
            "recipient_name": "李四",
            "id_checked": "1",
            "method": "window",
        },
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.handover.recipient_id_checked and case.handover.service_point == world.hall


def test_non_acceptance_waits_for_the_chief_who_overturns_it(client, world):  # noqa: F811
    case = window_case(client, world)
    response = client.post(
        url("intake", case.pk),
        {"op": "non_acceptance", "revision": case.revision, "reason": "不属于本市受理范围"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.NON_ACCEPTANCE_PENDING
    client.force_login(world.chief)
    html = client.get(url("approvals")).content.decode()
    assert case.code in html
    response = client.post(
        url("case", case.pk), {"action": "overturn_refusal", "revision": case.revision}
    )
    assert response.status_code == 400  # a reason is required
    client.post(
        url("case", case.pk),
        {"action": "overturn_refusal", "revision": case.revision, "note": "属于受理范围"},
    )
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    client.force_login(world.clerk)
    assert case.code in client.get(url("counter")).content.decode()  # back in the queue


def test_tolerant_acceptance_with_a_due_date(client, world):  # noqa: F811
    case = window_case(client, world)
    lease = material(case, "房屋租赁合同")
    Material.objects.filter(pk=lease.pk).update(necessity=Material.Necessity.DEFERRABLE)
    case.materials.filter(material=lease).update(superseded=True)
    response = client.post(
        url("intake", case.pk),
        {"op": "tolerant", "revision": case.revision, "deferred": [lease.pk], "due": "not a date"},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    html = client.get(url("intake", case.pk)).content.decode()
    due = html.split('name="due" value="')[1][:10]
    response = client.post(
        url("intake", case.pk),
        {"op": "tolerant", "revision": case.revision, "deferred": [lease.pk], "due": due},
    )
    assert response.status_code == 302, response.content.decode().split('alert-title">')[1][:300]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED_TOLERANT


def test_desk_selector_for_a_clerk_at_two_points(client, world):  # noqa: F811
    other = ServicePointFactory(name="德城区政务服务中心")
    StaffAssignment.objects.create(
        user=world.clerk, role=StaffRole.WINDOW_CLERK, service_point=other
    )
    client.force_login(world.clerk)
    html = client.get(url("counter")).content.decode()
    assert 'name="desk"' in html
    client.post(url("choose-desk"), {"desk": f"{other.pk}-0"})
    html = client.get(url("counter")).content.decode()
    assert "德城区政务服务中心" in html.split('id="desk-title"')[1].split("</section>")[0]


def test_a_chief_terminates_with_a_reason(client, world):  # noqa: F811
    case = accepted_case(client, world)
    client.force_login(world.reviewer)
    assert 'value="terminate"' not in client.get(url("case", case.pk)).content.decode()
    client.force_login(world.chief)
    assert 'value="terminate"' in client.get(url("case", case.pk)).content.decode()
    response = client.post(url("case", case.pk), {"action": "terminate", "revision": case.revision})
    assert response.status_code == 400
    client.post(
        url("case", case.pk),
        {"action": "terminate", "revision": case.revision, "reason": "承诺不实"},
    )
    case.refresh_from_db()
    assert case.status == Status.TERMINATED
