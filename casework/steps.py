"""Everything a case page and the API derive from a declared step (core.workflow.Transition): its form, the
panels of "what you can do now", the description of each step's fields for the API, and taking a step from a
page or the API (the confirmation of an irreversible step, the module's service, the version the person saw).

A module declares its steps once; casework.views (the step view, the generic case page) and casework.api (the
generic step endpoints) are the only places a step is taken from outside a service.
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import workflow
from core.errors import DomainError, NotFound
from core.fields import FILES, LABELS, NOTE, note_field
from core.workflow import Flow, Transition


def find(actor, flow: Flow, pk) -> object:
    """The case of ``flow`` numbered ``pk`` if the actor may see it; NotFound for missing and hidden alike."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    if flow.find is not None:
        case = (import_string(flow.find) if isinstance(flow.find, str) else flow.find)(actor, pk)
        if case.flow != flow.name:
            raise NotFound()
        return case
    case = flow.get_model()._default_manager.filter(pk=pk, flow=flow.name).first()
    if case is None or not workflow.can_see(actor, case, flow):
        raise NotFound()
    return case


def declared_fields(tr: Transition, *, actor=None, case=None) -> list:
    """The step's fields in page order (those that apply to this case); a note is offered on every step that
    does not declare its own."""
    fields = [f for f in tr.fields if f.applies(actor=actor, case=case)]
    if tr.note and not any(f.name == NOTE for f in fields):
        fields.append(note_field())
    return fields


class StepForm(forms.Form):
    """The form of one declared step (built by ``form_for``); ``step`` names it, ``confirm_text`` is set for an
    irreversible step, whose ``confirm`` box the page's script ticks after the dialog (or the person ticks)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    step: str = ""
    confirm_text: str = ""

    def service_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("version", "confirm", NOTE, FILES) and value not in (None, "", [])
        }


def form_for(flow: Flow, tr: Transition, *, actor, case, data=None, files=None, initial=None) -> StepForm:
    attrs = {f.name: f.form_field(actor=actor, case=case) for f in declared_fields(tr, actor=actor, case=case)}
    if tr.confirm:
        attrs["confirm"] = forms.BooleanField(
            label=gettext_lazy("I understand: %(what)s") % {"what": tr.confirm}, required=False
        )
    form_class = type(f"{flow.name}_{tr.name}_form", (StepForm,), attrs)
    starting = {f.name: f.initial_value(actor=actor, case=case) for f in tr.fields if f.initial is not None}
    starting.update(version=case.version, **(initial or {}))
    form = form_class(data=data, files=files, prefix=tr.name, initial=starting)
    form.step, form.confirm_text = tr.name, str(tr.confirm or "")
    return form


def panels(actor, case, flow: Flow, *, failed: StepForm | None = None, initial=None) -> list[dict]:
    """One panel per step the actor may take now, in declaration order: its label, form and whether it asks
    for confirmation. ``failed`` (a refused form) is shown open with its messages; ``initial`` maps a step to
    its forms' starting values."""
    out = []
    now = timezone.now()
    possible = workflow.available(actor, case, flow, now=now)
    picked = {name for tr in possible if tr.pick is not None for name in tr.pick.steps.values()}
    for tr in possible:
        if tr.name in picked:  # a Pick form stands for it on the page
            continue
        if failed is not None and failed.step == tr.name:
            form = failed
        else:
            form = form_for(flow, tr, actor=actor, case=case, initial=(initial or {}).get(tr.name))
        out.append(
            {
                "name": tr.name,
                "label": str(tr.label),
                "url": reverse("casework:step", args=[flow.name, case.pk, tr.name]),
                "form": form,
                "confirm": str(tr.confirm or ""),
                "multipart": any(f.kind == "files" for f in tr.fields),
                "open": form is failed,
                "waiting": str(tr.waiting(case, now) or "") if tr.waiting else "",
            }
        )
    return out


def facts(flow: Flow, event) -> list[tuple[str, str]]:
    """What a timeline event recorded, as (label, value) pairs in the order its step declares its fields."""
    tr = flow.transitions.get(event.transition)
    data = event.data or {}
    labels = data.get(LABELS) or {}
    out = []
    for f in tr.fields if tr else ():
        value = data.get(f.name)
        if f.name in (NOTE, FILES) or value in (None, "", [], {}) or str(value) == event.note:
            continue
        out.append((str(f.label), str(labels.get(f.name) or f.display(value))))
    return out


