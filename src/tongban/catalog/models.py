"""The service catalog (事项目录): items, their versions, materials and situations.

An ``Item`` is the stable identity (its codes); everything a guide shows lives in an
``ItemVersion``. Drafts are edited, reviewed and published with an effective date; a
published version never changes again (a case keeps the version it was filed under).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.org.models import Agency, Region


class ItemType(models.TextChoices):
    """事项类型, the codes of the national exchange tables (domain.md §1.2)."""

    LICENSING = "01", _("Administrative licensing")
    PENALTY = "02", _("Administrative penalty")
    COERCION = "03", _("Administrative coercion")
    LEVY = "04", _("Administrative levy")
    BENEFIT = "05", _("Administrative benefit payment")
    INSPECTION = "06", _("Administrative inspection")
    CONFIRMATION = "07", _("Administrative confirmation")
    AWARD = "08", _("Administrative award")
    ADJUDICATION = "09", _("Administrative adjudication")
    OTHER_POWER = "10", _("Other administrative power")
    PUBLIC_SERVICE = "20", _("Public service")
    # No national code was found for filing (行政备案); configurable, see domain.md §1.2.
    FILING = "30", _("Administrative filing")


class Item(models.Model):
    """A service item (政务服务事项) as the implementing agency publishes it."""

    catalog_code = models.CharField(_("basic code"), max_length=50, db_index=True)
    impl_code = models.CharField(_("implementation code"), max_length=64, unique=True)
    handling_item_code = models.CharField(_("handling-item code"), max_length=64, blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("implementing agency"),
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["impl_code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        # Lists prefetch the published versions newest first as ``published``; use them.
        published = getattr(self, "published", None)
        if published is None:
            published = list(
                self.versions.filter(status=ItemVersion.Status.PUBLISHED).order_by("-number")[:1]
            )
        return published[0].name if published else self.impl_code


class ItemVersion(models.Model):
    """One version of an item's guide: what a case filed under it is bound by."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Sent back")

    class PowerSource(models.TextChoices):
        STATUTORY = "statutory", _("Statutory")
        DELEGATED = "delegated", _("Delegated (授权)")
        ENTRUSTED = "entrusted", _("Entrusted (委托)")

    class CaseType(models.TextChoices):
        INSTANT = "instant", _("Instant (即办件)")
        COMMITTED = "committed", _("Committed time limit (承诺件)")

    class LimitUnit(models.TextChoices):
        WORKING_DAYS = "working_days", _("working days")
        WORKING_HOURS = "working_hours", _("working hours")

    class Reach(models.TextChoices):
        SERVICE_POINT = "service_point", _("At the agency's own service point")
        COUNTY = "county", _("Anywhere in its county")
        CITY = "city", _("At any service point in the city (市域通办)")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    change_note = models.TextField(_("what changed"), blank=True)

    name = models.CharField(_("name"), max_length=500)
    item_type = models.CharField(_("item type"), max_length=2, choices=ItemType.choices)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Words people search with.")
    )
    legal_basis = models.TextField(_("legal basis"))
    power_source = models.CharField(
        _("power source"), max_length=16, choices=PowerSource.choices, default=PowerSource.STATUTORY
    )
    delegating_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegated_item_versions",
        verbose_name=_("delegating or entrusting agency"),
    )
    levels = models.JSONField(
        _("exercising levels"), default=list, blank=True, help_text=_('e.g. ["city", "county"]')
    )
    acceptance_conditions = models.TextField(_("acceptance conditions"), blank=True)
    case_type = models.CharField(_("case type"), max_length=16, choices=CaseType.choices)
    statutory_limit = models.PositiveIntegerField(_("statutory time limit"))
    statutory_limit_unit = models.CharField(
        _("unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    promised_limit = models.PositiveIntegerField(_("promised time limit"))
    promised_limit_unit = models.CharField(
        _("unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    special_procedures = models.TextField(
        _("special procedures"),
        blank=True,
        help_text=_("Hearing, testing, expert review… (clock stops)."),
    )
    fee_required = models.BooleanField(_("fee charged"), default=False)
    fee_description = models.TextField(_("fee and its legal basis"), blank=True)
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=[(1, "Ⅰ"), (2, "Ⅱ"), (3, "Ⅲ"), (4, "Ⅳ")], default=1
    )
    onsite_visits = models.PositiveSmallIntegerField(_("on-site visits required"), default=1)
    handling_modes = models.JSONField(
        _("handling modes"), default=list, blank=True, help_text=_("window, online, mail")
    )
    reach = models.CharField(
        _("where it can be applied for"),
        max_length=16,
        choices=Reach.choices,
        default=Reach.SERVICE_POINT,
    )
    target_applicants = models.JSONField(
        _("target applicants"), default=list, help_text=_("person, enterprise, organisation")
    )
    supervising_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="supervised_item_versions",
        verbose_name=_("supervising departments"),
    )
    procedure = models.TextField(_("procedure"), blank=True)
    # 告知承诺 (domain.md §4): the notice the applicant reads in full before signing: what
    # must be true, the legal liability of a false commitment. Empty: not offered. The
    # proofs it waives are the materials marked ``commitment_waivable``.
    commitment_notice = models.TextField(
        _("notify-and-commit notice (告知承诺)"),
        blank=True,
        help_text=_(
            "What must be true and what follows a false commitment, told in full before the "
            "applicant signs. Empty: this item does not offer notify-and-commit."
        ),
    )
    commitment_check_days = models.PositiveSmallIntegerField(
        _("post-check within (working days)"),
        default=20,
        help_text=_("The department checks a commitment within this many working days."),
    )
    location = models.TextField(_("where to apply"), blank=True)
    contact = models.CharField(_("enquiries"), max_length=255, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=["draft", "in_review", "rejected"]),
                name="item_one_open_draft",
            ),
            models.CheckConstraint(
                condition=Q(promised_limit__lte=models.F("statutory_limit"))
                | ~Q(promised_limit_unit=models.F("statutory_limit_unit")),
                name="promise_within_statutory_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    def save(self, *args, **kwargs):
        if getattr(self, "_loaded_status", None) == self.Status.PUBLISHED:
            raise PublishedVersionIsImmutable(self)
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED:
            raise PublishedVersionIsImmutable(self)
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = getattr(instance, "status", None)
        return instance

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.REJECTED}


