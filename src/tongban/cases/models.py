"""Cases (办件): an application for one item, bound to the item version it was filed under.

The status only changes through ``cases.actions`` (see ``cases.transitions`` for the table);
every change appends a ``CaseEvent`` (the case history the applicant and staff see) and an
audit entry. Fields the plan's KPIs need are recorded from the first case on: instant or
committed, comprehensive window or not, online or not, each step's time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import Item, ItemVersion, Material
from tongban.org.models import Agency, Applicant, ServicePoint, Window


class Channel(models.TextChoices):
    WINDOW = "window", _("At a window")
    PORTAL = "portal", _("Online portal")
    MOBILE = "mobile", _("Mobile app")
    VILLAGE_STATION = "village_station", _("Village service station")
    HELPER_AGENT = "helper_agent", _("Helper agent")
    MAIL = "mail", _("Mail or 24-hour drop box")


ONLINE_CHANNELS = {Channel.PORTAL, Channel.MOBILE}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting acceptance")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Supplement requested")
    NON_ACCEPTANCE_PENDING = "non_acceptance_pending", _("Non-acceptance awaiting the chief")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    ACCEPTED_TOLERANT = "accepted_tolerant", _("Accepted, materials deferred (容缺)")
    IN_REVIEW = "in_review", _("Accepted, under review")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure (clock paused)")
    DENIAL_PENDING = "denial_pending", _("Denial awaiting the chief")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    RESULT_ISSUED = "result_issued", _("Result ready")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TERMINATED = "terminated", _("Terminated")
    REVOKED = "revoked", _("Revoked (撤销)")
    CANCELLED = "cancelled", _("Cancelled (注销)")
    LICENCE_WITHDRAWN = "licence_withdrawn", _("Licence withdrawn (吊销)")


# Statuses in which the case still needs someone to act (the inbox and the deadline task).
OPEN_STATUSES = [
    Status.SUBMITTED,
    Status.NEEDS_SUPPLEMENT,
    Status.NON_ACCEPTANCE_PENDING,
    Status.ACCEPTED_TOLERANT,
    Status.IN_REVIEW,
    Status.SPECIAL_PROCEDURE,
    Status.DENIAL_PENDING,
    Status.APPROVED,
    Status.DENIED,
    Status.RESULT_ISSUED,
]


class WarningLevel(models.TextChoices):
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Due very soon")
    OVERDUE = "overdue", _("Overdue")


class Case(models.Model):
    """One application (办件)."""

    code = models.CharField(_("case code"), max_length=100, unique=True, null=True, blank=True)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="cases")
    item_version = models.ForeignKey(
        ItemVersion, on_delete=models.PROTECT, related_name="cases", verbose_name=_("guide version")
    )
    # Indexed by ``case_applicant`` (applicant first); so are service_point and step_role
    # below: every index is one more write on each action's update of the row.
    applicant = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("applicant"),
        db_index=False,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The account that filled it in: the applicant, an agent or a clerk."),
    )
    on_behalf = models.BooleanField(
        _("filed on the applicant's behalf"),
        default=False,
        help_text=_("An agent, village station or clerk filed it for the applicant."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    answers = models.JSONField(_("situation answers"), default=list, blank=True)
    form_data = models.JSONField(_("form"), default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.DRAFT
    )
    case_type = models.CharField(
        _("case type"), max_length=16, choices=ItemVersion.CaseType.choices
    )
    deciding_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("deciding agency")
    )
    service_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("accepted at"),
        db_index=False,
    )
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    window_kind = models.CharField(_("window kind"), max_length=32, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    pickup_point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result pickup at"),
    )

    # The review process: which step of the version's steps the case is at.
    step_index = models.PositiveSmallIntegerField(default=0)
    # Steps added at acceptance before the decision (a credit check for a black-listed
    # applicant): [{"kind", "role", "name"}] (``steps.case_steps``).
    added_steps = models.JSONField(default=list, blank=True)
    step_kind = models.CharField(_("current step"), max_length=16, blank=True)
    step_role = models.CharField(_("step taken by"), max_length=32, blank=True)
    step_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency of the current step"),
    )
    step_started_at = models.DateTimeField(null=True, blank=True)
    step_due = models.DateTimeField(
        _("current step due"),
        null=True,
        blank=True,
        help_text=_("The step's share of the promised limit, counted from acceptance."),
    )
    step_warned_level = models.CharField(max_length=8, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    # Times of each milestone (KPIs) and the legal clocks.
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    acceptance_due = models.DateTimeField(_("acceptance due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    promised_limit = models.PositiveIntegerField(_("promised time limit"), default=0)
    limit_unit = models.CharField(
        max_length=16,
        choices=ItemVersion.LimitUnit.choices,
        default=ItemVersion.LimitUnit.WORKING_DAYS,
    )
    statutory_limit = models.PositiveIntegerField(_("statutory time limit"), default=0)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    promised_due = models.DateTimeField(_("promised by"), null=True, blank=True, db_index=True)
    statutory_due = models.DateTimeField(_("statutory deadline"), null=True, blank=True)
    due_estimated = models.BooleanField(
        _("deadline estimated"),
        default=False,
        help_text=_("Part of the period lies in a year whose holiday schedule is not published."),
    )
    deferred_due = models.DateTimeField(_("deferred materials due"), null=True, blank=True)
    warning_level = models.CharField(
        max_length=8, choices=WarningLevel.choices, default=WarningLevel.GREEN
    )
    warned_level = models.CharField(max_length=8, blank=True)
    overdue_reason = models.TextField(_("reason for the delay"), blank=True)
    has_pauses = models.BooleanField(
        default=False, help_text="Set with the first CasePause: most cases never pause."
    )
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped by every action: a form sent from an older page is refused."
    )
    part_of = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "Set by the app that made this case part of something larger (a bundle "
            "application's id); this app never reads it. It spares the others a query on "
            "every action of the cases that are not theirs."
        ),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The back-office inbox: an agency's open cases by deadline.
            # (id last: ORDER BY deadline, id reads the first page straight off the index)
            models.Index(
                fields=["step_agency", "step_role", "promised_due", "id"],
                name="case_inbox",
                condition=Q(closed_at__isnull=True),
                # With the status in it, the inbox's count is an index-only scan on
                # PostgreSQL (other databases ignore INCLUDE).
                include=["status"],
            ),
            models.Index(fields=["applicant", "-created_at"], name="case_applicant"),
            models.Index(fields=["service_point", "status"], name="case_point_status"),
            # Not ``db_index``: that adds a LIKE-pattern twin no query uses.
            models.Index(fields=["status"], name="case_status"),
        ]

    def __str__(self) -> str:
        return self.code or _("draft case %(pk)s") % {"pk": self.pk}

    @property
    def is_instant(self) -> bool:
        return self.case_type == ItemVersion.CaseType.INSTANT

    @property
    def online(self) -> bool:
        return self.channel in ONLINE_CHANNELS

    @property
    def comprehensive_window(self) -> bool:
        return self.window_kind == Window.Kind.COMPREHENSIVE


class CaseCounter(models.Model):
    """The daily sequence behind case codes: implementation code + date + 4 digits."""

    prefix = models.CharField(max_length=100)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="case_counter")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d}:{self.last}"


class AppendOnly(models.Model):
    """Rows that are written once: history is never edited."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only")


