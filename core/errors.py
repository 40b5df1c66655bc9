"""Domain errors raised by services; views and the API turn them into messages in Chinese."""

from django.core.exceptions import ValidationError


class NotFound(Exception):
    """Missing or out of the actor's scope: the two are answered the same way."""


class PermissionDenied(Exception):
    """The actor's role does not allow the action (inside scope)."""


class DomainError(ValidationError):
    """A rule of the domain refused the write; the message says which rule, in Chinese."""
