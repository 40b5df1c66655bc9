"""积分授信: credit partners and households' consents."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditPartner(models.Model):
    """A bank or employer that may read points summaries of consenting households (积分授信, 道德信贷)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=[("bank", _("Bank")), ("employer", _("Employer"))])
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_partner")

    SCOPE_PATHS = {"county": "county_id"}

    class Meta:
        verbose_name = _("credit partner")
        verbose_name_plural = _("credit partners")

    def __str__(self):
        return self.name


class Consent(models.Model):
    """A household's consent that one partner may read its points summary; revocable at any time."""

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(CreditPartner, on_delete=models.PROTECT, related_name="consents")
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "partner"], condition=models.Q(revoked_at__isnull=True), name="one_active_consent"
            )
        ]

    def __str__(self):
        return f"{self.household} → {self.partner}"
