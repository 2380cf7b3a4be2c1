"""Electronic certificates on the portal: the public verification (the QR code's page and
the upload of a PDF), and the holder's own certificates with their downloads.

Thin: the answers come from ``certificates.verification`` and ``certificates.actions``.
Verification needs no login and shows no identifier number; a certificate that is not
yours to download is 404 (its existence is not confirmed to strangers).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tongban.certificates import actions, services, verification
from tongban.certificates.models import Certificate
from tongban.org.policy import principal_for_user

PER_PAGE = 20
# Uploads checked per client address in a quarter of an hour (each costs a signature check).
UPLOADS_PER_WINDOW = 60
UPLOAD_WINDOW_SECONDS = 15 * 60


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Certificate file (PDF)"),
        help_text=gettext_lazy("The PDF as it was downloaded from this platform."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


@require_GET
def verify(request: HttpRequest, identifier: str) -> HttpResponse:
    """The QR code's target: is this record authentic, and what is its status now?"""
    verdict = verification.verify_record(identifier, request.GET.get("t", ""))
    return render(
        request,
        "portal/certificates/verify.html",
        {"verdict": verdict, "facts": _facts(verdict)},
        status=200 if verdict.authentic else 404,
    )


def _upload_key(request: HttpRequest) -> str:
    return "certificate-uploads:" + request.META.get("REMOTE_ADDR", "")


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Anyone uploads a certificate PDF: authentic and unchanged, and its status now?"""
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "verdict": None}
    if request.method != "POST":
        return render(request, "portal/certificates/upload.html", context)
    used = cache.get(_upload_key(request), 0)
    if used >= UPLOADS_PER_WINDOW:
        context["throttled"] = True
        return render(request, "portal/certificates/upload.html", context, status=429)
    cache.set(_upload_key(request), used + 1, UPLOAD_WINDOW_SECONDS)
    if not form.is_valid():
        return render(request, "portal/certificates/upload.html", context, status=400)
    verdict = verification.verify_file(form.cleaned_data["file"])
    context.update(verdict=verdict, facts=_facts(verdict), form=UploadForm())
    return render(request, "portal/certificates/upload.html", context)


def _facts(verdict: verification.Verdict) -> dict | None:
    certificate = verdict.certificate
    if certificate is None:
        return None
    return {
        "type_name": certificate.type_name,
        "number": certificate.number,
        "holder": services.masked_name(certificate),
        "issuer": certificate.issuer_name,
        "issue_date": certificate.issue_date,
        "valid_from": certificate.valid_from,
        "valid_to": certificate.valid_to,
    }


# ---------------------------------------------------------------- the holder's pages


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    principal = principal_for_user(request.user)
    mine = Certificate.objects.filter(applicant__account=request.user).select_related("cert_type")
    if principal.kind != "applicant":
        mine = mine.none()
    page = Paginator(mine.order_by("-issue_date", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = []
    for certificate in page.object_list:
        status = services.effective_status(certificate, today)
        rows.append(
            {
                "certificate": certificate,
                "status": status,
                "status_name": services.status_name(status),
                "status_label": services.status_label(status),
            }
        )
    return render(
        request,
        "portal/certificates/mine.html",
        {"page": page, "rows": rows, "is_applicant": principal.kind == "applicant"},
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed PDF: for the holder's account, staff of the issuing agency, an admin."""
    principal = principal_for_user(request.user)
    certificate = (
        services.visible(principal, Certificate.objects.select_related("cert_type"))
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404("not your certificate")
    data = actions.pdf_bytes(certificate)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{certificate.type_name}-{certificate.number}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response
