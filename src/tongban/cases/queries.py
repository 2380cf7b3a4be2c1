"""Read-side helpers: inboxes, lists and the people to tell."""

import functools
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db.models import IntegerField, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from tongban.core.sql import Prepared
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import Principal

from .models import Case, CaseEvent, Status


def newest_event(case: Case, action: str) -> CaseEvent | None:
    """The case's latest history entry of ``action`` (its note, data and moment)."""
    return CaseEvent.objects.filter(case_id=case.pk, action=action).order_by("-at", "-pk").first()


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


# A review step waits in these statuses; a chief's decision on a proposed refusal in those.
STEP_STATUSES = (Status.IN_REVIEW, Status.ACCEPTED_TOLERANT, Status.SPECIAL_PROCEDURE)
DECISION_STATUSES = (Status.NON_ACCEPTANCE_PENDING, Status.DENIAL_PENDING)
_DECISIONS = "decisions"  # in an inbox shape: the chief's decisions, by deciding agency


def _back_office_parts(principal: Principal, role: str | None) -> list[tuple[str, list[int]]]:
    """``(role, agency ids)`` per condition of the inbox, in a fixed order; ``[]``: none."""
    if principal.kind != "staff":
        return []
    roles = [
        r for r in (StaffRole.BACKOFFICE_REVIEWER, StaffRole.SECTION_CHIEF) if r in principal.roles
    ]
    if role is not None:
        roles = [r for r in roles if r == role]
    parts = [(str(r), sorted(principal.agency_ids(r))) for r in roles]
    if StaffRole.SECTION_CHIEF in roles:
        parts.append((_DECISIONS, sorted(principal.agency_ids(StaffRole.SECTION_CHIEF))))
    return parts


def _back_office_queryset(roles: Sequence[str], agencies: Sequence[Sequence[int]]) -> QuerySet:
    condition = Q()
    for r, ids in zip(roles, agencies, strict=True):
        if r == _DECISIONS:
            condition |= Q(deciding_agency_id__in=ids, status__in=DECISION_STATUSES)
        else:
            condition |= Q(step_agency_id__in=ids, step_role=r, status__in=STEP_STATUSES)
    return Case.objects.filter(condition, closed_at__isnull=True).order_by("promised_due", "pk")


def back_office_inbox(principal: Principal, *, role: str | None = None) -> QuerySet:
    """Cases waiting for a role this person holds, in the step's agency, by deadline.

    One condition per (role, agencies) the person holds, so a reviewer of one agency reads
    one range of the ``case_inbox`` index (step agency, step role, deadline; open cases).
    """
    parts = _back_office_parts(principal, role)
    if not parts:
        return Case.objects.none()
    return _back_office_queryset([r for r, _ in parts], [ids for _, ids in parts])


class BackOfficeInbox:
    """:func:`back_office_inbox` read page by page, as dicts of ``fields``, with statements
    compiled once per process for each *shape* (the roles and how many agencies each has)
    and page bounds: the same conditions and order as the queryset, without the ORM
    compiling them for every request.

    Sliced like a list: ``[low:high]`` is one page, ``len()`` the number of cases. A page
    brings the count along (a subquery of the same statement), so the paginator's page
    and count are one round trip; only an empty page needs a COUNT of its own.
    """

    def __init__(self, principal: Principal, fields: Sequence[str], *, role: str | None = None):
        parts = _back_office_parts(principal, role)
        # An empty ``IN ()`` matches nothing: leave such conditions out of the shape.
        parts = [(r, ids) for r, ids in parts if ids]
        self.shape = tuple((r, len(ids)) for r, ids in parts)
        self.ids = [pk for _, ids in parts for pk in ids]
        self.fields = tuple(fields)
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = _inbox_count(self.shape).first(*self.ids)["n"] if self.shape else 0
        return self._count

    def __getitem__(self, index: slice) -> list[dict]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("an inbox is read by pages: inbox[low:high]")
        low, high = index.start or 0, index.stop
        if not self.shape or (high is not None and high <= low):
            return []
        rows = _inbox_page(self.shape, self.fields, low, high).rows(*self.ids, *self.ids)
        for row in rows:
            self._count = row.pop(_TOTAL)
        return rows


_TOTAL = "inbox_total"


def _shaped(shape: tuple[tuple[str, int], ...], markers: Sequence[int]) -> QuerySet:
    """The inbox queryset for a shape, with ``markers`` where the agency ids go."""
    agencies, start = [], 0
    for _role, count in shape:
        agencies.append(list(markers[start : start + count]))
        start += count
    return _back_office_queryset([r for r, _ in shape], agencies)


def _counted(shape: tuple[tuple[str, int], ...], markers: Sequence[int]) -> QuerySet:
    """``SELECT COUNT(*)`` of the inbox (a ``values()`` queryset of one column, ``n``)."""
    return _shaped(shape, markers).order_by().annotate(n=RawSQL("COUNT(*)", ())).values("n")


@functools.lru_cache(maxsize=64)
def _inbox_count(shape: tuple[tuple[str, int], ...]) -> Prepared:
    return Prepared(lambda *ids: _counted(shape, ids), arity=sum(n for _, n in shape))


@functools.lru_cache(maxsize=64)
def _inbox_page(
    shape: tuple[tuple[str, int], ...], fields: tuple[str, ...], low: int, high: int | None
) -> Prepared:
    """The page ``[low:high]`` and, in every row, the count (``_TOTAL``). Its parameters:
    the agency ids twice, for the page and for the count (each marker is used once)."""
    arity = sum(n for _, n in shape)

    def build(*ids):
        page, counted = ids[:arity], ids[arity:]
        total = Subquery(_counted(shape, counted), output_field=IntegerField())
        return _shaped(shape, page).values(*fields, **{_TOTAL: total})[low:high]

    return Prepared(build, arity=2 * arity)


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
