"""Regions, agencies, service points, windows, staff and applicants (组织与人员).

Everything here is data: the demo city and a real city differ only in rows.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from tongban.core import crypto
from tongban.core.identifiers import (
    mask_resident_id,
    validate_division_code,
    validate_resident_id,
    validate_uscc,
)
from tongban.core.sql import Prepared


class Region(models.Model):
    """An administrative division (行政区划) with its GB/T 2260 code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County")
        TOWNSHIP = 4, _("Township")
        VILLAGE = 5, _("Village")

    code = models.CharField(
        _("division code"), max_length=12, unique=True, validators=[validate_division_code]
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    # Code lengths per level: GB/T 2260 to county level, then 9 and 12 digits.
    CODE_LENGTHS = {1: 6, 2: 6, 3: 6, 4: 9, 5: 12}

    def clean(self) -> None:
        if self.level and self.code and len(self.code) != self.CODE_LENGTHS[self.level]:
            raise ValidationError(
                {
                    "code": _("A region at this level has a %(length)d-digit code.")
                    % {"length": self.CODE_LENGTHS[self.level]}
                }
            )
        if self.parent_id and self.code and not self._code_fits_parent():
            raise ValidationError(
                {"code": _("The code does not lie within the parent region's code.")}
            )
        if self.parent_id and self.parent.level >= self.level:
            raise ValidationError(
                {"parent": _("The parent region must be at a higher level than this one.")}
            )
        if self.parent_id is None and self.level != self.Level.PROVINCE:
            raise ValidationError({"parent": _("Only a province may have no parent region.")})

    def _code_fits_parent(self) -> bool:
        parent_code = self.parent.code
        # 370000 (province) → 3714xx (city) → 371402 (county) → 371402001 → 371402001001
        significant = {1: 2, 2: 4, 3: 6, 4: 9}[self.parent.level]
        return self.code[:significant] == parent_code[:significant]

    def ancestors(self) -> list["Region"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def full_name(self) -> str:
        return "".join(region.name for region in [*self.ancestors(), self])


class Agency(models.Model):
    """A government body: the approval bureau, a line department, a supervising department."""

    class Kind(models.TextChoices):
        APPROVAL_BUREAU = "approval_bureau", _("Administrative approval service bureau")
        LINE_DEPARTMENT = "line_department", _("Line department")
        SUPERVISING_DEPARTMENT = "supervising_department", _("Supervising department")
        PUBLIC_SERVICE = "public_service", _("Public service provider")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("region")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = (self.credit_code or "").strip().upper()
        super().save(*args, **kwargs)


class ServicePoint(models.Model):
    """A place where people are served (服务网点): halls, village stations, partner outlets."""

    class Kind(models.TextChoices):
        CITY_HALL = "city_hall", _("City service hall")
        COUNTY_HALL = "county_hall", _("County service hall")
        TOWNSHIP_HALL = "township_hall", _("Township service centre")
        VILLAGE_STATION = "village_station", _("Village service station")
        BANK_OUTLET = "bank_outlet", _("Partner bank outlet")
        POST_OUTLET = "post_outlet", _("Partner post office")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_points", verbose_name=_("region")
    )
    operator = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_points",
        verbose_name=_("operating agency"),
    )
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    opening_hours_note = models.CharField(
        _("opening hours note"),
        max_length=255,
        blank=True,
        help_text=_("Shown to the public beside the hours, e.g. extended hours by appointment."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")

    def __str__(self) -> str:
        return self.name


class OpeningPeriod(models.Model):
    """One opening period of a service point on a weekday (e.g. Mon 09:00–12:00)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")
        SATURDAY = 6, _("Saturday")
        SUNDAY = 7, _("Sunday")

    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.CASCADE, related_name="opening_periods"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["service_point", "weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="period_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Window(models.Model):
    """A service window (窗口) in a service point."""

    class Kind(models.TextChoices):
        COMPREHENSIVE = "comprehensive", _("Comprehensive acceptance")
        SPECIALISED = "specialised", _("Specialised")
        INSTANT = "instant", _("Instant handling")
        HELPER_AGENT = "helper_agent", _("Helper and agent service")
        RESULT_PICKUP = "result_pickup", _("Result pickup")
        FIND_FAULT = "find_fault", _("Find-fault window")

    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.CASCADE,
        related_name="windows",
        verbose_name=_("service point"),
    )
    number = models.CharField(_("window number"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="windows",
        verbose_name=_("agencies served"),
        help_text=_("For specialised windows: the agencies whose items it accepts."),
    )
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        ordering = ["service_point", "number"]
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [
            models.UniqueConstraint(fields=["service_point", "number"], name="window_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service_point} {self.number} {self.name}"


class User(AbstractUser):
    """A login: a staff member, an applicant, or both never (separate accounts)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        APPLICANT = "applicant", _("Applicant")

    kind = models.CharField(
        _("account kind"), max_length=16, choices=Kind.choices, default=Kind.STAFF
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("failed logins"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_label(self) -> str:
        """The roles this account acts in, for the audit log (e.g. ``window_clerk``)."""
        if self.kind == self.Kind.APPLICANT:
            return "applicant"
        return ",".join(sorted({a.role for a in self.loaded_assignments()}))

    def loaded_assignments(self) -> tuple:
        """The account's role assignments, read once per request (the policy reuses them).

        Read fresh from the database for each request (a removed assignment counts at
        once), with one statement compiled once per process (``_ASSIGNMENTS``).
        """
        cached = getattr(self, "_tongban_assignments", None)
        if cached is None:
            if self.pk is None:  # unsaved: the related manager says why it cannot read
                cached = tuple(self.assignments.all())
            else:
                using = self._state.db or "default"
                cached = tuple(_ASSIGNMENTS.rows(self.pk, using=using))
                for assignment in cached:
                    assignment.user = self  # as the related manager does: no query for it
            self._tongban_assignments = cached
        return cached


class StaffRole(models.TextChoices):
    WINDOW_CLERK = "window_clerk", _("Window clerk")
    BACKOFFICE_REVIEWER = "backoffice_reviewer", _("Back-office reviewer")
    SECTION_CHIEF = "section_chief", _("Section chief")
    HELPER_AGENT = "helper_agent", _("Helper agent")
    SUPERVISING_OFFICER = "supervising_officer", _("Supervising-department officer")
    HALL_MANAGER = "hall_manager", _("Hall manager")
    CATALOG_ADMIN = "catalog_admin", _("Catalog administrator")
    # Reads the records (data queries, audit), changes nothing.
    AUDITOR = "auditor", _("Auditor")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class StaffAssignment(models.Model):
    """A role a staff member holds, scoped to an agency and/or a service point."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("staff member"),
    )
    role = models.CharField(_("role"), max_length=32, choices=StaffRole.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("agency"),
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("service point"),
    )
    window = models.ForeignKey(
        Window,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("usual window"),
    )

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        # NULLs are distinct in SQL, so one constraint per shape of scope.
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "agency", "service_point"],
                condition=Q(agency__isnull=False, service_point__isnull=False),
                name="assignment_unique_both",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(agency__isnull=False, service_point__isnull=True),
                name="assignment_unique_agency",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "service_point"],
                condition=Q(agency__isnull=True, service_point__isnull=False),
                name="assignment_unique_point",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(agency__isnull=True, service_point__isnull=True),
                name="assignment_unique_global",
            ),
        ]

    def __str__(self) -> str:
        where = " / ".join(str(x) for x in (self.agency, self.service_point) if x)
        return f"{self.get_role_display()} @ {where or _('whole platform')}"

    def clean(self) -> None:
        if self.role != StaffRole.PLATFORM_ADMIN and not (self.agency_id or self.service_point_id):
            raise ValidationError(
                _(
                    "Every role but platform administrator is scoped to an agency or a service point."
                )
            )
        if self.window_id and self.window.service_point_id != self.service_point_id:
            raise ValidationError({"window": _("The window must be in the chosen service point.")})


# A user's assignments with their agency, service point and window, in the model's order.
_ASSIGNMENTS = Prepared(
    lambda user_id: StaffAssignment.objects.filter(user_id=user_id).select_related(
        "agency", "service_point", "window"
    )
)


class Applicant(models.Model):
    """Someone who applies (申请人): a natural person or a legal person (enterprise, body).

    A person's ID number is stored encrypted; a keyed digest finds it and a masked copy
    is what screens show.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Natural person")
        LEGAL = "legal", _("Legal person")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applicant",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=200)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    # NULL for legal persons: unique among people only.
    id_number_index = models.CharField(max_length=64, editable=False, null=True, unique=True)  # noqa: DJ001
    id_number_masked = models.CharField(
        _("ID card number"), max_length=18, editable=False, blank=True
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_uscc],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    registered_at = models.ForeignKey(
        ServicePoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_applicants",
        verbose_name=_("registered at"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="person", credit_code__isnull=True, id_number_index__isnull=False)
                )
                | Q(kind="legal", id_number_index__isnull=True, credit_code__isnull=False),
                name="applicant_identifier_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_id_number", None)  # the clear number never leaves the process
        return state

    def save(self, *args, **kwargs):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        super().save(*args, **kwargs)

    def set_id_number(self, raw: str) -> None:
        number = validate_resident_id(raw)
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_index = crypto.blind_index(number)
        self.id_number_masked = mask_resident_id(number)

    @property
    def id_number(self) -> str:
        """The full number: decrypt only where the law and the task need it (once per
        object: an instant application asks for it three times)."""
        token = self.id_number_encrypted
        if not token:
            return ""
        kept = self.__dict__.get("_id_number")
        if kept is None or kept[0] != token:
            kept = self.__dict__["_id_number"] = (token, crypto.decrypt(token))
        return kept[1]

    @property
    def identifier_display(self) -> str:
        return self.id_number_masked if self.kind == self.Kind.PERSON else (self.credit_code or "")

    @classmethod
    def find_by_id_number(cls, raw: str) -> "Applicant | None":
        number = validate_resident_id(raw)
        return cls.objects.filter(id_number_index=crypto.blind_index(number)).first()


class ApiClient(models.Model):
    """A department's system calling the API: a token bound to an agency and scopes.

    Only a SHA-256 digest of the token is stored; the token is shown once, at creation.
    """

    name = models.CharField(_("name"), max_length=100)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("agency")
    )
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    token_prefix = models.CharField(max_length=12, unique=True, editable=False)
    token_digest = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"
