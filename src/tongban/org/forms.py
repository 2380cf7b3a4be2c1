"""Forms of the org app: login, applicant registration, own profile."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.core.identifiers import validate_resident_id, validate_uscc

from .authentication import is_locked, lock_message
from .models import Applicant, User


class LoginForm(AuthenticationForm):
    """Tells a locked-out person that the account is locked, not that the password is wrong."""

    error_messages = {
        "invalid_login": _("The user name or password is wrong. Names are case-sensitive."),
        "inactive": _("This account has been disabled."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        user = User.objects.filter(username=username).first() if username else None
        if user is not None and is_locked(user):
            raise ValidationError(lock_message(user), code="locked")
        try:
            return super().clean()
        except ValidationError:
            if user is not None:
                user.refresh_from_db(fields=["locked_until"])
                if is_locked(user):  # this very failure locked it
                    raise ValidationError(lock_message(user), code="locked") from None
            raise


class ApplicantRegistrationForm(forms.Form):
    """What a window clerk fills in to register a walk-in applicant."""

    kind = forms.ChoiceField(label=_("Applicant kind"), choices=Applicant.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=18,
        required=False,
        help_text=_("For a natural person: the 18-character resident ID card number."),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("For a legal person: the 18-character code on its business licence."),
    )
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, required=False
    )
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": _("A mobile phone number has 11 digits and starts with 1.")},
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Applicant.Kind.PERSON:
            if not cleaned.get("id_number"):
                self.add_error("id_number", _("A natural person needs an ID card number."))
            else:
                try:
                    cleaned["id_number"] = validate_resident_id(cleaned["id_number"])
                except ValidationError as error:
                    self.add_error("id_number", error)
        elif kind == Applicant.Kind.LEGAL:
            if not cleaned.get("credit_code"):
                self.add_error(
                    "credit_code", _("A legal person needs a unified social credit code.")
                )
            else:
                try:
                    cleaned["credit_code"] = validate_uscc(cleaned["credit_code"])
                except ValidationError as error:
                    self.add_error("credit_code", error)
        return cleaned


class OwnProfileForm(forms.Form):
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        error_messages={"invalid": _("A mobile phone number has 11 digits and starts with 1.")},
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
