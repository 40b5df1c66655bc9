"""Signing in and resetting a password with a one-time code sent by SMS (手机验证码).

``code_request`` sends a six-digit code to a number that belongs to an account or, for signing in, to a resident
in the registry (an unknown number gets a message saying whom to ask, and nothing is made or sent). Limits, all
settings: one code per number per ``SMS_CODE_RESEND_SECONDS``, ``SMS_CODE_PER_NUMBER_PER_DAY`` per number,
``SMS_CODE_PER_ADDRESS_PER_HOUR`` asks per address (unknown numbers included, so the register cannot be probed
at speed); a code lives ``SMS_CODE_TTL_SECONDS``, dies after ``SMS_CODE_MAX_TRIES`` wrong tries and is used once.
Only keyed hashes of the number and the code are kept.

``sign_in_with_code``: the first sign-in of a resident's number makes that resident's villager account for their
household, with no administrator involved (audited as the system's). ``reset_password`` sets a new password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import CodePurpose, PhoneCode, User
from core import audit, crypto
from core.errors import DomainError
from core.masking import mask_phone
from core.roles import Role
from core.validators import normalize_phone


@dataclass(frozen=True)
class Sent:
    to: str  # the number, masked
    expires_in: int  # seconds
    resend_in: int  # seconds


def _number(phone: str) -> tuple[str, str]:
    try:
        phone = normalize_phone(phone)
    except ValueError as exc:
        raise DomainError({"phone": str(exc)}) from None
    return phone, crypto.digest(phone)


def _hash(digest: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{digest}:{code}".encode(), hashlib.sha256).hexdigest()


def _account(digest: str) -> User | None:
    return User.objects.filter(phone_digest=digest).order_by("-is_active", "pk").first()


def _resident(digest: str):
    """The living resident whose number this is, if the number names one household only."""
    from registry.models import Person

    people = list(Person.objects.filter(phone_digest=digest, is_deceased=False).select_related("household"))
    households = {p.household_id for p in people}
    if not people:
        raise DomainError(
            {
                "phone": _(
                    "This number is not in the village register. Ask your village committee (the village clerk) "
                    "to record it for you, then try again."
                )
            }
        )
    if len(households) > 1:
        raise DomainError(
            {
                "phone": _(
                    "This number is recorded for more than one household. Ask your village committee to correct "
                    "the register."
                )
            }
        )
    return sorted(people, key=lambda p: (p.relation != "head", p.pk))[0]


def _county_of(user: User | None, resident) -> int | None:
    """The county whose SMS budget pays for the code: the account's (as for every SMS), else the resident's."""
    if user is not None:
        from messaging.channels import places_of

        return places_of([user.pk]).get(user.pk, (None, ""))[0]
    return resident.household.county_id


def _count_address(address: str | None) -> None:
    if not address:
        return
    key = f"phone-code-address:{address}"
    cache.add(key, 0, timeout=3600)
    try:
        asked = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        asked = 1
    if asked > settings.SMS_CODE_PER_ADDRESS_PER_HOUR:
        raise DomainError(_("Too many codes were asked from this network; try again in an hour."))


def code_request(*, phone: str, purpose: str = CodePurpose.SIGN_IN, address: str | None = None) -> Sent:
    """Send a code to ``phone`` for ``purpose`` (see the module's docstring for who may get one and the limits)."""
    if purpose not in CodePurpose.values:
        raise DomainError(_("Unknown purpose."))
    phone, digest = _number(phone)
    _count_address(address)
    user = _account(digest)
    resident = None
    if user is not None and not user.is_active:
        raise DomainError({"phone": _("The account of this number is disabled. Ask your administrator.")})
    if user is None:
        if purpose == CodePurpose.RESET:
            raise DomainError(
                {"phone": _("No account uses this number. Ask your administrator to add the number to your account.")}
            )
        resident = _resident(digest)
    now = timezone.now()
    with transaction.atomic():
        # one code at a time per number: a second ask at the same moment waits here, then sees the first
        recent = list(
            PhoneCode.objects.select_for_update()
            .filter(phone_digest=digest, created_at__gte=now - timedelta(days=1))
            .order_by("-created_at")
        )
        if recent:
            wait = settings.SMS_CODE_RESEND_SECONDS - int((now - recent[0].created_at).total_seconds())
            if wait > 0:
                raise DomainError(
                    ngettext(
                        "A code was just sent to this number; ask again in %(n)s second.",
                        "A code was just sent to this number; ask again in %(n)s seconds.",
                        wait,
                    )
                    % {"n": wait}
                )
        if len(recent) >= settings.SMS_CODE_PER_NUMBER_PER_DAY:
            raise DomainError(
                _("Too many codes were sent to this number today. Try again tomorrow, or ask your village committee.")
            )
        code = f"{secrets.randbelow(10**6):06d}"
        PhoneCode.objects.create(
            phone_digest=digest,
            purpose=purpose,
            code_hash=_hash(digest, code),
            address=address,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
        )
        from messaging import channels

        channels.send_urgent(
            phone,
            kind="accounts.code",
            county_id=_county_of(user, resident),
            params={"code": code, "minutes": str(settings.SMS_CODE_TTL_SECONDS // 60)},
            user=user,
        )
    return Sent(mask_phone(phone), settings.SMS_CODE_TTL_SECONDS, settings.SMS_CODE_RESEND_SECONDS)


def _use_code(digest: str, code: str, purpose: str) -> None:
    """Use the number's live code, or refuse (a wrong try is counted even though the refusal is raised)."""
    now = timezone.now()
    row = (
        PhoneCode.objects.filter(phone_digest=digest, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if row is None:
        raise DomainError({"code": _("The code has expired or was not sent. Ask for a new one.")})
    if row.tries >= settings.SMS_CODE_MAX_TRIES:
        raise DomainError({"code": _("Too many wrong codes. Ask for a new one.")})
    code = (code or "").strip()
    if not hmac.compare_digest(_hash(digest, code), row.code_hash):
        PhoneCode.objects.filter(pk=row.pk).update(tries=F("tries") + 1)
        left = settings.SMS_CODE_MAX_TRIES - row.tries - 1
        if left <= 0:
            raise DomainError({"code": _("Too many wrong codes. Ask for a new one.")})
        raise DomainError(
            {"code": ngettext("Wrong code; %(n)s try left.", "Wrong code; %(n)s tries left.", left) % {"n": left}}
        )
    if not PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise DomainError({"code": _("The code has expired or was not sent. Ask for a new one.")})


def sign_in_with_code(*, phone: str, code: str) -> User:
    """The account of ``phone`` once its code is right; the first time for a resident, their villager account."""
    phone, digest = _number(phone)
    _use_code(digest, code, CodePurpose.SIGN_IN)
    user = _account(digest)
    if user is not None:
        if not user.is_active:
            raise DomainError({"phone": _("The account of this number is disabled. Ask your administrator.")})
        return user
    resident = _resident(digest)
    household = resident.household
    with transaction.atomic():
        username = f"v{resident.pk}"
        while User.objects.filter(username=username).exists():
            username = f"v{resident.pk}-{secrets.token_hex(2)}"
        user = services.user_create(
            actor=None,
            username=username,
            password=secrets.token_urlsafe(24),  # unknown to anyone: the villager signs in by code or resets it
            display_name=resident.name,
            phone=phone,
            is_system=True,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        services.role_assign(
            actor=None, user=user, role=Role.VILLAGER, region=household.village, household=household, is_system=True
        )
        audit.record(
            None,
            "accounts.user.self_register",
            user,
            region=household.village,
            target_label=username,
            after={"household": household.pk},
            note=_("First sign-in with a code sent to the number in the register."),
        )
    return user


def reset_password(*, phone: str, code: str, password: str) -> User:
    """Set a new password for the account of ``phone`` once its code is right (the lockout is lifted)."""
    phone, digest = _number(phone)
    user = _account(digest)
    if user is None or not user.is_active:
        raise DomainError(
            {"phone": _("No account uses this number. Ask your administrator to add the number to your account.")}
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError({"password": " ".join(exc.messages)}) from None
    _use_code(digest, code, CodePurpose.RESET)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(None, "accounts.password.reset", user, target_label=user.username)
    from axes.utils import reset

    reset(username=user.username)
    return user
