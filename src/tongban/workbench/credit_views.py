"""Credit (信用) and commitment post-checks (告知承诺核查) in the workbench.

- Credit records: search by ID number or credit code (by its keyed digest) or kind; a
  section chief imports a file from the city credit database (all rows or none) and
  repairs a record; everyone on the page sees an applicant's standing and why.
- Post-checks: the commitments of the staff member's agency awaiting their check, the
  most urgent first, overdue marked; the check's result is recorded here (a false
  commitment revokes the decision and is recorded in the applicant's credit).
"""

import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import actions as case_actions
from tongban.cases.models import Case, Commitment
from tongban.credit import actions, services
from tongban.credit.models import CreditRecord, ImportRun, Kind
from tongban.org.models import StaffRole
from tongban.org.policy import Principal

from .access import PAGE_ROLES, staff_with_roles
from .lookup import subject_as_digest
from .views import _render

PER_PAGE = 50
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _may_manage(principal: Principal) -> bool:
    return principal.is_platform_admin or principal.has_role(StaffRole.SECTION_CHIEF)


@staff_with_roles(*PAGE_ROLES["credit"])
def records(request: HttpRequest, principal: Principal) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            if not _may_manage(principal):
                raise PermissionDenied(
                    _("Credit records are kept by section chiefs and administrators.")
                )
            if request.POST.get("op") == "repair":
                entry = get_object_or_404(CreditRecord, pk=request.POST.get("record"))
                try:
                    on = dt.date.fromisoformat(request.POST.get("on", ""))
                except ValueError:
                    raise ValidationError(_("Enter the date as YYYY-MM-DD.")) from None
                actions.repair(principal, entry, on=on, note=request.POST.get("note", ""))
                messages.success(request, _("The record is marked repaired."))
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError(_("Choose a CSV or JSON file."))
                if upload.size > MAX_IMPORT_BYTES:
                    raise ValidationError(_("The file is larger than 10 MB."))
                run = actions.import_file(principal, upload.read(), upload.name)
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(updated)s updated.")
                    % {"created": run.created, "updated": run.updated},
                )
            return redirect(reverse("workbench:credit"))
        except (ValidationError, PermissionDenied) as problem:
            error = "；".join(getattr(problem, "messages", None) or [str(problem)])
    again = subject_as_digest(request, "workbench:credit", services.subject_index)
    if again is not None:
        return again
    digest = request.GET.get("digest", "")
    digest = digest if re.fullmatch(r"[0-9a-f]{64}", digest) else ""
    kind = request.GET.get("kind", "")
    found = CreditRecord.objects.select_related("case")
    assessment = None
    if digest:
        found = found.filter(subject_index=digest)
        assessment = services.assess_records(list(found), timezone.localdate())
    if kind in Kind.values:
        found = found.filter(kind=kind)
    page = Paginator(found.order_by("-decided_on", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "kinds": Kind.choices,
        "chosen_kind": kind,
        "searched": bool(digest),
        "digest": digest,
        "assessment": assessment,
        "may_manage": _may_manage(principal),
        "imports": ImportRun.objects.select_related("by")[:5],
        "error": error,
        "clean_years": services.clean_years(),
        "today": timezone.localdate(),
    }
    status = 400 if error else 200
    response = _render(request, principal, "credit", "workbench/credit/records.html", context)
    response.status_code = status
    return response


@staff_with_roles(*PAGE_ROLES["post_checks"])
def post_checks(request: HttpRequest, principal: Principal) -> HttpResponse:
    error = ""
    if request.method == "POST":
        case = get_object_or_404(Case, pk=request.POST.get("case"))
        kept = request.POST.get("result")
        try:
            if kept not in {"kept", "false"}:
                raise ValidationError(_("Choose what the check found."))
            case_actions.record_post_check(
                principal,
                case,
                kept=kept == "kept",
                note=request.POST.get("note", ""),
                revision=None,
            )
            messages.success(
                request,
                _("The check of case %(code)s is recorded.") % {"code": case.code},
            )
            return redirect(reverse("workbench:post_checks"))
        except (ValidationError, PermissionDenied, case_actions.transitions.IllegalTransition) as p:
            error = "；".join(getattr(p, "messages", None) or [str(p)])
    agencies = principal.agency_ids() if not principal.is_platform_admin else None
    pending = Commitment.objects.filter(
        check_result=Commitment.CheckResult.PENDING, check_due__isnull=False
    ).select_related("case__item_version", "case__applicant", "case__deciding_agency")
    if agencies is not None:
        pending = pending.filter(case__deciding_agency_id__in=agencies)
    page = Paginator(pending.order_by("check_due", "pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    response = _render(
        request,
        principal,
        "post_checks",
        "workbench/credit/post_checks.html",
        {"page": page, "today": timezone.localdate(), "error": error},
    )
    response.status_code = 400 if error else 200
    return response
