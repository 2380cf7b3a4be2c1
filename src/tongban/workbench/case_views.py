"""Case handling in the workbench (一窗受理): the counter's intake, the back-office inbox,
the chief's approvals, the case detail with its actions, and the result pickup.

Views stay thin: they parse the form, ask the policy, call one of ``tongban.cases.actions``
(the same functions the API calls) and render. An action's refusal comes back as a clear
message in the form that was sent, with nothing changed: HTMX requests get the re-rendered
fragment (so the message lands beside the button), plain requests the whole page with the
HTTP status (400 bad input, 403 not yours, 409 stale page or illegal move).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongban.archive.models import ArchiveReuse
from tongban.bundles import actions as bundle_actions
from tongban.bundles.models import BundleStatus
from tongban.cases import actions, deadlines, documents, permissions, queries, reach, transitions
from tongban.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseMaterial,
    CasePause,
    Channel,
    Commitment,
    RefusalRequest,
    Status,
    SupplementRequest,
    WarningLevel,
)
from tongban.cases.steps import case_steps, decision_index
from tongban.catalog import search
from tongban.catalog.actions import current_version
from tongban.catalog.guide import guide_for, version_parts
from tongban.catalog.models import Item, Material, ReviewStep
from tongban.org import policy
from tongban.org.models import Applicant, ServicePoint, StaffRole, Window
from tongban.org.policy import OutOfScope, Principal
from tongban.workdays.clock import Deadline, calendar_for, remaining_working_days

from . import credit_panel, instant_panel, supervision_panel
from .access import PAGE_ROLES, scope_for, staff_with_roles
from .lookup import find_applicants
from .views import LOOKUP_PER_PAGE, _counter_points, _is_htmx, _render, registration

PER_PAGE = 25
ITEM_HITS = 10

# --- Helpers -----------------------------------------------------------------------------


def _case_for(principal: Principal, pk: int) -> Case:
    """The case, if this person may see it (403 with the policy's reason otherwise)."""
    case = get_object_or_404(
        Case.objects.select_related(
            "item",
            "item_version",
            "applicant",
            "deciding_agency__region",
            "service_point__region",
            "window",
            "pickup_point__region",
            "accepted_by",
            "assignee",
        ),
        pk=pk,
    )
    if not policy.allows(principal, "cases.view_case", case):
        raise OutOfScope(policy.refusal_message("cases.view_case"))
    return case


class FormError(Exception):
    """An action refused: the message for the form and the HTTP status of a plain request."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _run(call: Callable[[], object]) -> object:
    """Run an action (or two in one transaction); turn its refusal into a FormError."""
    try:
        with transaction.atomic():
            return call()
    except actions.StaleCase as error:
        raise FormError(" ".join(error.messages), 409) from error
    except transitions.IllegalTransition as error:
        raise FormError(str(error), 409) from error
    except ValidationError as error:
        raise FormError(" ".join(error.messages), 400) from error
    except PermissionDenied as error:
        raise FormError(str(error) or _("You may not do this on this case."), 403) from error


def _revision(post: QueryDict) -> int:
    try:
        return int(post.get("revision", ""))
    except ValueError:
        raise FormError(_("The form is incomplete; reload the page and try again."), 400) from None


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            _("Give %(what)s as a date (YYYY-MM-DD).") % {"what": what}, code="form"
        ) from None


def _whole_number(value: str, what: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ValidationError(
            _("Give %(what)s as a whole number.") % {"what": what}, code="form"
        ) from None


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values]
    except ValueError:
        raise ValidationError(_("The form data is not valid."), code="form") from None


def _materials(values: list[str]) -> list[Material]:
    """Materials by id, from any version: the action refuses those outside the case's guide
    with its clear message instead of this view dropping them silently."""
    ids = _ids(values)
    found = {m.pk: m for m in Material.objects.filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise ValidationError(_("The form data is not valid."), code="form")
    return [found[pk] for pk in dict.fromkeys(ids)]


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


@dataclass(frozen=True)
class Clock:
    """The deadline that matters now, for display: due date, days left, level."""

    label: str
    due: dt.datetime
    left: int  # working days after today; negative when overdue
    level: str
    estimated: bool
    paused: bool

    @property
    def days_over(self) -> int:
        return -self.left

    @property
    def level_label(self) -> str:
        return str(WarningLevel(self.level).label)


def clock_of(case: Case, now: dt.datetime) -> Clock | None:
    if case.accepted_at is None:
        due, label = case.acceptance_due, _("Acceptance due")
    else:
        due, label = case.promised_due, _("Promised by")
    if due is None or case.closed_at is not None:
        return None
    deadline = Deadline(
        due=due, due_date=timezone.localdate(due), estimated=case.due_estimated, paused=False
    )
    return Clock(
        label=label,
        due=due,
        left=remaining_working_days(deadline, now, calendar_for(deadlines.region_of(case))),
        level=deadlines.level(case, now),
        estimated=case.due_estimated,
        paused=case.status in {Status.SPECIAL_PROCEDURE, Status.NEEDS_SUPPLEMENT},
    )


def step_clock_of(case: Case, now: dt.datetime) -> Clock | None:
    """The current review step's share of the time, when it ends before the promise."""
    due = deadlines.step_due_before_promise(case)
    if due is None:
        return None
    deadline = Deadline(
        due=due, due_date=timezone.localdate(due), estimated=case.due_estimated, paused=False
    )
    return Clock(
        label=_("Current step due"),
        due=due,
        left=remaining_working_days(deadline, now, calendar_for(deadlines.region_of(case))),
        level=deadlines.step_level(case, now),
        estimated=case.due_estimated,
        paused=False,
    )


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def step_label(case: Case) -> str:
    if not case.step_kind:
        return ""
    try:
        kind = ReviewStep.Kind(case.step_kind).label
    except ValueError:
        kind = case.step_kind
    if case.step_role in StaffRole.values:
        return f"{kind} · {StaffRole(case.step_role).label}"
    return str(kind)


# --- Where a clerk sits: service point and window ---------------------------------------

ACCEPTING_WINDOWS = (
    Window.Kind.COMPREHENSIVE,
    Window.Kind.SPECIALISED,
    Window.Kind.INSTANT,
    Window.Kind.HELPER_AGENT,
)
DESK_SESSION_KEY = "workbench.desk"


@dataclass(frozen=True)
class Desk:
    point: ServicePoint
    window: Window | None

    @property
    def key(self) -> str:
        return f"{self.point.pk}-{self.window.pk if self.window else 0}"

    def __str__(self) -> str:
        if self.window is None:
            return self.point.name
        return f"{self.point.name} · {self.window.number} {self.window.name}"


def desks(principal: Principal) -> list[Desk]:
    """The clerk's places: an assignment naming a window is that window; one that does not
    is any open accepting window of its service point (or the point itself if it has none)."""
    found: dict[str, Desk] = {}
    for assignment in principal.assignments:
        if assignment.role != StaffRole.WINDOW_CLERK or not assignment.service_point_id:
            continue
        point = assignment.service_point
        if assignment.window_id:
            options = [Desk(point, assignment.window)]
        else:
            windows = Window.objects.filter(
                service_point=point, kind__in=ACCEPTING_WINDOWS, is_open=True
            ).order_by("number")
            options = [Desk(point, window) for window in windows] or [Desk(point, None)]
        for desk in options:
            found.setdefault(desk.key, desk)
    return list(found.values())


def current_desk(request: HttpRequest, principal: Principal) -> tuple[Desk | None, list[Desk]]:
    options = desks(principal)
    chosen = request.session.get(DESK_SESSION_KEY)
    for desk in options:
        if desk.key == chosen:
            return desk, options
    return (options[0] if options else None), options


@require_POST
@staff_with_roles(*PAGE_ROLES["counter"])
def choose_desk(request: HttpRequest, principal: Principal) -> HttpResponse:
    key = request.POST.get("desk", "")
    if any(desk.key == key for desk in desks(principal)):
        request.session[DESK_SESSION_KEY] = key
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith("/workbench/") else "workbench:counter")


