"""智能导办: find a service in plain words, browse by department or theme, and the guide of
a "one thing" (一件事, a bundle of items applied for together) with its combined
questionnaire and combined one-time notification.

Search is ``catalog.search``. A bundle's guide is ``catalog.bundles`` (a question several
items ask, by its text, is asked once; a material several items need, by
``material_key``, is listed once with the items it serves), read in the same few queries
however many items the bundle holds; this module words it for the pages.

Answers in addresses: one ``a=<question text>|<answer text>`` per question, repeated and
percent-encoded, e.g. ``/bundles/YJS-CYD/notice/?a=经营场所权属?|租赁&a=是否网络销售?|否``.
Texts, not ids: the texts are what merges the questions of several items' versions, and
an address that names a question or answer no longer offered just leaves that question
unanswered (the page then asks for it). The questionnaire's radio groups are named
``a1``, ``a2``… with the same values, so a form sent without JavaScript reads the same.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tongban.cases.actions import may_apply_online
from tongban.catalog import bundles, search
from tongban.catalog.bundles import CombinedQuestion, LoadedBundle, MergedMaterial
from tongban.catalog.guide import Guide, IncompleteAnswers, versions_in_force
from tongban.catalog.models import Bundle, BundleItem, ItemVersion, Material

RESULTS_SHOWN = 20
RESULTS_MAX = 100
# As in catalog.search: such a query is also read as pinyin initials (yyzz → 营业执照).
LATIN = re.compile(r"^[A-Za-z]{2,20}$")
# Words to try, shown on the search page (they are the catalogue's Chinese, not UI text).
EXAMPLES = ("我想开饭店", "社保", "yyzz")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def bundle_sizes(bundle_ids: Iterable[int] | QuerySet, today: dt.date) -> dict[int, tuple]:
    """``{bundle id: (items in force, agencies of them)}`` in one query."""
    rows = BundleItem.objects.filter(
        bundle_id__in=bundle_ids, item_id__in=versions_in_force(today).values("item_id")
    ).values_list("bundle_id", "item__agency_id")
    items: Counter = Counter()
    agencies: dict[int, set] = defaultdict(set)
    for bundle_id, agency_id in rows:
        items[bundle_id] += 1
        agencies[bundle_id].add(agency_id)
    return {bundle_id: (count, len(agencies[bundle_id])) for bundle_id, count in items.items()}


# --- Search -----------------------------------------------------------------------------


@dataclass
class Result:
    """One search result: a bundle (with its size) or an item (with its version in force)."""

    kind: str
    url: str
    name: str
    bundle: Bundle | None = None
    version: ItemVersion | None = None
    item_count: int = 0
    agency_count: int = 0


def results_for(hits: list[search.Hit], today: dt.date) -> list[Result]:
    """Bundles first, then items, each in the order search ranked them; a hit whose item
    is no longer in force (or whose bundle is withdrawn) is left out. Three queries."""
    item_ids = [hit.item_id for hit in hits if hit.item_id]
    bundle_ids = [hit.bundle_id for hit in hits if hit.bundle_id]
    versions = {}
    if item_ids:
        versions = {
            version.item_id: version
            for version in versions_in_force(today)
            .filter(item_id__in=item_ids)
            .select_related("item__agency")
        }
    bundles, sizes = {}, {}
    if bundle_ids:
        bundles = Bundle.objects.filter(is_active=True).in_bulk(bundle_ids)
        sizes = bundle_sizes(bundle_ids, today)
    found, items = [], []
    for hit in hits:
        if hit.bundle_id in bundles and hit.bundle_id in sizes:
            bundle = bundles[hit.bundle_id]
            count, agencies = sizes[bundle.pk]
            url = reverse("portal:bundle-guide", args=[bundle.code])
            found.append(Result("bundle", url, bundle.name, bundle, None, count, agencies))
        elif hit.item_id in versions:
            version = versions[hit.item_id]
            url = reverse("portal:item-guide", args=[version.item.impl_code])
            items.append(Result("item", url, version.name, version=version))
    return found + items


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    show_all = request.GET.get("all") == "1"
    shown = RESULTS_MAX if show_all else RESULTS_SHOWN
    hits: list[search.Hit] = []
    words: list[str] = []
    if query:
        hits = search.search(query, limit=shown + 1)
        words = list(dict.fromkeys(w for group in search.word_groups(query) for w in group))
    results = results_for(hits[:shown], timezone.localdate())
    context = {
        "query": query,
        "results": results,
        "bundle_count": sum(1 for result in results if result.kind == "bundle"),
        "words": words,
        "as_initials": bool(LATIN.match(query)),
        "more": len(hits) > shown,
        "show_all": show_all,
        "shown": shown,
        "examples": EXAMPLES,
    }
    return render(request, "portal/guidance/search.html", context)


# --- Browse -----------------------------------------------------------------------------

THEMES = (
    (
        Bundle.Theme.LIFE_EVENT,
        "life-events",
        pgettext_lazy("browse theme", "Personal life events"),
        pgettext_lazy(
            "browse theme",
            "From a birth to a retirement: what a person's life brings, applied for at once.",
        ),
    ),
    (
        Bundle.Theme.ENTERPRISE,
        "enterprise",
        pgettext_lazy("browse theme", "Enterprise life cycle"),
        pgettext_lazy(
            "browse theme", "Opening, changing and closing a business, each applied for at once."
        ),
    ),
    (
        Bundle.Theme.CONSTRUCTION,
        "construction",
        pgettext_lazy("browse theme", "Construction projects"),
        pgettext_lazy(
            "browse theme",
            "The approvals of a construction project, stage by stage, handled in parallel.",
        ),
    ),
    (
        Bundle.Theme.OTHER,
        "other",
        pgettext_lazy("browse theme", "Other one-thing services"),
        "",
    ),
)


@dataclass
class Shelf:
    """One theme's bundles on the browse page."""

    theme: str
    anchor: str
    title: str
    intro: str
    bundles: list = field(default_factory=list)


