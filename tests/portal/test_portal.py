"""Public portal: halls on the home page, login, the applicant's own account, languages."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import (
    ServicePointFactory,
    WindowFactory,
    applicant_account,
    county_region,
    staff,
)
from tongban.core.models import AuditEntry
from tongban.org.models import Applicant, OpeningPeriod, StaffRole
from tongban.portal.halls import summarize_hours
from tongban.portal.views import HALLS_PER_PAGE

pytestmark = pytest.mark.django_db


def _hours(point, *spans):
    for weekday, opens, closes in spans:
        OpeningPeriod.objects.create(
            service_point=point, weekday=weekday, opens=opens, closes=closes
        )


MORNING = (dt.time(9), dt.time(12))
AFTERNOON = (dt.time(13, 30), dt.time(17))


@pytest.fixture
def city_hall():
    hall = ServicePointFactory(
        name="德州市政务服务中心", address="德州市德城区东风中路", phone="0534-1234567"
    )
    for weekday in range(1, 6):
        _hours(hall, (weekday, *MORNING), (weekday, *AFTERNOON))
    _hours(hall, (6, *MORNING))
    WindowFactory(service_point=hall)
    WindowFactory(service_point=hall, is_open=False)
    return hall


def test_home_is_chinese_by_default(client):
    response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html
    assert "查找服务大厅" in html
    assert "跳到主要内容" in html


def test_home_lists_halls_by_region_with_hours_and_windows(client, city_hall):
    county = ServicePointFactory(
        name="德城区便民服务中心", region=county_region(), address="德城区新湖大街"
    )
    ServicePointFactory(name="已撤销的网点", is_active=False)
    html = client.get(reverse("portal:home")).content.decode()
    assert "德州市政务服务中心" in html and "德州市德城区东风中路" in html
    assert "德城区便民服务中心" in html
    assert "已撤销的网点" not in html
    # Monday to Friday share one line; Saturday has its own.
    assert "星期一至星期五" in html
    assert "09:00–12:00、13:30–17:00" in html
    assert "星期六" in html
    assert "2 个窗口" in html
    assert "0 个窗口" in html  # the county centre has none yet
    assert "尚未公布" in html  # ...and no published hours
    # Grouped by region: the city's group comes before the county's.
    assert html.index("<h3>德州市</h3>") < html.index("<h3>德城区</h3>") < html.index(county.name)


def test_home_filters_by_region_and_paginates(client):
    county = county_region()
    for number in range(HALLS_PER_PAGE + 1):
        ServicePointFactory(name=f"便民服务站{number:02d}", region=county)
    ServicePointFactory(name="市中心大厅")
    first = client.get(reverse("portal:home"), {"region": county.code}).content.decode()
    assert "市中心大厅" not in first
    assert "第 1 页，共 2 页" in first
    second = client.get(reverse("portal:home"), {"region": county.code, "page": 2})
    assert f"便民服务站{HALLS_PER_PAGE:02d}" in second.content.decode()


def test_summarize_hours_groups_consecutive_days():
    periods = [
        OpeningPeriod(weekday=day, opens=dt.time(9), closes=dt.time(17)) for day in (1, 2, 3, 5)
    ]
    lines = summarize_hours(periods)
    assert [(line.days, line.times) for line in lines] == [
        ("星期一至星期三", "09:00–17:00"),
        ("星期五", "09:00–17:00"),
    ]


def test_language_switch_turns_the_page_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("portal:home")}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Find a service hall" in html
    assert "查找服务大厅" not in html
    # The switch offers the way back, written in Chinese.
    assert 'lang="zh-hans">简体中文</button>' in html


def test_login_page_shows_the_lockout_message(client, settings):
    applicant_account(username="citizen")
    page = client.get(reverse("portal:login"))
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()
    for _attempt in range(settings.TONGBAN_LOCKOUT_FAILURES):
        response = client.post(reverse("portal:login"), {"username": "citizen", "password": "x"})
    html = response.content.decode()
    assert "登录失败次数过多，账号已被锁定。" in html
    assert 'role="alert"' in html


def test_wrong_password_shows_an_error_in_chinese(client):
    applicant_account(username="citizen")
    response = client.post(reverse("portal:login"), {"username": "citizen", "password": "nope"})
    assert "用户名或密码错误" in response.content.decode()


def test_applicant_lands_on_my_account_with_masked_id(client):
    _, applicant = applicant_account(name="李明", username="liming")
    response = client.post(
        reverse("portal:login"),
        {"username": "liming", "password": "correct horse battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("portal:me")
    html = response.content.decode()
    assert "李明" in html
    assert applicant.id_number_masked in html
    assert applicant.id_number not in html
    assert applicant.id_number[4:14] not in html  # not even the birth date part


def test_applicant_changes_phone_and_sees_success(client):
    user, applicant = applicant_account()
    client.force_login(user)
    response = client.post(
        reverse("portal:me"), {"phone": "13712345678", "address": "德州市德城区"}, follow=True
    )
    assert "您的联系方式已保存。" in response.content.decode()
    applicant.refresh_from_db()
    assert (applicant.phone, applicant.address) == ("13712345678", "德州市德城区")
    assert AuditEntry.objects.filter(action="applicant.update_profile").exists()


def test_invalid_phone_is_refused_beside_the_field(client):
    user, applicant = applicant_account()
    client.force_login(user)
    response = client.post(reverse("portal:me"), {"phone": "12345", "address": ""})
    html = response.content.decode()
    assert "手机号码为以 1 开头的 11 位数字。" in html
    assert 'aria-invalid="true"' in html
    applicant.refresh_from_db()
    assert applicant.phone == "13900000000"


def test_legal_person_sees_the_credit_code(client):
    user, applicant = applicant_account(name="德州某某有限公司", kind=Applicant.Kind.LEGAL)
    client.force_login(user)
    assert applicant.credit_code in client.get(reverse("portal:me")).content.decode()


def test_staff_on_my_account_go_to_their_own_page(client):
    client.force_login(staff(StaffRole.WINDOW_CLERK, service_point=ServicePointFactory()))
    response = client.get(reverse("portal:me"))
    assert response.url == reverse("workbench:counter")


def test_anonymous_my_account_goes_to_login(client):
    response = client.get(reverse("portal:me"))
    assert response.url.startswith(reverse("portal:login"))


def test_logout_is_a_post(client):
    user, _ = applicant_account()
    client.force_login(user)
    assert client.get(reverse("portal:logout")).status_code == 405
    assert client.post(reverse("portal:logout")).url == reverse("portal:home")
    assert client.get(reverse("portal:me")).status_code == 302


def test_unknown_page_is_a_404_in_the_portal_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "跳到主要内容" in html


def test_pages_load_htmx_from_our_own_static_files(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert "/static/tongban/vendor/htmx.min.js" in html
    assert "http://" not in html and "https://" not in html


def test_server_error_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "服务器错误" in html
    assert "data-refusal" in html
    assert "/static/tongban/css/tongban.css" in html
