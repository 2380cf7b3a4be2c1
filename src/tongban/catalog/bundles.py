"""A bundle's combined guide: one questionnaire, one merged material list, one limit.

A question several items ask (same text) is asked once; a material several items need
(same name, see ``material_key``) is asked for once, and the guide says which items it
serves. Everything is read in a fixed number of queries however many items the bundle
holds: ``load`` (four) reads the items' versions in force with their questions, and
``narrow`` (two more) their materials. The API and the portal both use these.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from .guide import Guide, IncompleteAnswers, compose, versions_in_force
from .models import (
    Bundle,
    BundleItem,
    ItemVersion,
    Material,
    SituationOption,
    SituationQuestion,
)

HOURS_PER_DAY = 8  # half-day promises are counted in working hours


def material_key(name: str) -> str:
    """Names differ in brackets and spacing between departments: 营业执照（副本） = 营业执照."""
    return re.sub(r"[\s（）()【】\[\]]|副本|正本", "", name)


@dataclass
class MergedMaterial:
    name: str
    materials: list[Material]
    versions: list[ItemVersion]

    @property
    def verifiable(self) -> bool:
        return all(m.verifiable for m in self.materials)


@dataclass
class CombinedQuestion:
    text: str
    options: list[str]
    questions: list[SituationQuestion] = field(default_factory=list)


@dataclass
class LoadedBundle:
    """A bundle with its items' versions in force (bundle order) and the merged questions."""

    bundle: Bundle
    versions: list[ItemVersion]
    questions: list[CombinedQuestion]

    @property
    def agencies(self) -> list:
        return list(dict.fromkeys(version.item.agency for version in self.versions))

    @property
    def longest_days(self) -> float:
        """The most the bundle can take, before any answer (an answer may lengthen a promise)."""
        if self.bundle.promised_limit:
            return float(self.bundle.promised_limit)
        longest = 0.0
        for version in self.versions:
            limits = [version.promised_limit] + [
                option.promised_limit
                for question in version.questions.all()
                for option in question.options.all()
                if option.promised_limit is not None
            ]
            longest = max(longest, in_days(max(limits), version.promised_limit_unit))
        return longest


@dataclass
class BundleGuide:
    bundle: Bundle
    versions: list[ItemVersion]
    materials: list[MergedMaterial]
    promised_limit_days: float
    agencies: list[str]
    item_limits: dict[str, str]
    guides: list[Guide] = field(default_factory=list)  # one per version, same order


def in_days(limit: int, unit: str) -> float:
    return limit / HOURS_PER_DAY if unit == ItemVersion.LimitUnit.WORKING_HOURS else float(limit)


def load(bundle: Bundle, today: dt.date | None = None) -> LoadedBundle:
    """Four queries: the entries, the versions in force with their agencies, the
    questions, their options."""
    order = {
        item_id: position
        for position, item_id in enumerate(
            BundleItem.objects.filter(bundle=bundle)
            .order_by("order", "pk")
            .values_list("item_id", flat=True)
        )
    }
    versions = list(
        versions_in_force(today or timezone.localdate())
        .filter(item_id__in=list(order))
        .select_related("item__agency")
    )
    versions.sort(key=lambda version: order[version.item_id])
    prefetch_related_objects(
        versions,
        Prefetch(
            "questions",
            SituationQuestion.objects.order_by("order", "pk").prefetch_related(
                Prefetch("options", SituationOption.objects.order_by("order", "pk"))
            ),
        ),
    )
    combined: dict[str, CombinedQuestion] = {}
    preset = bundle.preset_answers or {}
    for version in versions:
        for question in version.questions.all():
            if question.text in preset:
                continue  # the bundle answers it (``Bundle.preset_answers``)
            entry = combined.setdefault(question.text, CombinedQuestion(question.text, []))
            entry.questions.append(question)
            for option in question.options.all():
                if option.text not in entry.options:
                    entry.options.append(option.text)
    return LoadedBundle(bundle, versions, list(combined.values()))


def questions_of(bundle: Bundle) -> list[CombinedQuestion]:
    return load(bundle).questions


def unanswered(loaded: LoadedBundle, answers: dict[str, str]) -> list[SituationQuestion]:
    """Every item's question left without an answer it offers, in questionnaire order.

    An answer one item offers and another item's same question lacks leaves the other's
    question unanswered: it is asked again rather than guessed.
    """
    return [
        asked
        for question in loaded.questions
        for asked in question.questions
        if answers.get(question.text) not in {option.text for option in asked.options.all()}
    ]


def _guide(version: ItemVersion, answers: dict[str, str]) -> Guide:
    """``guide.guide_for`` on prefetched parts, the answers given as texts."""
    chosen_options = [
        option
        for question in version.questions.all()
        for option in question.options.all()
        if answers.get(question.text) == option.text
    ]
    return compose(version, chosen_options, version.materials.all())


def narrow(loaded: LoadedBundle, answers: dict[str, str]) -> BundleGuide:
    """What applies for these answers (question text → answer text); two more queries.

    Raises ``IncompleteAnswers`` naming every unanswered question of every item.
    """
    missing = unanswered(loaded, answers)
    if missing:
        raise IncompleteAnswers(missing)
    answers = {**answers, **(loaded.bundle.preset_answers or {})}
    prefetch_related_objects(
        loaded.versions,
        Prefetch(
            "materials",
            Material.objects.order_by("order", "pk").prefetch_related("applies_when"),
        ),
    )
    guides = [_guide(version, answers) for version in loaded.versions]
    merged: dict[str, MergedMaterial] = {}
    for guide in guides:
        for material in guide.materials:
            entry = merged.setdefault(
                material_key(material.name), MergedMaterial(material.name, [], [])
            )
            entry.materials.append(material)
            if guide.version not in entry.versions:
                entry.versions.append(guide.version)
    if loaded.bundle.promised_limit:
        limit = float(loaded.bundle.promised_limit)
    else:
        limit = max(
            (in_days(g.promised_limit, g.version.promised_limit_unit) for g in guides),
            default=0.0,
        )
    return BundleGuide(
        bundle=loaded.bundle,
        versions=loaded.versions,
        materials=list(merged.values()),
        promised_limit_days=limit,
        agencies=[agency.name for agency in loaded.agencies],
        item_limits={
            g.version.name: f"{g.promised_limit} {g.version.get_promised_limit_unit_display()}"
            for g in guides
        },
        guides=guides,
    )


def bundle_guide(
    bundle: Bundle, answers: dict[str, str], today: dt.date | None = None
) -> BundleGuide:
    """``answers`` maps a question's text to the chosen answer's text."""
    return narrow(load(bundle, today), answers)
