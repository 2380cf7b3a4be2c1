"""A supplement notice may only cite the case's own guide (the top bad-rating reasons)."""

import pytest
from django.core.exceptions import ValidationError

from tests.catalog.factories import published_item
from tongban.cases import actions
from tongban.cases.models import CaseEvent, Status, SupplementRequest
from tongban.catalog.models import Material

from .helpers import online_case


@pytest.fixture
def submitted(world):
    return actions.submit(world.p(world.citizen), online_case(world, "租赁", "是"))


def test_notice_lists_every_gap_at_once(world, submitted):
    lease = Material.objects.get(version=submitted.item_version, name="房屋租赁合同")
    website = Material.objects.get(version=submitted.item_version, name="网站备案信息")
    request = actions.request_supplement(
        world.p(world.clerk),
        submitted,
        materials=[lease, website],
        problems={lease.pk: "租期已过"},
        conditions=["须有网站备案"],
    )
    assert set(request.materials.all()) == {lease, website}
    event = submitted.events.get(action="request_supplement")
    assert "房屋租赁合同：租期已过" in event.note
    assert "网站备案信息" in event.note and "须有网站备案" in event.note


@pytest.mark.parametrize("what", ["material of another item", "material of another answer"])
def test_material_beyond_the_guide_is_refused(world, submitted, what):
    if what == "material of another item":
        other = published_item(world.agency, name="其他事项", impl_code="OTHER-1")
        material = Material.objects.filter(version__item=other).first()
    else:  # the deed applies to owners; this applicant rents
        material = Material.objects.get(version=submitted.item_version, name="房屋产权证明")
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.request_supplement(world.p(world.clerk), submitted, materials=[material])
    assert "不能要求" in str(refused.value) or "cannot be asked" in str(refused.value)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert CaseEvent.objects.count() == events
    assert not SupplementRequest.objects.exists()


def test_condition_beyond_the_guide_is_refused(world, submitted):
    with pytest.raises(ValidationError):
        actions.request_supplement(
            world.p(world.clerk), submitted, conditions=["须提供无犯罪记录证明"]
        )
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_supply_needs_every_requested_material(world, submitted):
    lease = Material.objects.get(version=submitted.item_version, name="房屋租赁合同")
    actions.request_supplement(world.p(world.clerk), submitted, materials=[lease])
    with pytest.raises(ValidationError):
        actions.supply(world.p(world.citizen), submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.NEEDS_SUPPLEMENT
