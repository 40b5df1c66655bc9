"""The audit event types this app records, with their readable names (registered with core.plugins by
honours.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    BOARDS_INSTALL = "honours.boards.install", _("Default honour boards installed for the county")
    BOARD_ADD = "honours.board.add", _("Honour board added")
    BOARD_CHANGE = "honours.board.change", _("Honour board changed")
    NOMINATE = "honours.nominate", _("Nominated for an honour board")
    OBJECT = "honours.objection", _("Objection to an honour on public notice")
    PUBLISH = "honours.quarter.publish", _("A quarter's honour boards published for public notice")
