"""How the guidance pages word a bundle's combined time limit and the answers given."""

from django import template
from django.utils.translation import pgettext

from tongban.catalog.models import ItemVersion

from .portal_items import time_limit

register = template.Library()

HOURS_PER_DAY = 8


def days_text(days: float) -> str:
    """``5 个工作日``; under a day in working hours (half a day: ``4 个工作小时``); a
    fraction of more than a day as a decimal (``1.5 个工作日``)."""
    if days < 1:
        return time_limit(round(days * HOURS_PER_DAY), ItemVersion.LimitUnit.WORKING_HOURS)
    if days == int(days):
        return time_limit(int(days), ItemVersion.LimitUnit.WORKING_DAYS)
    return pgettext("time limit", "%(days)s working days") % {"days": f"{round(days, 2):g}"}


@register.simple_tag
def parallel_limit(days: float) -> str:
    """``并联办理，最长 5 个工作日``: the items of a bundle run side by side."""
    if days <= 0:
        return pgettext("bundle time limit", "Handled in parallel, all on the spot")
    return pgettext("bundle time limit", "Handled in parallel: at most %(limit)s") % {
        "limit": days_text(days)
    }


@register.filter
def pairs_text(answers: dict) -> str:
    """``经营场所权属：租赁；网络销售：否`` (the question's own ? dropped)."""
    separator = pgettext("list of answers", "; ")
    return separator.join(
        pgettext("question and answer", "%(question)s: %(answer)s")
        % {"question": question.rstrip("?？ "), "answer": answer}
        for question, answer in answers.items()
    )


@register.filter
def names_list(names) -> str:
    return pgettext("list separator", ", ").join(str(name) for name in names)
