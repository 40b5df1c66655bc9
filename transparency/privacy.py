"""Nothing personal on a public notice that the duty does not need (个人信息保护法 Art. 34, 73; SPEC §12).

Notice texts, questions and answers are shown on the public page. They are written by people, so the platform
cannot know every personal detail in them, but it refuses the ones a machine can see: an 18-digit (or old
15-digit) resident ID number, an 11-digit mobile number, and a bank card or account number (16 to 19 digits).
The message shows the number masked, so the writer can find it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.masking import mask_id_number, mask_phone

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# a mobile number, also written 138 1234 5678 or 138-1234-5678, with or without +86
MOBILE = re.compile(r"(?<![\d.])(?:\+?86[ -]?)?1[3-9]\d([ -]?)\d{4}\1\d{4}(?![\d.])")
LONG_NUMBER = re.compile(r"(?<![\d.])\d{15,19}(?![\d.])")


def _digits(value: str) -> str:
    return re.sub(r"[^\dXx]", "", value)


def personal_data_problem(text: str) -> str | None:
    """The first thing in ``text`` a public notice must not show, as a Chinese message; None when clean."""
    text = text or ""
    found = ID_NUMBER.search(text)
    if found:
        return _(
            "The text contains an ID number (%(masked)s). A public notice must not show ID numbers: remove it or "
            "write it masked."
        ) % {"masked": mask_id_number(_digits(found.group()))}
    found = MOBILE.search(text)
    if found:
        number = _digits(found.group())[-11:]
        return _(
            "The text contains a mobile number (%(masked)s). A public notice must not show private phone numbers: "
            "remove it or give the village office's number."
        ) % {"masked": mask_phone(number)}
    found = LONG_NUMBER.search(text)
    if found:
        return _(
            "The text contains a long number (%(masked)s) that looks like a bank card, account or ID number. "
            "A public notice must not show them: remove it or write it masked."
        ) % {"masked": mask_id_number(_digits(found.group()))}
    return None


def check_public_text(**fields: str) -> None:
    """Raise DomainError naming each field whose text shows an ID number, a mobile number or an account."""
    errors = {}
    for field, text in fields.items():
        problem = personal_data_problem(text)
        if problem:
            errors[field] = problem
    if errors:
        raise DomainError(errors)
