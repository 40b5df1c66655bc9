"""What core shows for each app: the apps plug their parts in here; core imports no domain app.

An app registers from its ``AppConfig.ready()`` (the domain apps keep the calls in ``<app>/plug.py``)::

    from core import plugins

    plugins.register_audit_labels(AuditAction)        # <app>/audit_labels.py: a TextChoices of its event types
    plugins.register_home_card(HomeCard("incidents", 300, build_card))
    plugins.register_waiting(WaitingItem("finance.sign", _("Expenses to sign"), to_sign, "finance:queue",
                                         Action.FINANCE_APPROVE, order=10))

The kinds of parts today:

``HomeCard(key, order, build)``
    A card on the home page. ``build(actor)`` returns a ``Card`` (title, ``Tile`` counts with their links, a
    note, ``Link`` buttons; or its own ``template`` with ``context``), or ``None`` when the actor has nothing
    to see there. Cards are shown by ``order``: 50 待我办理 (core), 100 the registry's counts, 300 the
    incident card, 400 the actor's own household. ``core.selectors.home_summary``
    builds them; the page (``templates/core/home.html``) renders each card's template.
``WaitingItem(key, label, count, url_name, action, order=…, hide_zero=…)``
    One count of the 待我办理 card: what a procedure waits for from this person. Shown when the actor may
    take ``action`` (or any of a tuple of actions); ``count(actor)`` counts from the records.
``MessageKind(key, label, sms, …)``
    A kind of notification that may also go out by SMS (``register_message_kind``): a procedure's step names it
    (``Transition.message``) or a service passes it to ``core.notifications.notify(kind=…)``; the messaging app
    sends it to those who chose it, within the county's quiet hours and monthly budget.
Audit labels
    ``register_audit_labels(choices)``: the Chinese names (gettext_lazy of the English msgid) of an app's audit
    event types, from a ``TextChoices`` class or a mapping code → label. ``audit_label(code)`` reads one (the
    code itself when unknown), ``audit_labels()`` all of them; ``core.audit.record`` refuses an unlabelled code
    when ``settings.AUDIT_REQUIRE_LABELS`` is true (the test suite), never in production.

Audit fields
    ``register_audit_fields(prefix, {key: AuditField(label, choices=…, model=…, format=…) or label})``: how the
    audit page shows a key of the before/after of the events whose code starts with ``prefix`` (``"meetings."``;
    ``""`` for every event): its label, the labels of its values (a ``TextChoices`` class or a mapping), the model
    whose id it holds (``"app.Model"``, shown by its name) or a function writing the value. Keys that are fields of
    the event's target model need nothing: ``core.audit_display`` reads their ``verbose_name`` and choices from the
    model. The test suite checks that every key the demo data records gets a label
    (``tests/core/test_audit_display.py``).
``HouseholdPanel(key, order, build)``
    A section of a household's page (``registry:household_detail``, what a grid worker opens at the door):
    ``build(actor, household)`` returns a ``Card`` (its own ``template`` with ``context``) or ``None`` when the
    actor may see nothing of it; the app reads its rows through its own scoped selectors (points: the year's
    lines with the base score and the total; incidents: the cases reported by or for the household).
``CountySetup(key, set_up, order=…)``
    What an app installs for a new county (its default categories, consequences, lists): ``set_up(county)``
    runs in the transaction that creates the county (``regions`` calls ``set_up_county`` when a county row is
    inserted) and must be idempotent, so that a data migration can run it for the counties that exist. Pages
    never install defaults on GET.

``MapLayer(key, label, order, build, …)``
    A layer of the one map (一张图, ``dashboards``): ``build(actor, region)`` returns the GeoJSON features of the
    region (a county, township or village) the actor may see on it, each with ``properties.label`` (and ``color``,
    ``url``, ``count``, ``radius`` in metres as it needs); points are clustered when ``cluster``. ``action``: the
    actions (any of them) a person needs to have the layer at all. A layer of cases a person may not open is drawn
    as counts per village only (disputes: never a dispute's location outside its case).

Registering the same key again replaces the entry (``ready()`` may run more than once in tests). Another kind
of part is one more dataclass, one more ``_Registry`` and its two functions
(``register_…`` and the ordered getter), the same way as the ones below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Choices

from core import scope


class DomainConfig(AppConfig):
    """The AppConfig of a domain app: when Django is ready, its declared procedures (``<app>.flows``, for
    ``run_deadlines`` and the step pages) are registered with core.workflow, its indicators (``<app>.indicators``'
    ``INDICATORS``) with core.indicators, its message kinds (``<app>.messages``' ``MESSAGES``, that may go by SMS)
    with core.plugins, its facts (``<app>.facts``' ``FACTS``, what its procedures record) with core.facts, and its
    ``<app>.plug.register()`` plugs its parts into core (home cards, 待我办理, audit labels, county set-up)."""

    # an app's apps.py imports this class beside its own: Django picks the one marked default (the app's)
    default = False
    default_auto_field = "django.db.models.BigAutoField"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = True

    def ready(self):
        from importlib import import_module
        from importlib.util import find_spec

        if find_spec(f"{self.name}.flows") is not None:
            import_module(f"{self.name}.flows")
        if find_spec(f"{self.name}.indicators") is not None:
            from core import indicators

            for indicator in import_module(f"{self.name}.indicators").INDICATORS:
                indicators.register(indicator)
        if find_spec(f"{self.name}.messages") is not None:
            for kind in import_module(f"{self.name}.messages").MESSAGES:
                register_message_kind(kind)
        if find_spec(f"{self.name}.facts") is not None:
            from core import facts

            for fact in import_module(f"{self.name}.facts").FACTS:
                facts.register(fact)
        if find_spec(f"{self.name}.plug") is not None:
            import_module(f"{self.name}.plug").register()


# -- the home page ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One figure of a card: a count, its label and the page that lists what it counts.

    ``key`` names the figure in the card's ``data`` (what tests and the API read)."""

    label: str
    count: int
    url: str
    key: str = ""


@dataclass(frozen=True)
class Link:
    """A button under a card."""

    label: str
    url: str


@dataclass
class Card:
    """What one home-page card shows to one actor.

    The default template (``core/_home_card.html``) shows ``title``, the ``tiles``, ``note`` and ``actions``;
    a card with another layout names its own ``template``, which gets ``card`` (and ``card.context``).
    ``data`` is the card's plain values (by default ``{tile.key: tile.count}``), kept by ``home_summary``
    under the card's key."""

    title: str = ""
    tiles: list[Tile] = field(default_factory=list)
    note: str = ""
    actions: list[Link] = field(default_factory=list)
    template: str = "core/_home_card.html"
    context: dict[str, Any] = field(default_factory=dict)
    data: Any = None

    def __post_init__(self):
        if self.data is None:
            self.data = {t.key: t.count for t in self.tiles if t.key}


@dataclass(frozen=True)
class HomeCard:
    """A card an app adds to the home page: ``build(actor)`` → ``Card`` or ``None`` (nothing for this actor).

    ``empty`` is what ``home_summary`` keeps under ``key`` when the card shows nothing."""

    key: str
    order: int
    build: Callable[[Any], Card | None]
    empty: Any = None


@dataclass(frozen=True)
class WaitingItem:
    """One count of 待我办理 (waiting for me): shown when the actor may take ``action``.

    ``action`` is one action or a tuple of actions (any of them will do). ``count(actor)`` counts from the
    records; with ``hide_zero`` the item is left out when nothing waits (e.g. "my applications in progress")."""

    key: str
    label: str
    count: Callable[[Any], int]
    url_name: str
    action: str | tuple[str, ...]
    order: int = 500
    hide_zero: bool = False

    def allowed(self, actor) -> bool:
        actions = self.action if isinstance(self.action, tuple) else (self.action,)
        return any(scope.can(actor, a) for a in actions)


# -- the registries ----------------------------------------------------------------------------------------------

T = TypeVar("T")


class _Registry(Generic[T]):
    """Entries of one kind by key, read in their ``order`` (then key)."""

    def __init__(self) -> None:
        self._entries: dict[str, T] = {}

    def add(self, entry: T) -> T:
        self._entries[entry.key] = entry  # type: ignore[attr-defined]
        return entry

    def ordered(self) -> list[T]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CountySetup:
    """What an app installs for a new county (idempotent; see the module's docstring)."""

    key: str
    set_up: Callable[[Any], Any]
    order: int = 100


@dataclass(frozen=True)
class HouseholdPanel:
    """A section an app adds to a household's page: ``build(actor, household)`` → ``Card`` or ``None``."""

    key: str
    order: int
    build: Callable[[Any, Any], Card | None]


@dataclass(frozen=True)
class MapLayer:
    """A layer of the one map (see the module's docstring)."""

    key: str
    label: Any
    order: int
    build: Callable[[Any, Any], list[dict]]
    legend: Callable[[], list[dict]] | None = None
    cluster: bool = False
    shown: bool = True
    action: str | tuple[str, ...] | None = None

    def allowed(self, actor) -> bool:
        if self.action is None:
            return True
        actions = self.action if isinstance(self.action, tuple) else (self.action,)
        return any(scope.can(actor, a) for a in actions)


@dataclass(frozen=True)
class MessageKind:
    """A kind of message that may also go out by SMS (the messaging app's channels).

    ``sms`` is the text of the SMS in the gateway's approved template (the gettext of the English msgid), with
    ``%(name)s`` slots for ``params``: only what names no one and tells nothing private (PIPL): the village, a
    date, never a person, a sum or a case's facts. ``sms_default`` is what a person who chose nothing gets;
    ``audience`` the roles (core.roles.Role values) shown the choice on their settings page (empty: everyone);
    ``urgent`` messages (sign-in codes) ignore the person's choice and the quiet hours."""

    key: str
    label: Any
    sms: Any
    order: int = 100
    params: tuple[str, ...] = ("place",)
    sms_default: bool = True
    audience: tuple[str, ...] = ()
    urgent: bool = False


_home_cards: _Registry[HomeCard] = _Registry()
_message_kinds: _Registry[MessageKind] = _Registry()
_map_layers: _Registry[MapLayer] = _Registry()
_household_panels: _Registry[HouseholdPanel] = _Registry()
_county_setups: _Registry[CountySetup] = _Registry()
_waiting: _Registry[WaitingItem] = _Registry()
_audit_labels: dict[str, Any] = {}


def register_home_card(card: HomeCard) -> HomeCard:
    return _home_cards.add(card)


def home_cards() -> list[HomeCard]:
    return _home_cards.ordered()


def register_waiting(item: WaitingItem) -> WaitingItem:
    return _waiting.add(item)


def waiting_items() -> list[WaitingItem]:
    return _waiting.ordered()


def register_map_layer(layer: MapLayer) -> MapLayer:
    return _map_layers.add(layer)


def map_layers(actor) -> list[MapLayer]:
    """The layers of the one map this actor may have, in order."""
    return [layer for layer in _map_layers.ordered() if layer.allowed(actor)]


def register_message_kind(kind: MessageKind) -> MessageKind:
    return _message_kinds.add(kind)


def message_kinds() -> list[MessageKind]:
    return _message_kinds.ordered()


def message_kind(key: str) -> MessageKind | None:
    return _message_kinds._entries.get(key)


_channels: list[Callable[..., Any]] = []


def register_channel(send: Callable[..., Any]) -> None:
    """A way beyond the app for a message (the messaging app's SMS): ``send(user_ids, kind=, key=, params=)`` is
    called by ``core.notifications.notify``, in its transaction, with the accounts just told in the app."""
    if send not in _channels:
        _channels.append(send)


def channels() -> list[Callable[..., Any]]:
    return list(_channels)


def register_household_panel(panel: HouseholdPanel) -> HouseholdPanel:
    return _household_panels.add(panel)


def household_panels(actor, household) -> list[Card]:
    """The sections the apps show on ``household``'s page to ``actor``, in order (those with nothing left out)."""
    cards = (panel.build(actor, household) for panel in _household_panels.ordered())
    return [card for card in cards if card is not None]


def register_county_setup(setup: CountySetup) -> CountySetup:
    return _county_setups.add(setup)


def set_up_county(county) -> None:
    """Install every app's defaults for ``county`` (each idempotent), in registration order, in one transaction
    (the one inserting the county, or its own where the county was saved outside one: a set-up may lock rows)."""
    from django.db import transaction

    with transaction.atomic():
        for setup in _county_setups.ordered():
            setup.set_up(county)


# -- audit labels ------------------------------------------------------------------------------------------------


def register_audit_labels(labels: type[Choices] | Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
    """Add an app's audit event types with their labels (a TextChoices class, a mapping or (code, label) pairs).

    A code registered twice must keep the same label: two apps cannot name one event differently."""
    if isinstance(labels, type) and issubclass(labels, Choices):
        pairs = labels.choices
    elif isinstance(labels, Mapping):
        pairs = labels.items()
    else:
        pairs = labels
    for code, label in pairs:
        known = _audit_labels.get(code)
        if known is not None and known is not label and str(known) != str(label):
            raise ImproperlyConfigured(f"Audit action {code!r} is registered with two different labels.")
        _audit_labels[str(code)] = label


def audit_labels() -> dict[str, Any]:
    """Every registered audit event type → its label (lazy: translated when shown)."""
    return dict(_audit_labels)


def has_audit_label(code: str) -> bool:
    return code in _audit_labels


def audit_label(code: str) -> str:
    """The readable name of an audit event type; the code itself when none is registered."""
    label = _audit_labels.get(code)
    return code if label is None else str(label)


@dataclass(frozen=True)
class AuditField:
    """How one key of an audit event's before/after is shown: its ``label``; ``choices`` (a ``Choices`` class or a
    mapping value → label) names its values; ``model`` (``"app.Model"``) says the value is that row's id, shown by
    the row's name; ``format(value) -> str`` writes a value of its own shape (a list of amount bands)."""

    label: Any
    choices: Any = None
    model: str = ""
    format: Callable[[Any], str] | None = None

    def value_labels(self) -> Mapping[Any, Any]:
        if self.choices is None:
            return {}
        if isinstance(self.choices, type) and issubclass(self.choices, Choices):
            return dict(self.choices.choices)
        return dict(self.choices)


_audit_fields: dict[str, dict[str, AuditField]] = {}


def register_audit_fields(prefix: str, fields: Mapping[str, AuditField | Any]) -> None:
    """Labels (and value labels) of the keys an app records in its audit events whose code starts with ``prefix``."""
    known = _audit_fields.setdefault(prefix, {})
    for key, field_ in fields.items():
        known[key] = field_ if isinstance(field_, AuditField) else AuditField(field_)


def audit_field(code: str, key: str, *, generic: bool = True) -> AuditField | None:
    """How ``key`` of an event of type ``code`` is shown: the registration of the longest prefix of ``code`` that
    names the key (the generic ``""`` last, or not at all without ``generic``), or None."""
    prefixes = (p for p in _audit_fields if code.startswith(p) and (generic or p))
    for prefix in sorted(prefixes, key=len, reverse=True):
        found = _audit_fields[prefix].get(key)
        if found is not None:
            return found
    return None
