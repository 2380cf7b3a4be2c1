"""Supervision pages (审管互动): the department's inbox of pushed results with claims
(one by one and in bulk, HTMX), a result's detail (what was sent, the deliveries to the
department's system, resend), and the claim rates (认领率).

Thin: ``supervision.services`` reads, ``supervision.actions`` changes, the policy decides
(``supervision.view_push``, ``claim_push``, ``resend_push``, ``view_claim_rates``).
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongban.org import policy
from tongban.org.policy import Principal
from tongban.supervision import actions, services
from tongban.supervision.models import Push
from tongban.supervision.policy_rules import department_ids

from .access import PAGE_ROLES, scope_for, staff_with_roles
from .views import _render

PER_PAGE = 30
FILTERS = ("unclaimed", "overdue", "claimed", "all")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _chosen(request: HttpRequest) -> dict:
    show = request.GET.get("show", "")
    event = request.GET.get("event", "")
    return {
        "show": show if show in FILTERS else "all",
        "event": event if event in Push.Event.values else "",
    }


def _inbox_context(request: HttpRequest, principal: Principal, chosen: dict) -> dict:
    now = timezone.now()
    show = chosen["show"]
    found = services.search(
        principal,
        claimed={"unclaimed": False, "claimed": True}.get(show),
        overdue=True if show == "overdue" else None,
        event=chosen["event"],
        now=now,
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    mine = department_ids(principal)
    rows = [
        {
            "push": push,
            "overdue": services.is_overdue(push, now),
            "claimable": push.claimed_at is None and push.agency_id in mine,
        }
        for push in page.object_list
    ]
    return {
        "page": page,
        "rows": rows,
        "any_claimable": any(row["claimable"] for row in rows),
        "chosen": chosen,
        "filters_active": chosen["show"] != "all" or bool(chosen["event"]),
        "shows": [
            ("all", _("All")),
            ("unclaimed", _("Not claimed")),
            ("overdue", _("Overdue")),
            ("claimed", _("Claimed")),
        ],
        "events": Push.Event.choices,
        "overdue_count": services.overdue_count(principal, now),
        "list_url": reverse("workbench:supervision"),
        "rates_url": reverse("workbench:supervision-rates"),
    }


def _claim_posted(request: HttpRequest, principal: Principal) -> tuple[str, str]:
    """Claim what the form names: (done, error) messages."""
    one = request.POST.get("claim", "")
    visible = services.visible(principal)
    try:
        if one:
            push = visible.filter(pk=one).first() if one.isdigit() else None
            if push is None:
                raise ValidationError(_("This result is not in your inbox."))
            push = actions.claim(principal, push)
            return _("Claimed: %(case)s.") % {"case": push.payload.get("case_code", "")}, ""
        ids = [pk for pk in request.POST.getlist("ids") if pk.isdigit()]
        if not ids:
            raise ValidationError(_("Choose the results to claim."))
        if visible.filter(pk__in=ids).count() != len(set(ids)):
            raise ValidationError(_("This result is not in your inbox."))
        claimed, before = actions.claim_many(principal, ids)
    except actions.AlreadyClaimed as refused:
        return "", refused.messages[0]
    except ValidationError as refused:
        return "", " ".join(refused.messages)
    except PermissionDenied as refused:
        return "", str(getattr(refused, "message", "") or refused)
    done = ngettext("%(count)s result claimed.", "%(count)s results claimed.", len(claimed)) % {
        "count": len(claimed)
    }
    if before:
        done += " " + _("Claimed by someone else before: %(cases)s.") % {
            "cases": "、".join(p.payload.get("case_code", "") for p in before)
        }
    return done, ""


@staff_with_roles(*PAGE_ROLES["supervision"])
def inbox(request: HttpRequest, principal: Principal) -> HttpResponse:
    """The results pushed to the officer's department: the unclaimed first, each with
    its claim deadline; overdue ones marked; claimed with a button or several at once."""
    done = error = ""
    if request.method == "POST":
        done, error = _claim_posted(request, principal)
        if not _is_htmx(request):
            if done:
                messages.success(request, done)
            if error:
                messages.error(request, error)
            return redirect(request.get_full_path())
    context = _inbox_context(request, principal, _chosen(request))
    context.update(done=done, error=error)
    if _is_htmx(request):
        return render(request, "workbench/supervision/_push_list.html", context)
    context["scope"] = scope_for(principal, *PAGE_ROLES["supervision"])
    return _render(request, principal, "supervision", "workbench/supervision/inbox.html", context)


def violation_link(case_id: int) -> str:
    """Where a department reports the licensee (告知函); empty until that page exists."""
    try:
        return f"{reverse('workbench:violation-new')}?case={case_id}"
    except NoReverseMatch:
        return ""


@staff_with_roles()
def push_detail(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    """One pushed result: what the department received, its claim, and every delivery
    attempt to the department's system (resend when delivery failed)."""
    push = get_object_or_404(
        services.visible(principal).select_related("agency", "claimed_by", "case", "item"), pk=pk
    )
    status = 200
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "resend":
                actions.resend(principal, push)
                messages.success(request, _("The result is being sent again."))
            elif request.POST.get("action") == "claim":
                actions.claim(principal, push)
                messages.success(
                    request, _("Claimed: %(case)s.") % {"case": push.payload.get("case_code", "")}
                )
            else:
                raise ValidationError(_("Choose what to do."))
            return redirect("workbench:supervision-push", pk=pk)
        except actions.AlreadyClaimed as refused:
            status, error = 409, refused.messages[0]
        except ValidationError as refused:
            status, error = 400, " ".join(refused.messages)
        except PermissionDenied as refused:
            status, error = 403, str(getattr(refused, "message", "") or refused)
        push.refresh_from_db()
    certificate = push.payload.get("certificate") or None
    certificate_url = ""
    if certificate and certificate.get("identifier"):
        certificate_url = reverse("portal:certificate-verify", args=[certificate["identifier"]])
    context = {
        "push": push,
        "overdue": services.is_overdue(push),
        "attempts": list(push.delivery_attempts.order_by("number")),
        "certificate": certificate,
        "certificate_url": certificate_url,
        "may_claim": push.claimed_at is None
        and policy.allows(principal, "supervision.claim_push", push),
        "may_resend": push.delivery_state == Push.Delivery.FAILED
        and policy.allows(principal, "supervision.resend_push", push),
        "violation_url": violation_link(push.case_id),
        "may_open_case": policy.allows(principal, "cases.view_case", push.case),
        "error": error,
    }
    response = _render(
        request, principal, "supervision", "workbench/supervision/detail.html", context
    )
    response.status_code = status
    return response


