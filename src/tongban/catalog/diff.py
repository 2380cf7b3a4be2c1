"""What changed between two versions of an item (shown to reviewers and auditors)."""

from dataclasses import dataclass, field
from typing import Any

from .models import ItemVersion

COMPARED_FIELDS = [
    f.name
    for f in ItemVersion._meta.concrete_fields
    if f.name
    not in {
        "id",
        "item",
        "number",
        "status",
        "effective_from",
        "published_at",
        "published_by",
        "submitted_by",
        "change_note",
    }
]
MATERIAL_FIELDS = [
    "kind",
    "copies",
    "necessity",
    "source",
    "shared_source",
    "shared_check",
    "acceptance_standard",
]


@dataclass
class VersionDiff:
    old: ItemVersion
    new: ItemVersion
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    materials_added: list[str] = field(default_factory=list)
    materials_removed: list[str] = field(default_factory=list)
    materials_changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    questions_added: list[str] = field(default_factory=list)
    questions_removed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.fields
            or self.materials_added
            or self.materials_removed
            or self.materials_changed
            or self.questions_added
            or self.questions_removed
        )


def _field_value(version: ItemVersion, name: str) -> Any:
    value = getattr(version, name)
    return value.pk if hasattr(value, "pk") else value


def diff_versions(old: ItemVersion, new: ItemVersion) -> VersionDiff:
    result = VersionDiff(old=old, new=new)
    for name in COMPARED_FIELDS:
        before, after = _field_value(old, name), _field_value(new, name)
        if before != after:
            result.fields[name] = (before, after)
    old_supervisors = set(old.supervising_agencies.values_list("name", flat=True))
    new_supervisors = set(new.supervising_agencies.values_list("name", flat=True))
    if old_supervisors != new_supervisors:
        result.fields["supervising_agencies"] = (sorted(old_supervisors), sorted(new_supervisors))
    old_materials = {m.name: m for m in old.materials.all()}
    new_materials = {m.name: m for m in new.materials.all()}
    result.materials_added = sorted(set(new_materials) - set(old_materials))
    result.materials_removed = sorted(set(old_materials) - set(new_materials))
    for name in sorted(set(old_materials) & set(new_materials)):
        changes = {
            f: (getattr(old_materials[name], f), getattr(new_materials[name], f))
            for f in MATERIAL_FIELDS
            if getattr(old_materials[name], f) != getattr(new_materials[name], f)
        }
        if changes:
            result.materials_changed[name] = changes
    old_questions = set(old.questions.values_list("text", flat=True))
    new_questions = set(new.questions.values_list("text", flat=True))
    result.questions_added = sorted(new_questions - old_questions)
    result.questions_removed = sorted(old_questions - new_questions)
    return result
