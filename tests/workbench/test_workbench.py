"""Staff workbench: landing pages, access per role, the counter, the hall, the waiting pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    AgencyFactory,
    ServicePointFactory,
    UserFactory,
    WindowFactory,
    applicant_account,
    make_resident_id,
    make_uscc,
    staff,
)
from tongban.core.models import AuditEntry
from tongban.org.models import Applicant, StaffAssignment, StaffRole

pytestmark = pytest.mark.django_db

PAGES = ["home", "counter", "hall", "inbox", "approvals", "agent", "supervision"]
HTMX = {"HTTP_HX_REQUEST": "true"}
VALID_ID = "11010519491231002X"
WRONG_CHECK_DIGIT = "110105194912310021"


@pytest.fixture
def hall():
    return ServicePointFactory(name="市政务服务中心")


@pytest.fixture
def other_hall():
    return ServicePointFactory(name="县政务服务中心")


@pytest.fixture
def clerk(hall):
    return staff(StaffRole.WINDOW_CLERK, service_point=hall, full_name="王窗口")


@pytest.fixture
def manager(hall):
    return staff(StaffRole.HALL_MANAGER, service_point=hall, full_name="赵主任")


def url(page: str) -> str:
    return reverse(f"workbench:{page}")


# --- Landing and access -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope", "landing"),
    [
        (StaffRole.WINDOW_CLERK, "point", "counter"),
        (StaffRole.HELPER_AGENT, "point", "agent"),
        (StaffRole.HALL_MANAGER, "point", "hall"),
        (StaffRole.BACKOFFICE_REVIEWER, "agency", "inbox"),
        (StaffRole.SECTION_CHIEF, "agency", "approvals"),
        (StaffRole.SUPERVISING_OFFICER, "agency", "supervision"),
        (StaffRole.PLATFORM_ADMIN, None, "home"),  # not is_staff: no Django admin for them
    ],
)
def test_each_role_lands_on_its_page(client, hall, role, scope, landing):
    place = {"point": {"service_point": hall}, "agency": {"agency": AgencyFactory()}}
    user = staff(role, **place.get(scope, {}), username="someone")
    client.post(
        reverse("portal:login"), {"username": "someone", "password": "correct horse battery"}
    )
    response = client.get(reverse("portal:after-login"), follow=True)
    assert response.redirect_chain[-1][0] == url(landing)
    assert response.status_code == 200
    assert user.full_name in response.content.decode()


def test_platform_admin_with_admin_access_lands_in_the_admin(client):
    client.force_login(staff(StaffRole.PLATFORM_ADMIN, is_staff=True))
    assert client.get(reverse("portal:after-login")).url == reverse("admin:index")


def test_applicant_lands_on_my_account(client):
    user, _ = applicant_account()
    client.force_login(user)
    assert client.get(reverse("portal:after-login")).url == reverse("portal:me")


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, page):
    response = client.get(url(page))
    assert response.status_code == 302
    assert response.url == f"{reverse('portal:login')}?next={url(page)}"


@pytest.mark.parametrize("page", PAGES)
def test_applicants_cannot_open_the_workbench(client, page):
    user, _ = applicant_account()
    client.force_login(user)
    response = client.get(url(page))
    assert response.status_code == 403
    html = response.content.decode()
    assert "您无法打开此页面" in html  # the 403 page, in the applicant's language
    assert "工作台仅供审批服务局工作人员使用。" in html
    assert "data-refusal" in html


@pytest.mark.parametrize("page", PAGES)
def test_platform_admin_opens_every_page(client, page):
    client.force_login(staff(StaffRole.PLATFORM_ADMIN))
    assert client.get(url(page)).status_code == 200


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (StaffRole.WINDOW_CLERK, {"home", "counter"}),
        (StaffRole.HELPER_AGENT, {"home", "counter", "agent"}),
        (StaffRole.HALL_MANAGER, {"home", "counter", "hall"}),
        (StaffRole.BACKOFFICE_REVIEWER, {"home", "inbox"}),
        (StaffRole.SECTION_CHIEF, {"home", "approvals"}),
        (StaffRole.SUPERVISING_OFFICER, {"home", "supervision"}),
    ],
)
def test_each_role_opens_only_its_pages_and_sees_only_those_in_the_menu(
    client, hall, role, allowed
):
    client.force_login(staff(role, service_point=hall, agency=AgencyFactory()))
    for page in PAGES:
        response = client.get(url(page))
        assert response.status_code == (200 if page in allowed else 403), page
        if response.status_code == 403:
            assert "此页面仅供以下岗位使用" in response.content.decode()
    menu = client.get(url("home")).content.decode().split('id="wb-nav"')[1].split("</nav>")[0]
    linked = {page for page in PAGES if f'href="{url(page)}"' in menu}
    assert linked == allowed


def test_refusal_names_the_roles_needed_and_held(client, hall):
    client.force_login(staff(StaffRole.WINDOW_CLERK, service_point=hall))
    html = client.get(url("hall")).content.decode()
    assert "此页面仅供以下岗位使用：大厅管理员。您的岗位：窗口受理人员。" in html


def test_top_bar_shows_name_roles_and_scope(client, clerk):
    client.force_login(clerk)
    html = client.get(url("counter")).content.decode()
    assert "王窗口" in html
    assert "窗口受理人员 · 市政务服务中心" in html
    assert 'action="/logout/"' in html
    assert 'action="/i18n/setlang/"' in html


def test_staff_without_a_role_sees_an_honest_home(client):
    client.force_login(UserFactory())
    html = client.get(url("home")).content.decode()
    assert "尚未分配岗位" in html


def test_workbench_switches_to_english(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": url("counter")}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Register a walk-in applicant" in html


# --- Counter ----------------------------------------------------------------------------


def _person(**overrides):
    return {"kind": "person", "name": "李明", "id_number": VALID_ID, "phone": "", **overrides}


def test_counter_renders_in_chinese(client, clerk):
    client.force_login(clerk)
    html = client.get(url("counter")).content.decode()
    assert "登记现场申请人" in html
    assert 'hx-post="/workbench/counter/"' in html


def test_wrong_id_number_shows_the_error_inline_and_creates_nothing(client, clerk):
    client.force_login(clerk)
    response = client.post(url("counter"), _person(id_number=WRONG_CHECK_DIGIT), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form")  # a fragment, swapped in place
    assert "身份证号码校验码错误" in html
    assert 'aria-invalid="true"' in html
    assert Applicant.objects.count() == 0
    assert not AuditEntry.objects.filter(action="applicant.register").exists()


def test_valid_registration_creates_the_applicant_and_an_audit_entry(client, clerk, hall):
    client.force_login(clerk)
    response = client.post(url("counter"), _person(phone="13812345678"), **HTMX)
    html = response.content.decode()
    applicant = Applicant.objects.get()
    assert (applicant.name, applicant.registered_at, applicant.phone) == (
        "李明",
        hall,
        "13812345678",
    )
    assert "李明 已登记（1101**********002X）。" in html
    assert VALID_ID not in html
    entry = AuditEntry.objects.get(action="applicant.register")
    assert entry.actor_label == clerk.username
    # The form comes back empty for the next person.
    assert 'value="李明"' not in html


def test_registration_without_htmx_redirects_with_a_message(client, clerk):
    client.force_login(clerk)
    response = client.post(url("counter"), _person(), follow=True)
    assert response.redirect_chain[-1][0] == url("counter")
    assert "李明 已登记" in response.content.decode()


def test_registering_the_same_person_twice_is_refused(client, clerk):
    client.force_login(clerk)
    client.post(url("counter"), _person(), **HTMX)
    html = client.post(url("counter"), _person(name="李明明"), **HTMX).content.decode()
    assert "该申请人已登记，名称为 李明。" in html
    assert Applicant.objects.count() == 1


def test_legal_person_registration_keeps_only_its_own_fields(client, clerk):
    client.force_login(clerk)
    code = make_uscc("371402", prefix="91")
    client.post(
        url("counter"),
        {
            "kind": "legal",
            "name": "德州某某有限公司",
            "credit_code": code,
            "legal_representative": "张三",
            "id_number": "ignored",
        },
        **HTMX,
    )
    applicant = Applicant.objects.get()
    assert (applicant.credit_code, applicant.legal_representative) == (code, "张三")
    assert applicant.id_number_index is None


def test_clerk_at_two_points_chooses_where(client, hall, other_hall):
    clerk = staff(StaffRole.WINDOW_CLERK, service_point=hall)
    StaffAssignment.objects.create(
        user=clerk, role=StaffRole.WINDOW_CLERK, service_point=other_hall
    )
    client.force_login(clerk)
    assert 'name="service_point"' in client.get(url("counter")).content.decode()
    client.post(url("counter"), _person(service_point=other_hall.pk), **HTMX)
    assert Applicant.objects.get().registered_at == other_hall


def test_lookup_finds_by_name_and_id_number_and_masks_identifiers(client, clerk):
    _, known = applicant_account(name="李明")
    applicant_account(name="王芳")
    client.force_login(clerk)
    by_name = client.get(url("counter"), {"q": "李"}).content.decode()
    assert known.id_number_masked in by_name
    assert known.id_number not in by_name
    assert "139****0000" in by_name  # phones are masked too
    assert "王芳" not in by_name
    by_number = client.get(url("counter"), {"q": known.id_number.lower()}).content.decode()
    assert "共找到 1 位申请人。" in by_number
    assert "李明" in by_number


def test_lookup_lists_nobody_without_a_query_and_paginates(client, clerk):
    for number in range(21):
        applicant = Applicant(kind="person", name=f"测试{number:02d}")
        applicant.set_id_number(make_resident_id())
        applicant.save()
    client.force_login(clerk)
    assert "测试00" not in client.get(url("counter")).content.decode()
    first = client.get(url("counter"), {"q": "测试"}).content.decode()
    assert "测试00" in first and "测试20" not in first
    assert "第 1 页，共 2 页" in first
    assert "测试20" in client.get(url("counter"), {"q": "测试", "page": 2}).content.decode()


def test_htmx_requests_carry_the_csrf_token_from_the_page(clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    html = client.get(url("counter")).content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)
    refused = client.post(url("counter"), _person(), **HTMX)
    assert refused.status_code == 403
    accepted = client.post(url("counter"), _person(), HTTP_X_CSRFTOKEN=token, **HTMX)
    assert accepted.status_code == 200
    assert Applicant.objects.count() == 1


# --- Hall -------------------------------------------------------------------------------


def test_hall_page_shows_the_managers_hall_windows_and_staff(client, manager, hall, clerk):
    WindowFactory(service_point=hall, number="A01", name="综合受理一号")
    other_staff = staff(StaffRole.WINDOW_CLERK, service_point=ServicePointFactory())
    client.force_login(manager)
    html = client.get(url("hall")).content.decode()
    assert "市政务服务中心" in html
    assert "综合受理一号" in html and "关闭窗口 A01" in html
    assert "王窗口" in html  # a clerk of this hall
    assert other_staff.full_name not in html


def test_manager_toggles_a_window_of_their_hall(client, manager, hall):
    window = WindowFactory(service_point=hall, number="A01")
    client.force_login(manager)
    response = client.post(
        reverse("workbench:window-status", args=[window.pk]), {"is_open": "0"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<tr")
    assert "开放窗口 A01" in html
    assert "窗口 A01 已关闭。" in html
    window.refresh_from_db()
    assert window.is_open is False
    assert AuditEntry.objects.filter(action="window.close").count() == 1


def test_manager_cannot_toggle_a_window_of_another_hall(client, manager, other_hall):
    window = WindowFactory(service_point=other_hall)
    client.force_login(manager)
    for extra in (HTMX, {}):
        response = client.post(
            reverse("workbench:window-status", args=[window.pk]), {"is_open": "0"}, **extra
        )
        assert response.status_code == 403
        html = response.content.decode()
        assert "只有本大厅的管理员可以开放或关闭大厅窗口。" in html
    window.refresh_from_db()
    assert window.is_open is True
    assert not AuditEntry.objects.filter(action__startswith="window.").exists()


def test_window_toggle_without_htmx_redirects_back(client, manager, hall):
    window = WindowFactory(service_point=hall, is_open=False, number="B02")
    client.force_login(manager)
    response = client.post(
        reverse("workbench:window-status", args=[window.pk]), {"is_open": "1"}, follow=True
    )
    assert "窗口 B02 已开放。" in response.content.decode()
    window.refresh_from_db()
    assert window.is_open is True


def test_window_toggle_is_post_only(client, manager, hall):
    window = WindowFactory(service_point=hall)
    client.force_login(manager)
    assert client.get(reverse("workbench:window-status", args=[window.pk])).status_code == 405


def test_manager_cannot_look_at_another_hall(client, manager, other_hall):
    WindowFactory(service_point=other_hall, name="别家窗口")
    client.force_login(manager)
    html = client.get(url("hall"), {"point": other_hall.pk}).content.decode()
    assert "别家窗口" not in html
    assert "市政务服务中心" in html


# --- Pages waiting for the cases release --------------------------------------------------


@pytest.mark.parametrize(
    ("role", "page", "empty"),
    [
        (StaffRole.BACKOFFICE_REVIEWER, "inbox", "暂无待审查的办件"),
        (StaffRole.SECTION_CHIEF, "approvals", "暂无待决定的办件"),
        (StaffRole.SUPERVISING_OFFICER, "supervision", "暂无待监管事项"),
    ],
)
def test_waiting_pages_show_scope_and_an_honest_empty_state(client, role, page, empty):
    agency = AgencyFactory(name="市场监督管理局")
    client.force_login(staff(role, agency=agency))
    html = client.get(url(page)).content.decode()
    assert "您的工作范围" in html
    assert "市场监督管理局" in html
    assert empty in html
    # No page waits for a later release any more.
    assert "后续版本" not in html


def test_agent_page_shows_service_point_and_points_to_the_counter(client, hall):
    client.force_login(staff(StaffRole.HELPER_AGENT, service_point=hall))
    html = client.get(url("agent")).content.decode()
    assert "市政务服务中心" in html
    assert "您还没有代人提交过申请" in html
    assert f'href="{url("counter")}"' in html
