"""Create a county and its first administrator: the first step after installing (docs/deploy.md).

    python manage.py create_county --code 510422 --name 米易县 --admin-username zhangsan --admin-name 张三 \
        [--admin-phone 13800000000]

The administrator's password is asked twice on a terminal, or read from the first line of standard input when it
is not a terminal (``… < file``). It must pass the platform's password rules. The county (with every app's
defaults), the account and its county administrator role are written in one transaction through the services, so
the audit trail records them (by the system, noting the operating-system user who ran the command); that
administrator then sets up townships, villages and every other account on the pages.
"""

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import User
from core.errors import DomainError
from core.roles import Role
from regions import services

# The services' field names as the options that gave them.
OPTIONS = {"code": "--code", "name": "--name", "username": "--admin-username", "phone": "--admin-phone"}


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "；".join(f"{OPTIONS.get(field, field)}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return "；".join(error.messages)


class Command(BaseCommand):
    help = "Create a county and its first administrator (the password is asked, or read from standard input)."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="6-digit administrative division code, e.g. 510422")
        parser.add_argument("--name", required=True, help="the county's name, e.g. 米易县")
        parser.add_argument("--admin-username", required=True, help="the administrator's login name")
        parser.add_argument("--admin-name", default="", help="the administrator's name as shown on pages")
        parser.add_argument("--admin-phone", default="", help="the administrator's mobile number (may sign in by it)")

    def _password(self, username: str) -> str:
        if sys.stdin.isatty():
            try:
                first = getpass.getpass(_("Password for %(username)s") % {"username": username} + "：")
                second = getpass.getpass(_("The same password again") + "：")
            except (EOFError, KeyboardInterrupt):
                raise CommandError(_("Give the administrator's password (on the terminal or on standard input)."))
            if first != second:
                raise CommandError(_("The two passwords differ."))
            password = first
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError(_("Give the administrator's password (on the terminal or on standard input)."))
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            raise CommandError(_messages(exc))
        return password

    def handle(self, *args, code, name, admin_username, admin_name, admin_phone, **options):
        password = self._password(admin_username.strip())
        note = _("manage.py create_county, run by %(user)s") % {"user": getpass.getuser()}
        try:
            with transaction.atomic():
                county = services.county_create(name=name, code=code, note=note)
                user = account_services.user_create(
                    actor=None,
                    username=admin_username,
                    password=password,
                    display_name=admin_name,
                    phone=admin_phone,
                    is_system=True,
                )
                account_services.role_assign(
                    actor=None, user=user, role=Role.COUNTY_ADMIN, region=county, is_system=True
                )
        except DomainError as exc:
            raise CommandError(_messages(exc))
        self.stdout.write(
            _("County %(county)s (%(code)s) created; %(username)s is its administrator: sign in at /login/.")
            % {"county": county.name, "code": county.code, "username": user.username}
        )
