"""Appeals filed before the appeal procedure (points.flows.APPEAL) are opened on it, as if they had run on it.

Each appeal not yet on a procedure gets:
- its state from its status (pending → "pending", upheld → "upheld", overturned → "overturned");
- the county's working days to answer (its setting, else 10: ``answer_days``) and, while pending, the deadline
  counted from when it was filed (core.calendar: the filing day does not count, 18:00 of the last working day).
  A pending appeal whose deadline has passed is flagged by the next ``run_deadlines``, as any other;
- its timeline: the filing ("start", by whoever filed, at the filing time, with the reason) and, when decided,
  the decision ("uphold" / "overturn", by whoever decided, at the decision time, with the finding), marked
  ``{"migrated": true}``. The audit trail already holds both acts, so no audit event is added.

Appeals already on a procedure are left alone: running it again changes nothing. Backwards nothing is undone: the
timeline is append-only, the status was never changed, and migration 0008 backwards drops the procedure's columns.
"""

from django.db import migrations

FLOW = "points_appeal"
STATES = {"pending": "pending", "upheld": "upheld", "overturned": "overturned"}
DECIDING_STEP = {"upheld": "uphold", "overturned": "overturn"}
DEFAULT_ANSWER_DAYS = 10


def _label(user) -> str:
    if user is None:
        return ""
    return ((getattr(user, "display_name", "") or "") or user.username)[:150]


def open_existing_appeals(apps, schema_editor):
    from core.calendar import WorkingCalendar

    Appeal = apps.get_model("points", "Appeal")
    CountyPointsSettings = apps.get_model("points", "CountyPointsSettings")
    CaseEvent = apps.get_model("casework", "CaseEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")

    waiting = Appeal.objects.filter(flow="").select_related("filed_by", "decided_by").order_by("pk")
    if not waiting.exists():
        return
    content_type, _created = ContentType.objects.get_or_create(app_label="points", model="appeal")
    answer_days = dict(CountyPointsSettings.objects.values_list("county_id", "appeal_answer_days"))
    calendars = {}
    for appeal in waiting:
        state = STATES.get(appeal.status, "pending")
        days = answer_days.get(appeal.county_id, DEFAULT_ANSWER_DAYS)
        calendar = calendars.setdefault(appeal.county_id, WorkingCalendar(appeal.county_id))
        due = calendar.add_working_days(appeal.filed_at, days)
        place = {"county_id": appeal.county_id, "township_id": appeal.township_id, "village_id": appeal.village_id}
        events = [
            CaseEvent(
                content_type=content_type,
                object_id=appeal.pk,
                flow=FLOW,
                transition="start",
                from_state="",
                to_state="pending",
                actor_id=appeal.filed_by_id,
                actor_label=_label(appeal.filed_by),
                at=appeal.filed_at,
                note=appeal.reason,
                data={"migrated": True},
                deadline_at=due,
                **place,
            )
        ]
        columns = {
            "flow": FLOW,
            "state": state,
            "opened_at": appeal.filed_at,
            "answer_days": appeal.answer_days or days,
            "overdue": False,
        }
        if state == "pending":
            columns.update(state_entered_at=appeal.filed_at, deadline_at=due, closed_at=None, version=1)
        else:
            decided_at = appeal.decided_at or appeal.filed_at
            columns.update(state_entered_at=decided_at, deadline_at=None, closed_at=decided_at, version=2)
            events.append(
                CaseEvent(
                    content_type=content_type,
                    object_id=appeal.pk,
                    flow=FLOW,
                    transition=DECIDING_STEP[state],
                    from_state="pending",
                    to_state=state,
                    actor_id=appeal.decided_by_id,
                    actor_label=_label(appeal.decided_by),
                    at=decided_at,
                    note=appeal.decision_note,
                    data={"migrated": True},
                    deadline_at=None,
                    **place,
                )
            )
        Appeal.objects.filter(pk=appeal.pk, flow="").update(**columns)
        for event in events:  # one by one: the timeline's order is its ids
            event.save()


class Migration(migrations.Migration):
    dependencies = [
        ("points", "0008_appeal_case_and_county_settings"),
        ("casework", "0002_caseattachment_thumbnail"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(open_existing_appeals, migrations.RunPython.noop)]
