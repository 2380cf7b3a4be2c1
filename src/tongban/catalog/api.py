"""``/api/v1/catalog``: items and their guides (read for everyone); drafting, review,
publication, cancellation and delegation for catalog administrators and authorised
department systems."""

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tongban.core.api import ApiError, ErrorOut
from tongban.org.api_auth import AUTH, PUBLIC
from tongban.org.models import Agency, Region

from . import actions, bundles, excel, notice, search
from .diff import diff_versions
from .guide import IncompleteAnswers, guide_for
from .models import Bundle, Item, ItemVersion, Material, ReviewStep, SituationQuestion
from .transitions import IllegalTransition

router = Router(tags=["catalog"])


class MaterialOut(Schema):
    id: int
    name: str
    kind: str
    copies: int
    necessity: str
    source: str
    verifiable: bool
    shared_source: str
    shared_check: str
    acceptance_standard: str


class OptionOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    text: str
    options: list[OptionOut]

    @staticmethod
    def resolve_options(question: SituationQuestion) -> list:
        return list(question.options.all())


class VersionOut(Schema):
    id: int
    number: int
    status: str
    effective_from: dt.date | None
    name: str
    item_type: str
    keywords: str
    legal_basis: str
    power_source: str
    delegating_agency_id: int | None
    levels: list[str]
    acceptance_conditions: str
    case_type: str
    statutory_limit: int
    statutory_limit_unit: str
    promised_limit: int
    promised_limit_unit: str
    special_procedures: str
    fee_required: bool
    fee_description: str
    online_depth: int
    onsite_visits: int
    handling_modes: list[str]
    reach: str
    target_applicants: list[str]
    supervising_agency_ids: list[int]
    procedure: str
    location: str
    contact: str
    change_note: str

    @staticmethod
    def resolve_supervising_agency_ids(version: ItemVersion) -> list[int]:
        return [agency.pk for agency in version.supervising_agencies.all()]


class DelegatedOut(Schema):
    region_code: str = Field(alias="region.code")
    handling_agency_id: int
    handling_agency: str = Field(alias="handling_agency.name")
    effective_from: dt.date


class StepOut(Schema):
    """A step of the review process: its kind, who takes it (a role of the deciding agency,
    or of ``agency_id`` for a joint review) and its share of the promised limit."""

    order: int
    kind: str
    name: str
    role: str
    agency_id: int | None
    share: int