# --- Counter: start an application, the queues, walk-in registration --------------------


def _item_hits(query: str) -> list[dict]:
    if not query:
        return []
    ids = [hit.item_id for hit in search.search(query, limit=ITEM_HITS) if hit.item_id]
    exact = Item.objects.filter(impl_code__iexact=query).values_list("pk", flat=True)
    ids = list(dict.fromkeys([*exact, *ids]))
    items = Item.objects.select_related("agency").in_bulk(ids)
    hits = []
    for pk in ids:
        item = items.get(pk)
        version = current_version(item) if item else None
        if version is not None:
            hits.append({"item": item, "version": version})
    return hits


def _chosen_item(value: str, desk: Desk | None) -> dict | None:
    if not value.isdigit():
        return None
    item = Item.objects.select_related("agency").filter(pk=value).first()
    version = current_version(item) if item else None
    if version is None:
        return None
    today = timezone.localdate()
    region = desk.point.region if desk else None
    agency = reach.deciding_agency_for(item, region, today)
    problem = ""
    if desk is not None:
        try:
            reach.check_reach(version, agency, desk.point)
        except ValidationError as error:
            problem = " ".join(error.messages)
    return {"item": item, "version": version, "agency": agency, "problem": problem}


def _chosen_applicant(principal: Principal, value: str) -> Applicant | None:
    if not value.isdigit():
        return None
    return (
        policy.visible(principal, "org.view_applicant", Applicant.objects.all())
        .filter(pk=value)
        .first()
    )


def _queue_page(request: HttpRequest, queryset: QuerySet, name: str):
    related = queryset.select_related("item_version", "applicant", "deciding_agency")
    return Paginator(related, PER_PAGE).get_page(request.GET.get(name))


