"""Tables shared by every case-like module (办件): the case columns the workflow engine owns, the
append-only timeline of steps taken on any case, and the working-day calendar (工作日历).

The engine is ``core.workflow``; the calendar arithmetic is ``core.calendar``. A module's case model
subclasses ``CaseBase`` and declares a ``Flow``; it needs no event table of its own (see docs/workflow.md).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel, ScopedRow

# Columns written only by core.workflow (inside its transaction, on the locked row).
WORKFLOW_FIELDS = frozenset(
    {"flow", "state", "state_entered_at", "deadline_at", "overdue", "version", "opened_at", "closed_at"}
)


class WorkflowFieldError(Exception):
    """Code tried to write a case's state without going through core.workflow."""


class CaseBase(ScopedRow):
    """办件: the columns every case carries for the workflow engine, on top of county/township/village.

    ``state`` and its companions are written only by ``core.workflow`` (each change is a ``CaseEvent``).
    ``save()`` therefore never writes them on an existing row: a full save leaves them out, so a stale
    instance cannot put back an old state, and naming one of them in ``update_fields`` is an error.
    """

    flow = models.CharField(_("procedure"), max_length=40, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=32, blank=True, editable=False, db_index=True)
    state_entered_at = models.DateTimeField(_("in this state since"), null=True, blank=True, editable=False)
    deadline_at = models.DateTimeField(_("deadline"), null=True, blank=True, editable=False, db_index=True)
    overdue = models.BooleanField(_("overdue"), default=False, editable=False)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None:
                kwargs["update_fields"] = [
                    f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in WORKFLOW_FIELDS
                ]
            else:
                kwargs["update_fields"] = fields = list(fields)
                if WORKFLOW_FIELDS.intersection(fields):
                    raise WorkflowFieldError("A case's state is written by core.workflow only.")
        elif self.state or self.flow:
            raise WorkflowFieldError("A case is opened by core.workflow.start(), not with a state of its own.")
        super().save(*args, **kwargs)


class CaseEvent(AppendOnlyModel, ScopedRow):
    """办理记录: one step taken on a case (who, when, from which state to which, note, data). Never changed.

    Its place is its case's: a case above the villages (a township's or a county department's target) has no
    village, and one of a county body none below the county."""

    township = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("township")
    )
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(_("case id"))
    case = GenericForeignKey("content_type", "object_id")
    flow = models.CharField(_("procedure"), max_length=40)
    transition = models.CharField(_("step"), max_length=40)
    from_state = models.CharField(_("from state"), max_length=32, blank=True)
    to_state = models.CharField(_("to state"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    deadline_at = models.DateTimeField(_("deadline after this step"), null=True, blank=True)

    APPEND_ONLY_CHANGE = _("The case history cannot be changed.")
    APPEND_ONLY_DELETE = _("The case history cannot be deleted.")

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="casework_event_case"),
            models.Index(fields=["county", "flow", "at"], name="casework_event_county"),
            models.Index(fields=["flow", "transition", "at"], name="casework_event_step"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.flow}.{self.transition} {self.from_state}→{self.to_state}"


class CaseAttachment(AppendOnlyModel):
    """附件: a photo or document attached to one step of a case. Never changed."""

    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="casework/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to="casework/thumbs/%Y/%m/", blank=True)

    APPEND_ONLY_CHANGE = _("The case history cannot be changed.")
    APPEND_ONLY_DELETE = _("The case history cannot be deleted.")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["event", "id"]

    def __str__(self):
        return self.name


class CalendarSource(models.TextChoices):
    OFFICIAL = "chinese_calendar", _("National schedule (chinese-calendar)")
    ADMIN = "admin", _("Entered by the county administrator")


class WorkingDay(models.Model):
    """工作日历: a day that is not what the weekend rule says (法定节假日, 调休上班) or that carries a holiday name.

    ``region`` empty: the national schedule, loaded from chinese-calendar by ``load_calendar``. ``region`` a
    county: that county's own entry, which wins over the national one (a year chinese-calendar does not know
    yet, or a local holiday). Days without a row follow the weekend rule.
    """

    date = models.DateField(_("date"))
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
        help_text=_("Empty for the national schedule."),
    )
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("working-day calendar entry")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(region__isnull=True), name="unique_national_working_day"
            ),
            models.UniqueConstraint(fields=["region", "date"], name="unique_county_working_day"),
        ]
        indexes = [models.Index(fields=["date"], name="casework_workingday_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'班' if self.is_working else '休'} {self.note}"
