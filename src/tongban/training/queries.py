"""Who has not yet studied the lessons of items newly handed down to their hall."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from tongban.catalog.models import Delegation
from tongban.org.models import ServicePoint, User

from .models import Completion, Lesson


@dataclass
class StudyGap:
    user: User
    lesson: Lesson
    delegated_on: dt.date


def lessons_for_region(region, *, since_days: int = 90) -> dict[int, tuple[Lesson, dt.date]]:
    """Lessons of items delegated to ``region`` (or its parents) in the last ``since_days``."""
    since = timezone.localdate() - dt.timedelta(days=since_days)
    regions = [region, *region.ancestors()]
    delegations = Delegation.objects.filter(
        region__in=regions, effective_from__gte=since, ended_on__isnull=True
    ).values_list("item_id", "effective_from")
    delegated = dict(delegations)
    return {
        lesson.pk: (lesson, delegated[lesson.item_id])
        for lesson in Lesson.objects.filter(item_id__in=delegated).select_related("item")
    }


def study_gaps(service_point: ServicePoint, *, since_days: int = 90) -> list[StudyGap]:
    lessons = lessons_for_region(service_point.region, since_days=since_days)
    staff = list(
        User.objects.filter(
            Q(assignments__service_point=service_point), kind=User.Kind.STAFF, is_active=True
        )
        .distinct()
        .order_by("username")
    )
    done = set(
        Completion.objects.filter(lesson_id__in=lessons, user__in=staff).values_list(
            "lesson_id", "user_id"
        )
    )
    return [
        StudyGap(user=user, lesson=lesson, delegated_on=delegated_on)
        for lesson, delegated_on in sorted(lessons.values(), key=lambda pair: pair[1], reverse=True)
        for user in staff
        if (lesson.pk, user.pk) not in done
    ]
