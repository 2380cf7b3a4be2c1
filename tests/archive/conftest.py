"""An enterprise applying for two items of the cases ``world`` that share materials, which
the two guides spell differently (法定代表人身份证明 / 法定代表人身份证明（副本）)."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest

from tests.cases.conftest import PDF, World, world  # noqa: F401 (the fixture)
from tests.factories import applicant_account
from tongban.cases import actions
from tongban.cases.models import Case
from tongban.catalog.models import Item, ItemType, ItemVersion, Material
from tongban.org.models import Applicant, User

FIRST_ANSWERS = ("自有房产", "否")


@dataclass
class ArchiveWorld:
    base: World
    company_user: User
    company: Applicant
    other_user: User
    other: Applicant
    second_item: Item

    def p(self, user):
        return self.base.p(user)


def _add_material(item: Item, name: str, order: int) -> None:
    version = ItemVersion.objects.get(item=item)
    ItemVersion.objects.filter(pk=version.pk).update(status="draft")
    version.status = "draft"
    Material.objects.create(version=version, order=order, name=name, kind="original")
    ItemVersion.objects.filter(pk=version.pk).update(status="published")


def _second_item(agency) -> Item:
    """公章刻制备案: its own form, and two materials the first item asks for too."""
    item = Item.objects.create(catalog_code="XK0009", impl_code="XK0009-TEST", agency=agency)
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        name="公章刻制备案",
        item_type=ItemType.LICENSING,
        legal_basis="《印铸刻字业暨印章业治安管理办法》",
        case_type=ItemVersion.CaseType.COMMITTED,
        statutory_limit=20,
        promised_limit=3,
        online_depth=4,
        target_applicants=["enterprise"],
    )
    Material.objects.create(version=version, order=1, name="公章刻制申请表", kind="form")
    Material.objects.create(
        version=version, order=2, name="法定代表人身份证明（副本）", kind="original"
    )
    Material.objects.create(version=version, order=3, name="房屋产权证明（正本）", kind="original")
    ItemVersion.objects.filter(pk=version.pk).update(
        status="published", effective_from=dt.date(2026, 1, 1)
    )
    return item


@pytest.fixture
def aw(world) -> ArchiveWorld:  # noqa: F811
    _add_material(world.item, "法定代表人身份证明", 6)
    company_user, company = applicant_account(name="德州市鲁北餐饮管理有限公司", kind="legal")
    other_user, other = applicant_account(name="德州市别家商贸有限公司", kind="legal")
    return ArchiveWorld(
        base=world,
        company_user=company_user,
        company=company,
        other_user=other_user,
        other=other,
        second_item=_second_item(world.agency),
    )


def upload(aw: ArchiveWorld, case: Case, material: Material, user=None, tag: bytes = b""):
    stream = io.BytesIO(PDF + material.name.encode() + tag)
    stream.name = f"{material.name}.pdf"
    return actions.attach_material(aw.p(user or case.applicant.account), case, material, stream)


def apply(aw: ArchiveWorld, item: Item, applicant: Applicant, *answers: str) -> Case:
    """A draft online application by the applicant's own account (pre-filled by the
    archive, as ``start_application`` does)."""
    version = ItemVersion.objects.get(item=item, status="published")
    ids = [
        version.questions.get(text=q).options.get(text=a).pk
        for q, a in zip(["经营场所权属?", "网络销售?"], answers, strict=False)
    ]
    return actions.start_application(
        aw.p(applicant.account),
        item,
        applicant=applicant,
        channel="portal",
        answers=ids,
        form_data={"contact_phone": "13900000000"},
    )


def accepted(aw: ArchiveWorld, case: Case, tag: bytes = b"") -> Case:
    """Upload what is missing, submit, and have the window accept it."""
    for material in actions.missing_materials(case):
        upload(aw, case, material, tag=tag)
    case = actions.submit(aw.p(case.applicant.account), case)
    case = actions.accept(
        aw.p(aw.base.clerk), case, service_point=aw.base.hall, window=aw.base.window
    )
    run_tasks()  # the archiving follows the acceptance in the background
    return case


def run_tasks() -> None:
    """What the worker does with the archive's background work after each case action,
    in the test's own transaction (the worker command closes the connection when done,
    which a test inside a transaction cannot have)."""
    from django_tasks_db.models import DBTaskResult

    from tongban.archive.tasks import follow_case

    queued = DBTaskResult.objects.filter(
        task_path="tongban.archive.tasks.follow_case", status="READY"
    ).order_by("enqueued_at", "pk")
    for row in queued:
        follow_case.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        row.delete()


def first_case(aw: ArchiveWorld, applicant: Applicant | None = None, tag: bytes = b"") -> Case:
    """The food-business licence, accepted: its materials go to the archive."""
    case = apply(aw, aw.base.item, applicant or aw.company, *FIRST_ANSWERS)
    return accepted(aw, case, tag=tag)