def describe(actor, case, flow: Flow) -> list[dict]:
    """The API's answer to "what can I do now": each step with its fields (type, bounds, choices)."""
    return [
        {
            "name": tr.name,
            "label": str(tr.label),
            "confirm": str(tr.confirm or ""),
            "waiting": str(tr.waiting(case, timezone.now()) or "") if tr.waiting else "",
            "fields": [f.describe(actor=actor, case=case) for f in declared_fields(tr, actor=actor, case=case)],
        }
        for tr in workflow.available(actor, case, flow)
        if tr.pick is None  # the API takes the steps a Pick form stands for
    ]


def take(
    *,
    actor,
    case,
    flow: Flow,
    step: str,
    data: dict,
    note: str = "",
    attachments=(),
    version=None,
    confirmed: bool = False,
):
    """Take a step from a page or the API: an irreversible step needs ``confirmed``; then the flow's service
    (or the engine) takes it. Raises DomainError (nothing written) or NotFound."""
    tr = flow.transitions.get(step)
    if tr is None:
        raise DomainError(_("There is no step “%(step)s” in this procedure.") % {"step": step}, code="unknown")
    if tr.confirm and not confirmed:
        raise DomainError({"confirm": _("Confirm before you go on: %(what)s") % {"what": tr.confirm}}, code="confirm")
    service = flow.service
    if service is None:
        data = _declared_data(flow, tr, data)
        return workflow.transition(
            actor=actor,
            case=case,
            flow=flow,
            name=step,
            data=data,
            note=note,
            attachments=attachments,
            expected_version=version,
        )
    if isinstance(service, str):
        service = import_string(service)
    return service(actor=actor, case=case, step=step, data=data, note=note, attachments=attachments, version=version)


def documented(flow: Flow):
    """The service taking a flow's steps whose files are documents (``documented_transition`` for ``flow``), with the
    signature of ``Flow.service``: a module names it once (``event_step = documented(CUSTOMS)``) instead of writing
    the same wrapper."""

    def service(*, actor, case, step, data=None, note="", attachments=(), version=None, now=None) -> object:
        return documented_transition(
            flow,
            actor=actor,
            case=case,
            step=step,
            data=data,
            note=note,
            attachments=attachments,
            version=version,
            now=now,
        )

    service.__doc__ = f"Take a declared step of {flow.name} (its files: PDFs or images, checked by their content)."
    return service


def documented_transition(
    flow: Flow, *, actor, case, step, data=None, note="", attachments=(), version=None, now=None
) -> object:
    """A flow's step whose files are documents (evidence, minutes, materials): PDFs or images, checked by their
    content (transparency.files) before the engine takes the step. What a module's ``Flow.service`` calls."""
    from transparency.files import prepare_documents

    attachments = prepare_documents(attachments, field=FILES)
    return workflow.transition(
        actor=actor,
        case=case,
        flow=flow,
        name=step,
        data=data or {},
        note=note,
        attachments=attachments,
        expected_version=version,
        now=now,
    )


def _declared_data(flow: Flow, tr: Transition, data: dict) -> dict:
    """Only what the step declares (its fields and what it requires) is taken from outside: a client's stray
    keys are not stored on the timeline. A step declaring no fields at all takes the data as given, and so does
    a module's own service (it reads what it needs and refuses what it must, e.g. a payment by cash)."""
    steps = [tr, *(flow.transitions[name] for name in tr.pick.steps.values())] if tr.pick is not None else [tr]
    names = {f.name for t in steps for f in t.fields} | {k for t in steps for k in t.requires}
    if not any(t.fields for t in steps):
        return dict(data)
    return {k: v for k, v in data.items() if k in names}


def render_page(flow: Flow, request, case, *, failed: StepForm | None = None, status: int = 200):
    """The case page of the flow (its module's, or the generic one) with the step panels."""
    page = flow.page
    if page is None:
        from casework.views import case_page as page
    elif isinstance(page, str):
        page = import_string(page)
    return page(request, case, failed=failed, status=status)


def timeline(case, flow) -> list[dict]:
    """The rows of a case's timeline (casework/_timeline.html): each step with its label, who, facts, files."""
    rows = []
    for event in workflow.history(case):
        rows.append(
            {
                "event": event,
                "label": flow.step_label(event.transition),
                "who": event.actor_label or (str(event.actor) if event.actor_id else _("System")),
                "attachments": list(event.attachments.all()),
                "facts": facts(flow, event),
                "overdue": event.transition == workflow.OVERDUE,
            }
        )
    return rows
