"""Changes to the catalog: drafting, review, publication, cancellation, delegation.

Each is one transaction with the item's row locked, checked by the policy and audited.
A published version is never edited: a change is a new draft copied from it.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.core import audit, sql
from tongban.org import policy
from tongban.org.models import Agency, Region
from tongban.org.policy import Principal

from . import search
from .models import Delegation, Item, ItemVersion, Material, SituationQuestion
from .transitions import require_transition


def _lock(item: Item) -> Item:
    return Item.objects.select_for_update().get(pk=item.pk)


def current_version(item: Item, on: dt.date | None = None) -> ItemVersion | None:
    """The published version in force on ``on`` (today by default); none once cancelled."""
    on = on or timezone.localdate()
    if item.cancelled_on is not None and item.cancelled_on <= on:
        return None
    # Every published version, newest first (an item has a few), compiled once: every
    # application asks.
    return next((v for v in _PUBLISHED.rows(item.pk) if v.effective_from <= on), None)


_PUBLISHED = sql.Prepared(
    lambda item_id: ItemVersion.objects.filter(
        item_id=item_id, status=ItemVersion.Status.PUBLISHED
    ).order_by("-effective_from", "-number")
)


def open_draft(item: Item) -> ItemVersion | None:
    return item.versions.exclude(status=ItemVersion.Status.PUBLISHED).first()


def start_draft(principal: Principal, item: Item) -> ItemVersion:
    """A new draft copied from the latest published version (or the open draft itself)."""
    policy.require(principal, "catalog.edit_item", item)
    with transaction.atomic():
        item = _lock(item)
        existing = open_draft(item)
        if existing is not None:
            return existing
        source = (
            item.versions.filter(status=ItemVersion.Status.PUBLISHED).order_by("-number").first()
        )
        if source is None:
            raise ValidationError(
                _("This item has no published version to copy."), code="no_source"
            )
        draft = copy_version(source)
        audit.record(
            "catalog.draft",
            item,
            changes={"version": draft.number, "copied_from": source.number},
            actor=principal.actor,
        )
        return draft


def copy_version(source: ItemVersion) -> ItemVersion:
    """Deep copy: fields, supervising agencies, questions, answers, materials and their links."""
    number = (source.item.versions.aggregate(Max("number"))["number__max"] or 0) + 1
    supervising = list(source.supervising_agencies.all())
    questions = list(source.questions.prefetch_related("options"))
    materials = list(source.materials.prefetch_related("applies_when"))
    steps = list(source.steps.all())
    draft = ItemVersion.objects.get(pk=source.pk)
    draft._loaded_status = None  # a new row, not the published one
    draft.pk = None
    draft.number = number
    draft.status = ItemVersion.Status.DRAFT
    draft.effective_from = None
    draft.published_at = None
    draft.published_by = None
    draft.submitted_by = None
    draft.change_note = ""
    draft.save()
    draft.supervising_agencies.set(supervising)
    option_map = {}
    for question in questions:
        options = list(question.options.all())
        new_question = SituationQuestion.objects.create(
            version=draft, order=question.order, text=question.text
        )
        for option in options:
            old_pk = option.pk
            option.pk = None
            option.question = new_question
            option.save()
            option_map[old_pk] = option
    for material in materials:
        links = [option_map[o.pk] for o in material.applies_when.all()]
        material.pk = None
        material.version = draft
        material.save()
        material.applies_when.set(links)
    for step in steps:
        step.pk = None
        step.version = draft
        step.save()
    return draft


def submit_for_review(
    principal: Principal, version: ItemVersion, *, change_note: str
) -> ItemVersion:
    policy.require(principal, "catalog.edit_item", version.item)
    if not change_note.strip():
        raise ValidationError(_("Say what changed before submitting for review."), code="note")
    return _move(principal, version, "submit", change_note=change_note.strip())


def send_back(principal: Principal, version: ItemVersion, *, reason: str) -> ItemVersion:
    policy.require(principal, "catalog.publish_item", version.item)
    if not reason.strip():
        raise ValidationError(_("Give the reason for sending the draft back."), code="reason")
    return _move(principal, version, "send_back", reason=reason.strip())


def publish(principal: Principal, version: ItemVersion, *, effective_from: dt.date) -> ItemVersion:
    """Publish a reviewed draft. Its author may not publish it (four-eyes rule)."""
    policy.require(principal, "catalog.publish_item", version.item)
    if effective_from < timezone.localdate():
        raise ValidationError(_("The effective date cannot lie in the past."), code="past")
    return _move(principal, version, "publish", effective_from=effective_from)


def _move(principal: Principal, version: ItemVersion, transition: str, **details) -> ItemVersion:
    with transaction.atomic():
        _lock(version.item)
        version = ItemVersion.objects.select_for_update().get(pk=version.pk)
        target = require_transition(version.status, transition)
        before = version.status
        if transition == "publish":
            submitter = (
                audit.AuditEntry.objects.filter(
                    action="catalog.submit",
                    object_type="catalog.itemversion",
                    object_id=str(version.pk),
                )
                .order_by("-sequence")
                .values_list("actor_user_id", flat=True)
                .first()
            )
            if principal.user is not None and submitter == principal.user.pk:
                raise policy.OutOfScope(_("Someone other than the author must publish a draft."))
            version.effective_from = details["effective_from"]
            version.published_at = timezone.now()
            version.published_by = principal.user
        if transition == "submit":
            version.change_note = details["change_note"]
            version.submitted_by = principal.user
        version.status = target
        version.save()
        if target == ItemVersion.Status.PUBLISHED:
            search.index_item(version.item)
        audit.record(
            f"catalog.{transition}",
            version,
            changes={"status": [before, target], **{k: str(v) for k, v in details.items()}},
            actor=principal.actor,
        )
    return version


def cancel_item(principal: Principal, item: Item, *, on: dt.date, reason: str) -> Item:
    policy.require(principal, "catalog.publish_item", item)
    if not reason.strip():
        raise ValidationError(_("Give the legal reason for cancelling the item."), code="reason")
    with transaction.atomic():
        item = _lock(item)
        if item.cancelled_on is not None:
            raise ValidationError(_("This item is already cancelled."), code="cancelled")
        item.cancelled_on = on
        item.save(update_fields=["cancelled_on"])
        search.index_item(item)
        audit.record(
            "catalog.cancel",
            item,
            changes={"cancelled_on": on.isoformat(), "reason": reason},
            actor=principal.actor,
        )
    return item


def delegate_item(
    principal: Principal,
    item: Item,
    *,
    region: Region,
    handling_agency: Agency,
    effective_from: dt.date,
) -> Delegation:
    """Hand an item down to a lower level (e.g. a county approval bureau)."""
    policy.require(principal, "catalog.publish_item", item)
    if handling_agency.region_id != region.pk:
        raise ValidationError(
            _("The handling agency must belong to the chosen region."), code="region"
        )
    if region.level <= item.agency.region.level:
        raise ValidationError(
            _("An item can only be handed down to a lower level than its agency's."), code="level"
        )
    with transaction.atomic():
        _lock(item)
        delegation, created = Delegation.objects.get_or_create(
            item=item,
            region=region,
            ended_on=None,
            defaults={"handling_agency": handling_agency, "effective_from": effective_from},
        )
        if not created:
            raise ValidationError(
                _("The item is already delegated to this region."), code="duplicate"
            )
        audit.record(
            "catalog.delegate",
            item,
            changes={
                "region": region.code,
                "agency": handling_agency.credit_code,
                "effective_from": effective_from.isoformat(),
            },
            actor=principal.actor,
        )
    return delegation


__all__ = [
    "Material",
    "cancel_item",
    "copy_version",
    "current_version",
    "delegate_item",
    "publish",
    "send_back",
    "start_draft",
    "submit_for_review",
]
