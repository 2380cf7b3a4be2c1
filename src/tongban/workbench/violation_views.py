"""Violation notices (告知函) in the workbench.

A supervising officer (or a section chief of a supervising department) files a notice
about a licence their department supervises — found by ``?case=<id>`` from the push page,
or by its case code or certificate identifier — with evidence files, and follows its
state. A section chief of the deciding agency sees the notices awaiting a decision, the
most urgent first (overdue marked), and takes a measure on the licence or dismisses the
notice, with reasons.

Thin: the lists come from ``violations.services``, the changes from
``violations.actions``. Bad input comes back on the page with the reason and the HTTP
status (400 bad input, 403 not allowed, 409 already decided or no longer possible),
nothing changed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases.models import Case
from tongban.cases.models import Status as CaseStatus
from tongban.cases.transitions import IllegalTransition
from tongban.certificates import services as certificate_services
from tongban.org import policy
from tongban.org.models import Agency, StaffRole
from tongban.org.policy import Principal
from tongban.violations import actions, services
from tongban.violations.api import evidence_response
from tongban.violations.models import Evidence, Kind, Measure, Status, ViolationNotice
from tongban.violations.policy_rules import REPORTING_ROLES, reporting_agency_ids

from .access import PAGE_ROLES, staff_with_roles
from .views import _render

PER_PAGE = 25


def _page(
    request: HttpRequest,
    principal: Principal,
    template: str,
    context: dict,
    *,
    label: str | None = None,
    status: int = 200,
) -> HttpResponse:
    if label:
        context = {**context, "page_label": label}
    response = _render(request, principal, "violations", template, context)
    response.status_code = status
    return response


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(getattr(error, "message", "") or error) or _("You may not do this.")


def _rows(notices, today) -> list[dict]:
    return [{"notice": n, "overdue": services.is_overdue(n, today)} for n in notices]


# ---------------------------------------------------------------- list


@staff_with_roles(*PAGE_ROLES["violations"])
def notice_list(request: HttpRequest, principal: Principal) -> HttpResponse:
    """A chief: the notices awaiting a decision, by due date. An officer: their
    department's notices, newest first. An administrator: every notice."""
    today = timezone.localdate()
    to_decide = services.with_details(services.awaiting_decision(principal))
    sent = services.with_details(services.sent_by(principal))
    everything = None
    if principal.is_platform_admin:
        everything = Paginator(
            services.with_details(services.visible(principal)).order_by("-received_at", "-pk"),
            PER_PAGE,
        ).get_page(request.GET.get("page"))
    sent_page = Paginator(sent, PER_PAGE).get_page(request.GET.get("page"))
    decide_rows = _rows(to_decide[:200], today)
    context = {
        "is_chief": bool(principal.agency_ids(StaffRole.SECTION_CHIEF)),
        "reports": bool(reporting_agency_ids(principal)),
        "to_decide": decide_rows,
        "overdue_count": sum(1 for row in decide_rows if row["overdue"]),
        "sent_page": sent_page,
        "sent": _rows(sent_page.object_list, today),
        "all_page": everything,
        "all": _rows(everything.object_list, today) if everything is not None else [],
    }
    return _page(request, principal, "workbench/violations/list.html", context)


# ---------------------------------------------------------------- new notice


def _licence_facts(case: Case, *, besides: ViolationNotice | None = None) -> dict:
    certificate = services.certificate_of(case)
    status = certificate_services.effective_status(certificate) if certificate else ""
    return {
        "case": case,
        "status_label": CaseStatus(case.status).label,
        "certificate": certificate,
        "certificate_status": certificate_services.status_label(status) if status else "",
        "certificate_status_name": certificate_services.status_name(status) if status else "",
        "problem": services.licence_problem(case),
        "open_notices": list(
            case.violation_notices.filter(status=Status.RECEIVED)
            .exclude(pk=besides.pk if besides else None)
            .order_by("received_at")
        ),
    }


def _find(request: HttpRequest, principal: Principal) -> tuple[Case | None, str, str]:
    """The licence asked for (``case`` id or ``q``: case code or certificate identifier),
    the search text, and why it cannot be reported on (empty if it can)."""
    source = request.POST if request.method == "POST" else request.GET
    query = source.get("q", "").strip()[:120]
    case = None
    raw = source.get("case", "").strip()
    if raw.isdigit() and len(raw) < 19:
        case = Case.objects.filter(pk=int(raw)).first()
    elif query:
        case = services.find_licence(query)
    if case is None:
        if raw or query:
            return None, query, _("No licence matches this case code or certificate identifier.")
        return None, query, ""
    case = Case.objects.select_related("item_version", "applicant", "deciding_agency").get(
        pk=case.pk
    )
    if not reporting_agency_ids(principal, case):
        # Say nothing about a licence the person's department does not supervise.
        return None, query, str(policy.refusal_message("violations.report"))
    return case, query or (case.code or ""), ""


