"""Read-side helpers: inboxes, lists and the people to tell."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from tongban.org.models import Agency, StaffRole
from tongban.org.policy import Principal

from .models import Case, Status


def chiefs_of(agency: Agency) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(
            assignments__role=StaffRole.SECTION_CHIEF,
            assignments__agency=agency,
            is_active=True,
        )
        .distinct()
    )


def back_office_inbox(principal: Principal, *, role: str | None = None) -> QuerySet:
    """Cases waiting for a role this person holds, in the step's agency, by deadline.

    One condition per (role, agencies) the person holds, so a reviewer of one agency reads
    one range of the ``case_inbox`` index (step agency, step role, deadline; open cases).
    """
    if principal.kind != "staff":
        return Case.objects.none()
    roles = [
        r for r in (StaffRole.BACKOFFICE_REVIEWER, StaffRole.SECTION_CHIEF) if r in principal.roles
    ]
    if role is not None:
        roles = [r for r in roles if r == role]
    condition = Q()
    for r in roles:
        condition |= Q(
            step_agency_id__in=principal.agency_ids(r),
            step_role=r,
            status__in=[Status.IN_REVIEW, Status.ACCEPTED_TOLERANT, Status.SPECIAL_PROCEDURE],
        )
    if StaffRole.SECTION_CHIEF in roles:
        condition |= Q(
            deciding_agency_id__in=principal.agency_ids(StaffRole.SECTION_CHIEF),
            status__in=[Status.NON_ACCEPTANCE_PENDING, Status.DENIAL_PENDING],
        )
    if not roles:
        return Case.objects.none()
    return Case.objects.filter(condition, closed_at__isnull=True).order_by("promised_due", "pk")


def window_queue(principal: Principal) -> QuerySet:
    """What the window clerks of a person's service points have to act on."""
    points = principal.service_point_ids(StaffRole.WINDOW_CLERK)
    if not points:
        return Case.objects.none()
    return Case.objects.filter(service_point_id__in=points, status=Status.SUBMITTED).order_by(
        "acceptance_due", "pk"
    )


def pickup_list(principal: Principal) -> QuerySet:
    points = principal.service_point_ids(StaffRole.WINDOW_CLERK)
    return Case.objects.filter(pickup_point_id__in=points, status=Status.RESULT_ISSUED).order_by(
        "decided_at", "pk"
    )


def online_queue(principal: Principal) -> QuerySet:
    """Online applications awaiting acceptance that a clerk here may take."""
    points = principal.service_point_ids(StaffRole.WINDOW_CLERK)
    if not points:
        return Case.objects.none()
    return Case.objects.filter(service_point__isnull=True, status=Status.SUBMITTED).order_by(
        "acceptance_due", "pk"
    )
