from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.org import actions
from tongban.org.forms import LoginForm, OwnProfileForm
from tongban.org.landing import landing_url_for
from tongban.org.policy import principal_for_user


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


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
