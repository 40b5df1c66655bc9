"""Form pieces shared by every domain."""

from django import forms


class DateInput(forms.DateInput):
    """An HTML5 date picker; its value must be ISO (YYYY-MM-DD) or browsers show it empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
