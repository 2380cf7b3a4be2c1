"""Staff training per item (the plan's "4:30 online class", 四点半线上课堂): lessons on an
item, and who has studied them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import Item


class Lesson(models.Model):
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("service item")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"))
    attachment = models.FileField(_("attachment"), upload_to="training/", blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=30)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title


class Completion(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson completed")
        verbose_name_plural = _("lessons completed")
        constraints = [models.UniqueConstraint(fields=["lesson", "user"], name="lesson_done_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"
