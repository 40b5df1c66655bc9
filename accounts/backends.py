"""Sign in by username or by phone number (exact match through the keyed digest)."""

import re

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from core import crypto

_PHONE = re.compile(r"^1\d{10}$")


class UsernameOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        username = username.strip()
        user = User.objects.filter(username=username).first()
        if user is None and _PHONE.match(username):
            user = User.objects.filter(phone_digest=crypto.digest(username)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
