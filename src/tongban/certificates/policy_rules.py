"""Certificate permissions, registered with the one policy module (tongban.org.policy).

- ``certificates.view_certificate``: the holder's own account; staff of the issuing
  agency (any role); the issuing agency's system (an API client reading its cases,
  ``cases:read`` or ``cases:decide``); a platform administrator; the system. Everyone else sees only the
  public verification answer (``certificates.verification``).
- ``certificates.change_status``: a section chief of the issuing agency or a platform
  administrator (who else the transition table allows, e.g. the system, is checked by
  ``actions.change_status``).
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.org.models import StaffRole
from tongban.org.policy import Principal, rule, scope

_CLIENT_SCOPES = {"cases:read", "cases:decide"}


def _visible(principal: Principal, queryset: QuerySet) -> QuerySet:
    if principal.kind == "system" or principal.is_platform_admin:
        return queryset
    if principal.kind == "client":
        if not _CLIENT_SCOPES & principal.scopes:
            return queryset.none()
        return queryset.filter(issuer_agency_id=principal.client.agency_id)
    if principal.kind == "applicant" and principal.user is not None:
        return queryset.filter(applicant__account=principal.user)
    if principal.kind == "staff":
        return queryset.filter(issuer_agency_id__in=principal.agency_ids())
    return queryset.none()


def _view(principal: Principal, certificate) -> bool:
    if certificate is None:
        return principal.kind in {"staff", "applicant", "system"}
    if principal.kind == "system" or principal.is_platform_admin:
        return True
    if principal.kind == "client":
        return bool(_CLIENT_SCOPES & principal.scopes) and (
            certificate.issuer_agency_id == principal.client.agency_id
        )
    if principal.kind == "applicant":
        return principal.user is not None and (
            certificate.applicant.account_id == principal.user.pk
        )
    if principal.kind == "staff":
        return certificate.issuer_agency_id in principal.agency_ids()
    return False


def may_change_status(principal: Principal, certificate) -> bool:
    if principal.kind != "staff":
        return False
    if principal.is_platform_admin:
        return True
    chiefs_of = principal.agency_ids(StaffRole.SECTION_CHIEF)
    if certificate is None:
        return bool(chiefs_of)
    return certificate.issuer_agency_id in chiefs_of


def register() -> None:
    rule(
        "certificates.view_certificate",
        _("Only the holder and staff of the issuing agency can open this certificate."),
    )(_view)
    scope("certificates.view_certificate")(_visible)
    rule(
        "certificates.change_status",
        _(
            "Only a section chief of the issuing agency or a platform administrator changes "
            "a certificate's status."
        ),
    )(may_change_status)
