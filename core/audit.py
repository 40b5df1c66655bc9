"""Writing audit events. Called by services inside their transaction, never from signals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext

from core import plugins
from core.models import AuditEvent


class UnlabelledAuditAction(ImproperlyConfigured):
    """An audit action code no app registered a label for (raised only with ``AUDIT_REQUIRE_LABELS``)."""


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The plain values of a row's concrete fields, for the before/after of an audit event.

    Encrypted columns and digests are left out: the audit trail must not become a second copy of
    the identifiers it protects; the masked value stands in for them.
    """
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        if name.endswith("_cipher") or name.endswith("_digest") or name in {"password"}:
            continue
        if getattr(field, "auto_now", False):
            continue
        data[name] = _plain(getattr(obj, name))
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys whose values changed (both sides), so an event shows what changed."""
    if not before or not after:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    actor,
    action: str,
    target: models.Model | None = None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    region=None,
    target_label: str = "",
) -> AuditEvent:
    """Append one audit event. ``region`` (or the target's own county/township/village) scopes it.

    With ``settings.AUDIT_REQUIRE_LABELS`` (the test suite) an action code without a registered label
    (``<app>/audit_labels.py``, core.plugins) is refused, so every event type recorded has a Chinese name.
    """
    if getattr(settings, "AUDIT_REQUIRE_LABELS", False) and not plugins.has_audit_label(action):
        raise UnlabelledAuditAction(
            f"Audit action {action!r} has no label: add it to the app's audit_labels.py (registered in ready())."
        )
    context = getattr(actor, "audit_context", None) or {}
    scope = {"county_id": None, "township_id": None, "village_id": None}
    source = region if region is not None else target
    if source is not None:
        if hasattr(source, "ancestor_ids"):
            ids = source.ancestor_ids()
            scope = {f"{k}_id": v for k, v in ids.items()}
        else:
            for key in scope:
                scope[key] = getattr(source, key, None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if getattr(actor, "pk", None) else gettext("system"),
        ip_address=context.get("ip"),
        user_agent=(context.get("user_agent") or "")[:300],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label or (str(target) if target is not None else ""))[:200],
        before=before,
        after=after,
        note=note,
        **scope,
    )
