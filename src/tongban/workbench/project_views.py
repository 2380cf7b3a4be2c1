"""Construction projects in the workbench (工程建设项目审批): the list, one project's page
with its four stages and timeline, the actions taken on it, and the butler's (管家) view.

Views stay thin: they parse the form, call one of ``tongban.projects.actions`` (the same
functions the API calls) and render; read paths come from ``projects.services`` and
``projects.timeline``. An action's refusal comes back as a clear message in the form
that was sent, with nothing changed: HTMX requests get the re-rendered fragment, plain
requests the whole page with the HTTP status (400 bad input, 403 not yours).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.cases.models import Case
from tongban.org import policy
from tongban.org.models import Agency, User
from tongban.org.policy import OutOfScope, Principal
from tongban.projects import actions, services
from tongban.projects.models import (
    DrawingSet,
    PreReviewMeeting,
    Project,
    ProjectCategory,
    ProjectStage,
    SiteInspection,
    StageCase,
    StageKind,
    StageStatus,
)
from tongban.projects.timeline import GREEN, RED, YELLOW, StageTime, Timeline, project_timeline

from .access import navigation, staff_with_roles
from .case_views import FormError
from .views import _is_htmx, _render

PER_PAGE = 25
PAGE = "projects"  # the menu entry these pages sit under (base.html)

LEVEL_LABELS = {
    GREEN: gettext_lazy("On schedule"),
    YELLOW: gettext_lazy("Limit at risk soon"),
    RED: gettext_lazy("Limit at risk"),
}
STATE_LABELS = {
    services.NOT_STARTED: gettext_lazy("No stage started"),
    services.RUNNING: gettext_lazy("A stage in progress"),
    services.PAUSED: gettext_lazy("A stage paused"),
    services.COMPLETED: gettext_lazy("All stages completed"),
}


# --- Helpers -----------------------------------------------------------------------------


def _page(
    request: HttpRequest, principal: Principal, template: str, label: str, context: dict
) -> HttpResponse:
    """A workbench page under the "Construction projects" menu entry."""
    layout = {"page_label": label, "page_name": PAGE, "nav": navigation(principal, PAGE)}
    return _render(request, principal, "home", template, {**context, **layout})


def _projects(principal: Principal) -> QuerySet[Project]:
    return policy.visible(
        principal,
        "projects.view_project",
        Project.objects.select_related("builder", "region", "category", "park", "butler"),
    )


def _project_for(principal: Principal, pk: int) -> Project:
    """The project, if this person may see it (404 otherwise, like any unknown page)."""
    project = get_object_or_404(
        _projects(principal).prefetch_related(
            Prefetch(
                "stages",
                queryset=ProjectStage.objects.select_related("lead_agency").prefetch_related(
                    "pauses"
                ),
            )
        ),
        pk=pk,
    )
    if not policy.allows(principal, "projects.view_project", project):
        raise OutOfScope(policy.refusal_message("projects.view_project"))
    return project


@dataclass(frozen=True)
class Marker:
    """A red / yellow / green marker, always said in words too."""

    level: str

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, self.level))


def _run(call: Callable[[], object]) -> object:
    try:
        return call()
    except ValidationError as error:
        raise FormError(" ".join(error.messages), 400) from error
    except PermissionDenied as error:
        raise FormError(str(error) or _("You may not do this on this project."), 403) from error


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            _("Give %(what)s as a date (YYYY-MM-DD).") % {"what": what}, code="form"
        ) from None


def _agencies(values: list[str]) -> list[Agency]:
    try:
        ids = {int(v) for v in values}
    except ValueError:
        raise ValidationError(_("The form data is not valid."), code="form") from None
    found = list(Agency.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError(_("The form data is not valid."), code="form")
    return found


def _stage(project: Project, post: QueryDict) -> ProjectStage:
    kind = post.get("stage", "")
    stage = next((s for s in project.stages.all() if s.stage == kind), None)
    if stage is None:
        raise ValidationError(_("This stage has not started."), code="form")
    return stage


def _own_agency(principal: Principal, value: str) -> Agency:
    """The agency a comment is made in the name of: one of the person's own."""
    own = Agency.objects.filter(pk__in=principal.agency_ids()).order_by("name")
    if value.isdigit():
        chosen = own.filter(pk=int(value)).first()
        if chosen is None and principal.is_platform_admin:
            chosen = Agency.objects.filter(pk=int(value)).first()
    else:
        chosen = own.first() if own.count() == 1 else None
    if chosen is None:
        raise ValidationError(_("Choose the agency you comment for."), code="form")
    return chosen


def _butler_choices(principal: Principal) -> QuerySet[User]:
    return policy.visible(principal, "org.view_staff", User.objects.all()).order_by(
        "full_name", "username"
    )


# --- The list ----------------------------------------------------------------------------


