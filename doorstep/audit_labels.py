"""The audit event types this app records, with their readable names (registered with core.plugins by
doorstep.plug; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    REQUEST_MAKE = "doorstep.request.make", _("Service request made")
    MATERIAL_READ = "doorstep.material.read", _("Material of a service request opened")
    ITEM_CREATE = "doorstep.item.create", _("Service item added to the catalogue")
    ITEM_CHANGE = "doorstep.item.change", _("Service item changed (new version)")
    ITEM_RETIRE = "doorstep.item.retire", _("Service item retired")
    ITEM_READMIT = "doorstep.item.readmit", _("Service item admitted again")
    BUNDLE_SET = "doorstep.bundle.set", _("One-visit bundle added or changed")
    CATALOGUE_INSTALL = "doorstep.catalogue.install", _("Default catalogue installed")
    CERTIFICATE_KIND_SET = "doorstep.certificate_kind.set", _("Certificate list changed")
    CERTIFICATE_ISSUE = "doorstep.certificate.issue", _("Village certificate issued")
    POINT_SET = "doorstep.point.set", _("Service point added or changed")
    AGENT_SET = "doorstep.agent.set", _("Service agent added or changed")
