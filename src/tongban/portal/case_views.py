"""The applicant's side of a case: apply online, "my cases", and the public progress query.

Views stay thin: they read the form, call one of ``cases.actions`` (the same functions the
workbench and the API call) and render. Errors come back on the page that caused them:
bad input 400, an illegal or out-of-date move 409, and a case that is not yours is 404 (its
existence is not confirmed to strangers).
"""

import hmac
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.archive.models import ArchiveReuse
from tongban.bundles.models import BundleCase
from tongban.cases import actions, documents, hooks, transitions
from tongban.cases.files import check_upload
from tongban.cases.models import Case, CaseMaterial, Channel, Status, SupplementRequest
from tongban.cases.permissions import is_applicant_side, may
from tongban.catalog.actions import current_version
from tongban.catalog.guide import IncompleteAnswers, guide_for
from tongban.catalog.models import Item, ItemVersion, Material
from tongban.core.models import Notification
from tongban.org.models import Applicant
from tongban.org.policy import Principal, principal_for_user

from . import instant_pages

CASES_PER_PAGE = 20

FORM_LABELS = {
    "contact_name": gettext_lazy("Contact person"),
    "contact_phone": gettext_lazy("Contact phone"),
    "address": gettext_lazy("Address for this application"),
    "description": gettext_lazy("What you are applying for (brief description)"),
}

# Public progress query: failed look-ups per client address before a pause.
PROGRESS_MAX_FAILURES = 20
PROGRESS_WINDOW_SECONDS = 15 * 60


# ---------------------------------------------------------------- shared bits


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _own_applicant(request: HttpRequest) -> Applicant:
    """The applicant record of the logged-in person; staff file for others in the workbench."""
    applicant = getattr(request.user, "applicant", None)
    if request.user.kind != "applicant" or applicant is None:
        raise PermissionDenied(
            _(
                "Online applications are made from an applicant account. Staff filing for "
                "someone use the workbench."
            )
        )
    return applicant


def my_cases(principal: Principal) -> QuerySet[Case]:
    """Cases where I am the applicant, or that I filed for someone (agent, village station)."""
    user = principal.user
    return Case.objects.filter(Q(applicant__account=user) | Q(submitted_by=user))


def _my_case(request: HttpRequest, pk: int) -> tuple[Principal, Case]:
    principal = principal_for_user(request.user)
    case = get_object_or_404(
        Case.objects.select_related(
            "item", "item_version", "applicant", "deciding_agency", "service_point", "pickup_point"
        ),
        pk=pk,
    )
    if not is_applicant_side(principal, case):
        raise Http404("not your case")
    return principal, case


@dataclass
class Clock:
    """The deadline that matters to the applicant now."""

    label: str
    due: object
    with_time: bool
    estimated: bool
    paused: bool = False


def clock_of(case: Case) -> Clock | None:
    if case.status == Status.DRAFT or case.closed_at is not None:
        return None
    if case.accepted_at is None:
        if case.acceptance_due is None:
            return None
        return Clock(
            label=_("We tell you whether it is accepted by"),
            due=case.acceptance_due,
            with_time=False,
            estimated=case.due_estimated,
            paused=case.status == Status.NEEDS_SUPPLEMENT,
        )
    if case.promised_due is None or case.status in {Status.RESULT_ISSUED, Status.DELIVERED}:
        return None
    return Clock(
        label=_("Decision promised by"),
        due=case.promised_due,
        with_time=case.limit_unit == ItemVersion.LimitUnit.WORKING_HOURS,
        estimated=case.due_estimated,
        paused=case.status == Status.SPECIAL_PROCEDURE,
    )


def timeline(case: Case) -> list[dict]:
    return [
        {
            "at": event.at,
            "label": transitions.ACTION_LABELS.get(event.action, event.action),
            "status": Status(event.to_status).label if event.to_status in Status.values else "",
            "note": event.note,
        }
        for event in case.events.filter(public=True).order_by("at", "pk")
    ]


def _checked_uploads(request: HttpRequest, allowed: dict[int, Material]) -> dict[Material, object]:
    """Files named ``m<material id>``, checked before anything changes (size, type, guide)."""
    uploads = {}
    for key, upload in request.FILES.items():
        if not (key.startswith("m") and key[1:].isdigit()):
            continue
        material = allowed.get(int(key[1:]))
        if material is None:
            raise ValidationError(
                _("A file was sent for a material that is not in this application's list."),
                code="not_in_guide",
            )
        check_upload(upload, upload.name)
        upload.seek(0)
        uploads[material] = upload
    return uploads


