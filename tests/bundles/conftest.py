"""A start-up-like bundle of three items of three agencies: one form, one question they
all ask, and one document they all need (one guide calls it differently)."""

from dataclasses import dataclass, field

import pytest

from tests.cases.conftest import PDF, World, world  # noqa: F401 (the fixture)
from tests.catalog.factories import published_item
from tests.factories import AgencyFactory, StaffRole, staff
from tongban.catalog.models import (
    Bundle,
    BundleItem,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
)
from tongban.org.models import User

ANSWERS = {"是否设立分支机构?": "否"}


@dataclass
class Part:
    item: object
    reviewer: User
    chief: User


@dataclass
class BundleWorld:
    base: World
    bundle: Bundle
    parts: list[Part] = field(default_factory=list)


@pytest.fixture
def bw(world) -> BundleWorld:  # noqa: F811
    bundle = Bundle.objects.create(
        code="startup",
        name="企业开办",
        theme=Bundle.Theme.ENTERPRISE,
        lead_agency=world.agency,
        form_fields=[
            {"key": "company", "label": "企业名称", "required": True, "max_length": 100},
            {"key": "phone", "label": "联系电话", "required": True, "max_length": 20},
            {"key": "address", "label": "住所", "required": False, "max_length": 255},
        ],
    )
    w = BundleWorld(base=world, bundle=bundle)
    names = ["公章刻制备案", "涉税事项办理", "社会保险登记"]
    for n, name in enumerate(names):
        agency = world.agency if n == 0 else AgencyFactory(name=f"部门{n}")
        item = published_item(agency, name=name, impl_code=f"XK000{n}-X", situations=False)
        version = ItemVersion.objects.get(item=item)
        ItemVersion.objects.filter(pk=version.pk).update(status="draft")
        version.status = "draft"
        Material.objects.create(
            version=version,
            order=3,
            name="法定代表人身份证明（副本）" if n == 2 else "法定代表人身份证明",
            kind="original",
        )
        question = SituationQuestion.objects.create(
            version=version, order=1, text="是否设立分支机构?"
        )
        yes = SituationOption.objects.create(question=question, order=1, text="是")
        SituationOption.objects.create(question=question, order=2, text="否")
        Material.objects.create(
            version=version, order=4, name="分支机构登记表", kind="form"
        ).applies_when.set([yes])
        ItemVersion.objects.filter(pk=version.pk).update(status="published", online_depth=4)
        BundleItem.objects.create(
            bundle=bundle,
            item=item,
            order=n,
            field_map={"phone": "contact_phone", "address": "address", "company": "description"},
        )
        w.parts.append(
            Part(
                item=item,
                reviewer=staff(StaffRole.BACKOFFICE_REVIEWER, agency=agency, username=f"r{n}"),
                chief=staff(StaffRole.SECTION_CHIEF, agency=agency, username=f"c{n}"),
            )
        )
    return w