class PublishedVersionIsImmutable(TypeError):
    """A published version is what cases were filed under: start a new draft instead."""

    def __init__(self, version: "ItemVersion") -> None:
        super().__init__(f"{version} is published and cannot change; start a new draft")


def refuse_links_on_published(sender, instance, action, **kwargs) -> None:
    """m2m_changed receiver: links of a published version are as immutable as its rows."""
    if not action.startswith("pre_"):
        return
    version = instance if isinstance(instance, ItemVersion) else getattr(instance, "version", None)
    if version is not None and version.status == ItemVersion.Status.PUBLISHED:
        raise PublishedVersionIsImmutable(version)


class VersionPartMixin:
    """Materials, questions and answers change only while their version is editable."""

    def _version(self) -> ItemVersion:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        if self._version().status == ItemVersion.Status.PUBLISHED:
            raise PublishedVersionIsImmutable(self._version())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._version().status == ItemVersion.Status.PUBLISHED:
            raise PublishedVersionIsImmutable(self._version())
        return super().delete(*args, **kwargs)


class Material(VersionPartMixin, models.Model):
    """An application material (申请材料). There is no photocopy kind (plan measure 18)."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Original (scanned at the window)")
        ELECTRONIC = "electronic", _("Electronic file")
        FORM = "form", _("Form to fill in")

    class Necessity(models.TextChoices):
        REQUIRED = "required", _("Required")
        OPTIONAL = "optional", _("Optional")
        DEFERRABLE = "deferrable", _("May be supplied later (容缺)")

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("Prepared by the applicant")
        GOVERNMENT = "government", _("Issued by a government body")
        SHARED_DATA = "shared_data", _("Obtainable from shared data")
        E_CERTIFICATE = "e_certificate", _("Obtainable from an e-certificate")

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    necessity = models.CharField(
        _("necessity"), max_length=16, choices=Necessity.choices, default=Necessity.REQUIRED
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.APPLICANT
    )
    shared_source = models.CharField(
        _("confirmed by data source"),
        max_length=50,
        blank=True,
        help_text=_(
            "Code of the data source that confirms this material (population, education, "
            "certificates …). Confirmed: the applicant is not asked for it; not confirmed: "
            "asked as usual."
        ),
    )
    shared_check = models.CharField(
        _("what the source confirms"),
        max_length=200,
        blank=True,
        help_text=_("For the certificate library: the certificate type code; else a record kind."),
    )
    commitment_waivable = models.BooleanField(
        _("waived on a signed commitment"),
        default=False,
        help_text=_("告知承诺: a signed commitment replaces this proof."),
    )
    acceptance_standard = models.TextField(_("acceptance standard"), blank=True)
    blank_form = models.FileField(_("blank form"), upload_to="catalog/forms/", blank=True)
    sample = models.FileField(_("filled sample"), upload_to="catalog/samples/", blank=True)
    applies_when = models.ManyToManyField(
        "SituationOption",
        blank=True,
        related_name="materials",
        verbose_name=_("applies when"),
        help_text=_(
            "Empty: always. Otherwise, for each question named here, one of these answers."
        ),
    )

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name

    def _version(self) -> ItemVersion:
        return self.version

    @property
    def verifiable(self) -> bool:
        """Not asked for where the source can confirm it (三减一优)."""
        return self.source in {self.Source.SHARED_DATA, self.Source.E_CERTIFICATE}


class SituationQuestion(VersionPartMixin, models.Model):
    """A question that narrows the guide to the applicant's situation (情形)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("situation question")
        verbose_name_plural = _("situation questions")

    def __str__(self) -> str:
        return self.text

    def _version(self) -> ItemVersion:
        return self.version


