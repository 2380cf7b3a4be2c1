"""The public list of revoked certificates (撤销、吊销的证照公示)."""

from django.http import HttpRequest, HttpResponse


def revoked_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
