"""Catalog test data: an item with a published version, materials and situations."""

import datetime as dt

from tests.factories import AgencyFactory
from tongban.catalog.models import (
    Item,
    ItemType,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
)


def published_item(agency=None, *, name="食品经营许可", impl_code=None, situations=True) -> Item:
    """A food-business licence with two questions whose answers choose materials."""
    agency = agency or AgencyFactory()
    item = Item.objects.create(
        catalog_code="XK0001",
        impl_code=impl_code or f"XK0001-{agency.credit_code}",
        agency=agency,
    )
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        name=name,
        item_type=ItemType.LICENSING,
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        acceptance_conditions="有与经营的食品品种、数量相适应的经营场所",
        case_type=ItemVersion.CaseType.COMMITTED,
        statutory_limit=20,
        promised_limit=5,
        target_applicants=["enterprise"],
    )
    Material.objects.create(version=version, order=1, name="食品经营许可申请书", kind="form")
    Material.objects.create(
        version=version, order=2, name="营业执照", kind="electronic", source="e_certificate"
    )
    if situations:
        premises = SituationQuestion.objects.create(version=version, order=1, text="经营场所权属?")
        own = SituationOption.objects.create(question=premises, order=1, text="自有房产")
        rented = SituationOption.objects.create(question=premises, order=2, text="租赁")
        online = SituationQuestion.objects.create(version=version, order=2, text="网络销售?")
        yes = SituationOption.objects.create(
            question=online, order=1, text="是", promised_limit=8, conditions="须有网站备案"
        )
        SituationOption.objects.create(question=online, order=2, text="否")
        Material.objects.create(
            version=version, order=3, name="房屋产权证明", kind="original"
        ).applies_when.set([own])
        Material.objects.create(
            version=version, order=4, name="房屋租赁合同", kind="original"
        ).applies_when.set([rented])
        Material.objects.create(
            version=version, order=5, name="网站备案信息", kind="electronic"
        ).applies_when.set([yes])
    version.status = ItemVersion.Status.PUBLISHED
    version.effective_from = dt.date(2026, 1, 1)
    version.save()
    return item


def option(item: Item, text: str) -> SituationOption:
    return SituationOption.objects.get(question__version__item=item, text=text)


def edit_workbook(data: bytes, change) -> bytes:
    """An exported workbook with ``change(workbook)`` applied, as bytes again."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
