"""The audit event types this app records, with their readable names (registered with core.plugins by
points.apps; core.audit.record refuses an unlabelled one in the test suite)."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class AuditAction(TextChoices):
    SCHEME_CREATE = "points.scheme.create", _("Points scheme created")
    RULEBOOK_CREATE = "points.rulebook.create", _("Rule book version created")
    RULE_ITEM_SAVE = "points.rule_item.save", _("Rule item saved")
    RULEBOOK_ADOPT = "points.rulebook.adopt", _("Rule book adopted")
    CLAIM_RECORD = "points.claim.record", _("Points recorded")
    CLAIM_DECLARATION = "points.claim.declaration", _("Good deed declared")
    CLAIM_BULK = "points.claim.bulk", _("Points recorded at a meeting")
    CLAIM_FACT = "points.claim.fact", _("Points recorded from a fact")
    CLAIM_WITHDRAW = "points.claim.withdraw", _("Points withdrawn (the fact was undone)")
    CLAIM_APPROVE = "points.claim.approve", _("Points approved")
    CLAIM_REJECT = "points.claim.reject", _("Points rejected")
    ENTRY_REVERSE = "points.entry.reverse", _("Points corrected")
    APPEAL_FILE = "points.appeal.file", _("Appeal filed")
    APPEAL_DECIDE = "points.appeal.decide", _("Appeal decided")
    QUARTER_SIGNOFF = "points.quarter.signoff", _("Quarter signed off")
    QUARTER_PUBLISH = "points.quarter.publish", _("Standings published")
    CONSEQUENCE_SAVE = "points.consequence.save", _("Consequence saved")
    CONSEQUENCE_DEFAULTS = "points.consequence.defaults", _("Default consequences loaded")
    COUNTY_SETTINGS_SAVE = "points.county_settings.save", _("County points settings saved")
    LIST_RULE_SAVE = "points.list_rule.save", _("List rule saved")
    MENTORSHIP_UPDATE = "points.mentorship.update", _("Mentorship updated")
    SHOP_CREATE = "points.shop.create", _("Shop created")
    SHOP_UPDATE = "points.shop.update", _("Shop changed")
    GOOD_CREATE = "points.good.create", _("Good added")
    GOOD_UPDATE = "points.good.update", _("Good changed")
    GOOD_STOCK = "points.good.stock", _("Stock adjusted")
    GOOD_PICTURE = "points.good.picture", _("Picture of a good changed")
    REDEMPTION_CREATE = "points.redemption.create", _("Points redeemed")
    REDEMPTION_FULFIL = "points.redemption.fulfil", _("Redemption handed over")
    REDEMPTION_CANCEL = "points.redemption.cancel", _("Redemption cancelled")
    PARTY_EVALUATE = "points.party.evaluate", _("Party evaluation entered")
    PARTY_WARNING_LINES = "points.party.warning_lines", _("Warning lines changed")
    CREDIT_READ = "points.credit.read", _("Points summary read by a partner")
    HONOUR_GRANT = "points.honour.grant", _("Honour granted")
    PARTY_SCHEME_CREATE = "points.party.scheme.create", _("Party points scheme created")
    CREDIT_PARTNER_CREATE = "points.credit.partner.create", _("Credit partner registered")
    CREDIT_PARTNER_ENABLE = "points.credit.partner.enable", _("Credit partner enabled")
    CREDIT_PARTNER_DISABLE = "points.credit.partner.disable", _("Credit partner suspended")
    CREDIT_CONSENT_GRANT = "points.credit.consent.grant", _("Credit consent recorded")
    CREDIT_CONSENT_REVOKE = "points.credit.consent.revoke", _("Credit consent revoked")


ACTION_LABELS: dict = dict(AuditAction.choices)
