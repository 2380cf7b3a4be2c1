"""Applying for a one-thing bundle online: one questionnaire, one form, each material
uploaded once, one submission; then every part's progress on one page.

Thin like the other portal views: ``bundles.actions`` does the work (the same functions
the API calls); errors come back on the page that caused them and change nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.bundles import actions
from tongban.bundles.models import BundleCase, BundleStatus
from tongban.cases import transitions
from tongban.cases.models import Channel
from tongban.naming.services import check_name
from tongban.org.policy import principal_for_user

from .case_views import _errors, _own_applicant, clock_of
from .guidance import _live_bundle, asks, chosen_answers, load


def _form_rows(bundle, values: dict[str, str]) -> list[dict]:
    return [
        {
            "key": field["key"],
            "label": field.get("label", field["key"]),
            "required": bool(field.get("required")),
            "max_length": int(field.get("max_length", 255)),
            "check": field.get("check", ""),
            "value": values.get(field["key"], ""),
            "textarea": int(field.get("max_length", 255)) > 255,
        }
        for field in bundle.form_fields
    ]


@login_required
@require_http_methods(["GET", "POST"])
def bundle_apply(request: HttpRequest, code: str) -> HttpResponse:
    """The questionnaire and the one form; sending them saves a draft of every part."""
    bundle = _live_bundle(code)
    applicant = _own_applicant(request)
    loaded = load(bundle, timezone.localdate())
    answers = chosen_answers(
        request.POST if request.method == "POST" else request.GET, loaded.questions
    )
    values = {f["key"]: request.POST.get(f["key"], "") for f in bundle.form_fields}
    errors: list[str] = []
    if request.method == "POST":
        try:
            parent = actions.start(
                principal_for_user(request.user),
                bundle,
                applicant=applicant,
                channel=Channel.PORTAL,
                form_data=values,
                answers=answers,
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(
                request, _("Saved. Upload each material once below, then submit everything.")
            )
            return redirect("portal:bundle-application", pk=parent.pk)
    context = {
        "bundle": bundle,
        "loaded": loaded,
        "asks": asks(loaded, answers),
        "fields": _form_rows(bundle, values),
        "errors": errors,
    }
    return render(request, "portal/bundles/apply.html", context, status=400 if errors else 200)


@require_POST
def name_check(request: HttpRequest, code: str) -> HttpResponse:
    """HTMX: the proposed company name checked as you type it (名称自主申报); anyone may
    check, nothing is reserved."""
    bundle = _live_bundle(code)
    field = next((f for f in bundle.form_fields if f.get("check") == "enterprise_name"), None)
    if field is None:
        raise Http404("no name to check")
    proposed = request.POST.get(field["key"], "").strip()
    result = check_name(proposed) if proposed else None
    return render(request, "portal/bundles/_name_check.html", {"result": result})


def _my_application(request: HttpRequest, pk: int) -> BundleCase:
    parent = get_object_or_404(BundleCase.objects.select_related("bundle", "applicant"), pk=pk)
    if not actions.may_view(principal_for_user(request.user), parent):
        raise Http404("not your application")
    return parent


def _render_application(request, parent: BundleCase, errors=(), status: int = 200):
    parts = [
        {"member": member, "case": member.case, "clock": clock_of(member.case)}
        for member in actions.members(parent)
    ]
    context = {
        "parent": parent,
        "parts": parts,
        "missing": actions.missing(parent) if parent.status == BundleStatus.DRAFT else [],
        "errors": list(errors),
        "done": sum(1 for p in parts if p["member"].outcome != "open"),
    }
    return render(request, "portal/bundles/application.html", context, status=status)


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_application(request, _my_application(request, pk))


@login_required
@require_POST
def application_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """One file for every part that needs this material."""
    parent = _my_application(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _render_application(request, parent, [_("Choose a file first.")], 400)
    try:
        count = actions.attach_shared(
            principal_for_user(request.user),
            parent,
            request.POST.get("material", ""),
            upload,
            name=upload.name,
        )
    except (ValidationError, PermissionDenied) as error:
        messages_ = _errors(error) if isinstance(error, ValidationError) else [str(error)]
        return _render_application(request, parent, messages_, 400)
    messages.success(
        request,
        _("Received “%(name)s” for %(count)s services.") % {"name": upload.name, "count": count},
    )
    return redirect("portal:bundle-application", pk=parent.pk)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _my_application(request, pk)
    try:
        actions.submit(principal_for_user(request.user), parent)
    except ValidationError as error:
        return _render_application(request, parent, _errors(error), 400)
    except transitions.IllegalTransition as error:
        return _render_application(request, parent, [str(error)], 409)
    messages.success(
        request, _("Submitted: every department now handles its part at the same time.")
    )
    return redirect("portal:bundle-application", pk=parent.pk)
