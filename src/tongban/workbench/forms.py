"""Workbench forms: the org registration form, plus where the applicant is registered."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tongban.org.forms import ApplicantRegistrationForm
from tongban.org.models import Applicant, ServicePoint


class CounterRegistrationForm(ApplicantRegistrationForm):
    """A clerk working at several service points says which one the applicant came to."""

    def __init__(self, *args, service_points: QuerySet[ServicePoint], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.service_points = service_points
        self.fields["kind"].widget.attrs["data-kind-switch"] = ""
        for field in self.fields.values():
            # The clerk types someone else's details: the browser must not suggest its own.
            field.widget.attrs.setdefault("autocomplete", "off")
        if len(service_points) > 1:
            self.fields["service_point"] = forms.ModelChoiceField(
                queryset=service_points, label=_("Registered at"), empty_label=None
            )

    def service_point(self) -> ServicePoint | None:
        if "service_point" in self.fields:
            return self.cleaned_data["service_point"]
        return self.service_points.first()

    def applicant_fields(self) -> dict[str, str]:
        """The action's keyword arguments; fields of the other kind of applicant are dropped."""
        data = self.cleaned_data
        fields = {key: data[key] for key in ("kind", "name", "phone", "address")}
        if data["kind"] == Applicant.Kind.PERSON:
            fields["id_number"] = data["id_number"]
        else:
            fields["credit_code"] = data["credit_code"]
            fields["legal_representative"] = data["legal_representative"]
        return fields

    def add_action_error(self, error: ValidationError) -> None:
        """Put a ValidationError raised by the action beside the field it is about."""
        code = getattr(error, "code", "") or ""
        if code.startswith("id_"):
            self.add_error("id_number", error)
        elif code.startswith("uscc"):
            self.add_error("credit_code", error)
        elif code == "name":
            self.add_error("name", error)
        else:
            self.add_error(None, error)
