"""Finding applicants at the counter, within what the policy lets this person see."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from tongban.org import policy
from tongban.org.models import Applicant
from tongban.org.policy import Principal


def find_applicants(principal: Principal, query: str) -> QuerySet[Applicant]:
    """By part of the name, the exact credit code, or the exact ID card number.

    An empty query finds nobody: the counter does not browse the register.
    """
    visible = policy.visible(principal, "org.view_applicant", Applicant.objects.all())
    query = query.strip()
    if not query:
        return visible.none()
    condition = Q(name__icontains=query) | Q(credit_code=query.upper())
    try:
        by_id_number = Applicant.find_by_id_number(query)
    except ValidationError:
        by_id_number = None
    if by_id_number is not None:
        condition |= Q(pk=by_id_number.pk)
    return visible.filter(condition).select_related("registered_at").order_by("name", "pk")


def mask_phone(phone: str) -> str:
    """``13912345678`` → ``139****5678``: enough to confirm with the person in front of you."""
    if len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def subject_as_digest(
    request: HttpRequest, url_name: str, digest_of: Callable[[str], str]
) -> HttpResponse | None:
    """An ID number typed in a search box goes no further than this request: the page is
    asked again with its keyed digest (``digest_of``), so the number is not in links,
    history or logs. None when nothing was typed."""
    subject = request.GET.get("subject", "").strip()
    if not subject:
        return None
    params = request.GET.copy()
    del params["subject"]
    params["digest"] = digest_of(subject)
    params.pop("page", None)
    return redirect(f"{reverse(url_name)}?{params.urlencode()}")