def _form_values(request: HttpRequest) -> dict:
    post = request.POST
    return {
        "kind": post.get("kind", ""),
        "facts": post.get("facts", ""),
        "legal_basis": post.get("legal_basis", ""),
        "proposed_measure": post.get("proposed_measure", ""),
        "agency": post.get("agency", ""),
    }


@staff_with_roles(*REPORTING_ROLES)
def notice_new(request: HttpRequest, principal: Principal) -> HttpResponse:
    case, query, problem = _find(request, principal)
    agencies = list(
        Agency.objects.filter(pk__in=reporting_agency_ids(principal, case)).order_by("pk")
    )
    context: dict = {
        "query": query,
        "problem": problem,
        "licence": _licence_facts(case) if case else None,
        "kinds": Kind.choices,
        "measures": Measure.choices,
        "agencies": agencies,
        "values": {"kind": "", "proposed_measure": "", "facts": "", "legal_basis": ""},
        "new_url": reverse("workbench:violation-new"),
    }
    if request.method != "POST":
        return _page(
            request, principal, "workbench/violations/new.html", context, label=_("New notice")
        )
    values = _form_values(request)
    context["values"] = values
    status = 400
    try:
        if case is None:
            raise ValidationError(problem or _("Find the licence first."))
        agency = None
        if values["agency"]:
            agency = next((a for a in agencies if str(a.pk) == values["agency"]), None)
            if agency is None:
                raise ValidationError(_("Choose your department."))
        notice = actions.report(
            principal,
            case,
            kind=values["kind"],
            facts=values["facts"],
            legal_basis=values["legal_basis"],
            proposed_measure=values["proposed_measure"],
            evidence=request.FILES.getlist("evidence"),
            agency=agency,
        )
    except ValidationError as error:
        context["error"] = _message(error)
    except PermissionDenied as error:
        status, context["error"] = 403, _message(error)
    else:
        messages.success(
            request,
            _("Notice %(code)s was sent; the decision is due by %(due)s.")
            % {"code": notice.code, "due": notice.due_date.isoformat()},
        )
        return redirect("workbench:violation", pk=notice.pk)
    return _page(
        request,
        principal,
        "workbench/violations/new.html",
        context,
        label=_("New notice"),
        status=status,
    )


# ---------------------------------------------------------------- one notice


def _notice(principal: Principal, pk: int) -> ViolationNotice:
    notice = (
        services.with_details(services.visible(principal)).filter(pk=pk).first()
        if pk < 2**63
        else None
    )
    if notice is None:
        raise Http404("no such notice")
    return notice


def _detail_context(principal: Principal, notice: ViolationNotice) -> dict:
    may_decide = notice.is_open and policy.allows(principal, "violations.decide", notice)
    return {
        "notice": notice,
        "overdue": services.is_overdue(notice),
        "kind_label": Kind(notice.kind).label,
        "proposed_label": Measure(notice.proposed_measure).label,
        "measure_label": Measure(notice.measure).label if notice.measure else "",
        "status_label": Status(notice.status).label,
        "evidence": list(notice.evidence.order_by("pk")),
        "licence": _licence_facts(notice.case, besides=notice),
        "may_decide": may_decide,
        "measures": Measure.choices,
        "dismiss": actions.DISMISS,
    }


@staff_with_roles(*PAGE_ROLES["violations"])
def notice_detail(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    notice = _notice(principal, pk)
    if request.method != "POST":
        return _page(
            request,
            principal,
            "workbench/violations/detail.html",
            _detail_context(principal, notice),
            label=notice.code,
        )
    measure = request.POST.get("measure", "")
    reasons = request.POST.get("reasons", "")
    status = 200
    try:
        actions.decide(principal, notice, measure=measure, reasons=reasons)
    except actions.AlreadyDecided as error:
        status, message = 409, _message(error)
    except ValidationError as error:
        status, message = 400, _message(error)
    except PermissionDenied as error:
        status, message = 403, _message(error)
    except IllegalTransition as error:
        status = 409
        message = _("The licence no longer allows this measure: %(reason)s") % {"reason": error}
    if status == 200:
        notice = _notice(principal, pk)
        messages.success(
            request,
            _("Notice %(code)s is decided: %(measure)s.")
            % {
                "code": notice.code,
                "measure": Measure(notice.measure).label if notice.measure else _("Dismissed"),
            },
        )
        return redirect("workbench:violation", pk=pk)
    notice = _notice(principal, pk)
    context = _detail_context(principal, notice)
    context.update(error=message, measure=measure, reasons=reasons)
    return _page(
        request,
        principal,
        "workbench/violations/detail.html",
        context,
        label=notice.code,
        status=status,
    )


@staff_with_roles(*PAGE_ROLES["violations"])
def evidence_download(
    request: HttpRequest, principal: Principal, pk: int, evidence_pk: int
) -> HttpResponse:
    notice = _notice(principal, pk)
    evidence = (
        Evidence.objects.filter(notice=notice, pk=evidence_pk).first()
        if evidence_pk < 2**63
        else None
    )
    if evidence is None:
        raise Http404("no such evidence")
    return evidence_response(evidence)
