"""Typed fields of a declared step (core.workflow.Transition(fields=...)).

One declaration gives the engine its check (type, length, range, bounds, count: a Chinese message per field,
nothing written when any is wrong), the step form on the case page (casework.steps), the API's description of
the step ("what can I do now") and its JSON schema. The engine cleans ``data`` with them, so a page, the API
and a service call are held to the same rules.

``options`` of a ``Choice`` may be a function of ``(actor, case)``: the departments of the case's county, the
households of its village that the actor may see (a person or household picked from the actor's scope).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import DateInput

NOTE = "note"
FILES = "attachments"
LABELS = "_labels"  # in a step's recorded data: the names of the rows its choices picked, as they read then


def _err(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


def _blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value in (None, [], (), {})


@dataclass(frozen=True)
class Field:
    """A value a person gives when taking a step. ``required`` fields must be given (by people; the system
    states its reason in the note); ``help`` is shown under the field and in the API's description."""

    name: str
    label: Any
    required: bool = True
    help: Any = ""  # a text, or a function of (actor, case) giving it (the county's minimum posting days)
    initial: Any = None  # the form's starting value: a value, or a function of (actor, case)
    when: Any = None  # a function of (actor, case): the field is asked for only where it answers True

    kind = "text"

    def applies(self, *, actor=None, case=None) -> bool:
        return self.when is None or bool(self.when(actor, case))

    def help_text(self, *, actor=None, case=None):
        return self.help(actor, case) if callable(self.help) else self.help

    def initial_value(self, *, actor=None, case=None):
        return self.initial(actor, case) if callable(self.initial) else self.initial

    def display(self, value) -> str:
        """The stored value as a person reads it in the timeline."""
        return str(value)

    def clean(self, value, *, actor=None, case=None):
        """The value as stored in the step's data (JSON-able), None when blank; ValidationError when wrong."""
        raise NotImplementedError

    def form_field(self, *, actor=None, case=None) -> forms.Field:
        raise NotImplementedError

    def describe(self, *, actor=None, case=None) -> dict:
        return {
            "name": self.name,
            "label": str(self.label),
            "type": self.kind,
            "required": self.required,
            "help": str(self.help_text(actor=actor, case=case) or ""),
            "choices": [],
        }

    def schema(self) -> dict:
        return {"type": "string", "title": str(self.label)}

    def _form_kwargs(self, *, actor=None, case=None) -> dict:
        return {"label": self.label, "required": self.required, "help_text": self.help_text(actor=actor, case=case)}


@dataclass(frozen=True)
class Text(Field):
    """Text of at most ``max_length`` characters (surrounding spaces dropped); ``multiline`` for a text area."""

    max_length: int = 2000
    multiline: bool = True
    rows: int = 3  # the text area's height on the page

    kind = "text"

    def clean(self, value, *, actor=None, case=None):
        if _blank(value):
            return None
        if not isinstance(value, (str, int, decimal.Decimal)):
            raise _err(_("Enter text."))
        text = str(value).strip()
        if any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 for ch in text):
            raise _err(_("Remove the control characters from the text."))
        if len(text) > self.max_length:
            raise _err(_("At most %(n)s characters.") % {"n": self.max_length}, "max_length")
        return text

    def form_field(self, *, actor=None, case=None):
        widget = forms.Textarea(attrs={"rows": self.rows}) if self.multiline else None
        return forms.CharField(max_length=self.max_length, widget=widget, **self._form_kwargs(actor=actor, case=case))

    def describe(self, **kw):
        return {**super().describe(**kw), "max_length": self.max_length}

    def schema(self):
        return {"type": "string", "maxLength": self.max_length, "title": str(self.label)}


@dataclass(frozen=True)
class Integer(Field):
    """A whole number from ``min`` to ``max``."""

    min: int | None = None
    max: int | None = None

    kind = "integer"

    def clean(self, value, *, actor=None, case=None):
        if _blank(value):
            return None
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise _err(_("Give a whole number."))
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise _err(_("Give a whole number.")) from None
        _in_range(number, self.min, self.max)
        return number

    def form_field(self, *, actor=None, case=None):
        return forms.IntegerField(min_value=self.min, max_value=self.max, **self._form_kwargs(actor=actor, case=case))

    def describe(self, **kw):
        return {**super().describe(**kw), "min": self.min, "max": self.max}

    def schema(self):
        out = {"type": "integer", "title": str(self.label)}
        if self.min is not None:
            out["minimum"] = self.min
        if self.max is not None:
            out["maximum"] = self.max
        return out


