"""A case keeps the guide version it was filed under, after a new version is published."""

from django.urls import reverse
from django.utils import timezone

from tongban.cases import actions
from tongban.catalog import actions as catalog_actions
from tongban.catalog.models import ItemVersion, Material
from tongban.org.models import StaffRole

from .helpers import online_case


def test_an_old_case_keeps_its_version_when_a_new_one_is_published(world, client):
    from tests.factories import AgencyFactory, staff

    old_case = actions.submit(world.p(world.citizen), online_case(world))
    # The catalog publishes version 2: the application form is renamed.
    bureau = AgencyFactory(kind="approval_bureau")
    editor = staff(StaffRole.CATALOG_ADMIN, agency=world.agency)
    publisher = staff(StaffRole.CATALOG_ADMIN, agency=bureau)
    draft = catalog_actions.start_draft(world.p(editor), world.item)
    Material.objects.filter(version=draft, name="食品经营许可申请书").update(
        name="食品经营许可申请表（2027版）"
    )
    catalog_actions.submit_for_review(world.p(editor), draft, change_note="申请书更名")
    catalog_actions.publish(world.p(publisher), draft, effective_from=timezone.localdate())
    assert catalog_actions.current_version(world.item).number == 2

    new_case = online_case(world)
    assert new_case.item_version.number == 2
    assert "食品经营许可申请表（2027版）" in {
        m.name for m in actions.missing_materials(new_case)
    } | {m.material.name for m in new_case.materials.all()}

    old_case.refresh_from_db()
    assert old_case.item_version.number == 1
    names = {m.name for m in actions._guide_of(old_case).materials}
    assert "食品经营许可申请书" in names and "食品经营许可申请表（2027版）" not in names
    # The old case is accepted under its own version.
    old_case = actions.accept(world.p(world.clerk), old_case, service_point=world.hall)
    assert old_case.status == "in_review"

    client.force_login(world.reviewer)
    html = client.get(reverse("workbench:case", args=[old_case.pk])).content.decode()
    assert "办事指南第 1 版" in html
    assert "食品经营许可申请书" in html
    assert ItemVersion.objects.get(item=world.item, number=1).status == "published"
