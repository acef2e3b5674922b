from django.db import models
from django.utils.translation import gettext_lazy as _


class DayOverride(models.Model):
    """A local exception to the national calendar: an extra day off or an extra working day."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar override")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {'+' if self.is_working else '-'} {self.reason}"