class CaseEvent(AppendOnly):
    """One step of the case history (办理过程), in the order it happened."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(max_length=32, blank=True)
    to_status = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(
        default=True, help_text=_("Shown to the applicant in their timeline.")
    )

    class Meta:
        ordering = ["case", "at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case history")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class CaseMaterial(models.Model):
    """A file received for a case, identified by its SHA-256 (scanned, never photocopied)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    material = models.ForeignKey(
        Material,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("material in the guide"),
    )
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("received at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    superseded = models.BooleanField(
        _("replaced"), default=False, help_text=_("A newer file for the same material arrived.")
    )

    class Meta:
        ordering = ["case", "material__order", "uploaded_at"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")

    def __str__(self) -> str:
        return self.material.name if self.material else self.original_name


class CasePause(models.Model):
    """An interval in which a clock did not run (补正 before acceptance, 特别程序)."""

    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", _("Supplement before acceptance (补正)")
        SPECIAL_PROCEDURE = "special_procedure", _("Special procedure (特别程序)")

    class Procedure(models.TextChoices):
        HEARING = "hearing", _("Hearing (听证)")
        TENDER = "tender", _("Tender (招标)")
        AUCTION = "auction", _("Auction (拍卖)")
        INSPECTION = "inspection", _("Inspection (检验)")
        TESTING = "testing", _("Testing (检测)")
        QUARANTINE = "quarantine", _("Quarantine (检疫)")
        APPRAISAL = "appraisal", _("Appraisal (鉴定)")
        EXPERT_REVIEW = "expert_review", _("Expert review (专家评审)")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="pauses")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    procedure = models.CharField(max_length=20, choices=Procedure.choices, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    expected_days = models.PositiveSmallIntegerField(
        _("expected duration (working days)"), null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["case", "started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class SupplementRequest(models.Model):
    """One notice listing every gap at once (一次性告知): only the case's own guide counts."""

    class Stage(models.TextChoices):
        BEFORE_ACCEPTANCE = "before", _("Before acceptance (补正)")
        DEFERRED = "deferred", _("Deferred materials (容缺)")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supplements")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    materials = models.ManyToManyField(Material, related_name="+", blank=True)
    problems = models.JSONField(
        default=dict, blank=True, help_text="material id → what is wrong with it"
    )
    conditions = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    due = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "requested_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_stage_display()} {self.requested_at:%Y-%m-%d}"


class RefusalRequest(models.Model):
    """A clerk's "not accepted" or "denied" waits for a section chief (窗口无否决权)."""

    class Kind(models.TextChoices):
        NON_ACCEPTANCE = "non_acceptance", _("Not accepted")
        DENIAL = "denial", _("Denied")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        OVERTURNED = "overturned", _("Overturned")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="refusals")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "requested_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} ({self.get_outcome_display()})"


class Commitment(models.Model):
    """A signed commitment (告知承诺) in place of proof, with its post-check."""

    class CheckResult(models.TextChoices):
        PENDING = "pending", _("Not yet checked")
        CONFIRMED = "confirmed", _("Commitment kept")
        FALSE = "false", _("False commitment")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="commitment")
    materials = models.ManyToManyField(Material, related_name="+", blank=True)
    text = models.TextField(_("commitment"))
    # What the applicant read and signed: the notice's version (the item version's), who
    # signed (the account and the name typed), and when. A commitment signed at a window
    # on paper has no account.
    text_version = models.CharField(_("notice version"), max_length=100, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signed_at = models.DateTimeField()
    # Set when the case is accepted on the commitment.
    check_due = models.DateField(_("post-check due"), null=True, blank=True)
    check_result = models.CharField(
        max_length=12, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.case} {self.get_check_result_display()}"


class Handover(models.Model):
    """The result handed over (出件): to whom, identity checked, when."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="handover")
    recipient_name = models.CharField(_("received by"), max_length=100)
    recipient_id_checked = models.BooleanField(_("identity document checked"))
    method = models.CharField(_("how"), max_length=20, default="window")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.case} → {self.recipient_name}"
