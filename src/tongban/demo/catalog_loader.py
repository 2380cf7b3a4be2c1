"""Load the demo catalog (:mod:`tongban.demo.catalog_data`) idempotently.

A published version never changes, so an item is compared with its latest published
version (fields, supervising departments, questions, answers, materials and the answers
each material applies for) and rebuilt only when the data differs: as a NEW version,
created as a draft, filled in, then published once. A second load that changes nothing
writes nothing. An item someone is editing (an open draft) is left alone: the loader
does not publish under a catalog administrator's feet.

Called by :func:`tongban.demo.loader.load_demo_city` inside its transaction, which
records the single ``demo.load`` audit entry; the agencies must already be loaded.
"""

from collections import Counter, defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tongban.catalog.models import (
    Delegation,
    Item,
    ItemVersion,
    Material,
    ReviewStep,
    SituationOption,
    SituationQuestion,
)
from tongban.org.models import Agency, Region

from . import catalog_data as data
from .data import AGENCY_BY_KEY

CREATED, UPDATED = "created", "updated"

# The kinds of row this loader writes, in the order of the counts it reports.
KINDS = ("items", "item_versions", "situation_questions", "materials", "delegations")

# The version fields the demo data sets (and so compares).
VERSION_FIELDS = (
    "name",
    "item_type",
    "keywords",
    "legal_basis",
    "power_source",
    "delegating_agency_id",
    "levels",
    "acceptance_conditions",
    "case_type",
    "statutory_limit",
    "statutory_limit_unit",
    "promised_limit",
    "promised_limit_unit",
    "special_procedures",
    "fee_required",
    "fee_description",
    "online_depth",
    "onsite_visits",
    "handling_modes",
    "reach",
    "target_applicants",
    "procedure",
    "location",
    "contact",
    "commitment_notice",
    "commitment_check_days",
)
OPTION_FIELDS = (
    "pk",
    "question_id",
    "order",
    "text",
    "promised_limit",
    "fee_description",
    "conditions",
)
MATERIAL_FIELDS = (
    "pk",
    "version_id",
    "order",
    "name",
    "kind",
    "copies",
    "necessity",
    "source",
    "shared_source",
    "shared_check",
    "acceptance_standard",
    "commitment_waivable",
)
OPEN = (ItemVersion.Status.DRAFT, ItemVersion.Status.IN_REVIEW, ItemVersion.Status.REJECTED)
SupervisingLink = ItemVersion.supervising_agencies.through
AppliesWhenLink = Material.applies_when.through


class DemoCityMissing(LookupError):
    """The catalog needs the demo city's agencies and regions: load the city first."""


def _agencies() -> dict[str, Agency]:
    by_code = {
        agency.credit_code: agency
        for agency in Agency.objects.filter(
            credit_code__in=[row.credit_code for row in AGENCY_BY_KEY.values()]
        )
    }
    missing = [row.name for row in AGENCY_BY_KEY.values() if row.credit_code not in by_code]
    if missing:
        raise DemoCityMissing(f"load the demo city first; missing agencies: {missing[:3]}")
    return {key: by_code[row.credit_code] for key, row in AGENCY_BY_KEY.items()}


# --- the wanted and the stored content of a version, in one comparable shape --------------


def _option_refs(row: data.ItemRow) -> dict[str, tuple[int, int]]:
    """``"<question key>:<answer>"`` → (question order, answer order)."""
    return {
        f"{question.key}:{option.text}": (q_order, o_order)
        for q_order, question in enumerate(row.questions, start=1)
        for o_order, option in enumerate(question.options, start=1)
    }


