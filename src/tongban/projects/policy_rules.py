"""Project permissions, registered with the one policy module (tongban.org.policy).

- The approval bureau (行政审批服务局) runs projects: its staff create projects, start,
  pause, resume and complete stages, record meetings, keep park assessments.
- A stage's lead agency (牵头部门) and the project's butler (管家) may run that stage too.
- Staff of any agency read projects (parallel approval needs every department to see
  them); the builder's own account reads its projects.
- An agency comments on drawings only as itself; the builder answers.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.org.models import Agency
from tongban.org.policy import Principal, rule, scope


def _bureau(principal: Principal) -> bool:
    if principal.kind != "staff":
        return False
    if principal.is_platform_admin:
        return True
    ids = principal.agency_ids()
    return (
        bool(ids) and Agency.objects.filter(pk__in=ids, kind=Agency.Kind.APPROVAL_BUREAU).exists()
    )


def _project_of(obj):
    """A Project, or the project of a stage (anything with ``project``)."""
    return getattr(obj, "project", obj)


def _is_builder(principal: Principal, project) -> bool:
    return (
        principal.kind == "applicant"
        and principal.user is not None
        and project is not None
        and project.builder.account_id == principal.user.pk
    )


def _view(principal: Principal, obj) -> bool:
    if principal.kind == "system" or principal.kind == "staff":
        return True
    if principal.kind == "client":
        return "projects:read" in principal.scopes
    return _is_builder(principal, _project_of(obj))


def _visible(principal: Principal, queryset: QuerySet) -> QuerySet:
    if principal.kind in {"system", "staff"}:
        return queryset
    if principal.kind == "client":
        return queryset if "projects:read" in principal.scopes else queryset.none()
    if principal.kind == "applicant" and principal.user is not None:
        return queryset.filter(builder__account=principal.user)
    return queryset.none()


def _manage_stage(principal: Principal, obj) -> bool:
    """``obj``: a ProjectStage (or a Project for project-wide changes)."""
    if principal.kind == "system" or _bureau(principal):
        return True
    if principal.kind != "staff" or obj is None:
        return False
    project = _project_of(obj)
    if project.butler_id is not None and project.butler_id == principal.user.pk:
        return True
    lead = getattr(obj, "lead_agency_id", None)
    return lead is not None and lead in principal.agency_ids()


def _inspect(principal: Principal, stage) -> bool:
    """The stage's runners, or staff of an agency with a case in the stage."""
    if _manage_stage(principal, stage):
        return True
    if principal.kind != "staff" or stage is None:
        return False
    return stage.stage_cases.filter(case__deciding_agency_id__in=principal.agency_ids()).exists()


def _comment(principal: Principal, agency) -> bool:
    """Staff comment on drawings in the name of their own agency only."""
    if principal.kind != "staff" or agency is None:
        return False
    return principal.is_platform_admin or agency.pk in principal.agency_ids()


def _answer(principal: Principal, project) -> bool:
    return _is_builder(principal, project) or _manage_stage(principal, project)


def register() -> None:
    rule("projects.view_project", _("You can only see your own projects."))(_view)
    scope("projects.view_project")(_visible)
    rule("projects.create_project", _("Only the approval bureau's staff register projects."))(
        lambda principal, obj=None: principal.kind == "system" or _bureau(principal)
    )
    rule(
        "projects.manage_stage",
        _("Only the approval bureau, the stage's lead agency or the project's butler run a stage."),
    )(_manage_stage)
    rule(
        "projects.record_inspection",
        _("Only the agencies taking part in this stage record site inspections."),
    )(_inspect)
    rule("projects.comment_drawing", _("You can only comment in the name of your own agency."))(
        _comment
    )
    rule(
        "projects.answer_drawing",
        _("Only the builder or the project's runners hand in drawings and answers."),
    )(_answer)
    rule(
        "projects.manage_parks",
        _("Only the approval bureau's staff keep industrial parks and their assessments."),
    )(lambda principal, obj=None: principal.kind == "system" or _bureau(principal))
