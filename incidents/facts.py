"""The facts incidents record (core.facts): a villager's report, handled and rated, is closed (verified: the
case went through the loop and its reporter or a grid worker rated the result)."""

from django.utils.translation import gettext_lazy as _

from core import facts
from core.facts import Fact

REPORT_CLOSED = "incidents.report_closed"

FACTS = [Fact(REPORT_CLOSED, _("Reported a case that was verified and closed"), subject="household", order=20)]


def reporters_household(case):
    """The reporter's household in the case's village, from the registry (the resident linked to the account),
    else the household a villager account belongs to; None for a reporter with no household there."""
    from core import scope
    from registry.models import Household, Person

    person = Person.objects.filter(user_id=case.reporter_id, village_id=case.village_id).select_related("household")
    person = person.first()
    if person is not None and person.household_id:
        return person.household, person
    own = scope.targets(case.reporter, "household")
    household = Household.objects.filter(pk__in=own, village_id=case.village_id).order_by("pk").first() if own else None
    return household, None


def after_step(actor, case, event) -> None:
    """After a step of the loop (``incidents.services.incident_take_step``): a case closed by its rating
    (``close``, also when the reporter's ``rate`` form picked it) is the reporter's household's fact."""
    if event.transition != "close" or event.to_state != "closed":
        return
    household, person = reporters_household(case)
    if household is None:
        return
    from django.utils import timezone

    facts.happened(
        REPORT_CLOSED,
        source=case,
        actor=actor,
        village=case.village_id,
        occurred_on=timezone.localdate(event.at),
        household=household,
        person=person,
        attrs={"matter": case.matter_id},
    )