@staff_with_roles(*PAGE_ROLES["counter"])
def counter(request: HttpRequest, principal: Principal) -> HttpResponse:
    points = _counter_points(principal)
    form, registered, response = registration(request, principal, points)
    if response is not None:
        return response
    desk, options = current_desk(request, principal)
    query = request.GET.get("q", "").strip()
    results = Paginator(find_applicants(principal, query), LOOKUP_PER_PAGE).get_page(
        request.GET.get("page")
    )
    item_query = request.GET.get("item_q", "").strip()
    online = _queue_page(request, queries.online_queue(principal), "online_page")
    # An online case is offered only where its item may be accepted (市域通办 or nearer).
    online_cases = [case for case in online if permissions.is_clerk_for(principal, case)]
    context = {
        "form": form,
        "registered": registered,
        "points": points,
        "query": query,
        "results": results,
        "choosing": True,
        "desk": desk,
        "desks": options,
        "item_query": item_query,
        "item_hits": _item_hits(item_query),
        "chosen_item": _chosen_item(request.GET.get("item", ""), desk),
        "chosen_applicant": _chosen_applicant(principal, request.GET.get("applicant", "")),
        "window_queue": _queue_page(request, queries.window_queue(principal), "window_page"),
        "online_queue": online,
        "online_cases": online_cases,
        "files_as_agent": desk is None and agent_channel(principal) is not None,
        "drafts": Case.objects.filter(
            status=Status.DRAFT, channel__in=COUNTER_CHANNELS, submitted_by=principal.user
        )
        .select_related("item_version", "applicant")
        .order_by("-created_at")[:PER_PAGE],
    }
    return _render(request, principal, "counter", "workbench/counter.html", context)


COUNTER_CHANNELS = (Channel.WINDOW, Channel.HELPER_AGENT, Channel.VILLAGE_STATION)


def agent_channel(principal: Principal) -> str | None:
    """How a helper agent files for an applicant (帮办代办): from a village service station
    when one of their places is one, otherwise as a helper agent; None for anyone else."""
    if not principal.has_role(StaffRole.HELPER_AGENT):
        return None
    points = principal.service_point_ids(StaffRole.HELPER_AGENT)
    village = ServicePoint.objects.filter(
        pk__in=points, kind=ServicePoint.Kind.VILLAGE_STATION
    ).exists()
    return Channel.VILLAGE_STATION if village else Channel.HELPER_AGENT


@require_POST
@staff_with_roles(*PAGE_ROLES["counter"])
def start_case(request: HttpRequest, principal: Principal) -> HttpResponse:
    """A draft window case for the chosen item and applicant, at the clerk's desk."""
    desk, _options = current_desk(request, principal)
    item = get_object_or_404(Item, pk=request.POST.get("item") or 0)
    applicant = _chosen_applicant(principal, request.POST.get("applicant", ""))
    back = f"{reverse('workbench:counter')}?item={item.pk}"
    if applicant is None:
        messages.error(request, _("Choose the applicant first."))
        return redirect(back)
    back += f"&applicant={applicant.pk}"
    channel = Channel.WINDOW
    if desk is None:
        channel = agent_channel(principal)
        if channel is None:
            messages.error(
                request, _("Only a window clerk at a service point accepts applications.")
            )
            return redirect(back)
    try:
        case = _run(
            lambda: actions.start_application(
                principal,
                item,
                applicant=applicant,
                channel=channel,
                # An agent's application is accepted at a hall, like an online one.
                service_point=desk.point if desk else None,
                window=desk.window if desk else None,
            )
        )
    except FormError as error:
        messages.error(request, error.message)
        return redirect(back)
    return redirect("workbench:intake", pk=case.pk)


# --- Intake: answers, the checklist, scans, and the acceptance decision ------------------

INTAKE_STATUSES = {
    Status.DRAFT,
    Status.SUBMITTED,
    Status.NEEDS_SUPPLEMENT,
    Status.ACCEPTED_TOLERANT,
}
DECISIONS = {"accept", "tolerant", "commitment", "supplement", "non_acceptance"}


def _answers_posted(post: QueryDict) -> list[int]:
    return _ids([value for key, value in post.items() if key.startswith("answer_") and value])


def _intake_context(
    request: HttpRequest,
    principal: Principal,
    case: Case,
    desk: Desk | None,
    posted_answers: list[int] | None = None,
) -> dict:
    version = case.item_version
    questions = list(version.questions.prefetch_related("options"))
    answers = posted_answers if posted_answers is not None else list(case.answers)
    chosen = set(answers)
    unanswered = [q for q in questions if not any(o.pk in chosen for o in q.options.all())]
    guide = guide_for(version, answers, strict=False)
    saved_complete = not unanswered and posted_answers in (None, list(case.answers))
    received = actions.received_materials(case) if saved_complete else {}
    missing = actions.missing_materials(case) if saved_complete else []
    missing_ids = {m.pk for m in missing}
    rows = [
        {"material": m, "file": received.get(m.pk), "missing": m.pk in missing_ids}
        for m in guide.materials
    ]
    today = timezone.localdate()
    calendar = calendar_for(desk.point.region_id if desk else deadlines.region_of(case))
    days = guide.promised_limit if version.promised_limit_unit == "working_days" else 0
    pending = case.supplements.filter(answered_at__isnull=True).prefetch_related("materials")
    clerk = permissions.is_clerk_for(principal, case)
    agent = not clerk and permissions.is_applicant_side(principal, case)
    return {
        "case": case,
        "desk": desk,
        "questions": questions,
        "answers": chosen,
        "unanswered": unanswered,
        "guide": guide,
        "complete": saved_complete,
        "rows": rows,
        "missing": missing,
        "missing_required": [m for m in missing if m.necessity == Material.Necessity.REQUIRED],
        "deferrable": [m for m in missing if m.necessity == Material.Necessity.DEFERRABLE],
        "askable": [m for m in guide.materials if not m.verifiable],
        "conditions": actions.allowed_condition_texts(guide) if not unanswered else [],
        "may_act": clerk,
        # A helper agent filing for the applicant: answers, scans, hands in, supplies.
        "files_for_applicant": agent,
        "may_edit": clerk or agent,
        "editable_answers": case.status == Status.DRAFT,
        "uploads_open": saved_complete and case.status in INTAKE_STATUSES,
        "pending": list(pending),
        "suggested_due": calendar.add_working_days(today, days) if days else today,
        "suggested_check": today + dt.timedelta(days=30),
        "today": today,
        **credit_panel.panel(case),
    }


