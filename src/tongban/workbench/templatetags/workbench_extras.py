"""Template filters for workbench pages."""

from django import template
from django.utils.translation import pgettext

from ..lookup import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(phone: str) -> str:
    """Partly hidden phone number: enough to confirm with the person at the window."""
    return _mask_phone(phone or "")


@register.filter
def usual_windows(assignments) -> str:
    """The usual windows of a staff member's assignments, e.g. ``A01 综合受理窗口``."""
    separator = pgettext("list separator", ", ")
    return separator.join(
        f"{a.window.number} {a.window.name}" for a in assignments if a.window_id is not None
    )
