"""The pages of signing in with a code by SMS and of resetting a password (accounts.phone)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import phone as phone_codes
from accounts.models import CodePurpose
from core.errors import DomainError
from core.views import api_twin, apply_domain_errors

BACKEND = "accounts.backends.UsernameOrPhoneBackend"


class CodeForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "138xxxxxxxx"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Code from the SMS"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
    )


class ResetForm(CodeForm):
    password1 = forms.CharField(
        label=gettext_lazy("New password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("New password again"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _send(request, form, purpose) -> bool:
    """The 'send me a code' button: True when a code went out (the page then asks for it)."""
    try:
        sent = phone_codes.code_request(phone=form.cleaned_data["phone"], purpose=purpose, address=address(request))
    except DomainError as exc:
        apply_domain_errors(form, exc)
        return False
    messages.success(
        request,
        _("A code was sent to %(to)s; it is valid for %(minutes)s minutes.")
        % {"to": sent.to, "minutes": sent.expires_in // 60},
    )
    return True


@api_twin("POST /api/auth/code", "POST /api/auth/code/token")
def phone_login(request):
    """Sign in with a code by SMS: the number first, then the code (a resident's first sign-in makes their account)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = CodeForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            sent = _send(request, form, CodePurpose.SIGN_IN)
        elif not form.cleaned_data["code"]:
            form.add_error("code", _("Enter the code from the SMS."))
            sent = True
        else:
            try:
                user = phone_codes.sign_in_with_code(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
            except DomainError as exc:
                apply_domain_errors(form, exc)
                sent = True
            else:
                login(request, user, backend=BACKEND)
                target = request.POST.get("next", "")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    target = settings.LOGIN_REDIRECT_URL
                return redirect(target)
    status = 422 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "registration/phone_login.html",
        {"form": form, "sent": sent, "next": request.GET.get("next", request.POST.get("next", ""))},
        status=status,
    )


@api_twin("POST /api/auth/code", "POST /api/auth/password/reset")
def password_reset(request):
    """Forgot the password: a code by SMS to the account's number, then a new password."""
    form = ResetForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "send":
            sent = _send(request, form, CodePurpose.RESET)
        else:
            sent = True
            if not data["code"]:
                form.add_error("code", _("Enter the code from the SMS."))
            elif data["password1"] != data["password2"] or not data["password1"]:
                form.add_error("password2", _("The two passwords differ."))
            else:
                try:
                    phone_codes.reset_password(phone=data["phone"], code=data["code"], password=data["password1"])
                except DomainError as exc:
                    apply_domain_errors(form, exc, aliases={"password": "password1"})
                else:
                    messages.success(request, _("Your password is changed. Sign in with it."))
                    return redirect("accounts:login")
    status = 422 if request.method == "POST" and form.errors else 200
    return render(request, "registration/password_reset_code.html", {"form": form, "sent": sent}, status=status)
