"""Accounts, their region-scoped role assignments and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.masking import mask_phone
from core.roles import Role


class User(AbstractUser):
    """账号: a person who signs in; may log in by username or by phone number."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone_cipher = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.display_name or self.username

    def set_phone(self, phone: str) -> None:
        phone = (phone or "").strip()
        self.phone_cipher = crypto.encrypt(phone)
        self.phone_digest = crypto.digest(phone)
        self.phone_masked = mask_phone(phone)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher)


class RoleAssignment(models.Model):
    """角色授权: one role of an account, scoped to a region, a grid (grid workers) or a household (villagers)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("account"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("region")
    )
    grid = models.ForeignKey(
        "regions.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("grid"),
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("household"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "grid", "household"], name="unique_role_assignment"
            )
        ]

    def __str__(self):
        target = self.grid or self.household or self.region
        return f"{self.get_role_display()} @ {target}"


class ApiToken(models.Model):
    """API 令牌: a bearer token for API clients; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.user} token #{self.pk}"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> tuple["ApiToken", str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            key_digest=cls.digest_of(raw),
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        return token, raw


class CodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign in")
    RESET = "reset", _("Reset the password")


class PhoneCode(models.Model):
    """A one-time code sent by SMS to sign in or to reset a password. Only a keyed hash of the code and of the
    number is kept; the code dies at ``expires_at``, after ``SMS_CODE_MAX_TRIES`` wrong tries, or once used."""

    phone_digest = models.CharField(max_length=64)
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=64)
    address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone_digest", "-created_at"], name="phonecode_number"),
            models.Index(fields=["address", "-created_at"], name="phonecode_address"),
        ]

    def __str__(self):
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
