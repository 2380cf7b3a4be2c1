"""What applies to one applicant: the guide narrowed by their situation answers.

A material (or an answer's conditions, limit, fee) with no ``applies_when`` always applies.
One with answers listed applies when, for every question those answers belong to, the
applicant chose one of them, so an unanswered question leaves such a material out.
``strict`` (the default, which the one-time notification needs) refuses unanswered
questions instead of guessing.
"""

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TypeVar

from django.db.models import OuterRef, Q, QuerySet, Subquery

from .models import ItemVersion, Material, SituationOption, SituationQuestion

T = TypeVar("T")


def versions_in_force(today: dt.date) -> QuerySet[ItemVersion]:
    """One row per live item: the version ``actions.current_version`` would return, in
    one query."""
    published = {"status": ItemVersion.Status.PUBLISHED, "effective_from__lte": today}
    latest = (
        ItemVersion.objects.filter(item=OuterRef("item"), **published)
        .order_by("-effective_from", "-number")
        .values("pk")[:1]
    )
    not_cancelled = Q(item__cancelled_on__isnull=True) | Q(item__cancelled_on__gt=today)
    return ItemVersion.objects.filter(not_cancelled, pk=Subquery(latest), **published)


class IncompleteAnswers(ValueError):
    def __init__(self, questions: list[SituationQuestion]) -> None:
        super().__init__(", ".join(q.text for q in questions))
        self.questions = questions


@dataclass
class Guide:
    version: ItemVersion
    answers: list[SituationOption]
    materials: list[Material]
    conditions: list[str] = field(default_factory=list)
    promised_limit: int = 0
    fees: list[str] = field(default_factory=list)


def _answers_by_question(options: Iterable[SituationOption]) -> dict[int, int]:
    return {option.question_id: option.pk for option in options}


def applies(required_options: Iterable[SituationOption], chosen: dict[int, int]) -> bool:
    needed: dict[int, set[int]] = defaultdict(set)
    for option in required_options:
        needed[option.question_id].add(option.pk)
    return all(chosen.get(question) in options for question, options in needed.items())


# What published versions derive to, per process. A plain dict, not Django's cache: the
# local-memory cache pickles on every read, and every case action reads these. Nothing
# here goes stale (a published version never changes); the size bound only keeps memory
# flat when a long-running process sees many versions.
_published: dict[str, object] = {}
PUBLISHED_ENTRIES = 5000


def derived_from_published(version: ItemVersion, name: str, compute: Callable[[], T]) -> T:
    """What ``compute`` derives from ``version``, kept once read if the version is
    published (it never changes then; the key holds the publication time in case a test
    database reuses the primary key). Drafts are always computed afresh."""
    if version.status != ItemVersion.Status.PUBLISHED:
        return compute()
    stamp = version.published_at.timestamp() if version.published_at else ""
    key = f"{name}:{version.pk}:{stamp}"
    found = _published.get(key)
    if found is None:
        if len(_published) >= PUBLISHED_ENTRIES:
            _published.clear()
        found = _published[key] = compute()
    return found  # type: ignore[return-value]


def published_version(pk: int, load: Callable[[int], ItemVersion | None]) -> ItemVersion | None:
    """The version ``pk`` as ``load`` reads it, kept once read if published. Every case
    action needs its case's version; a published one never changes. Each caller gets its
    own copy, so nothing set on it leaks into another request."""
    key = f"version:{pk}"
    found = _published.get(key)
    if found is None:
        found = load(pk)
        if found is None or found.status != ItemVersion.Status.PUBLISHED:
            return found
        _published[key] = found
    return copy.copy(found)


def forget_published() -> None:
    """Drop everything kept (tests, whose databases reuse keys and frozen times)."""
    _published.clear()


def version_parts(version: ItemVersion) -> tuple[list[SituationQuestion], list[Material]]:
    """The questions (with answers) and materials (with their answers) of a version: every
    case action and guide view needs them."""
    return derived_from_published(
        version,
        "version-parts",
        lambda: (
            list(version.questions.prefetch_related("options")),
            list(version.materials.prefetch_related("applies_when")),
        ),
    )


def guide_for(version: ItemVersion, option_ids: Iterable[int], *, strict: bool = True) -> Guide:
    """The materials, conditions, limit and fee for the chosen answers.

    Reads everything in four queries whatever the number of materials; a published
    version's guide for the same answers is worked out once (every case action asks).
    """
    option_ids = tuple(option_ids)
    kept = derived_from_published(
        version, f"guide:{strict}:{option_ids}", lambda: _guide_for(version, option_ids, strict)
    )
    # Each caller its own lists and its own version object (``published_version``).
    return replace(
        kept,
        version=version,
        answers=list(kept.answers),
        materials=list(kept.materials),
        conditions=list(kept.conditions),
        fees=list(kept.fees),
    )


def _guide_for(version: ItemVersion, option_ids: tuple[int, ...], strict: bool) -> Guide:
    questions, all_materials = version_parts(version)
    options = {option.pk: option for q in questions for option in q.options.all()}
    chosen_options = [options[pk] for pk in option_ids if pk in options]
    chosen = _answers_by_question(chosen_options)
    if strict:
        missing = [q for q in questions if q.pk not in chosen]
        if missing:
            raise IncompleteAnswers(missing)
    return compose(version, chosen_options, all_materials)


def compose(
    version: ItemVersion, chosen_options: list[SituationOption], all_materials: Iterable[Material]
) -> Guide:
    """The guide for answers already chosen: what applies, the limit, conditions and fee."""
    chosen = _answers_by_question(chosen_options)
    materials = [m for m in all_materials if applies(m.applies_when.all(), chosen)]
    overrides = [o.promised_limit for o in chosen_options if o.promised_limit is not None]
    conditions = [version.acceptance_conditions] if version.acceptance_conditions else []
    conditions += [o.conditions for o in chosen_options if o.conditions]
    fees = [o.fee_description for o in chosen_options if o.fee_description]
    if not fees and version.fee_required:
        fees = [version.fee_description]
    return Guide(
        version=version,
        answers=chosen_options,
        materials=materials,
        conditions=conditions,
        promised_limit=max(overrides) if overrides else version.promised_limit,
        fees=fees,
    )
