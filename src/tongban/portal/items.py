"""The public service guide (办事指南): the item list, one item's guide, the situation
questionnaire (情形引导) and the one-time notification (一次性告知).

Everything shown is the version in force today (``catalog.actions.current_version``); a
cancelled item is gone from the list and its guide answers 404.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods

from tongban.catalog.guide import (
    Guide,
    IncompleteAnswers,
    derived_from_published,
    guide_for,
    versions_in_force,
)
from tongban.catalog.models import Item, ItemVersion, Material, SituationOption, SituationQuestion
from tongban.org.models import Agency

from . import instant_pages

ITEMS_PER_PAGE = 20
# The target-applicant filter on the list (values as stored in ``target_applicants``).
TARGET_FILTERS = ("person", "enterprise")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- The list -------------------------------------------------------------------------


@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    in_force = versions_in_force(today)
    agencies = Agency.objects.filter(pk__in=in_force.values("item__agency_id"))

    chosen_agency = request.GET.get("agency", "")
    chosen_target = request.GET.get("target", "")
    query = request.GET.get("q", "").strip()
    versions = in_force
    if chosen_agency.isdigit():
        versions = versions.filter(item__agency_id=int(chosen_agency))
    else:
        chosen_agency = ""
    if chosen_target in TARGET_FILTERS:
        # A JSON list of strings: match the quoted value (portable to SQLite and PostgreSQL).
        versions = versions.filter(target_applicants__icontains=f'"{chosen_target}"')
    else:
        chosen_target = ""
    if query:
        versions = versions.filter(Q(name__icontains=query) | Q(keywords__icontains=query))
    versions = versions.select_related("item__agency").order_by(
        "item__agency__region__code", "item__agency__name", "name", "pk"
    )
    page = Paginator(versions, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "agencies": agencies,
        "chosen_agency": chosen_agency,
        "chosen_target": chosen_target,
        "targets": TARGET_FILTERS,
        "query": query,
    }
    return render(request, "portal/items/list.html", context)


# --- One item's guide -----------------------------------------------------------------


def _live_item(impl_code: str) -> tuple[Item, ItemVersion]:
    """The item and its version in force today, or 404 (unknown, cancelled, not yet in
    force); one query, the version ``current_version`` would return with its item."""
    today = timezone.localdate()
    version = (
        ItemVersion.objects.select_related("item__agency")
        .filter(
            item__impl_code=impl_code,
            status=ItemVersion.Status.PUBLISHED,
            effective_from__lte=today,
        )
        .order_by("-effective_from", "-number")
        .first()
    )
    if version is None:
        raise Http404("unknown or not in force")
    item = version.item
    if item.cancelled_on is not None and item.cancelled_on <= today:
        raise Http404("cancelled")
    return item, version


def _load_guide_parts(version: ItemVersion) -> None:
    """What the questionnaire and header need: three queries, once per published version."""

    def prefetched() -> dict:
        _prefetch_guide_parts(version)
        return version._prefetched_objects_cache

    version._prefetched_objects_cache = derived_from_published(version, "guide-parts", prefetched)


def _prefetch_guide_parts(version: ItemVersion) -> None:
    prefetch_related_objects(
        [version],
        "supervising_agencies",
        Prefetch(
            "questions",
            SituationQuestion.objects.order_by("order", "pk").prefetch_related(
                Prefetch("options", SituationOption.objects.order_by("order", "pk"))
            ),
        ),
    )


def _all_materials(version: ItemVersion) -> list[Material]:
    """Every material with the answers it applies to: read only when the cached fragment
    of this (immutable) version's material table has to be rendered."""
    return list(
        Material.objects.filter(version=version)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch(
                "applies_when",
                SituationOption.objects.select_related("question").order_by(
                    "question__order", "question__pk", "order", "pk"
                ),
            )
        )
    )