def _submit_then(principal: Principal, case: Case, revision: int, then) -> Case:
    """A window draft is submitted and decided in one go (one transaction: a refused
    decision leaves the draft as it was, without a case code)."""
    if case.status == Status.DRAFT:
        case = actions.submit(principal, case, revision=revision)
        revision = case.revision
    return then(case, revision)


def _decide(
    principal: Principal, case: Case, desk: Desk | None, op: str, post: QueryDict
) -> tuple[Case, str]:
    """Carry out one acceptance decision; the message to show after it."""
    revision = _revision(post)
    # A case that came in online takes the clerk's desk as where it was accepted.
    where = {}
    if case.service_point_id is None and desk is not None:
        where = {"service_point": desk.point, "window": desk.window}

    if op == "accept":

        def then(c, r):
            return actions.accept(principal, c, revision=r, **where)

        done = _("Case %(code)s is accepted and goes to %(agency)s for review.")
    elif op == "tolerant":
        deferred = _materials(post.getlist("deferred"))
        due = _date(post.get("due", ""), _("the date the deferred materials are due"))

        def then(c, r):
            return actions.accept_tolerant(
                principal, c, deferred=deferred, due=due, revision=r, **where
            )

        done = _(
            "Case %(code)s is accepted with deferred materials (容缺) and goes to "
            "%(agency)s for review."
        )
    elif op == "commitment":
        committed = _materials(post.getlist("committed"))
        # A commitment the applicant signed online brings its own post-check date.
        check_due = (
            _date(post.get("check_due", ""), _("the post-check date"))
            if post.get("check_due")
            else None
        )

        def then(c, r):
            return actions.accept_on_commitment(
                principal,
                c,
                materials=committed,
                text=post.get("commitment", ""),
                check_due=check_due,
                revision=r,
                **where,
            )

        done = _(
            "Case %(code)s is accepted on a signed commitment (告知承诺) and goes to "
            "%(agency)s for review."
        )
    elif op == "supplement":
        chosen = _materials(post.getlist("materials"))
        problems = {m.pk: post.get(f"problem_{m.pk}", "") for m in chosen}

        def then(c, r):
            actions.request_supplement(
                principal,
                c,
                materials=chosen,
                problems=problems,
                conditions=post.getlist("conditions"),
                note=post.get("note", ""),
                revision=r,
            )
            return c

        done = _("The supplement notice for case %(code)s lists every gap at once.")
    else:  # non_acceptance

        def then(c, r):
            actions.propose_non_acceptance(principal, c, reason=post.get("reason", ""), revision=r)
            return c

        done = _(
            "Non-acceptance of case %(code)s is proposed; a section chief of %(agency)s "
            "confirms or overturns it."
        )
    case = _run(lambda: _submit_then(principal, case, revision, then))
    return case, done % {"code": case.code, "agency": case.deciding_agency.name}


def _intake_op(
    request: HttpRequest, principal: Principal, case: Case, desk: Desk | None, op: str
) -> tuple[str, list[int] | None, str | None]:
    """An intake form: (message, answers to preview, address to go to next)."""
    post = request.POST
    if op == "answers":
        answers = _answers_posted(post)
        questions = len(version_parts(case.item_version)[0])  # kept per published version
        if len(answers) < questions:
            return "", answers, None  # preview only: every question must be answered to save
        _run(lambda: actions.update_draft(principal, case, answers=answers))
        return _("Answers saved; the checklist below is the one for this situation."), None, None
    if op == "upload":
        upload = request.FILES.get("file")
        if upload is None:
            raise FormError(_("Choose the scanned file first."), 400)
        try:
            material = Material.objects.get(pk=_ids([post.get("material", "")])[0])
        except (Material.DoesNotExist, ValidationError, IndexError):
            raise FormError(_("The form data is not valid."), 400) from None
        _run(lambda: actions.attach_material(principal, case, material, upload))
        return _("Received: %(name)s.") % {"name": material.name}, None, None
    if op == "submit":  # a helper agent hands the application in for acceptance
        revision = _revision(post)
        case = _run(lambda: actions.submit(principal, case, revision=revision))
        done = _(
            "Case %(code)s is submitted; a service hall accepts it, and the applicant is "
            "told at each step."
        ) % {"code": case.code}
        return done, None, reverse("workbench:agent")
    if op in {"supply", "supply_deferred"}:
        revision = _revision(post)
        action = actions.supply if op == "supply" else actions.supply_deferred
        _run(lambda: action(principal, case, revision=revision))
        return _("Recorded: the materials asked for have arrived."), None, _detail_url(case)
    if op in DECISIONS:
        try:
            case, done = _decide(principal, case, desk, op, post)
        except ValidationError as error:  # a malformed field, before any action ran
            raise FormError(" ".join(error.messages), 400) from error
        return done, None, _detail_url(case)
    raise FormError(_("Unknown action."), 400)


