"""Catalog work in the workbench: drafts to finish, versions to review (with the diff),
publish or send back, cancel or hand an item down. Every change is a catalog action."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog import actions
from tongban.catalog.diff import diff_versions
from tongban.catalog.models import Delegation, Item, ItemVersion
from tongban.catalog.transitions import IllegalTransition
from tongban.org import policy
from tongban.org.models import Agency, Region
from tongban.org.policy import Principal

from .access import PAGE_ROLES, staff_with_roles
from .views import _render

PER_PAGE = 20


def _my_items(principal: Principal):
    return policy.visible(principal, "catalog.manage_item", Item.objects.select_related("agency"))


@staff_with_roles(*PAGE_ROLES["catalog"])
def catalog(request: HttpRequest, principal: Principal) -> HttpResponse:
    items = _my_items(principal)
    open_versions = (
        ItemVersion.objects.filter(item__in=items)
        .exclude(status=ItemVersion.Status.PUBLISHED)
        .select_related("item__agency")
        .order_by("status", "item__impl_code")
    )
    query = request.GET.get("q", "").strip()
    listed = items.filter(cancelled_on__isnull=True)
    if query:
        listed = listed.filter(
            Q(impl_code__icontains=query) | Q(versions__name__icontains=query)
        ).distinct()
    page = Paginator(listed.order_by("impl_code"), PER_PAGE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.current = actions.current_version(item)
    context = {
        "in_review": [v for v in open_versions if v.status == ItemVersion.Status.IN_REVIEW],
        "drafts": [v for v in open_versions if v.status != ItemVersion.Status.IN_REVIEW],
        "page": page,
        "query": query,
    }
    return _render(request, principal, "catalog", "workbench/catalog.html", context)


@staff_with_roles(*PAGE_ROLES["catalog"])
def version(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    version = get_object_or_404(
        ItemVersion.objects.select_related("item__agency", "submitted_by"),
        pk=pk,
        item__in=_my_items(principal),
    )
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "publish":
                effective = dt.date.fromisoformat(request.POST.get("effective_from", ""))
                actions.publish(principal, version, effective_from=effective)
                messages.success(
                    request, _("Published: in force from %(date)s.") % {"date": effective}
                )
            elif request.POST.get("decision") == "send_back":
                actions.send_back(principal, version, reason=request.POST.get("reason", ""))
                messages.success(request, _("Sent back to the author."))
            elif request.POST.get("decision") == "submit":
                actions.submit_for_review(
                    principal, version, change_note=request.POST.get("change_note", "")
                )
                messages.success(request, _("Submitted for review."))
            return redirect("workbench:catalog-version", pk=version.pk)
        except ValueError as error:  # a malformed date, or an illegal transition
            messages.error(
                request,
                str(error)
                if isinstance(error, IllegalTransition)
                else _("Give the date as YYYY-MM-DD."),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    previous = (
        version.item.versions.filter(status=ItemVersion.Status.PUBLISHED, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    context = {
        "version": version,
        "previous": previous,
        "diff": diff_versions(previous, version) if previous else None,
        "can_publish": policy.allows(principal, "catalog.publish_item", version.item),
        "can_edit": policy.allows(principal, "catalog.edit_item", version.item),
        "tomorrow": timezone.localdate() + dt.timedelta(days=1),
    }
    return _render(request, principal, "catalog", "workbench/catalog_version.html", context)


@staff_with_roles(*PAGE_ROLES["catalog"])
def item(request: HttpRequest, principal: Principal, impl_code: str) -> HttpResponse:
    item = get_object_or_404(_my_items(principal), impl_code=impl_code)
    if request.method == "POST":
        try:
            if request.POST.get("operation") == "draft":
                draft = actions.start_draft(principal, item)
                messages.success(
                    request,
                    _("Draft version %(number)d is open; edit it in the admin, then submit it.")
                    % {"number": draft.number},
                )
                return redirect("workbench:catalog-version", pk=draft.pk)
            if request.POST.get("operation") == "cancel":
                on = dt.date.fromisoformat(request.POST.get("on", ""))
                actions.cancel_item(principal, item, on=on, reason=request.POST.get("reason", ""))
                messages.success(request, _("The item is cancelled from %(date)s.") % {"date": on})
            elif request.POST.get("operation") == "delegate":
                region = get_object_or_404(Region, code=request.POST.get("region", ""))
                agency = get_object_or_404(Agency, pk=request.POST.get("agency") or 0)
                effective = dt.date.fromisoformat(request.POST.get("effective_from", ""))
                actions.delegate_item(
                    principal, item, region=region, handling_agency=agency, effective_from=effective
                )
                messages.success(request, _("Handed down to %(agency)s.") % {"agency": agency.name})
            return redirect("workbench:catalog-item", impl_code=item.impl_code)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except ValueError:
            messages.error(request, _("Give the date as YYYY-MM-DD."))
    context = {
        "item": item,
        "current": actions.current_version(item),
        "versions": item.versions.order_by("-number"),
        "delegations": Delegation.objects.filter(item=item).select_related(
            "region", "handling_agency"
        ),
        "counties": Region.objects.filter(
            level__gte=Region.Level.COUNTY, level__lte=Region.Level.COUNTY
        ).order_by("code"),
        "county_bureaus": Agency.objects.filter(
            kind=Agency.Kind.APPROVAL_BUREAU, region__level=Region.Level.COUNTY
        )
        .select_related("region")
        .order_by("region__code"),
        "can_publish": policy.allows(principal, "catalog.publish_item", item),
        "can_edit": policy.allows(principal, "catalog.edit_item", item),
        "today": timezone.localdate(),
    }
    return _render(request, principal, "catalog", "workbench/catalog_item.html", context)
