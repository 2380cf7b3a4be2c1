"""Reading certificates: the status as of today, what strangers may see, who holds what."""

import calendar
import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from tongban.core import crypto
from tongban.org import policy
from tongban.org.policy import Principal

from .models import STATUS_NAMES, Certificate, HolderIdType, Status


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the 31st becomes the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_to_for(valid_from: dt.date, months: int | None) -> dt.date | None:
    """The last valid day: ``months`` after ``valid_from``, the day before (five years from
    2026-05-11 ends on 2031-05-10); None for an indefinite certificate."""
    if months is None:
        return None
    return add_months(valid_from, months) - dt.timedelta(days=1)


def effective_status(certificate: Certificate, today: dt.date | None = None) -> str:
    """The status as of ``today``: a valid certificate past its last day is expired even
    before the daily expiry task records it."""
    today = today or timezone.localdate()
    if (
        certificate.status == Status.VALID
        and certificate.valid_to is not None
        and certificate.valid_to < today
    ):
        return Status.EXPIRED
    return certificate.status


def status_name(code: str) -> str:
    return STATUS_NAMES.get(code, code)


def status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def masked_name(certificate: Certificate) -> str:
    """A person's name as strangers see it (张*明, 李*); an organisation's name in full
    (it is public in the business register)."""
    name = certificate.holder_name
    if certificate.holder_id_type == HolderIdType.USCC:
        return name
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def visible(principal: Principal, queryset: QuerySet[Certificate] | None = None) -> QuerySet:
    """The certificates ``principal`` may open."""
    queryset = Certificate.objects.all() if queryset is None else queryset
    return policy.visible(principal, "certificates.view_certificate", queryset)


def held_by(subject: str) -> QuerySet[Certificate]:
    """The certificates whose holder's resident ID number or credit code is ``subject``."""
    key = (subject or "").strip().upper()
    return Certificate.objects.filter(holder_id_index=crypto.blind_index(key)).select_related(
        "cert_type"
    )
