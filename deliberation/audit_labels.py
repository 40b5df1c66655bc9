"""Readable names of this app's audit actions (merged by core.audit_labels)."""

ACTION_LABELS: dict = {}