class SituationOption(VersionPartMixin, models.Model):
    """One answer; it may change the time limit, the fee or add conditions."""

    question = models.ForeignKey(
        SituationQuestion, on_delete=models.CASCADE, related_name="options"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("answer"), max_length=300)
    promised_limit = models.PositiveIntegerField(
        _("promised time limit for this answer"), null=True, blank=True
    )
    fee_description = models.CharField(_("fee for this answer"), max_length=300, blank=True)
    conditions = models.TextField(_("extra conditions for this answer"), blank=True)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.question.text}: {self.text}"

    def _version(self) -> ItemVersion:
        return self.question.version


class ReviewStep(VersionPartMixin, models.Model):
    """One step of the review process (办理流程) of cases filed under a version.

    Steps run in order; each is taken by a role of the deciding agency and has its share of
    the promised time limit, so a step's own deadline can be warned about. For the bureau's
    own items acceptance and review may be one step; an instant item has one decision step
    at the window.
    """

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance (受理)")
        REVIEW = "review", _("Review (审查)")
        DECISION = "decision", _("Decision (决定)")
        RESULT = "result", _("Result issue (送达)")

    class Actor(models.TextChoices):
        WINDOW_CLERK = "window_clerk", _("Window clerk")
        BACKOFFICE_REVIEWER = "backoffice_reviewer", _("Back-office reviewer")
        SECTION_CHIEF = "section_chief", _("Section chief")

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    role = models.CharField(_("taken by"), max_length=32, choices=Actor.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency taking the step"),
        help_text=_("Empty: the agency that decides the case (for a joint review, another)."),
    )
    share = models.PositiveSmallIntegerField(
        _("share of the time limit (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self) -> str:
        return self.name or self.get_kind_display()

    def _version(self) -> ItemVersion:
        return self.version


class Delegation(models.Model):
    """A lower level authorised to handle an item (事项下放): the county sees it as its own."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="delegations")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("region"))
    handling_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="delegated_items",
        verbose_name=_("handling agency"),
    )
    effective_from = models.DateField(_("effective from"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["item", "region"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return f"{self.item} → {self.handling_agency}"


class Synonym(models.Model):
    """A word people use and what it means in the catalog (社保 → 社会保险, 开饭店 → 餐饮)."""

    term = models.CharField(_("what people say"), max_length=50, unique=True)
    expansion = models.CharField(
        _("catalog words"), max_length=200, help_text=_("Separate several words with spaces.")
    )

    class Meta:
        ordering = ["term"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


FORM_FIELD_CHECKS = ("", "enterprise_name")


def form_field_problems(fields) -> list[str]:
    """What is wrong with a bundle's one form (``Bundle.form_fields``), each said once."""
    if not isinstance(fields, list):
        return [_("The one form is a list of fields.")]
    problems, seen = [], set()
    for number, field in enumerate(fields, start=1):
        if not isinstance(field, dict) or not isinstance(field.get("key"), str) or not field["key"]:
            problems.append(_("Field %(n)s has no key.") % {"n": number})
            continue
        key = field["key"]
        if key in seen:
            problems.append(_("The key %(key)s is used twice.") % {"key": key})
        seen.add(key)
        length = field.get("max_length", 255)
        if not isinstance(length, int) or isinstance(length, bool) or length < 1:
            problems.append(_("%(key)s: max_length is a whole number above 0.") % {"key": key})
        if field.get("check", "") not in FORM_FIELD_CHECKS:
            problems.append(_("%(key)s: the only check is enterprise_name.") % {"key": key})
    return problems


class Bundle(models.Model):
    """A "one thing" (一件事): items a citizen sees as one matter, applied for together."""

    class Theme(models.TextChoices):
        LIFE_EVENT = "life_event", _("Life event (person)")
        ENTERPRISE = "enterprise", _("Enterprise life cycle")
        CONSTRUCTION = "construction", _("Construction project stage")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="led_bundles", verbose_name=_("lead agency")
    )
    promised_limit = models.PositiveIntegerField(
        _("promised time limit of the whole bundle (working days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the longest promise among its items (they run in parallel)."),
    )
    items = models.ManyToManyField(Item, through="BundleItem", related_name="bundles")
    is_active = models.BooleanField(_("offered"), default=True)
    preset_answers = models.JSONField(
        _("answers the bundle gives"),
        default=dict,
        blank=True,
        help_text=_(
            "Questions the bundle itself answers, not asked of the applicant (question text → "
            "answer text), e.g. a start-up's seal is always a new company's first (free) set."
        ),
    )
    form_fields = models.JSONField(
        _("the one form (一表填报)"),
        default=list,
        blank=True,
        help_text=_(
            'Its fields, filled once for every item: [{"key": "capital", "label": '
            '"注册资本（万元）", "required": true, "max_length": 100}, …]'
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("bundle (one thing)")
        verbose_name_plural = _("bundles (one thing)")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if problems := form_field_problems(self.form_fields):
            errors["form_fields"] = problems
        if not isinstance(self.preset_answers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.preset_answers.items()
        ):
            errors["preset_answers"] = _(
                "The preset answers map a question's text to an answer's text."
            )
        if errors:
            raise ValidationError(errors)


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bundle_entries")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    covers = models.JSONField(
        _("materials the one form replaces"),
        default=list,
        blank=True,
        help_text=_(
            "Names of this item's application forms that the bundle's one form replaces: the "
            "filled form is attached to them as a PDF, never asked for again."
        ),
    )
    field_map = models.JSONField(
        _("form mapping"),
        default=dict,
        blank=True,
        help_text=_(
            'The one form\'s field → this item\'s case form field: {"phone": "contact_phone"}.'
        ),
    )

    class Meta:
        ordering = ["bundle", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"

    def clean(self) -> None:
        keys = {f.get("key") for f in self.bundle.form_fields if isinstance(f, dict)}
        errors = {}
        if not isinstance(self.field_map, dict) or not all(
            isinstance(v, str) for v in self.field_map.values()
        ):
            errors["field_map"] = _('The mapping is {"one form\'s field": "case form field"}.')
        elif unknown := sorted(set(self.field_map) - keys):
            errors["field_map"] = _("The one form has no field %(keys)s.") % {
                "keys": ", ".join(unknown)
            }
        if not isinstance(self.covers, list) or not all(isinstance(n, str) for n in self.covers):
            errors["covers"] = _("A list of material names.")
        if errors:
            raise ValidationError(errors)


class SearchDocument(models.Model):
    """What search matches for one item or bundle: jieba segments and pinyin initials, kept
    beside the text and rebuilt when a version is published (see catalog.search)."""

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="search_document"
    )
    bundle = models.OneToOneField(
        Bundle, on_delete=models.CASCADE, null=True, blank=True, related_name="search_document"
    )
    name = models.CharField(max_length=500)
    name_tokens = models.TextField(help_text="space-separated jieba segments of the name")
    tokens = models.TextField(help_text="segments of keywords, situations and agency")
    initials = models.TextField(help_text="space-separated pinyin initials of name and keywords")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, bundle__isnull=True)
                | Q(item__isnull=True, bundle__isnull=False),
                name="search_document_of_item_or_bundle",
            )
        ]

    def __str__(self) -> str:
        return self.name