@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    """Four ways in on one page: departments, and bundles by theme. Three queries."""
    today = timezone.localdate()
    departments = list(
        versions_in_force(today)
        .values("item__agency_id", "item__agency__name")
        .annotate(count=Count("pk"))
        .order_by("item__agency__region__code", "item__agency__name")
    )
    offered = Bundle.objects.filter(is_active=True)
    sizes = bundle_sizes(offered.values("pk"), today)
    shelves = {theme: Shelf(theme, anchor, title, intro) for theme, anchor, title, intro in THEMES}
    for bundle in offered.order_by("code"):
        if bundle.pk in sizes:  # a bundle none of whose items is in force offers nothing
            bundle.item_count, bundle.agency_count = sizes[bundle.pk]
            shelves.get(bundle.theme, shelves[Bundle.Theme.OTHER]).bundles.append(bundle)
    # "Other" only when something is on it; the three themes always (saying when empty).
    shown = [s for s in shelves.values() if s.theme != Bundle.Theme.OTHER or s.bundles]
    context = {"departments": departments, "shelves": shown}
    return render(request, "portal/guidance/browse.html", context)


# --- A bundle's guide -------------------------------------------------------------------


@dataclass
class Ask:
    """One question of the combined questionnaire as the form shows it."""

    number: int
    text: str
    choices: list[tuple[str, str, bool]]  # (answer, radio value, chosen)


def asks(loaded: LoadedBundle, answers: dict[str, str]) -> list[Ask]:
    return [
        Ask(
            number,
            question.text,
            [
                (text, f"{question.text}|{text}", answers.get(question.text) == text)
                for text in question.options
            ],
        )
        for number, question in enumerate(loaded.questions, start=1)
    ]


def _live_bundle(code: str) -> Bundle:
    return get_object_or_404(
        Bundle.objects.select_related("lead_agency"), code=code, is_active=True
    )


def load(bundle: Bundle, today: dt.date) -> LoadedBundle:
    return bundles.load(bundle, today)


def chosen_answers(data: QueryDict, questions: list[CombinedQuestion]) -> dict[str, str]:
    """``{question text: answer text}`` from ``a`` (repeated) and the ``a<n>`` radios, in
    questionnaire order; unknown questions and answers are dropped."""
    by_text = {question.text: question for question in questions}
    given: dict[str, str] = {}
    for key in data:
        if key != "a" and not (key.startswith("a") and key[1:].isdigit()):
            continue
        for value in data.getlist(key):
            # The question is the known text before a "|" (either text may hold a "|").
            for text, question in by_text.items():
                if value.startswith(f"{text}|") and value[len(text) + 1 :] in question.options:
                    given[text] = value[len(text) + 1 :]
    return {q.text: given[q.text] for q in questions if q.text in given}


def answers_query(answers: dict[str, str]) -> str:
    return urlencode([("a", f"{question}|{answer}") for question, answer in answers.items()])


NECESSITY_RANK = {
    Material.Necessity.REQUIRED: 0,
    Material.Necessity.DEFERRABLE: 1,
    Material.Necessity.OPTIONAL: 2,
}


@dataclass
class Needed:
    """A merged material as the pages show it (the strictest of what the items ask)."""

    merged: MergedMaterial

    @property
    def name(self) -> str:
        return self.merged.name

    @property
    def verifiable(self) -> bool:
        return self.merged.verifiable

    @property
    def item_names(self) -> list[str]:
        return [version.name for version in self.merged.versions]

    @property
    def shared(self) -> bool:
        return len(self.merged.versions) > 1

    @property
    def first(self) -> Material:
        return self.merged.materials[0]

    @property
    def copies(self) -> int:
        return max(material.copies for material in self.merged.materials)

    @property
    def necessity(self) -> Material:
        """The material whose necessity is the strictest (required before 容缺 before optional)."""
        return min(self.merged.materials, key=lambda m: NECESSITY_RANK.get(m.necessity, 0))

    @property
    def standards(self) -> list[str]:
        return list(
            dict.fromkeys(
                m.acceptance_standard for m in self.merged.materials if m.acceptance_standard
            )
        )