def _filtered(request: HttpRequest, principal: Principal) -> tuple[QuerySet[Project], dict]:
    get = request.GET
    categories = list(ProjectCategory.objects.all())
    chosen = {
        "state": get.get("state", "") if get.get("state") in services.PROJECT_STATES else "",
        "category": get.get("category", "")
        if get.get("category") in {c.code for c in categories}
        else "",
        "mine": "1" if get.get("mine") == "1" else "",
        "q": get.get("q", "").strip()[:100],
    }
    projects = _projects(principal)
    if chosen["state"]:
        projects = services.with_stage_status(projects, chosen["state"])
    if chosen["category"]:
        projects = projects.filter(category__code=chosen["category"])
    if chosen["mine"]:
        projects = projects.filter(butler=principal.user)
    if chosen["q"]:
        projects = projects.filter(Q(code__icontains=chosen["q"]) | Q(name__icontains=chosen["q"]))
    filters = {
        "chosen": chosen,
        "states": list(STATE_LABELS.items()),
        "categories": categories,
        "active": any(chosen.values()),
    }
    return projects, filters


@staff_with_roles()
def project_list(request: HttpRequest, principal: Principal) -> HttpResponse:
    projects, filters = _filtered(request, principal)
    page = Paginator(
        projects.prefetch_related(
            Prefetch(
                "stages",
                queryset=ProjectStage.objects.select_related("lead_agency").prefetch_related(
                    "pauses"
                ),
            )
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = []
    for project in page.object_list:
        timeline = project_timeline(project, now)
        rows.append(
            {
                "project": project,
                "stage": services.open_stage(project),
                "timeline": timeline,
                "marker": Marker(timeline.level),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "list_url": reverse("workbench:projects"),
    }
    if _is_htmx(request) and request.headers.get("HX-Target") == "project-list":
        return render(request, "workbench/projects/_list.html", context)
    return _page(
        request, principal, "workbench/projects/list.html", _("Construction projects"), context
    )


# --- One project -------------------------------------------------------------------------


def _stage_rows(principal: Principal, project: Project, timeline: Timeline) -> list[dict]:
    times: dict[str, StageTime] = {t.stage: t for t in timeline.stages}
    links = StageCase.objects.filter(stage__project=project).select_related(
        "case__item_version", "case__deciding_agency"
    )
    cases: dict[int, list] = {}
    for link in links:
        cases.setdefault(link.stage_id, []).append(link.case)
    rows = []
    for overview in services.stage_overview(project):
        time = times.get(overview.kind)
        stage = overview.stage
        rows.append(
            {
                "overview": overview,
                "stage": stage,
                "status": stage.get_status_display()
                if stage
                else StageStatus(StageStatus.NOT_STARTED).label,
                "time": time,
                "marker": Marker(time.level) if time else None,
                "pauses": list(stage.pauses.all()) if stage else [],
                "cases": cases.get(stage.pk, []) if stage else [],
                # The lead agency of the stage to start may start it, as may the runners.
                "may_start": overview.can_start
                and policy.allows(
                    principal,
                    "projects.manage_stage",
                    stage
                    or ProjectStage(
                        project=project, stage=overview.kind, lead_agency=overview.lead_agency
                    ),
                ),
                "running": stage is not None
                and stage.status in {StageStatus.IN_PROGRESS, StageStatus.PAUSED},
            }
        )
    return rows


def _detail_context(principal: Principal, project: Project) -> dict:
    timeline = project_timeline(project)
    stage = services.open_stage(project)
    drawing = services.current_drawing_set(project)
    today = timezone.localdate()
    own_agencies = list(Agency.objects.filter(pk__in=principal.agency_ids()).order_by("name"))
    rows = _stage_rows(principal, project, timeline)
    drawings = (
        DrawingSet.objects.filter(project=project)
        .select_related("stage", "answer", "uploaded_by")
        .prefetch_related("comments__agency", "comments__author")
        .order_by("stage__order", "version")
    )
    return {
        "project": project,
        "timeline": timeline,
        "marker": Marker(timeline.level),
        "main_marker": Marker(timeline.main_process.level),
        "whole_marker": Marker(timeline.whole_process.level),
        "stages": rows,
        "paused": any(row["pauses"] for row in rows),
        "open_stage": stage,
        "may_run": policy.allows(principal, "projects.manage_stage", stage or project),
        "may_inspect": stage is not None
        and policy.allows(principal, "projects.record_inspection", stage),
        "may_set_butler": policy.allows(principal, "projects.create_project", project),
        "assessments": list(services.assessments_for_project(project, on=today)),
        "meetings": list(
            PreReviewMeeting.objects.filter(stage__project=project)
            .select_related("stage", "recorded_by")
            .prefetch_related("attendees")
            .order_by("held_on", "pk")
        ),
        "inspections": list(
            SiteInspection.objects.filter(stage__project=project)
            .select_related("stage", "inspector")
            .prefetch_related("agencies")
            .order_by("inspected_on", "pk")
        ),
        "drawings": list(drawings),
        "current_drawing": drawing,
        "may_comment": drawing is not None
        and not hasattr(drawing, "answer")
        and (bool(own_agencies) or principal.is_platform_admin),
        "own_agencies": own_agencies,
        "stage_agencies": list(
            services.agencies_for_stage(stage, extra=principal.agency_ids()) if stage else []
        ),
        "butlers": _butler_choices(principal),
        "today": today,
    }


def _act(principal: Principal, project: Project, action: str, post: QueryDict) -> str:
    """Run one action from the project page; the message that says what was done."""
    if action == "start":
        kind = post.get("stage", "")
        if kind not in StageKind.values:
            raise FormError(_("Unknown stage."), 400)
        _run(lambda: actions.start_stage(principal, project, kind))
        return _("The stage “%(stage)s” has started.") % {"stage": StageKind(kind).label}
    if action == "butler":
        value = post.get("butler", "")
        butler = None
        if value:
            butler = _butler_choices(principal).filter(pk=value if value.isdigit() else 0).first()
            if butler is None:
                raise FormError(_("Choose a staff member as the project butler."), 400)
        _run(lambda: actions.set_butler(principal, project, butler))
        if butler is None:
            return _("The project has no butler now.")
        return _("%(name)s is now the project butler.") % {"name": butler.get_full_name()}
    if action == "comment":
        drawing = services.current_drawing_set(project)
        if drawing is None or str(drawing.pk) != post.get("drawing", ""):
            raise FormError(
                _("The drawings have changed since the page was shown; reload the page."), 400
            )
        _run(
            lambda: actions.comment_drawing(
                principal,
                drawing,
                agency=_own_agency(principal, post.get("agency", "")),
                text=post.get("text", ""),
            )
        )
        return _("Your comment on version %(version)s of the drawings is recorded.") % {
            "version": drawing.version
        }
    try:
        stage = _stage(project, post)
    except ValidationError as error:
        raise FormError(" ".join(error.messages), 400) from error
    label = StageKind(stage.stage).label
    if action == "pause":
        _run(lambda: actions.pause_stage(principal, stage, reason=post.get("reason", "")))
        return _("The stage “%(stage)s” is paused; its clock has stopped.") % {"stage": label}
    if action == "resume":
        _run(lambda: actions.resume_stage(principal, stage))
        return _("The stage “%(stage)s” runs again.") % {"stage": label}
    if action == "attach":
        code = post.get("code", "").strip()
        case = Case.objects.filter(code=code).first() if code else None
        if case is None:
            raise FormError(_("No case has the code “%(code)s”.") % {"code": code}, 400)
        _run(lambda: actions.attach_case(principal, stage, case))
        return _("The case %(code)s is now part of the stage “%(stage)s”.") % {
            "code": case.code,
            "stage": label,
        }
    if action == "complete":
        _run(lambda: actions.complete_stage(principal, stage))
        return _("The stage “%(stage)s” is completed.") % {"stage": label}
    if action == "meeting":
        _run(
            lambda: actions.record_meeting(
                principal,
                stage,
                held_on=_date(post.get("held_on", ""), _("the meeting date")),
                attendees=_agencies(post.getlist("agencies")),
                minutes=post.get("minutes", ""),
            )
        )
        return _("The pre-review meeting is recorded.")
    if action == "inspection":
        _run(
            lambda: actions.record_inspection(
                principal,
                stage,
                inspected_on=_date(post.get("inspected_on", ""), _("the inspection date")),
                findings=post.get("findings", ""),
                agencies=_agencies(post.getlist("agencies")),
            )
        )
        return _("The site inspection is recorded; every department of the stage sees it.")
    raise FormError(_("Unknown action."), 400)


def _detail_url(project: Project) -> str:
    return reverse("workbench:project", args=[project.pk])


@staff_with_roles()
def project_detail(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    project = _project_for(principal, pk)
    error, done, action, status = None, None, None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _act(principal, project, action, request.POST)
        except FormError as refused:
            error, status = refused.message, refused.status
        else:
            if not _is_htmx(request):
                messages.success(request, done)
                return redirect(_detail_url(project))
        project = _project_for(principal, pk)
    context = _detail_context(principal, project)
    context |= {"error": error, "done": done, "action": action}
    if _is_htmx(request):
        # HTMX swaps only answers of 2xx: the refusal is shown in the form it belongs to.
        return render(request, "workbench/projects/_detail.html", context)
    response = _page(request, principal, "workbench/projects/detail.html", project.name, context)
    response.status_code = status
    return response


# --- The butler's view -------------------------------------------------------------------


@staff_with_roles()
def butler(request: HttpRequest, principal: Principal) -> HttpResponse:
    """Everything pending on the projects this person is the butler of."""
    work = services.butler_work(principal.user, _projects(principal))
    now = timezone.now()
    timelines = {p.pk: project_timeline(p, now) for p in work.projects}
    stages = [
        {
            "stage": stage,
            "time": next(
                (t for t in timelines[stage.project_id].stages if t.stage == stage.stage), None
            ),
        }
        for stage in work.open_stages
    ]
    for row in stages:
        row["marker"] = Marker(row["time"].level) if row["time"] else None
    context = {
        "work": work,
        "projects": [
            {"project": p, "timeline": timelines[p.pk], "marker": Marker(timelines[p.pk].level)}
            for p in work.projects
        ],
        "stages": stages,
    }
    return _page(
        request, principal, "workbench/projects/butler.html", _("My projects as butler"), context
    )