class VersionDetailOut(VersionOut):
    materials: list[MaterialOut]
    questions: list[QuestionOut]
    delegations: list[DelegatedOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_steps(version: ItemVersion) -> list:
        return list(version.steps.all())

    @staticmethod
    def resolve_delegations(version: ItemVersion) -> list:
        return list(
            version.item.delegations.filter(ended_on__isnull=True).select_related(
                "region", "handling_agency"
            )
        )

    @staticmethod
    def resolve_materials(version: ItemVersion) -> list:
        return list(version.materials.all())

    @staticmethod
    def resolve_questions(version: ItemVersion) -> list:
        return list(version.questions.all())


class ItemOut(Schema):
    id: int
    catalog_code: str
    impl_code: str
    handling_item_code: str
    agency_id: int
    cancelled_on: dt.date | None
    name: str | None = Field(None, description="name in the version in force today")
    current_version: int | None = None

    @staticmethod
    def _in_force(item: Item) -> ItemVersion | None:
        if hasattr(item, "in_force"):  # prefetched for lists
            return item.in_force[0] if item.in_force else None
        return actions.current_version(item)

    @staticmethod
    def resolve_name(item: Item) -> str | None:
        current = ItemOut._in_force(item)
        return current.name if current else None

    @staticmethod
    def resolve_current_version(item: Item) -> int | None:
        current = ItemOut._in_force(item)
        return current.number if current else None


class ItemFilter(FilterSchema):
    agency: Annotated[int | None, FilterLookup("agency_id")] = None
    code: Annotated[str | None, FilterLookup("impl_code")] = None


class GuideIn(Schema):
    answers: list[int] = Field(default_factory=list, description="ids of the chosen answers")


class GuideOut(Schema):
    version: int
    materials: list[MaterialOut]
    conditions: list[str]
    promised_limit: int
    promised_limit_unit: str
    fees: list[str]


class SubmitIn(Schema):
    change_note: str


class SendBackIn(Schema):
    reason: str


class PublishIn(Schema):
    effective_from: dt.date


class CancelIn(Schema):
    on: dt.date
    reason: str


class DelegateIn(Schema):
    region_code: str
    handling_agency_id: int
    effective_from: dt.date


class DelegationOut(Schema):
    id: int
    region_code: str = Field(alias="region.code")
    handling_agency_id: int
    effective_from: dt.date


class DiffOut(Schema):
    fields: dict[str, list]
    materials_added: list[str]
    materials_removed: list[str]
    materials_changed: dict[str, dict[str, list]]
    questions_added: list[str]
    questions_removed: list[str]


def _version_queryset():
    return ItemVersion.objects.prefetch_related(
        "supervising_agencies",
        Prefetch("materials", Material.objects.order_by("order", "pk")),
        Prefetch("questions", SituationQuestion.objects.prefetch_related("options")),
        Prefetch("steps", ReviewStep.objects.order_by("order", "pk")),
    )


def _current(item: Item) -> ItemVersion:
    version = actions.current_version(item)
    if version is None:
        raise ApiError(404, "not_published", _("This item has no version in force."))
    return _version_queryset().get(pk=version.pk)


@router.get("/items", response=list[ItemOut], auth=PUBLIC)
@paginate(PageNumberPagination)
def list_items(request, filters: Query[ItemFilter]):
    today = timezone.localdate()
    items = filters.filter(Item.objects.all()).prefetch_related(
        Prefetch(
            "versions",
            ItemVersion.objects.filter(
                status=ItemVersion.Status.PUBLISHED, effective_from__lte=today
            ).order_by("-effective_from", "-number"),
            to_attr="in_force",
        )
    )
    return items


class SearchHitOut(Schema):
    kind: str = Field(description="item | bundle")
    code: str = Field(description="an item's implementation code, or a bundle's code")
    name: str
    agency: str
    score: float


SEARCH_MAX = 100  # hits a search is ranked over: what ``count`` and the pages can reach


class _SearchPages(Sequence):
    """The hits of one search for ``PageNumberPagination``: a page is one search from its
    offset, and only that page's items and bundles are read; the count is read only
    when the page is full (else it is the page's end)."""

    def __init__(self, query: str) -> None:
        self.query = query
        self.end: int | None = None

    def __len__(self) -> int:
        if self.end is None:
            self.end = len(search.search(self.query, limit=SEARCH_MAX))
        return self.end

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("search results are read by page")
        start, stop = index.start or 0, min(index.stop or SEARCH_MAX, SEARCH_MAX)
        hits = search.search(self.query, limit=stop - start, offset=start)
        if start < stop and len(hits) < stop - start and (hits or start == 0):
            self.end = start + len(hits)
        return _search_rows(hits)


def _search_rows(hits: list[search.Hit]) -> list[dict]:
    items = Item.objects.select_related("agency").in_bulk([h.item_id for h in hits if h.item_id])
    bundles = Bundle.objects.select_related("lead_agency").in_bulk(
        [h.bundle_id for h in hits if h.bundle_id]
    )
    rows = []
    for hit in hits:
        if hit.item_id:
            code, agency = items[hit.item_id].impl_code, items[hit.item_id].agency.name
        else:
            code, agency = bundles[hit.bundle_id].code, bundles[hit.bundle_id].lead_agency.name
        rows.append(
            {
                "kind": hit.kind,
                "code": code,
                "name": hit.name,
                "agency": agency,
                "score": round(hit.score, 3),
            }
        )
    return rows


@router.get("/search", response=list[SearchHitOut], auth=PUBLIC)
@paginate(PageNumberPagination)
def search_items(request, q: str):
    """Chinese full-text search with synonyms and pinyin initials (e.g. 开饭店, yyzz), best
    first; ``page`` and ``page_size`` as every list (at most 100 hits in all)."""
    return _SearchPages(q)


@router.get("/items/{impl_code}", response={200: VersionDetailOut, 404: ErrorOut}, auth=PUBLIC)
def get_item_guide(request, impl_code: str):
    """The version in force today, with its materials and situation questions."""
    return _current(get_object_or_404(Item, impl_code=impl_code))


@router.get(
    "/items/{impl_code}/versions/{number}",
    response={200: VersionDetailOut, 404: ErrorOut},
    auth=PUBLIC,
)
def get_item_version(request, impl_code: str, number: int):
    """Any published version (a case keeps the one it was filed under)."""
    return get_object_or_404(
        _version_queryset(),
        item__impl_code=impl_code,
        number=number,
        status=ItemVersion.Status.PUBLISHED,
    )


@router.post(
    "/items/{impl_code}/guide", response={200: GuideOut, 400: ErrorOut, 404: ErrorOut}, auth=PUBLIC
)
def narrow_guide(request, impl_code: str, payload: GuideIn):
    """What applies to an applicant who gave these answers (every question answered)."""
    version = _current(get_object_or_404(Item, impl_code=impl_code))
    try:
        guide = guide_for(version, payload.answers)
    except IncompleteAnswers as error:
        raise ValidationError(
            _("Answer every situation question: %(questions)s")
            % {"questions": "; ".join(q.text for q in error.questions)}
        ) from None
    return {
        "version": version.number,
        "materials": guide.materials,
        "conditions": guide.conditions,
        "promised_limit": guide.promised_limit,
        "promised_limit_unit": version.promised_limit_unit,
        "fees": guide.fees,
    }


@router.get(
    "/items/{impl_code}/notice.pdf", response={200: None, 400: ErrorOut, 404: ErrorOut}, auth=PUBLIC
)
def notice_pdf(request, impl_code: str, answers: str = ""):
    """The one-time notification (一次性告知) as a PDF; ``answers`` = comma-separated ids."""
    version = _current(get_object_or_404(Item, impl_code=impl_code))
    try:
        chosen = [int(part) for part in answers.split(",") if part.strip()]
        guide = guide_for(version, chosen)
    except ValueError as error:
        if isinstance(error, IncompleteAnswers):
            raise ValidationError(
                _("Answer every situation question: %(questions)s")
                % {"questions": "; ".join(q.text for q in error.questions)}
            ) from None
        raise ApiError(
            400, "invalid_answers", _("Answers are answer ids separated by commas.")
        ) from None
    response = HttpResponse(notice.notice_pdf(guide), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{impl_code}.pdf"'
    return response


@router.get(
    "/items/{impl_code}/diff/{old}/{new}", response={200: DiffOut, 404: ErrorOut}, auth=PUBLIC
)
def diff(request, impl_code: str, old: int, new: int):
    item = get_object_or_404(Item, impl_code=impl_code)
    result = diff_versions(
        get_object_or_404(ItemVersion, item=item, number=old),
        get_object_or_404(ItemVersion, item=item, number=new),
    )
    return {
        "fields": {k: list(v) for k, v in result.fields.items()},
        "materials_added": result.materials_added,
        "materials_removed": result.materials_removed,
        "materials_changed": {
            name: {f: list(pair) for f, pair in changes.items()}
            for name, changes in result.materials_changed.items()
        },
        "questions_added": result.questions_added,
        "questions_removed": result.questions_removed,
    }


WRITE = {200: VersionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _transition(call):
    try:
        return call()
    except IllegalTransition as error:
        raise ApiError(409, "illegal_transition", str(error)) from None


@router.post("/items/{impl_code}/drafts", response=WRITE, auth=AUTH)
def start_draft(request, impl_code: str):
    item = get_object_or_404(Item, impl_code=impl_code)
    return actions.start_draft(request.principal, item)


def _draft(impl_code: str, number: int) -> ItemVersion:
    return get_object_or_404(ItemVersion, item__impl_code=impl_code, number=number)


@router.post("/items/{impl_code}/versions/{number}/submit", response=WRITE, auth=AUTH)
def submit(request, impl_code: str, number: int, payload: SubmitIn):
    version = _draft(impl_code, number)
    return _transition(
        lambda: actions.submit_for_review(
            request.principal, version, change_note=payload.change_note
        )
    )


@router.post("/items/{impl_code}/versions/{number}/send-back", response=WRITE, auth=AUTH)
def send_back(request, impl_code: str, number: int, payload: SendBackIn):
    version = _draft(impl_code, number)
    return _transition(lambda: actions.send_back(request.principal, version, reason=payload.reason))


@router.post("/items/{impl_code}/versions/{number}/publish", response=WRITE, auth=AUTH)
def publish(request, impl_code: str, number: int, payload: PublishIn):
    version = _draft(impl_code, number)
    return _transition(
        lambda: actions.publish(request.principal, version, effective_from=payload.effective_from)
    )


@router.post(
    "/items/{impl_code}/cancel", response={200: ItemOut, 400: ErrorOut, 403: ErrorOut}, auth=AUTH
)
def cancel(request, impl_code: str, payload: CancelIn):
    item = get_object_or_404(Item, impl_code=impl_code)
    return actions.cancel_item(request.principal, item, on=payload.on, reason=payload.reason)


@router.post(
    "/items/{impl_code}/delegations",
    response={201: DelegationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
)
def delegate(request, impl_code: str, payload: DelegateIn):
    item = get_object_or_404(Item, impl_code=impl_code)
    region = get_object_or_404(Region, code=payload.region_code)
    agency = get_object_or_404(Agency, pk=payload.handling_agency_id)
    return Status(
        201,
        actions.delegate_item(
            request.principal,
            item,
            region=region,
            handling_agency=agency,
            effective_from=payload.effective_from,
        ),
    )


class BundleOut(Schema):
    code: str
    name: str
    theme: str
    description: str
    lead_agency_id: int
    item_codes: list[str]

    @staticmethod
    def resolve_item_codes(bundle: Bundle) -> list[str]:
        return [entry.item.impl_code for entry in bundle.entries.all()]


class CombinedQuestionOut(Schema):
    text: str
    options: list[str]


class BundleDetailOut(BundleOut):
    questions: list[CombinedQuestionOut]
    form_fields: list[dict] = Field(description="the one form, filled once for every item")


class BundleGuideIn(Schema):
    answers: dict[str, str] = Field(
        default_factory=dict, description="question text → chosen answer text"
    )


class MergedMaterialOut(Schema):
    name: str
    verifiable: bool
    for_items: list[str]


class BundleGuideOut(Schema):
    materials: list[MergedMaterialOut]
    promised_limit_days: float
    agencies: list[str]
    item_limits: dict[str, str]


def _bundles():
    return Bundle.objects.filter(is_active=True).prefetch_related("entries__item")


@router.get("/bundles", response=list[BundleOut], auth=PUBLIC)
@paginate(PageNumberPagination)
def list_bundles(request, theme: str = ""):
    queryset = _bundles()
    return queryset.filter(theme=theme) if theme else queryset


@router.get("/bundles/{code}", response={200: BundleDetailOut, 404: ErrorOut}, auth=PUBLIC)
def get_bundle(request, code: str):
    bundle = get_object_or_404(_bundles(), code=code)
    bundle.questions = [
        {"text": q.text, "options": q.options} for q in bundles.questions_of(bundle)
    ]
    return bundle


@router.post(
    "/bundles/{code}/guide",
    response={200: BundleGuideOut, 400: ErrorOut, 404: ErrorOut},
    auth=PUBLIC,
)
def bundle_guide(request, code: str, payload: BundleGuideIn):
    """The merged material list for these answers: a material several items need, once."""
    bundle = get_object_or_404(_bundles(), code=code)
    try:
        guide = bundles.bundle_guide(bundle, payload.answers)
    except IncompleteAnswers as error:
        raise ValidationError(
            _("Answer every situation question: %(questions)s")
            % {"questions": "; ".join(dict.fromkeys(q.text for q in error.questions))}
        ) from None
    return {
        "materials": [
            {"name": m.name, "verifiable": m.verifiable, "for_items": [v.name for v in m.versions]}
            for m in guide.materials
        ],
        "promised_limit_days": guide.promised_limit_days,
        "agencies": guide.agencies,
        "item_limits": guide.item_limits,
    }


class ImportOut(Schema):
    drafts: list[str]


@router.post(
    "/import",
    response={200: ImportOut, 400: ErrorOut, 403: ErrorOut},
    auth=AUTH,
)
def import_excel(request, file: File[UploadedFile]):
    """Import an .xlsx workbook (sheets 事项, 材料, 情形) as new drafts: all or nothing.

    On any problem nothing is written and ``errors`` lists each with sheet, row and column.
    """
    if file.size > 10 * 1024 * 1024:
        raise ApiError(400, "too_large", _("The file is larger than 10 MB."))
    try:
        drafts = excel.import_workbook(request.principal, file.read())
    except excel.ImportRejected as rejected:
        return Status(
            400,
            {
                "code": "import_rejected",
                "message": excel.errors_as_message(rejected.errors),
                "errors": [error.as_dict() for error in rejected.errors],
            },
        )
    return {"drafts": [f"{d.item.impl_code} v{d.number}" for d in drafts]}


@router.get("/export.xlsx", auth=PUBLIC, response={200: None})
def export_excel(request, agency: int | None = None):
    """Every item in force (or one agency's), in the import format."""
    items = Item.objects.filter(cancelled_on__isnull=True)
    if agency is not None:
        items = items.filter(agency_id=agency)
    response = HttpResponse(
        excel.export_workbook(items),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="tongban-catalog.xlsx"'
    return response


@router.get(
    "/bundles/{code}/notice.pdf", response={200: None, 400: ErrorOut, 404: ErrorOut}, auth=PUBLIC
)
def bundle_notice_pdf(request, code: str, a: list[str] = Query(default=[])):  # noqa: B008
    """The bundle's combined one-time notification as a PDF; answers as repeated
    ``a=<question>|<answer>`` (the portal's encoding)."""
    bundle = get_object_or_404(_bundles(), code=code)
    answers = dict(part.rsplit("|", 1) for part in a if "|" in part)
    try:
        guide = bundles.bundle_guide(bundle, answers)
    except IncompleteAnswers as error:
        raise ValidationError(
            _("Answer every situation question: %(questions)s")
            % {"questions": "; ".join(dict.fromkeys(q.text for q in error.questions))}
        ) from None
    response = HttpResponse(notice.bundle_notice_pdf(guide), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{code}.pdf"'
    return response