@dataclass
class BundleNarrowed:
    """The combined questionnaire's outcome: per item a guide, the merged materials, the
    combined limit; or the questions still unanswered."""

    answers: dict[str, str]
    missing: list[tuple[int, str]] = field(default_factory=list)  # (number, question)
    guides: list[Guide] = field(default_factory=list)
    materials: list[Needed] = field(default_factory=list)
    limit_days: float = 0.0

    @property
    def query(self) -> str:
        return answers_query(self.answers)

    @property
    def conditions(self) -> list[tuple[ItemVersion, list[str]]]:
        return [(g.version, g.conditions) for g in self.guides if g.conditions]

    @property
    def fees(self) -> list[tuple[ItemVersion, list[str]]]:
        return [(g.version, g.fees) for g in self.guides if g.fees]

    @property
    def to_submit(self) -> list[Needed]:
        return [m for m in self.materials if not m.verifiable]

    @property
    def verifiable(self) -> list[Needed]:
        return [m for m in self.materials if m.verifiable]


def narrow(loaded: LoadedBundle, answers: dict[str, str]) -> BundleNarrowed:
    """``catalog.bundles.narrow`` for the pages: the unanswered questions numbered as the
    questionnaire numbers them, instead of an error."""
    try:
        guide = bundles.narrow(loaded, answers)
    except IncompleteAnswers as error:
        texts = {question.text for question in error.questions}
        missing = [
            (number, question.text)
            for number, question in enumerate(loaded.questions, start=1)
            if question.text in texts
        ]
        return BundleNarrowed(answers, missing=missing)
    return BundleNarrowed(
        answers,
        guides=guide.guides,
        materials=[Needed(entry) for entry in guide.materials],
        limit_days=guide.promised_limit_days,
    )


def _has_answers(data: QueryDict) -> bool:
    return any(key == "a" or (key.startswith("a") and key[1:].isdigit()) for key in data)


def _guide_page(request: HttpRequest, loaded: LoadedBundle, narrowed: BundleNarrowed | None):
    answers = narrowed.answers if narrowed else {}
    context = {
        "bundle": loaded.bundle,
        "loaded": loaded,
        "asks": asks(loaded, answers),
        "narrowed": narrowed,
        # Online only when every service of it may be applied for online.
        "can_apply": bool(loaded.versions)
        and all(may_apply_online(version) for version in loaded.versions),
    }
    return render(request, "portal/bundles/guide.html", context)


@require_GET
def bundle_guide(request: HttpRequest, code: str) -> HttpResponse:
    loaded = load(_live_bundle(code), timezone.localdate())
    narrowed = None
    if _has_answers(request.GET) or not loaded.questions:  # nothing to ask: show it all
        narrowed = narrow(loaded, chosen_answers(request.GET, loaded.questions))
    return _guide_page(request, loaded, narrowed)


@require_http_methods(["GET", "POST"])
def bundle_situation(request: HttpRequest, code: str) -> HttpResponse:
    """The combined questionnaire's answer: a fragment for HTMX, else the whole guide."""
    loaded = load(_live_bundle(code), timezone.localdate())
    data = request.POST if request.method == "POST" else request.GET
    narrowed = narrow(loaded, chosen_answers(data, loaded.questions))
    if not _is_htmx(request):
        return _guide_page(request, loaded, narrowed)
    response = render(
        request,
        "portal/bundles/_situation_result.html",
        {"bundle": loaded.bundle, "narrowed": narrowed},
    )
    patch_vary_headers(response, ["HX-Request"])
    if not narrowed.missing:
        # The address bar now reloads (or shares) this very result.
        url = reverse("portal:bundle-guide", args=[loaded.bundle.code])
        response["HX-Replace-Url"] = f"{url}?{narrowed.query}" if narrowed.query else url
    return response


@require_GET
def bundle_notice(request: HttpRequest, code: str) -> HttpResponse:
    """The combined 一次性告知: everything every item needs for these answers, to print."""
    loaded = load(_live_bundle(code), timezone.localdate())
    narrowed = narrow(loaded, chosen_answers(request.GET, loaded.questions))
    context = {
        "bundle": loaded.bundle,
        "loaded": loaded,
        "narrowed": narrowed,
        "generated_on": timezone.localdate(),
    }
    return render(request, "portal/bundles/notice.html", context)
