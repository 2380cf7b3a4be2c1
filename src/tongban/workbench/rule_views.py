"""Decision rules (审批规则) in the workbench, for catalog administrators (and platform
administrators): the rules per item version, a revision with its shipped tests and
recent outcomes, uploading a JDM file as a new revision, downloading one, switching its
mode, and a test bench. Every change is a ``rules.services`` function (audited); the
views stay thin."""

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tongban.catalog.models import ItemVersion
from tongban.org import policy
from tongban.org.policy import Principal
from tongban.rules import services
from tongban.rules.models import SOURCE_CODES, DecisionRule, Mode, Outcome

from .access import PAGE_ROLES, staff_with_roles
from .views import _render

ROLES = PAGE_ROLES["rules"]
RECENT_DAYS = 30


def _page(
    request: HttpRequest, principal: Principal, template: str, context: dict, status: int = 200
) -> HttpResponse:
    response = _render(request, principal, "rules", template, context)
    response.status_code = status
    return response


def _messages_of(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(getattr(error, "message", None) or error)]


def _date(text: str | None) -> dt.date | None:
    """An ISO date from a form field; empty → None; anything else → ValidationError."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Enter the date as YYYY-MM-DD.")) from None


@staff_with_roles(*ROLES)
@require_GET
def rules(request: HttpRequest, principal: Principal) -> HttpResponse:
    """The item versions that have rules, each with its revisions, modes and which is in
    force today."""
    today = timezone.localdate()
    listed = DecisionRule.objects.select_related("item_version").order_by(
        "item_version__name", "item_version_id", "-revision"
    )
    versions: dict[int, dict] = {}
    for rule in listed:
        entry = versions.setdefault(
            rule.item_version_id, {"version": rule.item_version, "rules": [], "deciding": None}
        )
        entry["rules"].append(rule)
    for entry in versions.values():
        # Same choice as services.rules_in_force, on the rows already loaded.
        entry["deciding"] = next(
            (r.pk for r in entry["rules"] if r.mode == Mode.ACTIVE and r.effective_from <= today),
            None,
        )
    context = {
        "versions": list(versions.values()),
        "can_edit": policy.allows(principal, "rules.edit"),
    }
    return _page(request, principal, "workbench/rules/list.html", context)


@staff_with_roles(*ROLES)
@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    """A revision: sources, tests (run now), recent outcomes, and the mode form."""
    found = get_object_or_404(DecisionRule.objects.select_related("item_version"), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.set_mode(
                principal,
                found,
                request.POST.get("mode", ""),
                _date(request.POST.get("effective_from")),
            )
        except (ValidationError, PermissionDenied) as error:
            errors = _messages_of(error)
        else:
            messages.success(request, _("The rule's mode was saved."))
            return redirect("workbench:rule", pk=found.pk)
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    counts = dict(
        found.evaluations.filter(at__gte=since, case__isnull=False)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    runs = services.run_tests(found)
    context = {
        "rule": found,
        "tests": runs,
        "tests_failed": sum(1 for run in runs if not run.passed),
        "outcomes": [(value, label, counts.get(value, 0)) for value, label in Outcome.choices],
        "recent_days": RECENT_DAYS,
        "modes": Mode.choices,
        "errors": errors,
        "can_edit": policy.allows(principal, "rules.edit", found),
        "jdm": json.dumps(found.jdm, ensure_ascii=False, indent=2),
        "newer": found.item_version.decision_rules.filter(revision__gt=found.revision).first(),
    }
    return _page(request, principal, "workbench/rules/detail.html", context, 400 if errors else 200)


@staff_with_roles(*ROLES)
@require_GET
def download(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    """The revision's JDM file, as uploaded (open it in the JDM editor)."""
    found = get_object_or_404(DecisionRule, pk=pk)
    response = HttpResponse(
        json.dumps(found.jdm, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rule-{found.item_version_id}-r{found.revision}.json"'
    )
    return response


@staff_with_roles(*ROLES)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, principal: Principal) -> HttpResponse:
    """Upload a JDM file as the next revision of an item version's rule. On an error the
    form comes back with the messages and nothing is saved."""
    versions = ItemVersion.objects.exclude(status=ItemVersion.Status.DRAFT).order_by(
        "name", "-number"
    )
    chosen = request.POST.get("version") or request.GET.get("version") or ""
    errors: list[str] = []
    if request.method == "POST":
        version = versions.filter(pk=chosen).first() if chosen.isdigit() else None
        file = request.FILES.get("jdm")
        try:
            if version is None:
                raise ValidationError(_("Choose the item version the rule is for."))
            if file is None:
                raise ValidationError(_("Choose the JDM file to upload."))
            if file.size > 2 * 1024 * 1024:
                raise ValidationError(_("The JDM file is larger than 2 MB."))
            effective_from = _date(request.POST.get("effective_from"))
            if effective_from is None:
                raise ValidationError(_("Give the date the rule takes effect."))
            created = services.upload(
                principal,
                version,
                file.read(),
                name=request.POST.get("name", ""),
                sources=request.POST.getlist("sources"),
                effective_from=effective_from,
                mode=request.POST.get("mode", Mode.MONITOR),
                note=request.POST.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            errors = _messages_of(error)
        else:
            messages.success(request, _("Revision %(n)s uploaded.") % {"n": created.revision})
            return redirect("workbench:rule", pk=created.pk)
    previous = None
    if chosen.isdigit():
        previous = DecisionRule.objects.filter(item_version_id=chosen).order_by("-revision").first()
    context = {
        "versions": versions.only("pk", "name", "number", "status"),
        "chosen": chosen,
        "previous": previous,
        "sources": SOURCE_CODES,
        "modes": Mode.choices,
        "effective_from": request.POST.get("effective_from") or timezone.localdate().isoformat(),
        "chosen_sources": request.POST.getlist("sources") or (previous.sources if previous else []),
        "chosen_mode": request.POST.get("mode") or Mode.MONITOR,
        "errors": errors,
        "form_name": request.POST.get("name") or (previous.name if previous else ""),
        "form_note": request.POST.get("note", ""),
    }
    return _page(request, principal, "workbench/rules/upload.html", context, 400 if errors else 200)


@staff_with_roles(*ROLES)
@require_http_methods(["GET", "POST"])
def bench(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    """The test bench: run the rule on JSON inputs (prefilled with a shipped test's) and
    see outcome, reasons, outputs and trace; optionally save them as a test. Nothing is
    recorded against a case."""
    found = get_object_or_404(DecisionRule, pk=pk)
    tests = list(found.tests.all())
    wanted = request.GET.get("test", "")
    start = next((t for t in tests if str(t.pk) == wanted), tests[0] if tests else None)
    text = request.POST.get("inputs") or json.dumps(
        start.inputs if start else {}, ensure_ascii=False, indent=2
    )
    result, errors, saved = None, [], None
    if request.method == "POST":
        try:
            inputs = json.loads(text)
        except ValueError as error:
            inputs, errors = None, [_("The inputs are not JSON: %(error)s") % {"error": error}]
        if inputs is not None and not isinstance(inputs, dict):
            errors = [_("The inputs must be a JSON object.")]
        if not errors:
            result = services.evaluate(found, inputs)
            if request.POST.get("save"):
                expected = request.POST.get("expected_outcome") or result.outcome
                try:
                    saved = services.add_test(
                        principal,
                        found,
                        name=request.POST.get("test_name", ""),
                        inputs=inputs,
                        expected_outcome=expected,
                        expected_reason_contains=request.POST.get("expected_reason_contains", ""),
                    )
                except (ValidationError, PermissionDenied) as error:
                    errors = _messages_of(error)
    context = {
        "rule": found,
        "tests": tests,
        "start": start,
        "inputs": text,
        "result": result,
        "saved": saved,
        "outputs": json.dumps(result.outputs, ensure_ascii=False, indent=2) if result else "",
        "trace": json.dumps(result.trace, ensure_ascii=False, indent=2) if result else "",
        "errors": errors,
        "can_edit": policy.allows(principal, "rules.edit", found),
        "outcomes": [(v, label) for v, label in Outcome.choices if v != Outcome.ERROR],
    }
    if request.headers.get("HX-Request") and request.method == "POST":
        # The result region only; errors are shown in it (so a 200).
        return _page(request, principal, "workbench/rules/_bench_result.html", context)
    return _page(request, principal, "workbench/rules/bench.html", context, 400 if errors else 200)
