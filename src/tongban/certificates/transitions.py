"""A certificate's status changes as one annotated table (domain.md §8).

Each row: (from status, action) → to status, the national operation code recorded with the
change, who may take it, and why the row exists. ``actions.change_status`` asks this table
before anything changes; a change that is not here is refused and changes nothing.

Statuses (national codes): 01 有效 valid, 02 暂扣 suspended, 03 撤销 revoked, 04 注销
cancelled, 05 失效 expired, 07 吊销 withdrawn. Operations: 01 新发, 02 延续, 03 暂扣,
04 过期失效, 05 注销 (including 撤销 and 吊销), 06 暂扣发还, 07 其他.

Who:
  chief   — a section chief of the issuing agency, or a platform administrator
  system  — the platform: the daily expiry, and following the case whose licence was
            revoked, cancelled or withdrawn (``cases.actions.after_closing``)
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Status as S


class Operation:
    """The national operation codes (证照操作类型)."""

    ISSUE = "01"
    RENEW = "02"
    SUSPEND = "03"
    EXPIRE = "04"
    END = "05"
    RESTORE = "06"
    OTHER = "07"


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    operation: str
    who: tuple[str, ...]
    why: str


_TABLE = [
    Transition(S.VALID, "suspend", S.SUSPENDED, Operation.SUSPEND, ("chief",), "暂扣: held for a while (a penalty or a pending investigation)"),
    Transition(S.SUSPENDED, "restore", S.VALID, Operation.RESTORE, ("chief",), "暂扣发还: handed back when the suspension ends"),
    Transition(S.VALID, "revoke", S.REVOKED, Operation.END, ("chief", "system"), "撤销 (行政许可法 Art. 69): granted unlawfully, e.g. a false commitment"),
    Transition(S.SUSPENDED, "revoke", S.REVOKED, Operation.END, ("chief", "system"), "撤销 of a suspended certificate"),
    Transition(S.VALID, "cancel", S.CANCELLED, Operation.END, ("chief", "system"), "注销 (Art. 70): the holder gave it up, ceased to exist, or it was ended"),
    Transition(S.SUSPENDED, "cancel", S.CANCELLED, Operation.END, ("chief", "system"), "注销 of a suspended certificate"),
    Transition(S.EXPIRED, "cancel", S.CANCELLED, Operation.END, ("chief", "system"), "注销 after expiry without renewal (Art. 70 (1))"),
    Transition(S.VALID, "withdraw", S.WITHDRAWN, Operation.END, ("chief", "system"), "吊销: withdrawn as an administrative penalty"),
    Transition(S.SUSPENDED, "withdraw", S.WITHDRAWN, Operation.END, ("chief", "system"), "吊销 of a suspended certificate"),
    Transition(S.VALID, "expire", S.EXPIRED, Operation.EXPIRE, ("system",), "过期失效: the validity period ended"),
]  # fmt: skip

TRANSITIONS: dict[tuple[str, str], Transition] = {(t.source, t.action): t for t in _TABLE}

# What staff choose from (the system's own actions are not offered).
STAFF_ACTIONS = ("suspend", "restore", "revoke", "cancel", "withdraw")

ACTION_LABELS = {
    "issue": _("Issued"),
    "suspend": _("Suspended (暂扣)"),
    "restore": _("Suspension ended (暂扣发还)"),
    "revoke": _("Revoked (撤销)"),
    "cancel": _("Cancelled (注销)"),
    "withdraw": _("Withdrawn (吊销)"),
    "expire": _("Expired (过期失效)"),
}


# What staff choose (the radio buttons, the admin's choice).
ACTION_VERBS = {
    "suspend": _("Suspend (暂扣)"),
    "restore": _("End the suspension (暂扣发还)"),
    "revoke": _("Revoke (撤销)"),
    "cancel": _("Cancel (注销)"),
    "withdraw": _("Withdraw (吊销)"),
}


class IllegalTransition(ValueError):
    """The change is not in the table; nothing was changed (HTTP 409)."""


def require(status: str, action: str) -> Transition:
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(
            _("A certificate that is “%(status)s” cannot be “%(action)s”.")
            % {
                "status": S(status).label if status in S.values else status,
                "action": ACTION_LABELS.get(action, action),
            }
        ) from None


def allowed_actions(status: str, who: str = "chief") -> list[str]:
    """The actions the table allows from ``status`` for ``who``, in the staff's order."""
    return [
        action
        for action in STAFF_ACTIONS
        if (t := TRANSITIONS.get((status, action))) is not None and who in t.who
    ]
