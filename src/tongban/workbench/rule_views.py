"""Decision rules in the workbench, for catalog administrators: the rules per item
version, a revision with its shipped tests and recent outcomes, uploading a JDM file as a
new revision, downloading one, switching its mode, and a test bench. Every change is a
``rules.services`` function (audited); views stay thin."""

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.catalog.models import ItemVersion
from tongban.org.policy import Principal
from tongban.rules import services
from tongban.rules.models import SOURCE_CODES, DecisionRule, Mode, Outcome

from .access import PAGE_ROLES, staff_with_roles
from .views import _render

ROLES = PAGE_ROLES["rules"]


def _page(request, principal, template, context, status=200) -> HttpResponse:
    response = _render(request, principal, "rules", template, context)
    response.status_code = status
    return response


@staff_with_roles(*ROLES)
def rules(request: HttpRequest, principal: Principal) -> HttpResponse:
    listed = DecisionRule.objects.select_related("item_version__item").order_by(
        "item_version__name", "-revision"
    )
    versions: dict[int, dict] = {}
    for rule in listed:
        entry = versions.setdefault(
            rule.item_version_id, {"version": rule.item_version, "rules": []}
        )
        entry["rules"].append(rule)
    return _page(request, principal, "workbench/rules/list.html", {"versions": versions.values()})


@staff_with_roles(*ROLES)
@require_http_methods(["GET", "POST"])
def rule(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    found = get_object_or_404(DecisionRule.objects.select_related("item_version"), pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            effective = request.POST.get("effective_from") or ""
            services.set_mode(
                principal,
                found,
                request.POST.get("mode", ""),
                dt.date.fromisoformat(effective) if effective else None,
            )
        except (ValidationError, ValueError) as error:
            errors = getattr(error, "messages", [_("Enter the date as YYYY-MM-DD.")])
        except PermissionDenied as error:
            errors = [str(error)]
        else:
            messages.success(request, _("The rule's mode was changed."))
            return redirect("workbench:rule", pk=found.pk)
    outcomes = dict(found.evaluations.values_list("outcome").annotate(n=Count("pk")).order_by())
    context = {
        "rule": found,
        "tests": services.run_tests(found),
        "outcomes": [(label, outcomes.get(value, 0)) for value, label in Outcome.choices],
        "modes": Mode.choices,
        "errors": errors,
        "jdm": json.dumps(found.jdm, ensure_ascii=False, indent=2),
    }
    return _page(request, principal, "workbench/rules/detail.html", context, 400 if errors else 200)


@staff_with_roles(*ROLES)
def download(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    found = get_object_or_404(DecisionRule, pk=pk)
    response = HttpResponse(
        json.dumps(found.jdm, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rule-{found.item_version_id}-r{found.revision}.json"'
    )
    return response


@staff_with_roles(*ROLES)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, principal: Principal) -> HttpResponse:
    versions = ItemVersion.objects.filter(status=ItemVersion.Status.PUBLISHED).order_by("name")
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
            created = services.upload(
                principal,
                version,
                file.read(),
                name=request.POST.get("name", ""),
                sources=request.POST.getlist("sources"),
                effective_from=dt.date.fromisoformat(request.POST.get("effective_from", "")),
                mode=request.POST.get("mode", Mode.MONITOR),
                note=request.POST.get("note", ""),
            )
        except ValidationError as error:
            errors = error.messages
        except ValueError:
            errors = [_("Enter the date as YYYY-MM-DD.")]
        except PermissionDenied as error:
            errors = [str(error)]
        else:
            messages.success(request, _("Revision %(n)s uploaded.") % {"n": created.revision})
            return redirect("workbench:rule", pk=created.pk)
    context = {
        "versions": versions.only("pk", "name", "number"),
        "chosen": chosen,
        "sources": SOURCE_CODES,
        "modes": Mode.choices,
        "effective_from": request.POST.get("effective_from") or timezone.localdate().isoformat(),
        "chosen_sources": request.POST.getlist("sources"),
        "errors": errors,
        "post": request.POST,
    }
    return _page(request, principal, "workbench/rules/upload.html", context, 400 if errors else 200)


@staff_with_roles(*ROLES)
@require_http_methods(["GET", "POST"])
def bench(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    """The test bench: run the rule on JSON inputs, see outcome, reasons, outputs, trace."""
    found = get_object_or_404(DecisionRule, pk=pk)
    first = found.tests.first()
    text = request.POST.get("inputs") or json.dumps(
        first.inputs if first else {}, ensure_ascii=False, indent=2
    )
    result, errors = None, []
    if request.method == "POST":
        try:
            inputs = json.loads(text)
            if not isinstance(inputs, dict):
                raise ValueError
        except ValueError:
            errors = [_("The inputs must be a JSON object.")]
        else:
            result = services.evaluate(found, inputs)
            if request.POST.get("save") and result.outcome != Outcome.ERROR:
                try:
                    services.add_test(
                        principal,
                        found,
                        name=request.POST.get("test_name", ""),
                        inputs=inputs,
                        expected_outcome=result.outcome,
                    )
                except (ValidationError, PermissionDenied) as error:
                    errors = getattr(error, "messages", [str(error)])
                else:
                    messages.success(request, _("Saved as a test of this rule."))
    context = {
        "rule": found,
        "inputs": text,
        "result": result,
        "outputs": json.dumps(result.outputs, ensure_ascii=False, indent=2) if result else "",
        "trace": json.dumps(result.trace, ensure_ascii=False, indent=2) if result else "",
        "errors": errors,
    }
    return _page(request, principal, "workbench/rules/bench.html", context, 400 if errors else 200)