@dataclass(frozen=True)
class Decimal(Field):
    """A number with at most ``places`` decimals (money in yuan: places=2), from ``min`` to ``max``; stored as
    its text, so no float ever rounds it."""

    min: Any = None
    max: Any = None
    places: int = 2

    kind = "decimal"

    def clean(self, value, *, actor=None, case=None):
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise _err(_("Give a number."))
        try:
            number = decimal.Decimal(str(value).strip().replace(",", ""))
        except decimal.InvalidOperation:
            raise _err(_("Give a number.")) from None
        if not number.is_finite():
            raise _err(_("Give a number."))
        if -number.as_tuple().exponent > self.places:
            raise _err(_("At most %(n)s decimal places.") % {"n": self.places})
        low = None if self.min is None else decimal.Decimal(str(self.min))
        high = None if self.max is None else decimal.Decimal(str(self.max))
        _in_range(number, low, high)
        try:
            return str(number.quantize(decimal.Decimal(1).scaleb(-self.places)))
        except decimal.InvalidOperation:  # too many digits to keep (e.g. 1e999999)
            raise _err(_("Give a number.")) from None

    def form_field(self, *, actor=None, case=None):
        return forms.DecimalField(
            min_value=self.min,
            max_value=self.max,
            decimal_places=self.places,
            **self._form_kwargs(actor=actor, case=case),
        )

    def describe(self, **kw):
        return {**super().describe(**kw), "min": _plain(self.min), "max": _plain(self.max), "places": self.places}

    def schema(self):
        return {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "title": str(self.label)}


@dataclass(frozen=True)
class Date(Field):
    """A date (YYYY-MM-DD), at the earliest ``earliest`` and at the latest ``latest`` days from today (negative:
    in the past; ``latest=0``: not in the future)."""

    earliest: int | None = None
    latest: int | None = None

    kind = "date"

    def clean(self, value, *, actor=None, case=None):
        if _blank(value):
            return None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            try:
                day = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise _err(_("Give a date as YYYY-MM-DD, e.g. 2026-12-01.")) from None
        today = timezone.localdate()
        if self.earliest is not None and day < today + dt.timedelta(days=self.earliest):
            first = today + dt.timedelta(days=self.earliest)
            raise _err(_("The date cannot be before %(date)s.") % {"date": first.isoformat()}, "min_value")
        if self.latest is not None and day > today + dt.timedelta(days=self.latest):
            last = today + dt.timedelta(days=self.latest)
            raise _err(_("The date cannot be after %(date)s.") % {"date": last.isoformat()}, "max_value")
        return day.isoformat()

    def form_field(self, *, actor=None, case=None):
        return forms.DateField(widget=DateInput(), **self._form_kwargs(actor=actor, case=case))

    def describe(self, **kw):
        return {**super().describe(**kw), "earliest": self.earliest, "latest": self.latest}

    def schema(self):
        return {"type": "string", "format": "date", "title": str(self.label)}


@dataclass(frozen=True)
class Choice(Field):
    """One of ``options``: (value, label) pairs, or a function of (actor, case) giving them (the departments of
    the case's county, households of its village in the actor's scope). ``radio``: a few options shown as
    buttons to tap (a rating on a phone) instead of a list to open."""

    options: Iterable | Callable = ()
    radio: bool = False

    kind = "choice"

    def choices(self, *, actor=None, case=None) -> list[tuple[str, str]]:
        options = self.options(actor, case) if callable(self.options) else self.options
        return [(str(value), str(label)) for value, label in options]

    def clean(self, value, *, actor=None, case=None):
        if _blank(value):
            return None
        value = str(getattr(value, "pk", value)).strip()
        if value not in {v for v, _label in self.choices(actor=actor, case=case)}:
            raise _err(_("Choose one of the options."), "invalid_choice")
        return value

    def form_field(self, *, actor=None, case=None):
        if self.radio:
            return forms.ChoiceField(
                choices=self.choices(actor=actor, case=case),
                widget=forms.RadioSelect,
                **self._form_kwargs(actor=actor, case=case),
            )
        return forms.ChoiceField(
            choices=[("", "—"), *self.choices(actor=actor, case=case)], **self._form_kwargs(actor=actor, case=case)
        )

    def display(self, value) -> str:
        if callable(self.options):
            return str(value)
        return next((str(label) for v, label in self.options if str(v) == str(value)), str(value))

    def describe(self, *, actor=None, case=None):
        return {
            **super().describe(actor=actor, case=case),
            "choices": [{"value": v, "label": label} for v, label in self.choices(actor=actor, case=case)],
        }