def _detail_url(case: Case) -> str:
    return reverse("workbench:case", args=[case.pk])


def _go(request: HttpRequest, url: str) -> HttpResponse:
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@staff_with_roles(*PAGE_ROLES["counter"])
def intake(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    case = _case_for(principal, pk)
    if case.status not in INTAKE_STATUSES:
        return redirect(_detail_url(case))
    desk, options = current_desk(request, principal)
    error, done, op, status, preview = None, None, None, 200, None
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            done, preview, next_url = _intake_op(request, principal, case, desk, op)
        except FormError as refused:
            error, status = refused.message, refused.status
        else:
            if next_url:
                messages.success(request, done)
                return _go(request, next_url)
        case = _case_for(principal, pk)
    context = _intake_context(request, principal, case, desk, preview)
    context |= {"error": error, "done": done, "op": op, "desks": options}
    if _is_htmx(request):
        # HTMX swaps only answers of 2xx: the refusal is shown in the form it belongs to.
        return render(request, "workbench/cases/_intake.html", context)
    context["page_label"] = case.code or case.item_version.name
    response = _render(request, principal, "counter", "workbench/cases/intake.html", context)
    response.status_code = status
    return response


# --- Helper agents: the applications they filed for applicants (帮办代办) -----------------


def _still_needed(case: Case) -> list[str]:
    """What an agent's case waits for from the applicant's side, in words."""
    if case.status == Status.DRAFT:
        questions = len(version_parts(case.item_version)[0])  # kept per published version
        if len(case.answers) < questions:
            return [str(_("Answer the situation questions"))]
        return [m.name for m in actions.missing_materials(case)]
    if case.status == Status.NEEDS_SUPPLEMENT:
        needed = []
        for request in case.supplements.filter(answered_at__isnull=True):
            needed += [m.name for m in request.materials.all()] + list(request.conditions)
        return needed
    if case.status == Status.ACCEPTED_TOLERANT:
        return [m.name for m in actions.missing_materials(case)]
    return []


@staff_with_roles(*PAGE_ROLES["agent"])
def agent(request: HttpRequest, principal: Principal) -> HttpResponse:
    """The agent's applications, newest first, each with what it still needs."""
    cases = (
        Case.objects.filter(submitted_by=principal.user, on_behalf=True)
        .exclude(channel=Channel.WINDOW)
        .select_related(
            "item_version", "applicant", "deciding_agency__region", "pickup_point__region"
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "case": case,
            "clock": clock_of(case, now),
            "needs": _still_needed(case),
            "workable": case.status in {Status.DRAFT, Status.NEEDS_SUPPLEMENT},
        }
        for case in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "scope": scope_for(principal, *PAGE_ROLES["agent"]),
        "channel": agent_channel(principal),
    }
    return _render(request, principal, "agent", "workbench/agent.html", context)


# --- Lists: the back-office inbox and the chief's approvals ----------------------------

LIST_STATUSES = list(OPEN_STATUSES)


def _filtered(request: HttpRequest, queryset: QuerySet) -> tuple[QuerySet, dict]:
    """Filters of a case list: status, warning level, item, text in the case code."""
    get = request.GET
    items = dict(queryset.order_by().values_list("item_id", "item_version__name").distinct()[:200])
    chosen = {
        "status": get.get("status", "") if get.get("status") in Status.values else "",
        "level": get.get("level", "") if get.get("level") in WarningLevel.values else "",
        "item": get.get("item", "") if get.get("item", "").isdigit() else "",
        "q": get.get("q", "").strip()[:100],
    }
    if chosen["status"]:
        queryset = queryset.filter(status=chosen["status"])
    if chosen["level"]:
        queryset = queryset.filter(warning_level=chosen["level"])
    if chosen["item"]:
        queryset = queryset.filter(item_id=int(chosen["item"]))
    if chosen["q"]:
        queryset = queryset.filter(
            Q(code__icontains=chosen["q"]) | Q(applicant__name__icontains=chosen["q"])
        )
    filters = {
        "chosen": chosen,
        "statuses": [(s, Status(s).label) for s in LIST_STATUSES],
        "levels": WarningLevel.choices,
        "items": sorted(items.items(), key=lambda pair: pair[1]),
        "active": any(chosen.values()),
    }
    return queryset, filters


EMPTY_LISTS = {
    "inbox": (
        gettext_lazy("No cases to review"),
        gettext_lazy(
            "Every case accepted for your agencies and waiting for your step is listed here, "
            "the nearest deadline first. Nothing is waiting for you now."
        ),
    ),
    "approvals": (
        gettext_lazy("No cases waiting for a decision"),
        gettext_lazy(
            "The cases your reviewers pass on and the refusals proposed at the windows are "
            "listed here, the nearest deadline first. Nothing is waiting for you now."
        ),
    ),
}


def _rows(cases, now: dt.datetime) -> list[dict]:
    return [{"case": c, "clock": clock_of(c, now), "step": step_label(c)} for c in cases]


def _case_list(
    request: HttpRequest, principal: Principal, page_name: str, queryset: QuerySet, extra: dict
) -> HttpResponse:
    queryset, filters = _filtered(request, queryset)
    page = Paginator(
        queryset.select_related(
            "item_version",
            "applicant",
            "deciding_agency__region",
            "service_point__region",
            "pickup_point__region",
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": _rows(page.object_list, timezone.now()),
        "filters": filters,
        "scope": scope_for(principal, *PAGE_ROLES[page_name]),
        "list_url": reverse(f"workbench:{page_name}"),
        "empty_title": EMPTY_LISTS[page_name][0],
        "empty_text": EMPTY_LISTS[page_name][1],
        **extra,
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "case-list":
        return render(request, "workbench/cases/_case_list.html", context)
    return _render(request, principal, page_name, f"workbench/{page_name}.html", context)


@staff_with_roles(*PAGE_ROLES["inbox"])
def inbox(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _case_list(request, principal, "inbox", queries.back_office_inbox(principal), {})


@staff_with_roles(*PAGE_ROLES["approvals"])
def approvals(request: HttpRequest, principal: Principal) -> HttpResponse:
    """The chief's decisions (steps they take) and the refusals waiting for them."""
    chiefs = principal.agency_ids(StaffRole.SECTION_CHIEF)
    queryset = queries.back_office_inbox(principal, role=StaffRole.SECTION_CHIEF)
    if principal.is_platform_admin and not chiefs:
        queryset = Case.objects.filter(
            status__in=[Status.NON_ACCEPTANCE_PENDING, Status.DENIAL_PENDING]
        ).order_by("promised_due", "pk")
    to_issue = (
        Case.objects.filter(
            deciding_agency_id__in=chiefs, status__in=[Status.APPROVED, Status.DENIED]
        )
        .select_related("item_version", "applicant")
        .order_by("decided_at", "pk")[:PER_PAGE]
    )
    refusals = RefusalRequest.objects.filter(
        outcome=RefusalRequest.Outcome.PENDING, case__deciding_agency_id__in=chiefs
    ).count()
    return _case_list(
        request, principal, "approvals", queryset, {"to_issue": to_issue, "refusals": refusals}
    )


# --- Case detail and its actions ------------------------------------------------------

# Taken at the counter page (they need the checklist and the scans), not on the detail.
COUNTER_ACTIONS = {
    "submit",
    "request_supplement",
    "supply",
    "accept",
    "accept_tolerant",
    "accept_on_commitment",
    "propose_non_acceptance",
    "supply_deferred",
}
# Moves of the table the workbench does not offer: the applicant's, or the system's.
NOT_OFFERED = {"withdraw", "close"}
AFTER_CLOSING = {"amend", "revoke", "cancel_licence", "withdraw_licence"}

ACTION_BUTTONS = {
    "deliver_bundle": gettext_lazy("Hand over every result of the application"),
    "approve": gettext_lazy("Approve"),
    "complete_step": gettext_lazy("Complete this step"),
    "deny": gettext_lazy("Deny"),
    "propose_denial": gettext_lazy("Propose denial"),
    "confirm_refusal": gettext_lazy("Confirm the refusal"),
    "overturn_refusal": gettext_lazy("Overturn the refusal"),
    "issue_result": gettext_lazy("Issue the result"),
    "deliver": gettext_lazy("Record the hand-over"),
    "explain_delay": gettext_lazy("Record the reason for the delay"),
    "end_special_procedure": gettext_lazy("End the special procedure"),
    "start_special_procedure": gettext_lazy("Start a special procedure"),
    "extend": gettext_lazy("Extend the time limit"),
    "post_check": gettext_lazy("Record the post-check"),
    "terminate": gettext_lazy("Terminate the handling"),
    "amend": gettext_lazy("Record a change"),
    "revoke": gettext_lazy("Revoke (撤销)"),
    "cancel_licence": gettext_lazy("Cancel the licence (注销)"),
    "withdraw_licence": gettext_lazy("Withdraw the licence (吊销)"),
}


def offered_actions(principal: Principal, case: Case, now: dt.datetime) -> list[str]:
    """What this person may do on the case now: the table's moves the policy lets them
    take, narrowed to the current review step (approve only at the decision step…)."""
    steps = case_steps(case)
    decision = decision_index(steps)
    offered = []
    for transition in transitions.available(case.status):
        name = transition.action
        if name in COUNTER_ACTIONS or name in NOT_OFFERED or name in offered:
            continue
        if name == "complete_step" and case.step_index >= decision:
            continue
        if name in {"approve", "deny", "propose_denial"} and case.step_index != decision:
            continue
        if permissions.may(principal, case, transition):
            offered.append(name)
    if "deny" in offered and "propose_denial" in offered:
        offered.remove("propose_denial")  # a chief denies; others propose to one
    open_case = case.status in OPEN_STATUSES and case.closed_at is None
    if open_case and case.accepted_at and deadlines.is_overdue(case, now):
        moves = [
            transitions.TRANSITIONS.get((case.status, "complete_step")),
            transitions.TRANSITIONS[(Status.IN_REVIEW, "extend")],
        ]
        if any(t and permissions.may(principal, case, t) for t in moves):
            offered.append("explain_delay")
    commitment = Commitment.objects.filter(case=case).first()
    if (
        commitment is not None
        and commitment.check_result == Commitment.CheckResult.PENDING
        and permissions.in_agency(principal, case)
    ):
        offered.append("post_check")
    # The usual next move first (its form is shown open), the exceptional ones after.
    offered.sort(key=lambda name: list(ACTION_BUTTONS).index(name))
    return offered


def _act(principal: Principal, case: Case, action: str, post: QueryDict, desk: Desk | None) -> str:
    """Call the action named by the form; the message to show after it."""
    revision = _revision(post)
    text = {key: post.get(key, "").strip() for key in ("note", "reason", "delay_reason")}
    common = {"revision": revision}
    try:
        if action == "complete_step":
            call = lambda: actions.complete_step(  # noqa: E731
                principal, case, note=text["note"], delay_reason=text["delay_reason"], **common
            )
        elif action == "approve":
            call = lambda: actions.approve(  # noqa: E731
                principal, case, note=text["note"], delay_reason=text["delay_reason"], **common
            )
        elif action == "deny":
            call = lambda: actions.deny(  # noqa: E731
                principal,
                case,
                reason=text["reason"],
                delay_reason=text["delay_reason"],
                **common,
            )
        elif action == "propose_denial":
            call = lambda: actions.propose_denial(  # noqa: E731
                principal, case, reason=text["reason"], **common
            )
        elif action == "confirm_refusal":
            call = lambda: actions.confirm_refusal(  # noqa: E731
                principal, case, note=text["note"], **common
            )
        elif action == "overturn_refusal":
            call = lambda: actions.overturn_refusal(  # noqa: E731
                principal, case, note=text["note"], **common
            )
        elif action == "start_special_procedure":
            days = _whole_number(post.get("expected_days", ""), _("the expected duration"))
            call = lambda: actions.start_special_procedure(  # noqa: E731
                principal,
                case,
                procedure=post.get("procedure", ""),
                expected_days=days,
                reason=text["reason"],
                **common,
            )
        elif action == "end_special_procedure":
            call = lambda: actions.end_special_procedure(  # noqa: E731
                principal, case, note=text["note"], **common
            )
        elif action == "extend":
            days = _whole_number(post.get("days", ""), _("the extension"))
            call = lambda: actions.extend(  # noqa: E731
                principal, case, days=days, reason=text["reason"], **common
            )
        elif action == "explain_delay":
            call = lambda: actions.explain_delay(  # noqa: E731
                principal, case, reason=text["reason"], **common
            )
        elif action == "issue_result":
            call = lambda: actions.issue_result(  # noqa: E731
                principal, case, note=text["note"], **common
            )
        elif action == "deliver":
            call = _deliver_call(principal, case, post, desk, revision)
        elif action == "deliver_bundle":
            parent = bundle_actions.application_of(case)
            if parent is None:
                raise FormError(_("This case is not part of a one-thing application."), 400)
            call = lambda: bundle_actions.deliver_all(  # noqa: E731
                principal,
                parent,
                recipient_name=post.get("recipient_name", ""),
                id_checked=post.get("id_checked") == "1",
                service_point=desk.point if desk else None,
            )
        elif action == "post_check":
            call = lambda: actions.record_post_check(  # noqa: E731
                principal, case, kept=post.get("kept") == "1", note=text["note"], **common
            )
        elif action == "terminate":
            call = lambda: actions.terminate(  # noqa: E731
                principal, case, reason=text["reason"], **common
            )
        elif action in AFTER_CLOSING:
            call = lambda: actions.after_closing(  # noqa: E731
                principal, case, action, reason=text["reason"], **common
            )
        else:
            raise FormError(_("Unknown action."), 400)
    except ValidationError as error:  # a malformed field, before the action ran
        raise FormError(" ".join(error.messages), 400) from error
    _run(call)
    return _("Done: %(what)s.") % {"what": ACTION_BUTTONS[action]}


def _deliver_call(
    principal: Principal, case: Case, post: QueryDict, desk: Desk | None, revision: int
) -> Callable[[], Case]:
    method = post.get("method", "window")
    if method not in HANDOVER_METHODS:
        raise ValidationError(_("Choose how the result was handed over."), code="form")
    return lambda: actions.deliver(
        principal,
        case,
        recipient_name=post.get("recipient_name", ""),
        id_checked=post.get("id_checked") == "1",
        method=method,
        service_point=desk.point if desk else None,
        revision=revision,
    )


HANDOVER_METHODS = {
    "window": gettext_lazy("At the window"),
    "post": gettext_lazy("By post (EMS)"),
}


def _detail_context(
    request: HttpRequest, principal: Principal, case: Case, desk: Desk | None
) -> dict:
    now = timezone.now()
    steps = case_steps(case)
    events = list(case.events.select_related("actor").order_by("at", "pk"))
    for event in events:
        event.label = transitions.ACTION_LABELS.get(event.action, event.action)
    files = list(CaseMaterial.objects.filter(case=case).select_related("material", "uploaded_by"))
    # Taken from the applicant's archive (一企一档): the reason stays with the file.
    reused = dict(ArchiveReuse.objects.filter(case=case).values_list("case_material_id", "reason"))
    for file in files:
        file.reused = reused.get(file.pk)
    return {
        "case": case,
        "desk": desk,
        "clock": clock_of(case, now),
        "step_clock": step_clock_of(case, now),
        "steps": [
            {
                "label": step.name or _label(ReviewStep.Kind, step.kind),
                "role": _label(StaffRole, step.role),
                "current": bool(case.step_kind) and index == case.step_index,
            }
            for index, step in enumerate(steps)
        ]
        if case.accepted_at
        else [],
        "events": events,
        "files": files,
        "documents": [
            {"kind": kind, "title": documents.title(kind)}
            for kind in documents.available_documents(case)
        ],
        "supplements": list(
            case.supplements.prefetch_related("materials").select_related("requested_by")
        ),
        "refusals": list(case.refusals.select_related("requested_by", "decided_by")),
        "pauses": list(case.pauses.filter(kind=CasePause.Kind.SPECIAL_PROCEDURE)),
        "commitment": Commitment.objects.filter(case=case).prefetch_related("materials").first(),
        "handover": getattr(case, "handover", None),
        "offered": offered_actions(principal, case, now),
        "buttons": ACTION_BUTTONS,
        "procedures": CasePause.Procedure.choices,
        "methods": HANDOVER_METHODS.items(),
        "overdue": case.accepted_at is not None and deadlines.is_overdue(case, now),
        "at_counter": case.status in INTAKE_STATUSES and permissions.is_clerk_for(principal, case),
        "max_extension": actions.MAX_EXTENSION_DAYS - case.extension_days,
        "deferred": SupplementRequest.Stage.DEFERRED,
        "bundle": _bundle_panel(case),
        **instant_panel.panel(case),
        **credit_panel.panel(case),
        "supervision_panel": supervision_panel.panel(case),
    }


def _bundle_panel(case: Case) -> dict | None:
    """For a part of a one-thing application: the one form as filled and the other parts
    (each department sees what the others are at)."""
    parent = bundle_actions.application_of(case)
    if parent is None:
        return None
    return {
        "parent": parent,
        "form": bundle_actions.filled_form(parent),
        "parts": [m.case for m in bundle_actions.members(parent)],
        "ready": parent.status == BundleStatus.RESULTS_READY,
    }


@staff_with_roles()
def case_detail(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    case = _case_for(principal, pk)
    desk, _options = current_desk(request, principal)
    error, done, action, status = None, None, None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _act(principal, case, action, request.POST, desk)
        except FormError as refused:
            error, status = refused.message, refused.status
        else:
            if not _is_htmx(request):
                messages.success(request, done)
                return redirect(_detail_url(case))
        case = _case_for(principal, pk)
    context = _detail_context(request, principal, case, desk)
    context |= {"error": error, "done": done, "action": action}
    if _is_htmx(request):
        return render(request, "workbench/cases/_detail.html", context)
    context["page_label"] = case.code or case.item_version.name
    page = _home_page(principal)
    response = _render(request, principal, page, "workbench/cases/detail.html", context)
    response.status_code = status
    return response


def _home_page(principal: Principal) -> str:
    """Which menu entry the case page sits under: the person's daily work page."""
    for page in ("inbox", "approvals", "counter"):
        if principal.has_role(*PAGE_ROLES[page]):
            return page
    return "home"


@staff_with_roles()
def case_file(request: HttpRequest, principal: Principal, pk: int, file_pk: int) -> HttpResponse:
    """A received file, streamed only to those who may see the case (never a public URL)."""
    case = _case_for(principal, pk)
    received = get_object_or_404(CaseMaterial, pk=file_pk, case=case)
    response = FileResponse(
        received.file.open("rb"),
        content_type=received.content_type,
        filename=received.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_with_roles()
def case_document(request: HttpRequest, principal: Principal, pk: int, kind: str) -> HttpResponse:
    """A written document of the case (receipt, notices, decision) as the applicant got it,
    built from the case record on each request, for those who may see the case."""
    case = _case_for(principal, pk)
    try:
        pdf = documents.render(case, kind)
    except documents.NotAvailable:
        raise Http404("no such document for this case") from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.filename(case, kind)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Pickup: results ready at the clerk's point, handed over -----------------------------


@staff_with_roles(*PAGE_ROLES["pickup"])
def pickup(request: HttpRequest, principal: Principal) -> HttpResponse:
    desk, options = current_desk(request, principal)
    error, done, status, acted = None, None, 200, None
    if request.method == "POST":
        acted = request.POST.get("case", "")
        case = queries.pickup_list(principal).filter(pk=acted).first() if acted.isdigit() else None
        try:
            if case is None:
                raise FormError(
                    _("This result is no longer waiting here; it may have been handed over."),
                    409,
                )
            try:
                call = _deliver_call(principal, case, request.POST, desk, _revision(request.POST))
            except ValidationError as bad:
                raise FormError(" ".join(bad.messages), 400) from bad
            _run(call)
            done = _("Handed over: case %(code)s is closed.") % {"code": case.code}
        except FormError as refused:
            error, status = refused.message, refused.status
        else:
            if not _is_htmx(request):
                messages.success(request, done)
                return redirect("workbench:pickup")
    page = Paginator(
        queries.pickup_list(principal).select_related(
            "item_version", "applicant", "deciding_agency", "pickup_point"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "desk": desk,
        "desks": options,
        "error": error,
        "done": done,
        "acted": acted,
        "methods": HANDOVER_METHODS.items(),
        "posted": request.POST if error else None,
    }
    if _is_htmx(request):
        return render(request, "workbench/cases/_pickup_list.html", context)
    response = _render(request, principal, "pickup", "workbench/cases/pickup.html", context)
    response.status_code = status
    return response
