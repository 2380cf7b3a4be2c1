"""Reading violation notices: the licence a notice may be about, who sees which notices,
the chiefs' list by due date, and the public list of revoked certificates."""

import datetime as dt

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.models import Case, CaseEvent
from tongban.cases.models import Status as CaseStatus
from tongban.certificates import services as certificate_services
from tongban.certificates.models import Certificate
from tongban.certificates.models import Status as CertificateStatus
from tongban.org import policy
from tongban.org.models import StaffRole
from tongban.org.policy import Principal

from .models import Status, ViolationNotice
from .policy_rules import reporting_agency_ids

# An issued result is in force from issue, handed over or not (``cases.transitions``).
IN_FORCE_STATUSES = (CaseStatus.RESULT_ISSUED, CaseStatus.DELIVERED, CaseStatus.CLOSED)
ENDED_CERTIFICATE_STATUSES = (
    CertificateStatus.REVOKED,
    CertificateStatus.CANCELLED,
    CertificateStatus.EXPIRED,
    CertificateStatus.WITHDRAWN,
)
# Listed publicly (撤销、吊销公示): ended by the authority, not given up by the holder.
PUBLIC_STATUSES = (CertificateStatus.REVOKED, CertificateStatus.WITHDRAWN)


def certificate_of(case: Case) -> Certificate | None:
    return Certificate.objects.filter(case_id=case.pk).first()


def licence_problem(case: Case, today: dt.date | None = None) -> str | None:
    """Why ``case`` is not a licence in force (None when it is): approved and issued, not
    revoked, cancelled or withdrawn, its certificate (if any) not ended or expired."""
    if case.status not in IN_FORCE_STATUSES or not (
        CaseEvent.objects.filter(case_id=case.pk, action="approve").exists()
    ):
        return _(
            "Case %(code)s is not a licence in force (it is “%(status)s”): only an approved "
            "case whose result was issued can be reported."
        ) % {"code": case.code or case.pk, "status": CaseStatus(case.status).label}
    certificate = certificate_of(case)
    if certificate is not None:
        status = certificate_services.effective_status(certificate, today)
        if status in ENDED_CERTIFICATE_STATUSES:
            return _(
                "The certificate of case %(code)s is “%(status)s”: it is no longer in force."
            ) % {
                "code": case.code,
                "status": certificate_services.status_label(status),
            }
    return None


def find_licence(query: str) -> Case | None:
    """The case named by its case code or by its certificate's identifier or number."""
    query = (query or "").strip()
    if not query:
        return None
    case = Case.objects.filter(code=query).first()
    if case is not None:
        return case
    certificate = (
        Certificate.objects.filter(identifier=query).first()
        or Certificate.objects.filter(number=query).order_by("-pk").first()
    )
    return certificate.case if certificate is not None and certificate.case_id else None


def visible(principal: Principal, queryset: QuerySet | None = None) -> QuerySet:
    queryset = ViolationNotice.objects.all() if queryset is None else queryset
    return policy.visible(principal, "violations.view_notice", queryset)


def with_details(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "agency",
        "deciding_agency",
        "reported_by",
        "decided_by",
        "certificate",
        "case__item_version",
        "case__applicant",
    )


def awaiting_decision(principal: Principal) -> QuerySet:
    """The notices waiting for a decision in the agencies where ``principal`` is a chief,
    the most urgent first."""
    agencies = principal.agency_ids(StaffRole.SECTION_CHIEF) if principal.kind == "staff" else ()
    return ViolationNotice.objects.filter(
        deciding_agency_id__in=agencies, status=Status.RECEIVED
    ).order_by("due_date", "received_at", "pk")


def sent_by(principal: Principal) -> QuerySet:
    """The notices of the departments ``principal`` reports for, newest first."""
    return ViolationNotice.objects.filter(agency_id__in=reporting_agency_ids(principal)).order_by(
        "-received_at", "-pk"
    )


def is_overdue(notice: ViolationNotice, today: dt.date | None = None) -> bool:
    return notice.status == Status.RECEIVED and notice.due_date < (today or timezone.localdate())


def revoked_certificates() -> QuerySet:
    """Revoked (03) and withdrawn (07) certificates, the latest change first."""
    return Certificate.objects.filter(status__in=PUBLIC_STATUSES).order_by(
        "-status_changed_at", "-pk"
    )


def revoked_row(certificate: Certificate) -> dict:
    """What the public list shows of one certificate: no identifier number of a person."""
    from tongban.certificates.pdf import verification_url

    return {
        "identifier": certificate.identifier,
        "type_name": certificate.type_name,
        "number": certificate.number,
        "holder_name": certificate_services.masked_name(certificate),
        "issuer_name": certificate.issuer_name,
        "status": certificate_services.status_name(certificate.status),
        "status_code": certificate.status,
        "status_label": certificate_services.status_label(certificate.status),
        "changed_on": timezone.localtime(certificate.status_changed_at).date(),
        "verify_url": verification_url(certificate),
        "verify_path": reverse("portal:certificate-verify", args=[certificate.identifier])
        + f"?t={certificate.verify_token}",
    }
