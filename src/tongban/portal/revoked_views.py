"""The public list of revoked certificates (撤销、吊销的证照公示): certificates the
authority revoked (03) or withdrew (07), the latest change first, each linked to its
verification page. No login; a person's name masked, no identifier number."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tongban.violations import services

PER_PAGE = 20


@require_GET
def revoked_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.revoked_certificates(), PER_PAGE).get_page(request.GET.get("page"))
    rows = [services.revoked_row(certificate) for certificate in page.object_list]
    return render(request, "portal/certificates/revoked.html", {"page": page, "rows": rows})
