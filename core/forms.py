"""Form pieces shared by every domain."""

import itertools

from django import forms
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    """An HTML5 date picker; its value must be ISO (YYYY-MM-DD) or browsers show it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def confirm_refusal(what) -> dict:
    """The per-field message of a write taken without its confirmation (page and API)."""
    return {"confirm": _("Confirm before you go on: %(what)s") % {"what": what}}


class ConfirmForm(forms.Form):
    """The confirmation box of a write that cannot be undone; ``confirmed()`` puts the refusal on the box."""

    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, what, **kwargs):
        super().__init__(*args, **kwargs)
        self.what = what
        self.fields["confirm"].label = _("I understand: %(what)s") % {"what": what}

    def confirmed(self) -> bool:
        if self.is_valid() and self.cleaned_data["confirm"]:
            return True
        self.add_error("confirm", confirm_refusal(self.what)["confirm"])
        return False


class SearchedSelect(forms.Select):
    """A choice among thousands (a county's villages or grids) that is never rendered in full: the first ``limit``
    options and the chosen one, and, when there are more, a search box that fetches the matches as the person types
    (``options_url`` answers ``<option>``s; ``include`` names other fields sent along, e.g. the chosen village)."""

    template_name = "core/widgets/searched_select.html"

    def __init__(self, *, options_url: str, limit: int = 20, include: str = "", attrs=None):
        super().__init__(attrs)
        self.options_url, self.limit, self.include = options_url, limit, include
        self._more = False

    def optgroups(self, name, value, attrs=None):
        full = self.choices
        shown = list(itertools.islice(full, self.limit + 2))  # the empty label, the first ones, one more to know
        self._more = len(shown) > self.limit + 1
        shown = shown[: self.limit + 1]
        chosen = {str(v) for v in value if v not in (None, "")}
        chosen -= {str(getattr(v, "value", v)) for v, _label in shown}
        if chosen and hasattr(full, "queryset"):
            shown += [full.choice(obj) for obj in full.queryset.filter(pk__in=[c for c in chosen if c.isdigit()])]
        try:
            self.choices = shown
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = full

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(options_url=self.options_url, include=self.include, searchable=self._more)
        return context