# ---------------------------------------------------------------- apply online


def _questions(version: ItemVersion):
    return list(version.questions.order_by("order", "pk").prefetch_related("options"))


def _chosen(request: HttpRequest, questions) -> list[int]:
    """One option per question (``q<question id>`` radios); anything else is ignored."""
    chosen = []
    for question in questions:
        value = request.POST.get(f"q{question.pk}", "")
        if value.isdigit() and int(value) in {o.pk for o in question.options.all()}:
            chosen.append(int(value))
    return chosen


def _material_rows(version: ItemVersion, answers: list[int], case: Case | None):
    """What to upload for these answers, with what is already received."""
    try:
        guide = guide_for(version, answers)
    except IncompleteAnswers as incomplete:
        return None, incomplete.questions
    received = actions.received_materials(case) if case is not None else {}
    reused = _reused(case)
    verified = instant_pages.verified_materials(case)
    committed = actions.committed_materials(case) if case is not None else set()
    rows = [
        {
            "material": material,
            "committed": material.pk in committed,
            "verified": verified.get(material.pk),
            "received": received.get(material.pk),
            "reused": reused.get(getattr(received.get(material.pk), "pk", None)),
            "required": material.necessity == Material.Necessity.REQUIRED,
            "deferrable": material.necessity == Material.Necessity.DEFERRABLE,
        }
        for material in guide.materials
    ]
    return rows, []


def _reused(case: Case | None) -> dict[int, str]:
    """Files taken from the applicant's archive (一企一档): received file id → why."""
    if case is None or case.pk is None:
        return {}
    return dict(ArchiveReuse.objects.filter(case=case).values_list("case_material_id", "reason"))


def _with_reuse(case: Case) -> list[CaseMaterial]:
    reused = _reused(case)
    received = list(case.materials.filter(superseded=False).select_related("material"))
    for material in received:
        material.reused = reused.get(material.pk)
    return received


def _apply_context(
    request: HttpRequest,
    item: Item,
    version: ItemVersion,
    case: Case | None,
    *,
    answers: list[int] | None = None,
    form_data: dict | None = None,
    errors: list[str] | None = None,
) -> dict:
    questions = _questions(version)
    if answers is None:
        answers = list(case.answers) if case is not None else []
    if form_data is None:
        form_data = dict(case.form_data) if case is not None else {}
    rows, unanswered = _material_rows(version, answers, case)
    fields = [
        {
            "name": name,
            "label": FORM_LABELS[name],
            "value": form_data.get(name, ""),
            "max_length": max_length,
            "textarea": max_length > 255,
        }
        for name, max_length in actions.FORM_FIELDS.items()
    ]
    return {
        "item": item,
        "version": version,
        "case": case,
        "questions": questions,
        "chosen": set(answers),
        "fields": fields,
        "rows": rows,
        "unanswered": unanswered,
        "errors": errors or [],
        "commitment_offer": actions.commitment_offer(case) if case is not None else None,
        "signed_commitment": actions.commitment_of(case) if case is not None else None,
    }


def _render_apply(request, item, version, case, status=200, **kwargs) -> HttpResponse:
    context = _apply_context(request, item, version, case, **kwargs)
    return render(request, "portal/cases/apply.html", context, status=status)