@dataclass(frozen=True)
class Files(Field):
    """Uploaded files (the step's attachments): at most ``max_count``, each at most ``max_mb`` MB; ``accept``
    is what the phone's picker offers ("image/*" opens the camera). The content itself is checked by the
    module's service (photos: casework.attachments; documents: PDFs and images)."""

    name: str = FILES
    label: Any = gettext_lazy("Files")
    required: bool = False
    max_count: int = 9
    max_mb: int = 10
    accept: str = "image/*,application/pdf"

    kind = "files"

    def clean(self, value, *, actor=None, case=None):
        files = [f for f in (value or []) if f]
        if len(files) > self.max_count:
            raise _err(_("At most %(n)s files can be attached.") % {"n": self.max_count}, "max_count")
        for upload in files:
            if (getattr(upload, "size", 0) or 0) > self.max_mb * 1024 * 1024:
                name = getattr(upload, "name", "") or _("file")
                raise _err(_("“%(name)s” is larger than %(mb)s MB.") % {"name": name, "mb": self.max_mb}, "size")
        return files or None

    def form_field(self, *, actor=None, case=None):
        attrs = {"accept": self.accept, "multiple": True}
        if self.accept.startswith("image/"):
            attrs["capture"] = "environment"
        return MultipleFilesField(widget=MultipleFileInput(attrs=attrs), **self._form_kwargs(actor=actor, case=case))

    def describe(self, **kw):
        return {**super().describe(**kw), "max_count": self.max_count, "max_mb": self.max_mb, "accept": self.accept}

    def schema(self):
        return {"type": "array", "items": {"type": "string", "format": "binary"}, "title": str(self.label)}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFilesField(forms.FileField):
    """Several files from one <input type=file multiple>."""

    def clean(self, data, initial=None):
        single = super().clean
        files = [single(d, initial) for d in data if d] if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [f for f in files if f]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


def clean_value(field: Field, value, *, actor=None, case=None):
    """A service's own input cleaned by a declared field, outside any step: the cleaned value (None when blank and
    optional), else DomainError on the field's name, with the field's message or "required"."""
    from core.errors import DomainError

    try:
        cleaned = field.clean(value, actor=actor, case=case)
    except ValidationError as exc:
        raise DomainError({field.name: exc.messages}) from None
    if cleaned is None and field.required:
        raise DomainError({field.name: _("This field is required.")})
    return cleaned


def clean_text(value, field: str, *, max_length: int, required: bool = True) -> str:
    """A service's text input, cleaned as a step's ``Text`` is (spaces dropped, no control characters, at most
    ``max_length``): "" when blank and optional, else DomainError on ``field``."""
    return clean_value(Text(field, field, max_length=max_length, required=required), value) or ""


def _in_range(number, low, high) -> None:
    if low is not None and high is not None and not low <= number <= high:
        raise _err(_("Give a number from %(low)s to %(high)s.") % {"low": _plain(low), "high": _plain(high)}, "range")
    if low is not None and number < low:
        raise _err(_("Give a number of at least %(low)s.") % {"low": _plain(low)}, "min_value")
    if high is not None and number > high:
        raise _err(_("Give a number of at most %(high)s.") % {"high": _plain(high)}, "max_value")


def _plain(value):
    return None if value is None else str(value)


def note_field(label=None, *, required: bool = False) -> Text:
    """The step's note (what the person writes in the timeline)."""
    return Text(NOTE, label or gettext_lazy("Note"), required=required)
