"""Business start-up in the demo city (企业开办): one form, eight services of six
departments, the licence within half a working day, every result handed over together."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.test import Client

from tests.cases.conftest import PDF
from tongban.bundles import actions
from tongban.bundles.models import BundleStatus
from tongban.cases import actions as case_actions
from tongban.cases.models import Status
from tongban.catalog import bundles
from tongban.catalog.models import Bundle
from tongban.demo.loader import load_demo_city
from tongban.org.models import ServicePoint, User, Window
from tongban.org.policy import principal_for_user

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
FORM = {
    "company": "德州市青禾餐饮管理有限公司",
    "capital": "50",
    "address": "德州市德城区湖滨北大道1号",
    "scope": "餐饮管理；餐饮服务",
    "legal_rep": "李明",
    "phone": "13905341234",
    "bank": "中国银行德州分行营业部",
}
OFFICERS = {
    "德州市公安局": "police_officer",
    "国家税务总局德州市税务局": "tax_officer",
    "德州市人力资源和社会保障局": "hrss_officer",
    "德州市医疗保障局": "medical_officer",
    "德州市住房公积金管理中心": "fund_officer",
}


def _p(username: str):
    return principal_for_user(User.objects.get(username=username))


def test_a_company_is_started_with_one_form_and_its_licence_within_half_a_day():
    load_demo_city()
    bundle = Bundle.objects.get(code="YJS-QYKB")
    questions = bundles.questions_of(bundle)
    assert "刻制原因？" not in [q.text for q in questions]  # the bundle answers it: a first set
    answers = {q.text: q.options[0] for q in questions}
    founder = User.objects.get(username="citizen")
    hall = ServicePoint.objects.get(name="德州市政务服务中心")
    window = Window.objects.filter(service_point=hall, number="A01").first()

    # Monday 30 November 2026, 9:00
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=TZ), tick=False):
        parent = actions.start(
            _p("citizen"),
            bundle,
            applicant=founder.applicant,
            channel="portal",
            form_data=FORM,
            answers=answers,
        )
        gaps = actions.missing(parent)
        # the one form replaced every service's application form: none is asked for
        assert not any("申请书" in g["material"] or "登记表" in g["material"] for g in gaps)
        for gap in gaps:
            stream = io.BytesIO(PDF + gap["material"].encode())
            stream.name = "scan.pdf"
            actions.attach_shared(_p("citizen"), parent, gap["material"], stream)
        parent = actions.submit(_p("citizen"), parent)
        parts = {m.case.item_version.name: m.case for m in actions.members(parent)}
        assert len(parts) == 8
        # the whole bundle's own promise: 3 working days from Monday's submission
        assert parent.due.date() == dt.date(2026, 12, 3)
        seal = parts["印章刻制备案"]
        assert any("免费" in fee for fee in case_actions._guide_of(seal).fees)

    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 30, tzinfo=TZ), tick=False):
        for name, case in parts.items():
            parts[name] = case_actions.accept(_p("clerk"), case, service_point=hall, window=window)
        licence = parts["企业设立登记"]
        # 4 working hours from 9:30: 9:30–12:00 and 13:30–15:00
        assert licence.promised_due == dt.datetime(2026, 11, 30, 15, 0, tzinfo=TZ)

    with time_machine.travel(dt.datetime(2026, 11, 30, 11, 0, tzinfo=TZ), tick=False):
        for name, case in parts.items():
            agency = case.deciding_agency.name
            who = OFFICERS.get(agency) or ("chief" if name == "企业设立登记" else "clerk")
            case = case_actions.approve(_p(who), case)
            issuer = "clerk" if who in {"chief", "clerk"} else who
            parts[name] = case_actions.issue_result(_p(issuer), case)
        licence = parts["企业设立登记"]
        assert licence.decided_at < licence.promised_due  # within the half day
        parent.refresh_from_db()
        assert parent.status == BundleStatus.RESULTS_READY

        # the window hands everything over at once, from any part's page
        clerk = Client()
        clerk.force_login(User.objects.get(username="clerk"))
        page = clerk.get(f"/workbench/cases/{licence.pk}/").content.decode()
        assert "data-bundle-panel" in page and "data-deliver-bundle" in page
        assert FORM["company"] in page  # the one form, as filled in
        done = clerk.post(
            f"/workbench/cases/{licence.pk}/",
            {
                "action": "deliver_bundle",
                "revision": licence.revision,
                "recipient_name": "李明",
                "id_checked": "1",
            },
        )
        assert done.status_code == 302
    parent.refresh_from_db()
    assert parent.status == BundleStatus.COMPLETED
    assert all(m.case.status == Status.CLOSED for m in actions.members(parent))


def test_a_company_is_closed_with_one_form_too():
    """企业注销一件事: tax, social insurance and housing fund first, the registration last;
    the one form replaces every service's own form."""
    load_demo_city()
    bundle = Bundle.objects.get(code="YJS-QYZX")
    answers = {q.text: q.options[0] for q in bundles.questions_of(bundle)}
    company = User.objects.get(username="enterprise")
    parent = actions.start(
        _p("enterprise"),
        bundle,
        applicant=company.applicant,
        channel="portal",
        form_data={
            "company": company.applicant.name,
            "credit_code": "91371400MA3C00001X",
            "reason": "经营期满，股东决定解散",
            "contact": "王经理",
            "phone": "13905349999",
        },
        answers=answers,
    )
    parts = [m.case.item_version.name for m in actions.members(parent)]
    assert parts == [
        "税务注销（清税证明开具）",
        "单位社会保险注销登记",
        "住房公积金单位缴存注销",
        "企业注销登记",
    ]
    still = [gap["material"] for gap in actions.missing(parent)]
    assert not any(name.endswith(("表", "申请书")) for name in still), still
