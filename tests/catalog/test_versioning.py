"""Drafts, review and publication: published versions are immutable, four eyes publish,
old versions stay for the cases filed under them, every change is audited."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.catalog.factories import published_item
from tests.factories import AgencyFactory, county_region, staff
from tongban.catalog import actions
from tongban.catalog.diff import diff_versions
from tongban.catalog.models import ItemVersion, Material, PublishedVersionIsImmutable
from tongban.catalog.transitions import IllegalTransition
from tongban.core.models import AuditEntry
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import OutOfScope, principal_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    return AgencyFactory(name="市行政审批服务局", kind=Agency.Kind.APPROVAL_BUREAU)


@pytest.fixture
def editor(bureau):
    return principal_for_user(staff(StaffRole.CATALOG_ADMIN, agency=bureau))


@pytest.fixture
def reviewer(bureau):
    return principal_for_user(staff(StaffRole.CATALOG_ADMIN, agency=bureau))


@pytest.fixture
def item(bureau):
    return published_item(bureau)


def test_published_version_refuses_every_change(item):
    version = item.versions.get()
    version.name = "改名"
    with pytest.raises(PublishedVersionIsImmutable):
        version.save()
    with pytest.raises(PublishedVersionIsImmutable):
        version.materials.first().save()
    with pytest.raises(PublishedVersionIsImmutable):
        Material.objects.create(version=version, name="新材料", kind="form")
    with pytest.raises(PublishedVersionIsImmutable):
        version.delete()
    agency, material = AgencyFactory(), version.materials.first()
    with pytest.raises(PublishedVersionIsImmutable), transaction.atomic():
        version.supervising_agencies.set([agency])
    with pytest.raises(PublishedVersionIsImmutable), transaction.atomic():
        material.applies_when.clear()


def test_draft_is_a_deep_copy_with_its_own_situations(item, editor):
    draft = actions.start_draft(editor, item)
    assert (draft.number, draft.status) == (2, ItemVersion.Status.DRAFT)
    assert draft.materials.count() == 5 and draft.questions.count() == 2
    rented = draft.materials.get(name="房屋租赁合同").applies_when.get()
    assert rented.question.version == draft
    assert actions.start_draft(editor, item) == draft  # one open draft at a time


@time_machine.travel("2026-03-01 10:00 +0800", tick=False)
def test_edit_review_publish_and_the_old_version_stays(item, editor, reviewer):
    draft = actions.start_draft(editor, item)
    draft.promised_limit = 3
    draft.save()
    draft.materials.filter(name="营业执照").delete()
    actions.submit_for_review(editor, draft, change_note="承诺时限压缩为3个工作日")
    with pytest.raises(OutOfScope):
        actions.publish(editor, draft, effective_from=dt.date(2026, 3, 2))  # the author
    published = actions.publish(reviewer, draft, effective_from=dt.date(2026, 3, 2))
    assert published.status == ItemVersion.Status.PUBLISHED
    assert actions.current_version(item).number == 1  # not in force until tomorrow
    assert actions.current_version(item, dt.date(2026, 3, 2)).number == 2
    old = item.versions.get(number=1)
    assert old.promised_limit == 5 and old.materials.filter(name="营业执照").exists()
    changes = diff_versions(old, published)
    assert changes.fields == {"promised_limit": (5, 3)}
    assert changes.materials_removed == ["营业执照"]
    assert list(
        AuditEntry.objects.filter(action__startswith="catalog.").values_list("action", flat=True)
    ) == ["catalog.draft", "catalog.submit", "catalog.publish"]


def test_illegal_transition_changes_nothing(item, reviewer, editor):
    draft = actions.start_draft(editor, item)
    with pytest.raises(IllegalTransition):
        actions.publish(reviewer, draft, effective_from=dt.date(2099, 1, 1))
    draft.refresh_from_db()
    assert draft.status == ItemVersion.Status.DRAFT


def test_sent_back_draft_is_editable_again(item, editor, reviewer):
    draft = actions.start_draft(editor, item)
    actions.submit_for_review(editor, draft, change_note="更新材料")
    back = actions.send_back(reviewer, draft, reason="缺少法律依据")
    assert back.is_editable
    with pytest.raises(ValidationError):
        actions.send_back(reviewer, back, reason="")


def test_catalog_admin_of_another_agency_cannot_edit(item):
    outsider = principal_for_user(staff(StaffRole.CATALOG_ADMIN, agency=AgencyFactory()))
    with pytest.raises(OutOfScope):
        actions.start_draft(outsider, item)


def test_window_clerk_cannot_publish(item, editor):
    from tests.factories import ServicePointFactory

    draft = actions.start_draft(editor, item)
    actions.submit_for_review(editor, draft, change_note="x")
    clerk = principal_for_user(staff(StaffRole.WINDOW_CLERK, service_point=ServicePointFactory()))
    with pytest.raises(OutOfScope):
        actions.publish(clerk, draft, effective_from=dt.date(2099, 1, 1))


def test_cancel_and_delegate(item, reviewer):
    county = county_region()
    county_bureau = AgencyFactory(region=county, kind=Agency.Kind.APPROVAL_BUREAU)
    delegation = actions.delegate_item(
        reviewer,
        item,
        region=county,
        handling_agency=county_bureau,
        effective_from=dt.date(2026, 6, 1),
    )
    assert delegation.handling_agency == county_bureau
    with pytest.raises(ValidationError):
        actions.delegate_item(
            reviewer,
            item,
            region=county,
            handling_agency=county_bureau,
            effective_from=dt.date(2026, 6, 1),
        )
    actions.cancel_item(reviewer, item, on=dt.date(2026, 12, 31), reason="法规废止")
    item.refresh_from_db()
    assert item.cancelled_on == dt.date(2026, 12, 31)
    assert AuditEntry.objects.filter(action="catalog.cancel").exists()
