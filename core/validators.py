"""Checks for Chinese identifiers: resident ID numbers (GB 11643-1999) and mobile phone numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_OLD_ID_RE = re.compile(r"^\d{15}$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # "M" or "F"


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def convert_old_id_number(old: str) -> str:
    """The 18-digit number of a 15-digit one (GB 11643-1999): "19" before the two-digit birth year, and the check
    digit at the end (every 15-digit number belongs to someone born in the 1900s)."""
    first17 = old[:6] + "19" + old[6:]
    return first17 + id_check_digit(first17)


def parse_id_number(value: str, *, today: date | None = None) -> IdInfo:
    """Validate an 18-digit ID number and return the birth date and gender it encodes.

    Raises ValueError with a message in Chinese saying what is wrong.
    """
    number = (value or "").strip().upper()
    if _OLD_ID_RE.match(number):
        raise ValueError(
            _(
                "This is an old 15-digit ID number: ID numbers have 18 digits now. Enter the 18-digit number: "
                "%(number)s (converted from the old one; check it against the household register)."
            )
            % {"number": convert_old_id_number(number)}
        )
    if not _ID_RE.match(number):
        raise ValueError(_("The ID number must be 17 digits followed by a digit or X."))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(_("The birth date inside the ID number does not exist.")) from None
    today = today or date.today()
    if born > today or born.year < 1890:
        raise ValueError(_("The birth date inside the ID number is not plausible."))
    if id_check_digit(number[:17]) != number[17]:
        raise ValueError(_("The check digit of the ID number is wrong."))
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number=number, birth_date=born, gender=gender)


def normalize_phone(value: str) -> str:
    """Return an 11-digit mainland mobile number or raise ValueError (message in Chinese)."""
    phone = re.sub(r"[\s-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE_RE.match(phone):
        raise ValueError(_("The phone number must be an 11-digit mobile number starting with 1."))
    return phone
