"""Template helpers for decision rules: JSON shown readably, outcome labels."""

import json
from typing import Any

from django import template

from tongban.rules.models import Outcome

register = template.Library()


@register.filter
def as_json(value: Any) -> str:
    """``value`` as indented JSON (Chinese kept readable); autoescaped by the template."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


@register.filter
def outcome_label(value: str) -> str:
    """The translated label of an outcome code (approve / refer / error)."""
    try:
        return str(Outcome(value).label)
    except ValueError:
        return value
