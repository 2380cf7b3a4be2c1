"""Bad input at intake gets a clear error and changes nothing."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.catalog.factories import published_item
from tests.factories import AgencyFactory, ServicePointFactory, WindowFactory, county_region
from tongban.cases import actions
from tongban.cases.models import Case, CaseMaterial, Status
from tongban.catalog.models import ItemVersion, Material

from .helpers import online_case, upload


def test_missing_required_material_is_named(world):
    case = online_case(world, upload_all=False)
    upload(world, case, "食品经营许可申请书")
    with pytest.raises(ValidationError) as refused:
        actions.submit(world.p(world.citizen), case)
    assert "房屋产权证明" in refused.value.messages[0]
    case.refresh_from_db()
    assert case.status == Status.DRAFT and case.code is None


def test_verifiable_materials_are_not_asked_for(world):
    case = online_case(world)
    names = {m.name for m in actions.missing_materials(case)}
    assert "营业执照" not in names  # obtainable from the e-licence


@pytest.mark.parametrize(
    "content,name,code",
    [
        (b"MZ\x90\x00 not a pdf", "scan.pdf", "file_type"),
        (b"PK\x03\x04 a zip", "docs.pdf", "file_type"),
        (b"", "empty.pdf", "empty"),
        (b"%PDF-" + b"0" * (1024 * 1024 + 10), "big.pdf", "too_large"),
    ],
)
def test_bad_files_are_refused(world, settings, content, name, code):
    settings.TONGBAN_MAX_UPLOAD_MB = 1
    case = online_case(world, upload_all=False)
    material = Material.objects.get(version=case.item_version, name="食品经营许可申请书")
    stream = io.BytesIO(content)
    with pytest.raises(ValidationError) as refused:
        actions.attach_material(world.p(world.citizen), case, material, stream, name=name)
    assert refused.value.code == code
    assert not CaseMaterial.objects.exists()


def test_files_are_stored_with_their_sha256_and_a_resend_replaces(world):
    case = online_case(world, upload_all=False)
    first = upload(world, case, "食品经营许可申请书")
    second = upload(world, case, "食品经营许可申请书")
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert len(second.sha256) == 64
    assert second.file.read().startswith(b"%PDF-")


def test_material_of_another_answer_is_refused(world):
    case = online_case(world, "自有房产", "否", upload_all=False)
    with pytest.raises(ValidationError):
        upload(world, case, "房屋租赁合同")


@pytest.mark.parametrize(
    "answers,form",
    [
        ("other item", {}),
        ("two answers", {}),
        ("missing", {}),
        ("ok", {"is_admin": "1"}),
        ("ok", {"contact_phone": ["1"]}),
        ("ok", {"contact_phone": "abc"}),
        ("ok", {"contact_phone": "139"}),
    ],
)
def test_tampered_answers_or_form_are_refused(world, answers, form):
    other = published_item(world.agency, name="另一事项", impl_code="OTHER-2")
    own = world.answers("自有房产", "否")
    chosen = {
        "other item": [own[0], world.answers.__self__.item and _option_of(other)],
        "two answers": own + world.answers("租赁"),
        "missing": own[:1],
        "ok": own,
    }[answers]
    with pytest.raises(ValidationError):
        actions.start_application(
            world.p(world.citizen),
            world.item,
            applicant=world.applicant,
            channel="portal",
            answers=chosen,
            form_data=form,
        )
    assert not Case.objects.exists()


def _option_of(item):
    from tongban.catalog.models import SituationOption

    return SituationOption.objects.filter(question__version__item=item).first().pk


def test_online_only_where_the_depth_allows(world):
    ItemVersion.objects.filter(item=world.item).update(online_depth=2)
    with pytest.raises(ValidationError):
        online_case(world)


def test_someone_else_cannot_act_for_the_applicant(world):
    from tests.factories import applicant_account

    stranger, _applicant = applicant_account(name="王五")
    case = online_case(world)
    with pytest.raises(PermissionDenied):
        actions.submit(world.p(stranger), case)
    with pytest.raises(PermissionDenied):  # a reviewer does not accept at the window
        actions.submit(world.p(world.citizen), case)
        actions.accept(world.p(world.reviewer), case, service_point=world.hall)


def test_instant_item_is_decided_and_closed_at_the_window_the_same_day(world):
    ItemVersion.objects.filter(item=world.item).update(case_type="instant", promised_limit=0)
    case = actions.start_application(
        world.p(world.clerk),
        world.item,
        applicant=world.applicant,
        channel="window",
        answers=world.answers("自有房产", "否"),
        service_point=world.hall,
        window=world.window,
    )
    for material in actions.missing_materials(case):
        upload(world, case, material.name, who=world.clerk)
    case = actions.submit(world.p(world.clerk), case)
    case = actions.accept(world.p(world.clerk), case)
    assert case.step_role == "window_clerk"
    case = actions.approve(world.p(world.clerk), case)
    case = actions.issue_result(world.p(world.clerk), case)
    case = actions.deliver(world.p(world.clerk), case, recipient_name="李四", id_checked=True)
    assert case.status == Status.CLOSED
    assert case.closed_at.date() == case.submitted_at.date()
    assert case.on_behalf  # filed by the clerk for the applicant


def test_county_reach_is_enforced_and_city_reach_accepts_anywhere(world):
    county_hall = ServicePointFactory(
        name="陵城区政务服务中心", region=county_region("371403", "陵城区")
    )
    county_clerk_window = WindowFactory(service_point=county_hall)
    agency = AgencyFactory(region=county_region())  # 德城区
    item = published_item(agency, name="县级事项", impl_code="COUNTY-1", situations=False)
    ItemVersion.objects.filter(item=item).update(reach=ItemVersion.Reach.COUNTY)
    from tests.factories import StaffRole, staff

    clerk = staff(StaffRole.WINDOW_CLERK, service_point=county_hall)
    with pytest.raises(ValidationError) as refused:
        actions.start_application(
            world.p(clerk),
            item,
            applicant=world.applicant,
            channel="window",
            service_point=county_hall,
            window=county_clerk_window,
        )
    assert refused.value.code == "reach"
    ItemVersion.objects.filter(item=item).update(reach=ItemVersion.Reach.CITY)
    case = actions.start_application(
        world.p(clerk),
        item,
        applicant=world.applicant,
        channel="window",
        service_point=county_hall,
        window=county_clerk_window,
    )
    assert case.deciding_agency == agency


def test_withdraw_and_commitment_post_check(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    case = actions.withdraw(world.p(world.citizen), case, reason="不再需要")
    assert case.status == Status.WITHDRAWN
    with pytest.raises(actions.transitions.IllegalTransition):
        actions.withdraw(world.p(world.citizen), case)

    case = online_case(world, upload_all=False)
    upload(world, case, "食品经营许可申请书")
    upload(world, case, "房屋产权证明")
    case = actions.submit(world.p(world.citizen), case)
    import datetime as dt

    from django.utils import timezone

    case = actions.accept_on_commitment(
        world.p(world.clerk),
        case,
        materials=[],
        text="本人承诺所填信息真实",
        check_due=timezone.localdate() + dt.timedelta(days=30),
        service_point=world.hall,
    )
    case = actions.record_post_check(
        world.p(world.chief), case, kept=False, note="经营场所与承诺不符"
    )
    assert case.status == Status.TERMINATED
    assert case.commitment.check_result == "false"


def test_an_applicant_files_only_for_themselves_and_only_online(world):
    from tests.factories import applicant_account

    _other_user, other = applicant_account(name="王五")
    with pytest.raises(PermissionDenied):
        actions.start_application(
            world.p(world.citizen), world.item, applicant=other, channel="portal"
        )
    with pytest.raises(ValidationError):
        actions.start_application(
            world.p(world.citizen), world.item, applicant=world.applicant, channel="window"
        )
    assert not Case.objects.exists()


def test_a_chief_terminates_with_a_reason(world):
    case = actions.submit(world.p(world.citizen), online_case(world))
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    with pytest.raises(PermissionDenied):
        actions.terminate(world.p(world.reviewer), case, reason="x")
    case = actions.terminate(world.p(world.chief), case, reason="申请人提供虚假材料")
    assert case.status == Status.TERMINATED and case.closed_at


def test_a_walk_in_with_a_missing_document_is_received_and_told_every_gap(world):
    case = actions.start_application(
        world.p(world.clerk),
        world.item,
        applicant=world.applicant,
        channel="window",
        answers=world.answers("自有房产", "否"),
        service_point=world.hall,
        window=world.window,
    )
    upload(world, case, "食品经营许可申请书", who=world.clerk)
    case = actions.submit(world.p(world.clerk), case)  # received as it is
    with pytest.raises(ValidationError):
        actions.accept(world.p(world.clerk), case)  # but not accepted incomplete
    deed = Material.objects.get(version=case.item_version, name="房屋产权证明")
    actions.request_supplement(world.p(world.clerk), case, materials=[deed])
    case.refresh_from_db()
    assert case.status == Status.NEEDS_SUPPLEMENT
