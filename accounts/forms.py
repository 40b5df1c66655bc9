from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from regions.forms import GridChoiceField, searched


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or phone"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Wrong username/phone or password."),
        "inactive": _("This account is disabled."),
    }

    def get_invalid_login_error(self):
        """The wrong password, with how many tries are left before the lockout (accounts.lockout)."""
        from accounts.lockout import wrong_password_message

        return forms.ValidationError(
            wrong_password_message(self.cleaned_data.get("username", "")), code="invalid_login"
        )


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput(render_value=True))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    grid = GridChoiceField(label=_("Grid (grid workers)"), queryset=None, required=False)

    def __init__(self, *args, regions, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        searched(self.fields["grid"], "grid", grids)
