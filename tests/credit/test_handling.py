"""What credit changes in handling: no 容缺/告知承诺 and an extra check for the black
list; the fast track where the item allows it; each effect explained on the case; the
platform's own record when a commitment proves false."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.cases.helpers import online_case, upload
from tongban.cases import actions
from tongban.cases.models import CaseEvent, Status
from tongban.catalog.models import ItemVersion, Material
from tongban.credit.models import CreditRecord, ItemCreditPolicy, Kind, Source

from .helpers import blacklist


def submitted_without(world, *missing):
    case = online_case(world, upload_all=False)
    for material in actions.missing_materials(case):
        if material.name not in missing:
            upload(world, case, material.name)
    return actions.submit(world.p(world.citizen), case)


def test_black_listed_applicant_gets_no_commitment_acceptance(world):
    blacklist(world)
    case = submitted_without(world)
    with pytest.raises(ValidationError) as refused:
        actions.accept_on_commitment(
            world.p(world.clerk),
            case,
            materials=[],
            text="本人承诺",
            check_due=timezone.localdate() + dt.timedelta(days=30),
            service_point=world.hall,
        )
    assert "失信被执行人" in str(refused.value)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_black_listed_applicant_gets_no_tolerant_acceptance(world):
    version = world.item.versions.get(status="published")
    Material.objects.filter(version=version, name="房屋产权证明").update(necessity="deferrable")
    blacklist(world)
    case = submitted_without(world, "房屋产权证明")
    with pytest.raises(ValidationError, match="容缺"):
        actions.accept_tolerant(
            world.p(world.clerk),
            case,
            deferred=Material.objects.filter(version=version, name="房屋产权证明"),
            due=timezone.localdate() + dt.timedelta(days=3),
            service_point=world.hall,
        )


def test_black_listed_case_gets_an_extra_check_step_explained(world):
    blacklist(world)
    case = actions.submit(world.p(world.citizen), online_case(world))
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    assert case.added_steps and case.added_steps[0]["name"] == "信用核查"
    note = CaseEvent.objects.get(case=case, action="adjust")
    assert "失信被执行人" in note.note and not note.public
    # The check comes before the version's own steps up to the decision.
    steps = actions.case_steps(case)
    assert [s.name for s in steps].index("信用核查") < actions.decision_index(steps)


def test_clean_applicant_gets_the_items_shorter_promise(world):
    ItemCreditPolicy.objects.create(item=world.item, fast_track_limit=2)
    case = actions.submit(world.p(world.citizen), online_case(world))
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    assert case.promised_limit == 2
    note = CaseEvent.objects.get(case=case, action="adjust")
    since = (timezone.localdate().replace(year=timezone.localdate().year - 3)).isoformat()
    assert since in note.note and note.public


def test_without_a_policy_nothing_changes(world):
    version = ItemVersion.objects.get(item=world.item, status="published")
    case = actions.submit(world.p(world.citizen), online_case(world))
    case = actions.accept(world.p(world.clerk), case, service_point=world.hall)
    assert case.promised_limit == version.promised_limit
    assert not CaseEvent.objects.filter(case=case, action="adjust").exists()


def test_fast_track_auto_approval_where_the_item_allows_it(world):
    ItemCreditPolicy.objects.create(item=world.item, fast_track_auto_approval=True)
    case = actions.submit(world.p(world.citizen), online_case(world))
    assert case.status == Status.RESULT_ISSUED
    issued = CaseEvent.objects.get(case=case, action="issue_result")
    assert issued.note.startswith("信用快速通道：")  # in the applicant's language, Chinese


def test_black_listed_applicant_is_not_auto_approved(world):
    ItemCreditPolicy.objects.create(item=world.item, fast_track_auto_approval=True)
    blacklist(world)
    case = actions.submit(world.p(world.citizen), online_case(world))
    assert case.status == Status.SUBMITTED


def test_false_commitment_revokes_and_is_recorded_in_credit(world):
    case = submitted_without(world)
    case = actions.accept_on_commitment(
        world.p(world.clerk),
        case,
        materials=[],
        text="本人承诺所填信息真实",
        check_due=timezone.localdate() + dt.timedelta(days=30),
        service_point=world.hall,
    )
    case = actions.record_post_check(world.p(world.chief), case, kept=False, note="场所不符")
    record = CreditRecord.objects.get(case=case)
    assert record.kind == Kind.FALSE_COMMITMENT and record.source == Source.PLATFORM
    assert record.applicant == world.applicant
    # …and the applicant may not use 告知承诺 again until the credit is repaired.
    again = submitted_without(world)
    with pytest.raises(ValidationError):
        actions.accept_on_commitment(
            world.p(world.clerk),
            again,
            materials=[],
            text="本人承诺",
            check_due=timezone.localdate() + dt.timedelta(days=30),
            service_point=world.hall,
        )
