"""Construction projects (工程建设项目审批): categories, stages, parks, shared work.

A project (项目) goes through four stages (审批阶段), each led by one agency (一家牵头)
whose departments approve in parallel (并联审批). The limits are configuration data
(``ProjectCategory``, ``StageTemplate``), edited in the admin, never constants in code.
Changes happen only through ``projects.actions``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import Case
from tongban.catalog.models import Item
from tongban.org.models import Agency, Applicant, Region

from .codes import validate_project_code


class StageKind(models.TextChoices):
    """The four stages: 立项用地规划许可, 工程建设许可, 施工许可, 竣工验收."""

    APPROVAL_AND_LAND = "approval_land", _("Project approval and land-use planning permit")
    ENGINEERING = "engineering", _("Construction-engineering planning permit")
    CONSTRUCTION = "construction", _("Construction permit")
    ACCEPTANCE = "acceptance", _("Completion acceptance")


STAGE_ORDER: tuple[str, ...] = tuple(StageKind.values)
# The "main process" (主流程) runs from project approval to the construction permit.
MAIN_PROCESS_STAGES: tuple[str, ...] = STAGE_ORDER[:3]


def stage_number(kind: str) -> int:
    """1 … 4."""
    return STAGE_ORDER.index(kind) + 1


class ProjectCategory(models.Model):
    """An investment category (项目类型): 社会投资 / 政府投资 / 小型社会投资 … with its limits."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    main_process_limit = models.PositiveSmallIntegerField(
        _("main-process limit (working days)"),
        help_text=_("From project approval to the construction permit (stages 1–3)."),
    )
    whole_process_limit = models.PositiveSmallIntegerField(
        _("whole-process limit (working days)"),
        help_text=_("All four stages, up to completion acceptance."),
    )
    red_percent = models.PositiveSmallIntegerField(
        _("red warning at (percent of the limit left)"),
        default=20,
        help_text=_("A stage or process is at risk when at most this share of its limit is left."),
    )
    yellow_percent = models.PositiveSmallIntegerField(
        _("yellow warning at (percent of the limit left)"), default=40
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("project category")
        verbose_name_plural = _("project categories")

    def __str__(self) -> str:
        return self.name


class StageTemplate(models.Model):
    """How a category's stage runs: the lead agency, the items approved in parallel, the limit."""

    category = models.ForeignKey(
        ProjectCategory,
        on_delete=models.CASCADE,
        related_name="stage_templates",
        verbose_name=_("project category"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    lead_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead agency"),
    )
    items = models.ManyToManyField(
        Item, blank=True, related_name="+", verbose_name=_("items approved in parallel")
    )
    limit_days = models.PositiveSmallIntegerField(_("limit (working days)"))

    class Meta:
        ordering = ["category", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["category", "stage"], name="project_stage_template")
        ]
        verbose_name = _("stage template")
        verbose_name_plural = _("stage templates")

    def __str__(self) -> str:
        return f"{self.category} · {self.get_stage_display()}"


class IndustrialPark(models.Model):
    """An industrial park (园区) whose regional assessments every project in it reuses."""

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")

    def __str__(self) -> str:
        return self.name


class AssessmentKind(models.TextChoices):
    ENVIRONMENTAL_IMPACT = "environmental_impact", _("Environmental impact")
    GEOLOGICAL_HAZARD = "geological_hazard", _("Geological hazard")
    WATER_SOIL = "water_soil", _("Water and soil conservation")
    ENERGY = "energy", _("Energy conservation")
    SEISMIC = "seismic", _("Seismic safety")
    FLOOD = "flood", _("Flood impact")
    CULTURAL_RELICS = "cultural_relics", _("Cultural relics survey")


class RegionalAssessment(models.Model):
    """A regional assessment (区域评估) done once for a park and reused by its projects."""

    park = models.ForeignKey(
        IndustrialPark,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("industrial park"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AssessmentKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    document = models.FileField(_("document"), upload_to="projects/assessments/%Y/")
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["park", "kind", "-created_at"]
        verbose_name = _("regional assessment")
        verbose_name_plural = _("regional assessments")

    def __str__(self) -> str:
        return f"{self.park} · {self.get_kind_display()}"

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or day <= self.valid_until


class Project(models.Model):
    """A construction project (工程建设项目) identified by its national project code."""

    code = models.CharField(
        _("project code"),
        max_length=24,
        unique=True,
        validators=[validate_project_code],
        help_text=_("The national investment project code, e.g. 2020-371402-47-01-012345."),
    )
    name = models.CharField(_("name"), max_length=200)
    builder = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="projects", verbose_name=_("builder")
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    category = models.ForeignKey(
        ProjectCategory,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("investment category"),
    )
    park = models.ForeignKey(
        IndustrialPark,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("industrial park"),
    )
    total_investment = models.DecimalField(
        _("total investment (10,000 yuan)"), max_digits=14, decimal_places=2, default=0
    )
    is_major = models.BooleanField(_("major project"), default=False)
    butler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project butler"),
        help_text=_("The staff member who follows the project from start to finish."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")


class ProjectStage(models.Model):
    """One stage of one project; its limit is copied from the template when it starts."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="stages", verbose_name=_("project")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), editable=False)
    lead_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead agency"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("limit (working days)"), default=0)

    class Meta:
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="project_stage")]
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")

    def __str__(self) -> str:
        return f"{self.project.code} · {self.get_stage_display()}"

    def save(self, *args, **kwargs) -> None:
        self.order = stage_number(self.stage)
        super().save(*args, **kwargs)


class StagePause(models.Model):
    """An interval in which a stage's clock does not run (e.g. the builder revises plans)."""

    stage = models.ForeignKey(
        ProjectStage, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("stage")
    )
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["stage", "started_at"]
        verbose_name = _("stage pause")
        verbose_name_plural = _("stage pauses")

    def __str__(self) -> str:
        return f"{self.stage} · {self.started_at:%Y-%m-%d}"


class StageCase(models.Model):
    """A case (办件) handled as part of a project stage; the cases app knows nothing of it."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="project_stage_link", verbose_name=_("case")
    )
    stage = models.ForeignKey(
        ProjectStage, on_delete=models.CASCADE, related_name="stage_cases", verbose_name=_("stage")
    )
    attached_at = models.DateTimeField(_("attached at"), default=timezone.now)

    class Meta:
        ordering = ["stage", "attached_at"]
        verbose_name = _("case of a stage")
        verbose_name_plural = _("cases of stages")

    def __str__(self) -> str:
        return f"{self.stage} · {self.case.code or self.case.pk}"


class PreReviewMeeting(models.Model):
    """The minutes of a joint pre-review meeting (联合预审/会审): the basis of parallel approval."""

    stage = models.ForeignKey(
        ProjectStage, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("stage")
    )
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        Agency, related_name="+", verbose_name=_("attending agencies")
    )
    minutes = models.TextField(_("minutes"))
    file = models.FileField(_("file"), upload_to="projects/meetings/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["stage", "held_on"]
        verbose_name = _("pre-review meeting")
        verbose_name_plural = _("pre-review meetings")

    def __str__(self) -> str:
        return f"{self.stage} · {self.held_on}"


class SiteInspection(models.Model):
    """One site inspection shared by every party and valid for the whole stage (一次勘察、多方共享、阶段有效)."""

    stage = models.ForeignKey(
        ProjectStage, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("stage")
    )
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspector"),
    )
    findings = models.TextField(_("findings"))
    agencies = models.ManyToManyField(
        Agency, related_name="+", verbose_name=_("participating agencies")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["stage", "inspected_on"]
        verbose_name = _("site inspection")
        verbose_name_plural = _("site inspections")

    def __str__(self) -> str:
        return f"{self.stage} · {self.inspected_on}"


class DrawingSet(models.Model):
    """One version of the drawings under joint review (联合审图)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="drawing_sets", verbose_name=_("project")
    )
    stage = models.ForeignKey(
        ProjectStage,
        on_delete=models.CASCADE,
        related_name="drawing_sets",
        verbose_name=_("stage"),
    )
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="projects/drawings/%Y/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["stage", "version"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "version"], name="project_drawing_version")
        ]
        verbose_name = _("drawing set")
        verbose_name_plural = _("drawing sets")

    def __str__(self) -> str:
        return f"{self.stage} · v{self.version}"


class DrawingComment(models.Model):
    """One agency's review comment on a drawing set."""

    drawing_set = models.ForeignKey(
        DrawingSet, on_delete=models.CASCADE, related_name="comments", verbose_name=_("drawing set")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["drawing_set", "created_at", "pk"]
        verbose_name = _("drawing comment")
        verbose_name_plural = _("drawing comments")

    def __str__(self) -> str:
        return f"{self.drawing_set} · {self.agency}"


class BuilderAnswer(models.Model):
    """The builder's one answer to all comments on a drawing set version."""

    drawing_set = models.OneToOneField(
        DrawingSet, on_delete=models.CASCADE, related_name="answer", verbose_name=_("drawing set")
    )
    text = models.TextField(_("answer"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("builder's answer")
        verbose_name_plural = _("builder's answers")

    def __str__(self) -> str:
        return str(self.drawing_set)
