"""Staff workbench: one page per role. Views parse, authorise, call an action, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.org import actions, policy
from tongban.org.models import Applicant, ServicePoint, StaffAssignment, StaffRole, User, Window
from tongban.org.policy import COUNTER_ROLES, Principal
from tongban.training import actions as training_actions
from tongban.training.models import Completion, Lesson
from tongban.training.queries import study_gaps

from .access import (
    PAGE_LABELS,
    PAGE_ROLES,
    ROLE_PAGE,
    assignment_scope,
    navigation,
    staff_with_roles,
)
from .forms import CounterRegistrationForm

LOOKUP_PER_PAGE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render(
    request: HttpRequest,
    principal: Principal,
    page: str,
    template: str,
    context: dict | None = None,
) -> HttpResponse:
    """Render a workbench page with the layout's navigation and the person's roles."""
    assignments = [
        {
            "role": assignment.get_role_display(),
            "scope": assignment_scope(assignment),
            "page": ROLE_PAGE.get(assignment.role),
        }
        for assignment in principal.assignments
    ]
    layout = {
        "principal": principal,
        "page_name": page,
        "page_label": PAGE_LABELS[page],
        "nav": navigation(principal, page),
        "assignments": assignments,
    }
    return render(request, template, {**layout, **(context or {})})


@staff_with_roles()
def home(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _render(request, principal, "home", "workbench/home.html")


# --- Counter: register walk-in applicants, look applicants up ----------------------------


def _counter_points(principal: Principal) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.filter(pk__in=principal.service_point_ids(*COUNTER_ROLES))


def registration(
    request: HttpRequest, principal: Principal, points: QuerySet[ServicePoint]
) -> tuple[CounterRegistrationForm, Applicant | None, HttpResponse | None]:
    """The counter's walk-in registration: the form, whom it registered, or a response.

    The counter page (``case_views.counter``) shows this beside the case intake.
    """
    registered = None
    if request.method != "POST":
        return CounterRegistrationForm(service_points=points), None, None
    form = CounterRegistrationForm(request.POST, service_points=points)
    if form.is_valid():
        try:
            registered = actions.register_applicant(
                principal, service_point=form.service_point(), **form.applicant_fields()
            )
        except ValidationError as error:  # duplicate, or caught only by the action
            form.add_action_error(error)
    if registered is not None:
        if not _is_htmx(request):
            messages.success(request, _registered_message(registered))
            return form, registered, redirect("workbench:counter")
        form = CounterRegistrationForm(service_points=points)
    if _is_htmx(request):
        context = {"form": form, "registered": registered}
        return form, registered, render(request, "workbench/_register_form.html", context)
    return form, registered, None


def _registered_message(applicant: Applicant) -> str:
    return _("%(name)s is registered (%(identifier)s).") % {
        "name": applicant.name,
        "identifier": applicant.identifier_display,
    }


# --- Hall: the manager's service points, windows and staff ------------------------------


@staff_with_roles(*PAGE_ROLES["hall"])
def hall(request: HttpRequest, principal: Principal) -> HttpResponse:
    points = policy.visible(principal, "workbench.manage_hall", ServicePoint.objects.all())
    points = points.select_related("region").order_by("region__code", "name")
    chosen = request.GET.get("point", "")
    point = (points.filter(pk=chosen).first() if chosen.isdigit() else None) or points.first()
    context = {"points": points, "point": point}
    if point is not None:
        here = StaffAssignment.objects.filter(service_point=point).select_related("window")
        context |= {
            "hours": point.opening_periods.all(),
            "windows": point.windows.prefetch_related("agencies"),
            "staff": policy.visible(principal, "org.view_staff", User.objects.all())
            .filter(assignments__service_point=point)
            .distinct()
            .order_by("full_name", "username")
            .prefetch_related(Prefetch("assignments", queryset=here, to_attr="here")),
        }
    return _render(request, principal, "hall", "workbench/hall.html", context)


@require_POST
@staff_with_roles(*PAGE_ROLES["hall"])
def window_status(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    window = get_object_or_404(
        policy.visible(
            principal, "org.view_window", Window.objects.select_related("service_point")
        ),
        pk=pk,
    )
    window = actions.set_window_status(
        principal, window, is_open=request.POST.get("is_open") == "1"
    )
    if window.is_open:
        done = _("Window %(number)s is now open.") % {"number": window.number}
    else:
        done = _("Window %(number)s is now closed.") % {"number": window.number}
    if _is_htmx(request):
        return render(request, "workbench/_window_row.html", {"window": window, "done": done})
    messages.success(request, done)
    return redirect(f"{reverse('workbench:hall')}?point={window.service_point_id}")


# --- Training: the 4:30 online class per item --------------------------------------------


@staff_with_roles(*PAGE_ROLES["training"])
def training(request: HttpRequest, principal: Principal) -> HttpResponse:
    lessons = Lesson.objects.select_related("item__agency").order_by("-created_at", "pk")
    page = Paginator(lessons, LOOKUP_PER_PAGE).get_page(request.GET.get("page"))
    done = set(
        Completion.objects.filter(
            user=principal.user, lesson__in=list(page.object_list)
        ).values_list("lesson_id", flat=True)
    )
    halls = [
        {"point": point, "gaps": study_gaps(point)}
        for point in ServicePoint.objects.filter(
            pk__in=principal.service_point_ids(StaffRole.HALL_MANAGER)
        ).select_related("region")
    ]
    return _render(
        request,
        principal,
        "training",
        "workbench/training.html",
        {"page": page, "done": done, "halls": halls},
    )


@require_POST
@staff_with_roles(*PAGE_ROLES["training"])
def lesson_done(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    lesson = get_object_or_404(Lesson.objects.select_related("item"), pk=pk)
    training_actions.complete_lesson(principal, lesson)
    if _is_htmx(request):
        return render(
            request, "workbench/_lesson_row.html", {"lesson": lesson, "done": {lesson.pk}}
        )
    messages.success(request, _("Recorded: you studied %(title)s.") % {"title": lesson.title})
    return redirect("workbench:training")
