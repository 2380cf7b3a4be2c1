"""Electronic certificates in the workbench: the certificates the staff member's agency
issued (filtered by type and status), one certificate with its history, and its status
changes (暂扣, 暂扣发还, 撤销, 注销, 吊销) by a section chief of the issuing agency or a
platform administrator, each with a required reason.

Thin: the list and its scope come from ``certificates.services`` (the policy's scope), a
change from ``certificates.actions.change_status``. A refused change comes back on the
page with the reason and the HTTP status (400 bad input, 403 not allowed, 409 not from
this status), nothing changed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.certificates import actions, services, transitions
from tongban.certificates.models import Certificate, CertificateType, Status
from tongban.org import policy
from tongban.org.policy import Principal

from .access import navigation, staff_with_roles
from .views import _render

PER_PAGE = 25


def _page(
    request: HttpRequest,
    principal: Principal,
    template: str,
    label: str,
    context: dict,
    status: int = 200,
) -> HttpResponse:
    layout = {
        "page_label": label,
        "page_name": "certificates",
        "nav": navigation(principal, "certificates"),
    }
    response = _render(request, principal, "home", template, {**context, **layout})
    response.status_code = status
    return response


def _filters(request: HttpRequest, types: list[CertificateType]) -> dict:
    get = request.GET
    return {
        "type": get.get("type", "") if get.get("type") in {t.type_code for t in types} else "",
        "status": get.get("status", "") if get.get("status") in Status.values else "",
        "q": get.get("q", "").strip()[:100],
    }


@staff_with_roles()
def certificate_list(request: HttpRequest, principal: Principal) -> HttpResponse:
    """The certificates of the person's agencies (every agency for an administrator)."""
    visible = services.visible(principal, Certificate.objects.select_related("cert_type"))
    types = list(
        CertificateType.objects.filter(
            pk__in=visible.order_by().values("cert_type_id").distinct()
        ).order_by("type_code")
    )
    chosen = _filters(request, types)
    certificates = visible
    today = timezone.localdate()
    if chosen["type"]:
        certificates = certificates.filter(type_code=chosen["type"])
    if chosen["status"] == Status.EXPIRED:  # recorded, or past the last day already
        certificates = certificates.filter(
            Q(status=Status.EXPIRED) | Q(status=Status.VALID, valid_to__lt=today)
        )
    elif chosen["status"] == Status.VALID:
        certificates = certificates.filter(status=Status.VALID).exclude(valid_to__lt=today)
    elif chosen["status"]:
        certificates = certificates.filter(status=chosen["status"])
    if chosen["q"]:
        certificates = certificates.filter(
            Q(number__icontains=chosen["q"])
            | Q(identifier__icontains=chosen["q"])
            | Q(holder_name__icontains=chosen["q"])
        )
    page = Paginator(certificates.order_by("-issue_date", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = []
    for certificate in page.object_list:
        status = services.effective_status(certificate, today)
        rows.append(
            {
                "certificate": certificate,
                "status_name": services.status_name(status),
                "status_label": services.status_label(status),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "filters": {
            "chosen": chosen,
            "types": types,
            "statuses": Status.choices,
            "active": any(chosen.values()),
        },
        "list_url": reverse("workbench:certificates"),
    }
    return _page(request, principal, "workbench/certificates/list.html", _("Certificates"), context)


def _detail_context(principal: Principal, certificate: Certificate) -> dict:
    today = timezone.localdate()
    status = services.effective_status(certificate, today)
    may_change = policy.allows(principal, "certificates.change_status", certificate)
    return {
        "certificate": certificate,
        "status_name": services.status_name(status),
        "status_label": services.status_label(status),
        "events": [
            {
                "event": event,
                "label": transitions.ACTION_LABELS.get(event.action, event.action),
                "from_label": services.status_label(event.from_status) if event.from_status else "",
                "to_label": services.status_label(event.to_status),
            }
            for event in certificate.events.order_by("at", "pk")
        ],
        "choices": [
            (action, transitions.ACTION_VERBS[action])
            for action in transitions.allowed_actions(certificate.status)
        ]
        if may_change
        else [],
        "may_change": may_change,
    }


@staff_with_roles()
def certificate_detail(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        services.visible(
            principal, Certificate.objects.select_related("cert_type", "case", "applicant")
        ),
        pk=pk,
    )
    context = _detail_context(principal, certificate)
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        status = 200
        try:
            if action not in transitions.STAFF_ACTIONS:
                raise ValidationError(_("Choose what to do with the certificate."))
            actions.change_status(principal, certificate, action, reason=reason)
        except ValidationError as error:
            status, message = 400, " ".join(error.messages)
        except PermissionDenied as error:
            status = 403
            message = str(getattr(error, "message", "") or error) or _("You may not do this.")
        except transitions.IllegalTransition as error:
            status, message = 409, str(error)
        if status == 200:
            messages.success(
                request,
                _("The certificate is now “%(status)s”.")
                % {"status": services.status_label(Certificate.objects.get(pk=pk).status)},
            )
            return redirect("workbench:certificate", pk=pk)
        certificate.refresh_from_db()
        context = _detail_context(principal, certificate)
        context.update(error=message, action=action, reason=reason)
        return _page(
            request,
            principal,
            "workbench/certificates/detail.html",
            certificate.type_name,
            context,
            status=status,
        )
    return _page(
        request, principal, "workbench/certificates/detail.html", certificate.type_name, context
    )