def _date(raw: str | None, default: dt.date) -> tuple[dt.date, str]:
    if not raw:
        return default, ""
    try:
        return dt.date.fromisoformat(raw.strip()), ""
    except ValueError:
        return default, _("Enter the date as YYYY-MM-DD.")


@staff_with_roles()
def claim_rates(request: HttpRequest, principal: Principal) -> HttpResponse:
    """认领率 per department and item over a period: for the departments themselves and
    for the bureau's chiefs and auditors (``supervision.view_claim_rates``)."""
    policy.require(principal, "supervision.view_claim_rates")
    default_start, default_end = services.default_range()
    start, start_error = _date(request.GET.get("start"), default_start)
    end, end_error = _date(request.GET.get("end"), default_end)
    error = start_error or end_error
    if not error and end < start:
        error = _("The end of the period is before its start.")
        start, end = default_start, default_end
    report = services.claim_rates(principal, start=start, end=end)
    overdue = services.search(principal, overdue=True)[:50]
    context = {
        "report": report,
        "start": start,
        "end": end,
        "error": error,
        "overdue": list(overdue),
        "rates_url": reverse("workbench:supervision-rates"),
        "inbox_url": reverse("workbench:supervision")
        if policy.allows(principal, "workbench.open_page", PAGE_ROLES["supervision"])
        else "",
    }
    return _render(request, principal, "supervision", "workbench/supervision/rates.html", context)
