"""State changes of the org app: one function each, one transaction, policy-checked, audited."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.core import audit
from tongban.core.identifiers import validate_uscc

from . import policy
from .models import Agency, ApiClient, Applicant, ServicePoint, Window
from .policy import Principal


class DuplicateApplicant(ValidationError):
    pass


def register_applicant(
    principal: Principal,
    *,
    kind: str,
    name: str,
    id_number: str = "",
    credit_code: str = "",
    legal_representative: str = "",
    phone: str = "",
    address: str = "",
    service_point: ServicePoint | None = None,
) -> Applicant:
    """Register a walk-in applicant at a window (or through a department's system).

    Validates the identifier first, so a wrong number changes nothing.
    """
    policy.require(principal, "org.register_applicant", service_point)
    applicant = Applicant(
        kind=kind,
        name=name.strip(),
        legal_representative=legal_representative.strip(),
        phone=phone.strip(),
        address=address.strip(),
        registered_at=service_point,
    )
    if kind == Applicant.Kind.PERSON:
        applicant.set_id_number(id_number)
        existing = Applicant.find_by_id_number(id_number)
    elif kind == Applicant.Kind.LEGAL:
        applicant.credit_code = validate_uscc(credit_code)
        existing = Applicant.objects.filter(credit_code=applicant.credit_code).first()
    else:
        raise ValidationError(_("Unknown applicant kind."), code="kind")
    if not applicant.name:
        raise ValidationError(_("The applicant's name is required."), code="name")
    if existing is not None:
        raise DuplicateApplicant(
            _("This applicant is already registered as %(name)s.") % {"name": existing.name},
            code="duplicate",
        )
    try:
        with transaction.atomic():
            applicant.save()
            audit.record(
                "applicant.register",
                applicant,
                changes={
                    "kind": kind,
                    "identifier": applicant.identifier_display,
                    "service_point": service_point.pk if service_point else None,
                },
            )
    except IntegrityError:  # registered by someone else a moment ago
        raise DuplicateApplicant(
            _("This applicant is already registered."), code="duplicate"
        ) from None
    return applicant


def update_own_profile(
    principal: Principal, applicant: Applicant, *, phone: str, address: str
) -> Applicant:
    policy.require(principal, "org.update_own_profile", applicant)
    with transaction.atomic():
        locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
        before = {"phone": locked.phone, "address": locked.address}
        locked.phone, locked.address = phone.strip(), address.strip()
        locked.save(update_fields=["phone", "address"])
        changes = audit.diff(before, {"phone": locked.phone, "address": locked.address})
        if changes:
            audit.record("applicant.update_profile", locked, changes=changes)
    return locked


def set_window_status(principal: Principal, window: Window, *, is_open: bool) -> Window:
    """Open or close a window (a hall manager's decision within their own hall)."""
    policy.require(principal, "org.set_window_status", window)
    with transaction.atomic():
        locked = Window.objects.select_for_update().get(pk=window.pk)
        if locked.is_open != is_open:
            audit.record(
                "window.open" if is_open else "window.close",
                locked,
                changes={"is_open": [locked.is_open, is_open]},
            )
            locked.is_open = is_open
            locked.save(update_fields=["is_open"])
    return locked


@dataclass(frozen=True)
class IssuedToken:
    client: ApiClient
    token: str  # shown once; only its digest is stored


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_client(name: str, agency: Agency, scopes: list[str]) -> IssuedToken:
    """Create a department system's API client and its bearer token."""
    prefix = secrets.token_hex(4)
    token = f"tb_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name,
            agency=agency,
            scopes=sorted(set(scopes)),
            token_prefix=prefix,
            token_digest=token_digest(token),
        )
        audit.record("api_client.issue", client, changes={"scopes": client.scopes})
    return IssuedToken(client=client, token=token)
