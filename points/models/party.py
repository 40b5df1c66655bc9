"""党建双项积分: evaluations (四方督评)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from points.models.schemes import Scheme


class EvaluatorLevel(models.TextChoices):
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")
    VILLAGERS = "villagers", _("Villagers")


class Evaluation(models.Model):
    """四方督评: county, township, village and villagers each score a party branch or member for a quarter."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="evaluations")
    subject_key = models.CharField(max_length=24)
    subject_label = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    level = models.CharField(_("evaluator"), max_length=12, choices=EvaluatorLevel.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "subject_key", "year", "quarter", "level"], name="one_evaluation_per_level"
            )
        ]

    def __str__(self):
        return f"{self.subject_label} {self.year}Q{self.quarter} {self.get_level_display()} {self.score}"