def _wanted_fields(row: data.ItemRow, agencies: dict[str, Agency]) -> dict[str, Any]:
    delegating = agencies[row.delegating_agency_key] if row.delegating_agency_key else None
    return {
        "name": row.name,
        "item_type": row.item_type,
        "keywords": row.keywords,
        "legal_basis": row.legal_basis,
        "power_source": row.power_source,
        "delegating_agency_id": delegating.pk if delegating else None,
        "levels": list(row.levels),
        "acceptance_conditions": row.acceptance_conditions,
        "case_type": row.case_type,
        "statutory_limit": row.statutory_limit,
        "statutory_limit_unit": row.statutory_limit_unit,
        "promised_limit": row.promised_limit,
        "promised_limit_unit": row.promised_limit_unit,
        "special_procedures": row.special_procedures,
        "fee_required": row.fee_required,
        "fee_description": row.fee_description,
        "online_depth": row.online_depth,
        "onsite_visits": row.onsite_visits,
        "handling_modes": list(row.handling_modes),
        "reach": row.reach,
        "target_applicants": list(row.target_applicants),
        "procedure": row.procedure,
        "location": row.location,
        "contact": row.contact,
        "commitment_notice": row.commitment_notice,
        "commitment_check_days": row.commitment_check_days,
    }


def _wanted(row: data.ItemRow, agencies: dict[str, Agency]) -> tuple:
    refs = _option_refs(row)
    questions = tuple(
        (
            q_order,
            question.text,
            tuple(
                (o_order, option.text, option.promised_limit, option.fee, option.conditions)
                for o_order, option in enumerate(question.options, start=1)
            ),
        )
        for q_order, question in enumerate(row.questions, start=1)
    )
    materials = tuple(
        (
            order,
            material.name,
            material.kind,
            material.copies,
            material.necessity,
            material.source,
            material.shared_source,
            material.shared_check,
            material.acceptance_standard,
            material.commitment_waivable,
            tuple(sorted(refs[ref] for ref in material.when)),
        )
        for order, material in enumerate(row.materials, start=1)
    )
    supervising = tuple(sorted(agencies[key].pk for key in row.supervising_keys))
    fields = _wanted_fields(row, agencies)
    steps = tuple((order, *step) for order, step in enumerate(row.steps, start=1))
    return (
        tuple(fields[name] for name in VERSION_FIELDS),
        supervising,
        questions,
        materials,
        steps,
    )


def _stored(version_ids: list[int]) -> dict[int, tuple]:
    """The comparable content of each version, read in six queries."""
    fields = {
        values["id"]: tuple(values[name] for name in VERSION_FIELDS)
        for values in ItemVersion.objects.filter(pk__in=version_ids).values("id", *VERSION_FIELDS)
    }
    supervising: dict[int, list[int]] = defaultdict(list)
    for version_id, agency_id in SupervisingLink.objects.filter(
        itemversion_id__in=version_ids
    ).values_list("itemversion_id", "agency_id"):
        supervising[version_id].append(agency_id)
    questions: dict[int, list[tuple]] = defaultdict(list)
    question_order: dict[int, int] = {}
    for pk, version_id, order, text in SituationQuestion.objects.filter(
        version_id__in=version_ids
    ).values_list("pk", "version_id", "order", "text"):
        questions[version_id].append((order, pk, text))
        question_order[pk] = order
    options: dict[int, list[tuple]] = defaultdict(list)
    option_ref: dict[int, tuple[int, int]] = {}
    for pk, question_id, order, *rest in SituationOption.objects.filter(
        question__version_id__in=version_ids
    ).values_list(*OPTION_FIELDS):
        options[question_id].append((order, pk, tuple(rest)))
        option_ref[pk] = (question_order[question_id], order)
    links: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for material_id, option_id in AppliesWhenLink.objects.filter(
        material__version_id__in=version_ids
    ).values_list("material_id", "situationoption_id"):
        links[material_id].append(option_ref.get(option_id, (0, option_id)))
    materials: dict[int, list[tuple]] = defaultdict(list)
    for pk, version_id, order, *rest in Material.objects.filter(
        version_id__in=version_ids
    ).values_list(*MATERIAL_FIELDS):
        materials[version_id].append((order, pk, (*rest, tuple(sorted(links[pk])))))

    steps: dict[int, list[tuple]] = defaultdict(list)
    for version_id, order, kind, role, share in ReviewStep.objects.filter(
        version_id__in=version_ids
    ).values_list("version_id", "order", "kind", "role", "share"):
        steps[version_id].append((order, kind, role, share))

    def content(version_id: int) -> tuple:
        return (
            fields[version_id],
            tuple(sorted(supervising[version_id])),
            tuple(
                (
                    order,
                    text,
                    tuple(
                        (o_order, *values) for o_order, _pk, values in sorted(options[question_id])
                    ),
                )
                for order, question_id, text in sorted(questions[version_id])
            ),
            tuple((order, *values) for order, _pk, values in sorted(materials[version_id])),
            tuple(sorted(steps[version_id])),
        )

    return {version_id: content(version_id) for version_id in fields}


