"""The clock's consequences, run periodically: warn before a deadline, alert after it.

A case never passes a deadline silently: when its level changes to yellow, red or overdue
the people who must act (the current step's holders, the clerks for cases awaiting
acceptance) are told, and from red on their section chiefs too. A review step that uses
up its share of the time is told the same way, before the case's own deadline is near.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import ReviewStep
from tongban.core.notifications import notify
from tongban.org.models import StaffRole
from tongban.org.policy import SYSTEM

from . import deadlines
from .actions import terminate_overdue_deferred
from .models import Case, CaseEvent, Status, WarningLevel
from .queries import chiefs_of

WATCHED = [
    Status.SUBMITTED,
    Status.ACCEPTED_TOLERANT,
    Status.IN_REVIEW,
    Status.DENIAL_PENDING,
    Status.NON_ACCEPTANCE_PENDING,
    Status.APPROVED,
    Status.DENIED,
]
HORIZON = dt.timedelta(days=21)  # calendar days: wider than any warning threshold


def responsible(case: Case):
    users = get_user_model().objects.filter(is_active=True)
    if case.assignee_id:
        return users.filter(pk=case.assignee_id)
    if case.status == Status.SUBMITTED or case.step_role == StaffRole.WINDOW_CLERK:
        points = [p for p in (case.service_point_id, case.pickup_point_id) if p]
        return users.filter(
            assignments__role=StaffRole.WINDOW_CLERK, assignments__service_point_id__in=points
        ).distinct()
    return users.filter(
        assignments__role=case.step_role,
        assignments__agency_id=case.step_agency_id or case.deciding_agency_id,
    ).distinct()


def raise_warnings(now: dt.datetime | None = None) -> dict[str, int]:
    """Set each watched case's level; tell people when it worsens. Returns counts."""
    now = now or timezone.now()
    counts = {"checked": 0, "warned": 0, "terminated": terminate_overdue_deferred(SYSTEM, now)}
    soon = now + HORIZON
    candidates = Case.objects.filter(status__in=WATCHED).filter(
        Q(accepted_at__isnull=True, acceptance_due__lte=soon)
        | Q(accepted_at__isnull=False, promised_due__lte=soon)
        | Q(step_due__lte=soon)
    )
    for pk in candidates.values_list("pk", flat=True).iterator():
        counts["checked"] += 1
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("item_version", "deciding_agency", "service_point", "step_agency")
                .get(pk=pk)
            )
            level = deadlines.level(case, now)
            step = _step_level(case, now)
            if level == case.warning_level and level == case.warned_level and step is None:
                continue
            case.warning_level = level
            worse = level != WarningLevel.GREEN and level != case.warned_level
            if worse:
                _warn(case, level, now)
                case.warned_level = level
                counts["warned"] += 1
            if step is not None:
                # One warning per case per run: the case's own deadline comes first, and
                # its holders are the step's; the step's level counts as told with it.
                if not worse:
                    _warn_step(case, step, now)
                    counts["warned"] += 1
                case.step_warned_level = step
            case.save(update_fields=["warning_level", "warned_level", "step_warned_level"])
    return counts


SEVERITY = [WarningLevel.GREEN, WarningLevel.YELLOW, WarningLevel.RED, WarningLevel.OVERDUE]


def _step_level(case: Case, now: dt.datetime) -> str | None:
    """The step's level when it is worse than what its holders were last told, and the
    step ends before the promise (otherwise the case's own warning says it all)."""
    if deadlines.step_due_before_promise(case) is None:
        return None
    level = deadlines.step_level(case, now)
    told = case.step_warned_level or WarningLevel.GREEN
    if SEVERITY.index(level) <= SEVERITY.index(told):
        return None
    return level


def _warn_step(case: Case, level: str, now: dt.datetime) -> None:
    subject = _("Case %(code)s, step %(step)s: %(level)s") % {
        "code": case.code,
        "step": ReviewStep.Kind(case.step_kind).label
        if case.step_kind in ReviewStep.Kind.values
        else case.step_kind,
        "level": WarningLevel(level).label,
    }
    body = _(
        "%(item)s — this step's share of the time ends %(due)s; the case is due %(promised)s."
    ) % {
        "item": case.item_version.name,
        "due": timezone.localtime(case.step_due).strftime("%Y-%m-%d %H:%M"),
        "promised": timezone.localtime(case.promised_due).strftime("%Y-%m-%d %H:%M"),
    }
    chiefs = case.step_agency or case.deciding_agency
    _tell(case, level, subject, body, now, "warn_step", chiefs, {"step": case.step_kind})


def _warn(case: Case, level: str, now: dt.datetime) -> None:
    due = case.promised_due if case.accepted_at else case.acceptance_due
    subject = _("Case %(code)s: %(level)s") % {
        "code": case.code,
        "level": WarningLevel(level).label,
    }
    body = _("%(item)s — due %(due)s.") % {
        "item": case.item_version.name,
        "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "",
    }
    if level == WarningLevel.OVERDUE:
        body += " " + _("Record the reason for the delay; the applicant will see it.")
    _tell(case, level, subject, body, now, "warn", case.deciding_agency, {})


def _tell(case, level, subject, body, now, action, chiefs_agency, data) -> None:
    """The step's holders, and from red on the chiefs of ``chiefs_agency``; one internal
    history entry saying who was told."""
    people = set(responsible(case))
    if level in {WarningLevel.RED, WarningLevel.OVERDUE}:
        people |= set(chiefs_of(chiefs_agency))
    for person in people:
        notify(person, subject, body)
    CaseEvent.objects.create(
        case=case,
        at=now,
        action=action,
        from_status=case.status,
        to_status=case.status,
        actor_label="system",
        note=subject,
        data={"level": level, **data, "told": sorted(p.get_username() for p in people)},
        public=False,
    )
