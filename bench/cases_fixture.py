"""Bench data for cases: one small world (agency, hall, staff, applicant, item) and many
submitted cases cloned in bulk from one made by the real actions."""

import io
from dataclasses import dataclass

from django.db import transaction

from tongban.cases import actions
from tongban.cases.models import Case, CaseMaterial
from tongban.catalog.models import (
    Item,
    ItemType,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
)
from tongban.core.identifiers import resident_id_check_character
from tongban.org.models import (
    Agency,
    Applicant,
    Region,
    ServicePoint,
    StaffAssignment,
    StaffRole,
    User,
    Window,
)
from tongban.org.policy import principal_for_user

PDF = b"%PDF-1.4\n%bench\n"


@dataclass
class World:
    agency: Agency
    hall: ServicePoint
    window: Window
    clerk: User
    reviewer: User
    chief: User
    citizen: User
    applicant: Applicant
    item: Item


def world() -> World:
    province, _ = Region.objects.get_or_create(
        code="370000", defaults={"name": "山东省", "level": Region.Level.PROVINCE}
    )
    city, _ = Region.objects.get_or_create(
        code="371400", defaults={"name": "德州市", "level": Region.Level.CITY, "parent": province}
    )
    agency, _ = Agency.objects.get_or_create(
        credit_code="11371400MB2850102N",
        defaults={
            "name": "德州市市场监督管理局",
            "kind": Agency.Kind.LINE_DEPARTMENT,
            "region": city,
        },
    )
    hall, _ = ServicePoint.objects.get_or_create(
        name="德州市政务服务中心",
        defaults={"kind": ServicePoint.Kind.CITY_HALL, "region": city, "address": "德州市"},
    )
    window, _ = Window.objects.get_or_create(
        service_point=hall, number="A01", defaults={"name": "综合受理", "kind": "comprehensive"}
    )

    def person(username, role, **scope):
        user, created = User.objects.get_or_create(
            username=username, defaults={"kind": User.Kind.STAFF, "full_name": username}
        )
        if created:
            StaffAssignment.objects.create(user=user, role=role, **scope)
        return user

    citizen, created = User.objects.get_or_create(
        username="bench-citizen", defaults={"kind": User.Kind.APPLICANT, "full_name": "李四"}
    )
    if created:
        applicant = Applicant(kind=Applicant.Kind.PERSON, name="李四", account=citizen)
        first17 = "37140219900101001"
        applicant.set_id_number(first17 + resident_id_check_character(first17))
        applicant.phone = "13900000000"
        applicant.save()
    item = Item.objects.filter(impl_code="BENCH-XK0001").first() or _item(agency)
    return World(
        agency=agency,
        hall=hall,
        window=window,
        clerk=person("bench-clerk", StaffRole.WINDOW_CLERK, service_point=hall),
        reviewer=person("bench-reviewer", StaffRole.BACKOFFICE_REVIEWER, agency=agency),
        chief=person("bench-chief", StaffRole.SECTION_CHIEF, agency=agency),
        citizen=citizen,
        applicant=citizen.applicant,
        item=item,
    )


def _item(agency: Agency) -> Item:
    item = Item.objects.create(catalog_code="XK0001", impl_code="BENCH-XK0001", agency=agency)
    version = ItemVersion.objects.create(
        item=item,
        number=1,
        name="食品经营许可",
        item_type=ItemType.LICENSING,
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        case_type=ItemVersion.CaseType.COMMITTED,
        statutory_limit=20,
        promised_limit=5,
        online_depth=4,
        reach=ItemVersion.Reach.CITY,
    )
    question = SituationQuestion.objects.create(version=version, order=1, text="经营场所权属?")
    own = SituationOption.objects.create(question=question, order=1, text="自有房产")
    SituationOption.objects.create(question=question, order=2, text="租赁")
    for order in range(1, 6):
        material = Material.objects.create(
            version=version, order=order, name=f"材料{order}", kind="original"
        )
        if order == 5:
            material.applies_when.set([own])
    version.status = ItemVersion.Status.PUBLISHED
    version.effective_from = "2026-01-01"
    version.save()
    return item


def submitted_case(w: World) -> Case:
    principal = principal_for_user(w.citizen)
    option = SituationOption.objects.get(question__version__item=w.item, text="自有房产")
    case = actions.start_application(
        principal, w.item, applicant=w.applicant, channel="portal", answers=[option.pk]
    )
    for material in actions.missing_materials(case):
        stream = io.BytesIO(PDF)
        stream.name = "scan.pdf"
        actions.attach_material(principal, case, material, stream)
    return actions.submit(principal, case)


def clone_submitted(template: Case, count: int, batch: int = 2000) -> list[int]:
    """``count`` copies of a submitted case with its materials; returns their ids."""
    files = list(CaseMaterial.objects.filter(case=template, superseded=False))
    ids: list[int] = []
    fields = {f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields}
    fields.pop("id")
    start = Case.objects.count()
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        with transaction.atomic():
            rows = [
                Case(**{**fields, "code": f"BENCH{start + offset + n:012d}"}) for n in range(size)
            ]
            created = Case.objects.bulk_create(rows)
            new_ids = [row.pk for row in created]
            CaseMaterial.objects.bulk_create(
                [
                    CaseMaterial(
                        case_id=pk,
                        material_id=f.material_id,
                        file=f.file.name,
                        original_name=f.original_name,
                        content_type=f.content_type,
                        size=f.size,
                        sha256=f.sha256,
                        uploaded_at=f.uploaded_at,
                        uploaded_by_id=f.uploaded_by_id,
                    )
                    for pk in new_ids
                    for f in files
                ]
            )
        ids += new_ids
    return ids