# --- writing -------------------------------------------------------------------------------


def _sync_items(counts: Counter, updated: set[int], agencies: dict[str, Agency]) -> dict[str, Item]:
    existing = {
        item.impl_code: item
        for item in Item.objects.filter(impl_code__in=[row.impl_code for row in data.ITEMS])
    }
    new: list[Item] = []
    by_key: dict[str, Item] = {}
    for row in data.ITEMS:
        values = {
            "catalog_code": row.catalog_code,
            "agency_id": agencies[row.agency_key].pk,
            "handling_item_code": "",
            "cancelled_on": None,
        }
        item = existing.get(row.impl_code)
        if item is None:
            item = Item(impl_code=row.impl_code, **values)
            item.clean_fields(exclude=["agency"])
            new.append(item)
        else:
            changed = [name for name, value in values.items() if getattr(item, name) != value]
            if changed:
                for name in changed:
                    setattr(item, name, values[name])
                item.save(update_fields=[name.removesuffix("_id") for name in changed])
                updated.add(item.pk)
        by_key[row.key] = item
    Item.objects.bulk_create(new)
    counts[f"items_{CREATED}"] += len(new)
    return by_key


def _sync_versions(
    counts: Counter, updated: set[int], items: dict[str, Item], agencies: dict[str, Agency]
) -> None:
    item_ids = [item.pk for item in items.values()]
    latest: dict[int, int] = {}  # item → its latest published version
    for version_id, item_id in (
        ItemVersion.objects.filter(item_id__in=item_ids, status=ItemVersion.Status.PUBLISHED)
        .order_by("item_id", "number")
        .values_list("pk", "item_id")
    ):
        latest[item_id] = version_id
    stored = _stored(list(latest.values()))
    numbers = dict(
        ItemVersion.objects.filter(item_id__in=item_ids)
        .values("item_id")
        .annotate(last=Max("number"))
        .values_list("item_id", "last")
    )
    being_edited = set(
        ItemVersion.objects.filter(item_id__in=item_ids, status__in=OPEN).values_list(
            "item_id", flat=True
        )
    )
    today = timezone.localdate()
    plans: list[tuple[data.ItemRow, ItemVersion]] = []
    for row in data.ITEMS:
        item = items[row.key]
        version_id = latest.get(item.pk)
        if version_id is not None and stored[version_id] == _wanted(row, agencies):
            continue
        if item.pk in being_edited:
            continue
        number = numbers.get(item.pk, 0) + 1
        first = number == 1
        version = ItemVersion(
            item=item,
            number=number,
            status=ItemVersion.Status.DRAFT,
            # A replacement takes effect now; the first version on the catalog's start date.
            effective_from=data.EFFECTIVE_FROM if first else max(data.EFFECTIVE_FROM, today),
            change_note="演示数据 demo data" if first else "演示数据更新 demo data refreshed",
            **_wanted_fields(row, agencies),
        )
        version.clean_fields(exclude=["item", "delegating_agency", "published_by"])
        plans.append((row, version))
        if not first:
            updated.add(item.pk)
    if plans:
        _build(counts, plans, agencies)


