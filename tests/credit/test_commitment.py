"""告知承诺 signed online: the applicant reads the whole notice, signs by name, and the
proofs it replaces are not asked for; the case is accepted and decided on it, and the
department's post-check falls due after the item's working days."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.cases.helpers import online_case, upload
from tongban.cases import actions
from tongban.cases.models import CaseEvent, Commitment, Status
from tongban.catalog.guide import forget_published
from tongban.catalog.models import ItemVersion, Material
from tongban.credit import actions as credit_actions
from tongban.credit.models import Kind, Source
from tongban.org.policy import SYSTEM

NOTICE = "申请人须具有合法的经营场所，且场所符合食品安全要求。"


@pytest.fixture
def offered(world):
    version = ItemVersion.objects.get(item=world.item, status="published")
    ItemVersion.objects.filter(pk=version.pk).update(
        commitment_notice=NOTICE, commitment_check_days=10
    )
    Material.objects.filter(version=version, name="房屋产权证明").update(commitment_waivable=True)
    forget_published()  # changed behind the published version's back, as no one else may
    return world


def draft_without_proof(world):
    case = online_case(world, upload_all=False)
    upload(world, case, "食品经营许可申请书")
    return case


def sign(world, case, name=None):
    return actions.sign_commitment(
        world.p(world.citizen), case, signer_name=name or world.applicant.name, read_notice=True
    )


def test_a_signed_commitment_waives_its_proofs_and_is_kept_as_signed(offered):
    world = offered
    case = draft_without_proof(world)
    assert [m.name for m in actions.missing_materials(case)] == ["房屋产权证明"]
    commitment = sign(world, case)
    assert actions.missing_materials(case) == []
    assert commitment.signer_name == "李四" and commitment.signed_by == world.citizen
    assert commitment.text_version.endswith(f"v{case.item_version.number}")
    assert NOTICE in commitment.text and "房屋产权证明" in commitment.text
    assert commitment.check_due is None
    assert CaseEvent.objects.filter(case=case, action="sign_commitment").exists()


def test_the_case_is_accepted_on_the_signed_commitment_with_its_post_check(offered):
    world = offered
    case = draft_without_proof(world)
    sign(world, case)
    case = actions.submit(world.p(world.citizen), case)
    with pytest.raises(ValidationError, match=r"承诺|commitment"):
        actions.accept(world.p(world.clerk), case, service_point=world.hall)
    case = actions.accept_on_commitment(world.p(world.clerk), case, service_point=world.hall)
    commitment = Commitment.objects.get(case=case)
    assert case.status == Status.IN_REVIEW
    assert commitment.check_due > timezone.localdate() + dt.timedelta(days=10)  # 10 working days
    assert [m.name for m in commitment.materials.all()] == ["房屋产权证明"]


def test_signing_needs_the_notice_read_and_the_applicants_name(offered):
    world = offered
    case = draft_without_proof(world)
    with pytest.raises(ValidationError):
        actions.sign_commitment(world.p(world.citizen), case, signer_name="李四", read_notice=False)
    with pytest.raises(ValidationError, match="李四"):
        sign(world, case, name="王五")
    assert not Commitment.objects.filter(case=case).exists()
    sign(world, case)
    with pytest.raises(ValidationError):
        sign(world, case)


def test_only_the_applicant_signs(offered):
    world = offered
    case = draft_without_proof(world)
    with pytest.raises(Exception):  # noqa: B017 — PermissionDenied or OutOfScope
        actions.sign_commitment(world.p(world.clerk), case, signer_name="李四", read_notice=True)


def test_an_item_without_a_notice_offers_nothing(world):
    case = online_case(world, upload_all=False)
    assert actions.commitment_offer(case) is None
    with pytest.raises(ValidationError):
        actions.sign_commitment(world.p(world.citizen), case, signer_name="李四", read_notice=True)


def test_a_black_listed_applicant_cannot_sign(offered):
    world = offered
    credit_actions.record(
        SYSTEM,
        applicant=world.applicant,
        kind=Kind.FALSE_COMMITMENT,
        title="虚假承诺",
        authority="市场监管局",
        decided_on=dt.date(2026, 1, 5),
        source=Source.PLATFORM,
    )
    case = draft_without_proof(world)
    with pytest.raises(ValidationError, match="虚假承诺"):
        sign(world, case)


def test_portal_page_shows_the_notice_and_signs(offered):
    world = offered
    case = draft_without_proof(world)
    case.refresh_from_db()
    client = Client()
    client.force_login(world.citizen)
    page = client.get(f"/me/cases/{case.pk}/commitment/")
    assert page.status_code == 200
    html = page.content.decode()
    assert NOTICE in html and "房屋产权证明" in html
    refused = client.post(
        f"/me/cases/{case.pk}/commitment/", {"signer_name": "李四", "revision": case.revision}
    )
    assert refused.status_code == 400
    assert not Commitment.objects.filter(case=case).exists()
    signed = client.post(
        f"/me/cases/{case.pk}/commitment/",
        {"signer_name": "李四", "read_notice": "yes", "revision": case.revision},
    )
    assert signed.status_code == 302
    edit = client.get(signed["Location"]).content.decode()
    assert "data-committed" in edit and "data-commitment-signed" in edit


def test_api_notice_and_sign_action(offered):
    world = offered
    case = draft_without_proof(world)
    client = Client()
    client.force_login(world.citizen)
    notice = client.get(f"/api/v1/cases/{case.pk}/commitment").json()
    assert notice["notice"] == NOTICE and notice["open_to_applicant"]
    assert notice["signed_at"] is None
    response = client.post(
        f"/api/v1/cases/{case.pk}/actions/sign_commitment",
        {"signer_name": "李四", "read_notice": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert client.get(f"/api/v1/cases/{case.pk}/commitment").json()["signer_name"] == "李四"


def test_the_public_guide_says_the_item_offers_it(offered):
    html = Client().get(f"/items/{offered.item.impl_code}/").content.decode()
    assert "data-guide-commitment" in html