def _live_version(item: Item) -> ItemVersion:
    today = timezone.localdate()
    if item.cancelled_on is not None and item.cancelled_on <= today:
        raise Http404("cancelled")
    version = current_version(item, today)
    if version is None:
        raise Http404("not in force")
    return version


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, impl_code: str) -> HttpResponse:
    """Start an online application (a draft is saved the first time the form is sent)."""
    item = get_object_or_404(Item.objects.select_related("agency"), impl_code=impl_code)
    version = _live_version(item)
    applicant = _own_applicant(request)
    if not actions.may_apply_online(version):
        return render(
            request, "portal/cases/not_online.html", {"item": item, "version": version}, status=409
        )
    if request.method == "GET":
        draft = (
            my_cases(principal_for_user(request.user))
            .filter(item=item, status=Status.DRAFT, applicant=applicant)
            .first()
        )
        if draft is not None:
            messages.info(request, _("You have a draft for this service: continue it here."))
            return redirect("portal:case-edit", pk=draft.pk)
        return _render_apply(request, item, version, None)
    return _save_application(request, item, version, None, applicant)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: change answers and form, upload materials, save again or submit."""
    _principal, case = _my_case(request, pk)
    if case.status != Status.DRAFT:
        return redirect("portal:case-detail", pk=case.pk)
    if request.method == "GET":
        return _render_apply(request, case.item, case.item_version, case)
    return _save_application(request, case.item, case.item_version, case, case.applicant)


def _save_application(
    request: HttpRequest,
    item: Item,
    version: ItemVersion,
    case: Case | None,
    applicant: Applicant,
) -> HttpResponse:
    principal = principal_for_user(request.user)
    questions = _questions(version)
    answers = _chosen(request, questions)
    form_data = {name: request.POST.get(name, "") for name in actions.FORM_FIELDS}
    intent = request.POST.get("intent", "save")

    def again(status: int, errors: list[str]) -> HttpResponse:
        return _render_apply(
            request, item, version, case, status, answers=answers, form_data=form_data,
            errors=errors,
        )  # fmt: skip

    rows, unanswered = _material_rows(version, answers, case)
    if intent == "refresh":  # without JavaScript: show the materials for these answers
        return again(200, [])
    if unanswered:
        return again(
            400,
            [_("Answer every question first: %(questions)s")
             % {"questions": "；".join(q.text for q in unanswered)}],
        )  # fmt: skip
    try:
        uploads = _checked_uploads(request, {row["material"].pk: row["material"] for row in rows})
        if case is None:
            case = actions.start_application(
                principal,
                item,
                applicant=applicant,
                channel=Channel.PORTAL,
                answers=answers,
                form_data=form_data,
            )
        else:
            case = actions.update_draft(
                principal,
                case,
                answers=answers,
                form_data=form_data,
                revision=_revision(request),
            )
    except actions.StaleCase as error:
        return again(409, _errors(error))
    except ValidationError as error:
        return again(400, _errors(error))
    # From here on the draft exists: what was uploaded is kept even if submitting fails.
    try:
        for material, upload in uploads.items():
            actions.attach_material(principal, case, material, upload)
        if intent == "submit":
            case = actions.submit(principal, case)
    except ValidationError as error:
        case.refresh_from_db()
        return _render_apply(request, item, version, case, 400, errors=_errors(error))
    except transitions.IllegalTransition as error:
        return redirect_with_error(request, case, str(error))
    if intent == "submit":
        messages.success(
            request,
            _("Submitted. Your case code is %(code)s; the receipt is below.") % {"code": case.code},
        )
        return redirect("portal:case-detail", pk=case.pk)
    messages.success(request, _("Draft saved. Come back to it any time from “My cases”."))
    return redirect("portal:case-edit", pk=case.pk)


def _revision(request: HttpRequest) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else None


def redirect_with_error(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("portal:case-detail", pk=case.pk)


@login_required
@require_POST
def apply_materials(request: HttpRequest, impl_code: str) -> HttpResponse:
    """HTMX: the materials to upload for the answers chosen so far (nothing is saved)."""
    item = get_object_or_404(Item, impl_code=impl_code)
    version = _live_version(item)
    case = None
    if request.POST.get("case", "").isdigit():
        _principal, case = _my_case(request, int(request.POST["case"]))
        version = case.item_version
    rows, unanswered = _material_rows(version, _chosen(request, _questions(version)), case)
    return render(
        request,
        "portal/cases/_materials.html",
        {"rows": rows, "unanswered": unanswered, "case": case},
    )


# ---------------------------------------------------------------- my cases


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    principal = principal_for_user(request.user)
    cases = (
        my_cases(principal)
        .select_related("item_version", "applicant")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(
        recipient=request.user, channel=Notification.Channel.INBOX, read_at__isnull=True
    ).order_by("-created_at", "-pk")[:20]
    rows = [{"case": case, "clock": clock_of(case)} for case in page]
    # One-thing applications: each groups several of the cases below (一件事).
    applications = BundleCase.objects.filter(
        Q(applicant__account=request.user) | Q(submitted_by=request.user)
    ).select_related("bundle")[:20]
    context = {"rows": rows, "page": page, "unread": unread, "applications": applications}
    return render(request, "portal/cases/list.html", context)


@login_required
@require_POST
def messages_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(
        recipient=request.user, channel=Notification.Channel.INBOX, read_at__isnull=True
    ).update(read_at=timezone.now())
    return redirect("portal:my-cases")


def _open_request(case: Case) -> SupplementRequest | None:
    stage = {
        Status.NEEDS_SUPPLEMENT: SupplementRequest.Stage.BEFORE_ACCEPTANCE,
        Status.ACCEPTED_TOLERANT: SupplementRequest.Stage.DEFERRED,
    }.get(case.status)
    if stage is None:
        return None
    return (
        case.supplements.filter(stage=stage, answered_at__isnull=True)
        .prefetch_related("materials")
        .order_by("-requested_at", "-pk")
        .first()
    )


def _gaps(case: Case, request: SupplementRequest | None) -> list[dict]:
    if request is None:
        return []
    received = actions.received_materials(case)
    problems = request.problems or {}
    return [
        {
            "material": material,
            "problem": problems.get(str(material.pk), ""),
            "received": received.get(material.pk)
            if received.get(material.pk)
            and received[material.pk].uploaded_at >= request.requested_at
            else None,
        }
        for material in sorted(request.materials.all(), key=lambda m: (m.order, m.pk))
    ]


def _detail(
    request: HttpRequest, principal: Principal, case: Case, *, status: int = 200, errors=()
) -> HttpResponse:
    supplement = _open_request(case)
    withdraw = transitions.TRANSITIONS.get((case.status, "withdraw"))
    context = {
        "case": case,
        "clock": clock_of(case),
        "timeline": timeline(case),
        "supplement": supplement,
        "gaps": _gaps(case, supplement),
        "materials": _with_reuse(case),
        "documents": [
            {"kind": kind, "title": documents.title(kind)}
            for kind in documents.available_documents(case)
        ],
        "may_withdraw": withdraw is not None and may(principal, case, withdraw),
        "errors": list(errors),
        "handover": getattr(case, "handover", None) if case.status == Status.CLOSED else None,
        "instant": instant_pages.decision_for_page(case),
    }
    return render(request, "portal/cases/detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal, case = _my_case(request, pk)
    if case.status == Status.DRAFT:
        return redirect("portal:case-edit", pk=case.pk)
    return _detail(request, principal, case)


@login_required
@require_POST
def supply(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the supplement notice (补正) or send the deferred materials (容缺)."""
    principal, case = _my_case(request, pk)
    notice = _open_request(case)
    if notice is None:
        return _detail(
            request, principal, case, status=409, errors=[_("Nothing is awaiting a supplement.")]
        )
    try:
        uploads = _checked_uploads(request, {m.pk: m for m in notice.materials.all()})
    except ValidationError as error:
        return _detail(request, principal, case, status=400, errors=_errors(error))
    try:
        posted = _revision(request)
        if posted is not None and posted != case.revision:
            # Checked before the files are taken: the page showed an older notice.
            raise actions.StaleCase(
                _("This case changed since the page was loaded; it is now “%(status)s”. "
                  "Check the notice below before sending anything.")
                % {"status": case.get_status_display()},
                code="stale",
            )  # fmt: skip
        for material, upload in uploads.items():
            actions.attach_material(principal, case, material, upload)
        if request.POST.get("intent") == "supply":
            if case.status == Status.ACCEPTED_TOLERANT:
                actions.supply_deferred(principal, case)
            else:
                actions.supply(principal, case)
            messages.success(request, _("Thank you: the service point has been told."))
        else:
            messages.success(request, _("Files received. Send them when everything is there."))
    except actions.StaleCase as error:
        case.refresh_from_db()
        return _detail(request, principal, case, status=409, errors=_errors(error))
    except ValidationError as error:
        case.refresh_from_db()
        return _detail(request, principal, case, status=400, errors=_errors(error))
    except transitions.IllegalTransition as error:
        case.refresh_from_db()
        return _detail(request, principal, case, status=409, errors=[str(error)])
    return redirect("portal:case-detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回, after a confirmation page (it cannot be undone)."""
    principal, case = _my_case(request, pk)
    if request.method == "GET":
        return render(request, "portal/cases/withdraw.html", {"case": case})
    try:
        actions.withdraw(
            principal,
            case,
            reason=request.POST.get("reason", "")[:500],
            revision=_revision(request),
        )
    except (actions.StaleCase, transitions.IllegalTransition) as error:
        case.refresh_from_db()
        messages_ = _errors(error) if isinstance(error, ValidationError) else [str(error)]
        return _detail(request, principal, case, status=409, errors=messages_)
    messages.success(request, _("The application was withdrawn."))
    return redirect("portal:case-detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    """告知承诺: the whole notice, read and signed by name; the proofs it waives are then
    not asked for. A black-listed applicant is told why it is not open to them."""
    principal, case = _my_case(request, pk)
    offer = actions.commitment_offer(case)
    if offer is None:
        raise Http404("no notify-and-commit for this item")
    signed = actions.commitment_of(case)
    context = {
        "case": case,
        "offer": offer,
        "signed": signed,
        "errors": [],
        "pledge": actions.COMMITMENT_PLEDGE,
    }
    refusal = hooks.acceptance_refusal(case, "sign_commitment")
    context["refusal"] = refusal
    if request.method == "GET" or signed is not None:
        return render(request, "portal/cases/commitment.html", context)
    try:
        actions.sign_commitment(
            principal,
            case,
            signer_name=request.POST.get("signer_name", "")[:100],
            read_notice=request.POST.get("read_notice") == "yes",
            revision=_revision(request),
        )
    except (actions.StaleCase, transitions.IllegalTransition, ValidationError) as error:
        case.refresh_from_db()
        context["errors"] = _errors(error) if isinstance(error, ValidationError) else [str(error)]
        status = 400 if type(error) is ValidationError else 409
        return render(request, "portal/cases/commitment.html", context, status=status)
    messages.success(
        request, _("Your commitment is signed: the proofs it replaces are not needed.")
    )
    if case.status == Status.DRAFT:
        return redirect("portal:case-edit", pk=case.pk)
    return redirect("portal:case-detail", pk=case.pk)


@login_required
@require_GET
def case_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    _principal, case = _my_case(request, pk)
    try:
        pdf = documents.render(case, kind)
    except documents.NotAvailable:
        raise Http404("no such document") from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.filename(case, kind)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- public progress query


class ProgressForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Case code"), max_length=100)
    tail = forms.RegexField(
        label=gettext_lazy("Last 4 characters of the applicant's phone or ID number"),
        regex=r"^[0-9Xx]{4}$",
        min_length=4,
        max_length=4,
        error_messages={"invalid": gettext_lazy("Give exactly 4 digits (the ID may end in X).")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["tail"].widget.attrs.update(
            {"inputmode": "text", "autocomplete": "off", "size": "6"}
        )


def _tails(case: Case) -> set[str]:
    applicant = case.applicant
    values = [
        applicant.phone,
        applicant.id_number_masked,
        applicant.credit_code or "",
        str(case.form_data.get("contact_phone", "")),
    ]
    return {value.strip()[-4:].upper() for value in values if len(value.strip()) >= 4}


def _client_key(request: HttpRequest) -> str:
    return "progress-failures:" + request.META.get("REMOTE_ADDR", "")


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """Case code + the tail of the applicant's phone or ID: status, public steps, deadline.

    An unknown code and a wrong tail get the same answer, so the page cannot be used to
    find out which codes exist; repeated failures from one address pause the look-ups.
    """
    form = ProgressForm(request.POST or None)
    context = {"form": form, "found": None, "not_found": False}
    status = 200
    if request.method == "POST":
        failures = cache.get(_client_key(request), 0)
        if failures >= PROGRESS_MAX_FAILURES:
            context["throttled"] = True
            return render(request, "portal/cases/progress.html", context, status=429)
        if not form.is_valid():
            return render(request, "portal/cases/progress.html", context, status=400)
        code = form.cleaned_data["code"].strip()
        tail = form.cleaned_data["tail"].upper()
        case = (
            Case.objects.select_related("item_version", "applicant")
            .filter(code=code)
            .exclude(status=Status.DRAFT)
            .first()
        )
        matched = case is not None and any(
            hmac.compare_digest(tail, known) for known in _tails(case)
        )
        if matched:
            context["found"] = {
                "case": case,
                "clock": clock_of(case),
                "timeline": timeline(case),
            }
        else:
            cache.set(_client_key(request), failures + 1, PROGRESS_WINDOW_SECONDS)
            context["not_found"] = True
            status = 404
    return render(request, "portal/cases/progress.html", context, status=status)
