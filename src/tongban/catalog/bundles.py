"""A bundle's combined guide: one questionnaire, one merged material list, one limit.

A question several items ask (same text) is asked once; a material several items need
(same name) is asked for once, and the guide says which items it serves.
"""

import re
from dataclasses import dataclass, field

from .actions import current_version
from .guide import guide_for
from .models import Bundle, ItemVersion, Material, SituationQuestion


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
class BundleGuide:
    bundle: Bundle
    versions: list[ItemVersion]
    materials: list[MergedMaterial]
    promised_limit_days: float
    agencies: list[str]
    item_limits: dict[str, str]


def versions_of(bundle: Bundle) -> list[ItemVersion]:
    return [
        version
        for entry in bundle.entries.select_related("item__agency")
        if (version := current_version(entry.item)) is not None
    ]


def questions_of(bundle: Bundle) -> list[CombinedQuestion]:
    combined: dict[str, CombinedQuestion] = {}
    for version in versions_of(bundle):
        for question in version.questions.prefetch_related("options"):
            entry = combined.setdefault(question.text, CombinedQuestion(question.text, []))
            entry.questions.append(question)
            for option in question.options.all():
                if option.text not in entry.options:
                    entry.options.append(option.text)
    return list(combined.values())


def _in_days(limit: int, unit: str) -> float:
    # Half-day promises are counted in working hours; a working day has 8 of them.
    return limit / 8 if unit == ItemVersion.LimitUnit.WORKING_HOURS else float(limit)


def bundle_guide(bundle: Bundle, answers: dict[str, str]) -> BundleGuide:
    """``answers`` maps a question's text to the chosen answer's text."""
    merged: dict[str, MergedMaterial] = {}
    limits: dict[str, str] = {}
    longest = 0.0
    versions = versions_of(bundle)
    for version in versions:
        chosen = [
            option.pk
            for question in version.questions.prefetch_related("options")
            for option in question.options.all()
            if answers.get(question.text) == option.text
        ]
        guide = guide_for(version, chosen)
        for material in guide.materials:
            key = material_key(material.name)
            entry = merged.setdefault(key, MergedMaterial(material.name, [], []))
            entry.materials.append(material)
            if version not in entry.versions:
                entry.versions.append(version)
        days = _in_days(guide.promised_limit, version.promised_limit_unit)
        longest = max(longest, days)
        limits[version.name] = f"{guide.promised_limit} {version.get_promised_limit_unit_display()}"
    return BundleGuide(
        bundle=bundle,
        versions=versions,
        materials=list(merged.values()),
        promised_limit_days=float(bundle.promised_limit) if bundle.promised_limit else longest,
        agencies=list(dict.fromkeys(v.item.agency.name for v in versions)),
        item_limits=limits,
    )
