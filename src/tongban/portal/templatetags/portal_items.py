"""How the service guide words an item's codes and numbers for the public."""

from django import template
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from tongban.catalog.models import ItemVersion

register = template.Library()

TARGET_APPLICANTS = {
    "person": pgettext_lazy("target applicant", "Natural persons"),
    "enterprise": pgettext_lazy("target applicant", "Enterprises"),
    "organisation": pgettext_lazy("target applicant", "Other organisations"),
}
HANDLING_MODES = {
    "window": pgettext_lazy("handling mode", "At a service window"),
    "online": pgettext_lazy("handling mode", "Online"),
    "mail": pgettext_lazy("handling mode", "By post"),
}
LEVELS = {
    "national": pgettext_lazy("exercising level", "National"),
    "province": pgettext_lazy("exercising level", "Province"),
    "city": pgettext_lazy("exercising level", "City"),
    "county": pgettext_lazy("exercising level", "County"),
    "township": pgettext_lazy("exercising level", "Township"),
    "village": pgettext_lazy("exercising level", "Village"),
}
DEPTHS = {
    1: pgettext_lazy("online depth", "Level Ⅰ"),
    2: pgettext_lazy("online depth", "Level Ⅱ"),
    3: pgettext_lazy("online depth", "Level Ⅲ"),
    4: pgettext_lazy("online depth", "Level Ⅳ"),
}
DEPTH_MEANINGS = {
    1: pgettext_lazy("online depth", "The guide is online; apply in person at a hall."),
    2: pgettext_lazy(
        "online depth", "Pre-check online, then bring the originals to a hall once it passes."
    ),
    3: pgettext_lazy("online depth", "Apply and be accepted online; at most one visit."),
    4: pgettext_lazy("online depth", "Entirely online; no visit needed."),
}


def _labels(values, names: dict) -> str:
    separator = pgettext("list separator", ", ")
    return separator.join(str(names.get(value, value)) for value in values or [])


@register.filter
def target_applicants(values) -> str:
    return _labels(values, TARGET_APPLICANTS)


@register.filter
def handling_modes(values) -> str:
    return _labels(values, HANDLING_MODES)


@register.filter
def levels(values) -> str:
    return _labels(values, LEVELS)


@register.filter
def depth(value: int) -> str:
    return str(DEPTHS.get(value, value))


@register.filter
def depth_meaning(value: int) -> str:
    return str(DEPTH_MEANINGS.get(value, ""))


@register.filter
def visits(count: int) -> str:
    if count == 0:
        return pgettext("on-site visits", "None: no need to come in person")
    return ngettext("%(count)d visit", "%(count)d visits", count) % {"count": count}


@register.simple_tag
def time_limit(count: int, unit: str) -> str:
    """``5 个工作日``, ``4 个工作小时``; an instant case promising 0 is done on the spot."""
    if count == 0:
        return pgettext("time limit", "On the spot")
    if unit == ItemVersion.LimitUnit.WORKING_HOURS:
        text = ngettext("%(count)d working hour", "%(count)d working hours", count)
    else:
        text = ngettext("%(count)d working day", "%(count)d working days", count)
    return text % {"count": count}


@register.filter
def join_names(objects) -> str:
    separator = pgettext("list separator", ", ")
    return separator.join(str(obj) for obj in objects)


@register.filter
def answers_text(options) -> str:
    """``经营场所权属：自有房产或租赁；网络销售：是``: the question's own ? dropped, answers
    to one question joined by "or" (any of them), questions by "; " (each of them)."""
    by_question: dict[int, tuple[str, list[str]]] = {}
    for option in options:
        question = option.question
        by_question.setdefault(question.pk, (question.text.rstrip("?？ "), []))[1].append(
            option.text
        )
    alternatives = pgettext("alternative answers", " or ")
    separator = pgettext("list of answers", "; ")
    return separator.join(
        pgettext("question and answer", "%(question)s: %(answer)s")
        % {"question": question, "answer": alternatives.join(answers)}
        for question, answers in by_question.values()
    )
