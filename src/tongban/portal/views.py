"""Public portal: home with the service halls, login, and the applicant's own account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.org import actions, policy
from tongban.org.forms import LoginForm, OwnProfileForm
from tongban.org.landing import landing_url_for
from tongban.org.models import Region, ServicePoint
from tongban.org.policy import principal_for_user

from .halls import hall_cards

HALLS_PER_PAGE = 12


def home(request: HttpRequest) -> HttpResponse:
    principal = principal_for_user(request.user)
    points = policy.visible(
        principal, "org.view_service_point", ServicePoint.objects.filter(is_active=True)
    )
    regions = policy.visible(
        principal, "org.view_region", Region.objects.filter(service_points__in=points)
    ).distinct()
    chosen_region = request.GET.get("region", "")
    if chosen_region:
        points = points.filter(region__code=chosen_region)
    points = (
        points.select_related("region")
        .annotate(window_count=Count("windows"))
        .prefetch_related("opening_periods")
        .order_by("region__code", "name")
    )
    page = Paginator(points, HALLS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "regions": regions,
        "chosen_region": chosen_region,
        "page": page,
        "halls": hall_cards(page),
    }
    return render(request, "portal/home.html", context)


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each person to the page that fits their role."""
    return redirect(landing_url_for(request.user))


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    principal = principal_for_user(request.user)
    applicant = getattr(request.user, "applicant", None)
    if principal.kind != "applicant" or applicant is None:
        return redirect(landing_url_for(request.user))
    form = OwnProfileForm(
        request.POST or None, initial={"phone": applicant.phone, "address": applicant.address}
    )
    if request.method == "POST" and form.is_valid():
        actions.update_own_profile(principal, applicant, **form.cleaned_data)
        messages.success(request, _("Your contact details were saved."))
        return redirect("portal:me")
    return render(request, "portal/me.html", {"applicant": applicant, "form": form})