def _build(
    counts: Counter, plans: list[tuple[data.ItemRow, ItemVersion]], agencies: dict[str, Agency]
) -> None:
    """Create the drafts with everything in them (a few bulk inserts), then publish each."""
    versions = ItemVersion.objects.bulk_create([version for _row, version in plans])
    SupervisingLink.objects.bulk_create(
        SupervisingLink(itemversion_id=version.pk, agency_id=agencies[key].pk)
        for (row, _planned), version in zip(plans, versions, strict=True)
        for key in row.supervising_keys
    )
    questions: list[tuple[data.QuestionRow, SituationQuestion]] = []
    for (row, _planned), version in zip(plans, versions, strict=True):
        for order, question in enumerate(row.questions, start=1):
            questions.append(
                (question, SituationQuestion(version=version, order=order, text=question.text))
            )
    SituationQuestion.objects.bulk_create([question for _row, question in questions])
    options: dict[tuple[int, str], SituationOption] = {}  # (version, "key:answer") → answer
    for question_row, question in questions:
        for order, option in enumerate(question_row.options, start=1):
            options[(question.version_id, f"{question_row.key}:{option.text}")] = SituationOption(
                question=question,
                order=order,
                text=option.text,
                promised_limit=option.promised_limit,
                fee_description=option.fee,
                conditions=option.conditions,
            )
    SituationOption.objects.bulk_create(options.values())
    materials: list[tuple[data.MaterialRow, Material]] = []
    for (row, _planned), version in zip(plans, versions, strict=True):
        for order, material in enumerate(row.materials, start=1):
            materials.append(
                (
                    material,
                    Material(
                        version=version,
                        order=order,
                        name=material.name,
                        kind=material.kind,
                        copies=material.copies,
                        necessity=material.necessity,
                        source=material.source,
                        shared_source=material.shared_source,
                        shared_check=material.shared_check,
                        acceptance_standard=material.acceptance_standard,
                        commitment_waivable=material.commitment_waivable,
                    ),
                )
            )
    for _row, material in materials:
        material.clean_fields(exclude=["version", "blank_form", "sample"])
    Material.objects.bulk_create([material for _row, material in materials])
    AppliesWhenLink.objects.bulk_create(
        AppliesWhenLink(
            material_id=material.pk,
            situationoption_id=options[(material.version_id, ref)].pk,
        )
        for material_row, material in materials
        for ref in material_row.when
    )
    ReviewStep.objects.bulk_create(
        ReviewStep(version=version, order=order, kind=kind, role=role, share=share)
        for (row, _planned), version in zip(plans, versions, strict=True)
        for order, (kind, role, share) in enumerate(row.steps, start=1)
    )
    published_at = timezone.now()
    for version in versions:
        version.status = ItemVersion.Status.PUBLISHED
        version.published_at = published_at
        version.save(update_fields=["status", "published_at"])
    counts[f"item_versions_{CREATED}"] += len(versions)
    counts[f"situation_questions_{CREATED}"] += len(questions)
    counts[f"materials_{CREATED}"] += len(materials)


def _sync_delegations(counts: Counter, items: dict[str, Item], agencies: dict[str, Agency]) -> None:
    regions = {
        region.code: region
        for region in Region.objects.filter(code__in={row.region_code for row in data.DELEGATIONS})
    }
    existing = {
        (delegation.item_id, delegation.region_id): delegation
        for delegation in Delegation.objects.filter(
            item__in=[items[row.item_key] for row in data.DELEGATIONS], ended_on=None
        )
    }
    for row in data.DELEGATIONS:
        item, region = items[row.item_key], regions[row.region_code]
        values = {
            "handling_agency_id": agencies[row.agency_key].pk,
            "effective_from": data.DELEGATED_FROM,
        }
        delegation = existing.get((item.pk, region.pk))
        if delegation is None:
            Delegation.objects.create(item=item, region=region, **values)
            counts[f"delegations_{CREATED}"] += 1
            continue
        changed = {
            name: value for name, value in values.items() if getattr(delegation, name) != value
        }
        if changed:
            for name, value in changed.items():
                setattr(delegation, name, value)
            delegation.save(update_fields=[name.removesuffix("_id") for name in changed])
            counts[f"delegations_{UPDATED}"] += 1


def load_demo_catalog() -> dict[str, int]:
    """Create or bring up to date the demo catalog; return ``{"<kind>_created": n, ...}``."""
    counts: Counter[str] = Counter()
    with transaction.atomic():
        agencies = _agencies()
        updated: set[int] = set()  # items whose row or content changed
        items = _sync_items(counts, updated, agencies)
        _sync_versions(counts, updated, items, agencies)
        counts[f"items_{UPDATED}"] = len(updated)
        _sync_delegations(counts, items, agencies)
    return {
        f"{kind}_{state}": counts[f"{kind}_{state}"]
        for kind in KINDS
        for state in (CREATED, UPDATED)
    }


__all__ = ["KINDS", "DemoCityMissing", "load_demo_catalog"]
