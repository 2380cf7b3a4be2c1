"""The lifecycle of an item version, as an explicit table.

draft ──submit──> in_review ──publish──> published   (immutable from here on)
  ^                  │
  └──── send_back ───┘ (rejected: editable again, resubmitted with submit)
"""

from django.utils.translation import gettext_lazy as _

from .models import ItemVersion

S = ItemVersion.Status

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, "submit"): S.IN_REVIEW,
    (S.REJECTED, "submit"): S.IN_REVIEW,
    (S.IN_REVIEW, "publish"): S.PUBLISHED,
    (S.IN_REVIEW, "send_back"): S.REJECTED,
}


class IllegalTransition(ValueError):
    """The move is not in the table; nothing was changed (HTTP 409)."""


def require_transition(status: str, transition: str) -> str:
    try:
        return TRANSITIONS[(status, transition)]
    except KeyError:
        raise IllegalTransition(
            _("A version that is %(status)s cannot be %(transition)s.")
            % {"status": S(status).label, "transition": transition}
        ) from None