def chosen_option_ids(data: QueryDict) -> list[int]:
    """Answer ids from ``answers`` (``1,2`` or repeated) and the ``q<question>`` radios."""
    raw: list[str] = []
    for key in data:
        if key == "answers" or (key.startswith("q") and key[1:].isdigit()):
            for value in data.getlist(key):
                raw.extend(value.split(","))
    ids = []
    for value in raw:
        value = value.strip()
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


@dataclass
class Narrowed:
    """The questionnaire's outcome: a guide, or the questions still unanswered."""

    guide: Guide | None = None
    missing: list[SituationQuestion] | None = None

    @property
    def answer_ids(self) -> str:
        return ",".join(str(option.pk) for option in self.guide.answers) if self.guide else ""

    @property
    def to_submit(self) -> list[Material]:
        return [m for m in self.guide.materials if not m.verifiable] if self.guide else []

    @property
    def verifiable(self) -> list[Material]:
        return [m for m in self.guide.materials if m.verifiable] if self.guide else []


def _sorted_answers(guide: Guide) -> None:
    guide.answers.sort(key=lambda o: (o.question.order, o.question.pk, o.order, o.pk))


def narrow(version: ItemVersion, option_ids: list[int]) -> Narrowed:
    try:
        guide = guide_for(version, option_ids)
    except IncompleteAnswers as error:
        return Narrowed(missing=error.questions)
    _sorted_answers(guide)
    return Narrowed(guide=guide)


def _guide_page(
    request: HttpRequest, item: Item, version: ItemVersion, narrowed: Narrowed | None
) -> HttpResponse:
    _load_guide_parts(version)
    chosen = set(chosen_option_ids(request.POST if request.method == "POST" else request.GET))
    delegations = list(
        item.delegations.filter(ended_on__isnull=True, effective_from__lte=timezone.localdate())
        .select_related("region", "handling_agency")
        .order_by("region__code")
    )
    context = {
        "item": item,
        "version": version,
        "materials": SimpleLazyObject(lambda: _all_materials(version)),
        # Counties authorised to handle this item (事项下放) and their approval bureaus.
        "delegations": delegations,
        # The "about" fragment is cached per version; delegations change beside it.
        "delegation_key": ",".join(str(d.pk) for d in delegations) or "-",
        "narrowed": narrowed,
        "chosen": chosen,
        "today": timezone.localdate(),
        "instant": instant_pages.decided_instantly(version),
    }
    return render(request, "portal/items/guide.html", context)


@require_GET
def item_guide(request: HttpRequest, impl_code: str) -> HttpResponse:
    item, version = _live_item(impl_code)
    option_ids = chosen_option_ids(request.GET)
    narrowed = narrow(version, option_ids) if ("answers" in request.GET or option_ids) else None
    return _guide_page(request, item, version, narrowed)


@require_http_methods(["GET", "POST"])
def item_situation(request: HttpRequest, impl_code: str) -> HttpResponse:
    """The questionnaire's answer: a fragment for HTMX, else the whole guide page."""
    item, version = _live_item(impl_code)
    data = request.POST if request.method == "POST" else request.GET
    narrowed = narrow(version, chosen_option_ids(data))
    if not _is_htmx(request):
        return _guide_page(request, item, version, narrowed)
    response = render(
        request,
        "portal/items/_situation_result.html",
        {"item": item, "version": version, "narrowed": narrowed},
    )
    patch_vary_headers(response, ["HX-Request"])
    if narrowed.guide is not None:
        # The address bar now reloads (or shares) this very result.
        url = reverse("portal:item-guide", args=[item.impl_code])
        response["HX-Replace-Url"] = f"{url}?answers={narrowed.answer_ids}"
    return response


@require_GET
def item_notice(request: HttpRequest, impl_code: str) -> HttpResponse:
    """一次性告知: exactly what applies to these answers, ready to print."""
    item, version = _live_item(impl_code)
    narrowed = narrow(version, chosen_option_ids(request.GET))
    context = {
        "item": item,
        "version": version,
        "narrowed": narrowed,
        "generated_on": timezone.localdate(),
    }
    return render(request, "portal/items/notice.html", context)
