"""``/api/v1/training``: lessons per item, marking them studied, a hall's study gaps."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from tongban.catalog.models import Item
from tongban.core.api import ErrorOut
from tongban.org import policy
from tongban.org.api_auth import AUTH
from tongban.org.models import ServicePoint

from . import actions, queries
from .models import Lesson


class LessonOut(Schema):
    id: int
    item_code: str
    title: str
    body: str
    minutes: int
    done: bool = False


class LessonIn(Schema):
    item_code: str
    title: str
    body: str
    minutes: int = 30


class GapOut(Schema):
    username: str
    full_name: str
    lesson_id: int
    lesson: str
    delegated_on: dt.date


router = Router(tags=["training"])


def _out(lesson: Lesson, done: set[int]) -> dict:
    return {
        "id": lesson.pk,
        "item_code": lesson.item.impl_code,
        "title": lesson.title,
        "body": lesson.body,
        "minutes": lesson.minutes,
        "done": lesson.pk in done,
    }


@router.get("/lessons", response={200: list[LessonOut], 403: ErrorOut}, auth=AUTH)
@paginate(PageNumberPagination)
def list_lessons(request, item_code: str = ""):
    policy.require(request.principal, "training.view_lessons")
    lessons = Lesson.objects.select_related("item")
    if item_code:
        lessons = lessons.filter(item__impl_code=item_code)
    done = set(request.principal.user.lesson_completions.values_list("lesson_id", flat=True))
    return [_out(lesson, done) for lesson in lessons]


@router.post("/lessons", response={201: LessonOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH)
def add_lesson(request, payload: LessonIn):
    item = get_object_or_404(Item, impl_code=payload.item_code)
    lesson = actions.add_lesson(
        request.principal, item, title=payload.title, body=payload.body, minutes=payload.minutes
    )
    return Status(201, _out(lesson, set()))


@router.post(
    "/lessons/{lesson_id}/done", response={200: LessonOut, 403: ErrorOut, 404: ErrorOut}, auth=AUTH
)
def complete(request, lesson_id: int):
    lesson = get_object_or_404(Lesson.objects.select_related("item"), pk=lesson_id)
    actions.complete_lesson(request.principal, lesson)
    return _out(lesson, {lesson.pk})


@router.get(
    "/service-points/{point_id}/gaps",
    response={200: list[GapOut], 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
@paginate(PageNumberPagination)
def gaps(request, point_id: int, since_days: int = 90):
    """Staff of a hall who have not studied the lessons of items newly delegated to it."""
    point = get_object_or_404(ServicePoint.objects.select_related("region"), pk=point_id)
    policy.require(request.principal, "training.view_status", point)
    return [
        {
            "username": g.user.username,
            "full_name": g.user.full_name,
            "lesson_id": g.lesson.pk,
            "lesson": g.lesson.title,
            "delegated_on": g.delegated_on,
        }
        for g in queries.study_gaps(point, since_days=since_days)
    ]
