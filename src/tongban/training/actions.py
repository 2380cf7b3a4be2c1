"""Adding lessons and recording studies: audited, policy-checked."""

from django.db import IntegrityError, transaction

from tongban.catalog.models import Item
from tongban.core import audit
from tongban.org import policy
from tongban.org.policy import Principal

from .models import Completion, Lesson


def add_lesson(
    principal: Principal, item: Item, *, title: str, body: str, minutes: int = 30
) -> Lesson:
    policy.require(principal, "training.add_lesson", item)
    with transaction.atomic():
        lesson = Lesson.objects.create(item=item, title=title.strip(), body=body, minutes=minutes)
        audit.record(
            "training.add_lesson", lesson, changes={"item": item.impl_code}, actor=principal.actor
        )
    return lesson


def complete_lesson(principal: Principal, lesson: Lesson) -> Completion:
    """Record that the principal studied the lesson (idempotent)."""
    policy.require(principal, "training.complete_lesson", lesson)
    existing = Completion.objects.filter(lesson=lesson, user=principal.user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            completion = Completion.objects.create(lesson=lesson, user=principal.user)
            audit.record("training.complete", lesson, actor=principal.actor)
    except IntegrityError:  # recorded by a second click a moment ago
        return Completion.objects.get(lesson=lesson, user=principal.user)
    return completion
