"""审管互动, what is read: the pushes a person sees, filtered; claim rates (认领率)."""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Case as When_
from django.db.models import F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from tongban.org import policy
from tongban.org.policy import Principal

from .models import Push
from .policy_rules import department_ids, sees_everything


def visible(principal: Principal, queryset: QuerySet | None = None) -> QuerySet:
    if queryset is None:
        queryset = Push.objects.all()
    return policy.visible(principal, "supervision.view_push", queryset)


def search(
    principal: Principal,
    *,
    claimed: bool | None = None,
    overdue: bool | None = None,
    event: str = "",
    item: int | None = None,
    agency: int | None = None,
    case: int | None = None,
    delivery: str = "",
    now: dt.datetime | None = None,
) -> QuerySet:
    """The pushes ``principal`` sees, the unclaimed first (the nearest claim deadline
    first), then the claimed, the newest first."""
    now = now or timezone.now()
    found = visible(principal).select_related("agency", "item", "claimed_by", "case")
    if claimed is not None:
        found = found.filter(claimed_at__isnull=not claimed)
    if overdue is True:
        found = found.filter(claimed_at__isnull=True, claim_due__lt=now)
    elif overdue is False:
        found = found.exclude(claimed_at__isnull=True, claim_due__lt=now)
    if event:
        found = found.filter(event=event)
    if item:
        found = found.filter(item_id=item)
    if agency:
        found = found.filter(agency_id=agency)
    if case:
        found = found.filter(case_id=case)
    if delivery:
        found = found.filter(delivery_state=delivery)
    return found.annotate(
        unclaimed=When_(
            When(claimed_at__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("unclaimed", F("claim_due").asc(), "-created_at", "-pk")


def is_overdue(push: Push, now: dt.datetime | None = None) -> bool:
    return push.claimed_at is None and push.claim_due < (now or timezone.now())


def claimable_by(principal: Principal) -> set[int]:
    return department_ids(principal)


# ---------------------------------------------------------------- claim rates


@dataclass
class Rate:
    """Claim figures of one department (and one item of it, when ``item`` is set)."""

    agency_id: int
    agency: str
    item_id: int | None = None
    item: str = ""
    pushed: int = 0
    claimed: int = 0
    claimed_on_time: int = 0
    unclaimed_overdue: int = 0
    unclaimed: int = 0
    hours: list[float] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> float | None:
        """Claimed ÷ pushed, 0–1 (None when nothing was pushed)."""
        return round(self.claimed / self.pushed, 4) if self.pushed else None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.claimed_on_time / self.pushed, 4) if self.pushed else None

    @property
    def median_hours(self) -> float | None:
        return round(statistics.median(self.hours), 1) if self.hours else None

    def add(self, row: dict, now: dt.datetime) -> None:
        self.pushed += 1
        if row["claimed_at"] is not None:
            self.claimed += 1
            if row["claimed_at"] <= row["claim_due"]:
                self.claimed_on_time += 1
            self.hours.append((row["claimed_at"] - row["created_at"]).total_seconds() / 3600)
        else:
            self.unclaimed += 1
            if row["claim_due"] < now:
                self.unclaimed_overdue += 1


@dataclass
class Report:
    start: dt.date
    end: dt.date
    departments: list[Rate]
    items: list[Rate]
    total: Rate


def claim_rates(
    principal: Principal,
    *,
    start: dt.date,
    end: dt.date,
    agency: int | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Per department and per department × item, over the pushes made from ``start`` to
    ``end`` (both days included, local time): pushed, claimed, claimed on time, unclaimed
    and overdue, the claim rate and the median hours from push to claim."""
    policy.require(principal, "supervision.view_claim_rates")
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, zone)
    rows = Push.objects.filter(created_at__gte=since, created_at__lt=until)
    if not sees_everything(principal):
        rows = rows.filter(agency_id__in=department_ids(principal))
    if agency:
        rows = rows.filter(agency_id=agency)
    rows = rows.values(
        "agency_id",
        "agency__name",
        "item_id",
        "item_name",
        "created_at",
        "claim_due",
        "claimed_at",
    ).order_by("agency__name", "item_name")
    departments: dict[int, Rate] = {}
    items: dict[tuple[int, int], Rate] = {}
    total = Rate(agency_id=0, agency="")
    for row in rows:
        department = departments.setdefault(
            row["agency_id"], Rate(agency_id=row["agency_id"], agency=row["agency__name"])
        )
        department.add(row, now)
        key = (row["agency_id"], row["item_id"])
        per_item = items.setdefault(
            key,
            Rate(
                agency_id=row["agency_id"],
                agency=row["agency__name"],
                item_id=row["item_id"],
                item=row["item_name"] or "",
            ),
        )
        per_item.add(row, now)
        total.add(row, now)
    return Report(
        start=start,
        end=end,
        departments=sorted(departments.values(), key=lambda r: r.agency),
        items=sorted(items.values(), key=lambda r: (r.agency, r.item)),
        total=total,
    )


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last 30 days, today included."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=29), today


def overdue_count(principal: Principal, now: dt.datetime | None = None) -> int:
    return (
        visible(principal)
        .filter(claimed_at__isnull=True, claim_due__lt=now or timezone.now())
        .count()
    )


def case_pushes(case) -> list[Push]:
    return list(
        Push.objects.filter(case=case)
        .select_related("agency", "claimed_by")
        .order_by("created_at", "pk")
    )
