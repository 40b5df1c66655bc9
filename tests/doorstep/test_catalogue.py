"""The county's service catalogue through its services (doorstep.catalogue) and the default catalogue
(doorstep.defaults): versions kept by requests, the time-limit rule, who may keep it, the installer."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.errors import DomainError, NotFound
from core.models import AuditEvent
from doorstep import catalogue, catalogue_selectors, defaults, services
from doorstep.audit_labels import AuditAction
from doorstep.models import Bundle, Category, CertificateKind, Item, ItemVersion, Level

NEW = {
    "code": "senior_allowance",
    "name": "高龄津贴申请",
    "category": Category.CIVIL_AFFAIRS,
    "level": Level.VILLAGE,
    "materials": "居民身份证\n户口簿\n\n居民身份证\n  本人银行账户  ",
    "time_limit_days": "10",
    "upstream_office": "县民政局",
    "legal_basis": "《中华人民共和国老年人权益保障法》第三十三条",
    "admitted_on": "2020-01-01",
}


def _snapshot():
    return (
        Item.objects.count(),
        ItemVersion.objects.count(),
        Bundle.objects.count(),
        CertificateKind.objects.count(),
        AuditEvent.objects.filter(action__startswith="doorstep.").count(),
    )


def test_item_create_cleans_materials_and_records(ds, world):
    item = catalogue.item_create(ds.users["county_admin"], world.county, **NEW)
    assert item.current.number == 1 and item.current.time_limit_days == 10
    assert item.current.materials == ["居民身份证", "户口簿", "本人银行账户"]
    assert item.current.free and item.current.agent_may and item.current.online
    assert AuditEvent.objects.filter(action=AuditAction.ITEM_CREATE, target_id=str(item.pk)).exists()


@pytest.mark.parametrize("days", [0, -3, 366, "abc", "", None, True])
def test_a_bad_time_limit_is_refused_and_nothing_written(ds, world, days):
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        catalogue.item_create(ds.users["county_admin"], world.county, **{**NEW, "time_limit_days": days})
    assert "time_limit_days" in err.value.message_dict
    assert _snapshot() == before


def test_a_change_to_zero_days_is_refused(ds, world):
    before = _snapshot()
    with pytest.raises(DomainError) as err:
        catalogue.item_change(ds.users["county_admin"], ds.pension, time_limit_days=0)
    assert "time_limit_days" in err.value.message_dict
    assert _snapshot() == before
    ds.pension.refresh_from_db()
    assert ds.pension.current.number == 1


def test_other_bad_input_is_refused(ds, world):
    admin = ds.users["county_admin"]
    before = _snapshot()
    bad = [
        {"name": ""},
        {"name": "长" * 81},
        {"level": "province"},
        {"category": "lottery"},
        {"materials": ["身份证", "材" * 81]},
        {"materials": [1, 2]},
        {"code": "Bad Code!"},
        {"code": "pension_cert"},  # taken by the fixture
        {"category": Category.CERTIFICATE},  # a certificate not on the list
        {"admitted_on": "2020-02-30"},
    ]
    for change in bad:
        with pytest.raises(DomainError):
            catalogue.item_create(admin, world.county, **{**NEW, **change})
    assert _snapshot() == before


def test_a_change_is_a_new_version_and_a_request_keeps_the_old_one(ds, world):
    earlier = services.request_make(
        actor=ds.users["villager_a1"], item=ds.pension, household=world.households["a1"], person=world.people["a1_head"]
    )
    changed = catalogue.item_change(
        ds.users["county_admin"], ds.pension, time_limit_days=5, materials=["居民身份证", "近期免冠照片"]
    )
    assert changed.current.number == 2
    assert list(ds.pension.versions.order_by("number").values_list("number", "time_limit_days")) == [(1, 3), (2, 5)]
    earlier.refresh_from_db()
    assert earlier.item_version.number == 1 and earlier.time_limit_days == 3
    assert earlier.item_version.materials == ["身份证"]
    later = services.request_make(
        actor=ds.users["villager_a1"], item=ds.pension, household=world.households["a1"], person=world.people["a1_head"]
    )
    assert later.item_version.number == 2 and later.time_limit_days == 5
    event = AuditEvent.objects.get(action=AuditAction.ITEM_CHANGE, target_id=str(ds.pension.pk))
    assert event.after["version"] == 2 and event.before["version"] == 1


def test_an_unchanged_item_is_refused(ds, world):
    before = _snapshot()
    with pytest.raises(DomainError):
        catalogue.item_change(
            ds.users["county_admin"], ds.pension, time_limit_days=3, name="城乡居民养老保险待遇资格认证"
        )
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["township_a", "county_official", "cadre_a1", "villager_a1", "grid_a1"])
def test_only_the_county_administrator_keeps_the_catalogue(ds, world, who):
    actor = ds.users[who]
    before = _snapshot()
    with pytest.raises(NotFound):
        catalogue.item_create(actor, world.county, **NEW)
    with pytest.raises(NotFound):
        catalogue.item_change(actor, ds.pension, time_limit_days=9)
    with pytest.raises(NotFound):
        catalogue.item_retire(actor, ds.pension, date(2030, 1, 1))
    with pytest.raises(NotFound):
        catalogue.bundle_set(actor, world.county, "newborn", "新生儿", items=[ds.pension.pk])
    with pytest.raises(NotFound):
        catalogue.certificate_kind_set(actor, world.county, "kinship", "亲属关系证明")
    with pytest.raises(NotFound):
        catalogue.item_create(actor, world.township_a, **NEW)  # not a county
    assert _snapshot() == before
    ds.pension.refresh_from_db()
    assert ds.pension.current.number == 1 and ds.pension.retired_on is None


def test_retire_and_readmit(ds, world):
    admin = ds.users["county_admin"]
    with pytest.raises(DomainError) as err:
        catalogue.item_retire(admin, ds.pension, date(2019, 12, 31))  # before it was admitted
    assert "retired_on" in err.value.message_dict
    today = timezone.localdate()
    catalogue.item_retire(admin, ds.pension, today)
    ds.pension.refresh_from_db()
    assert ds.pension.retired_on == today and not ds.pension.in_force(today)
    assert ds.pension.in_force(today - timedelta(days=1))
    with pytest.raises(DomainError):
        catalogue.item_retire(admin, ds.pension, today)
    # a villager no longer sees it; the administrator sees it as retired
    assert ds.pension not in catalogue_selectors.items(ds.users["villager_a1"])
    with pytest.raises(NotFound):
        catalogue_selectors.item_for(ds.users["villager_a1"], ds.pension.pk)
    assert ds.pension in catalogue_selectors.items(admin, status="retired")
    with pytest.raises(DomainError):
        services.request_make(
            actor=ds.users["villager_a1"],
            item=ds.pension,
            household=world.households["a1"],
            person=world.people["a1_head"],
        )
    catalogue.item_readmit(admin, ds.pension)
    ds.pension.refresh_from_db()
    assert ds.pension.retired_on is None and ds.pension.in_force(today)
    with pytest.raises(DomainError):
        catalogue.item_readmit(admin, ds.pension)


def test_reads_filter_by_level_category_and_text(ds, world):
    villager = ds.users["villager_a1"]
    everything = set(catalogue_selectors.items(villager))
    assert ds.pension in everything and ds.homestead in everything
    assert set(catalogue_selectors.items(villager, level=Level.TOWNSHIP)) == {ds.disability, ds.homestead}
    assert set(catalogue_selectors.items(villager, category=Category.HOUSING)) == {ds.homestead}
    assert list(catalogue_selectors.items(villager, text="宅基地")) == [ds.homestead]
    assert list(catalogue_selectors.items(villager, text="县残联")) == [ds.disability]
    # an agent without any doorstep role reads the catalogue of the county they serve
    assert ds.pension in catalogue_selectors.items(ds.users["grid_a1"])
    # someone with no doorstep action reads nothing
    assert not catalogue_selectors.items(ds.users["mediator"]).exists()
    groups = catalogue_selectors.guide(catalogue_selectors.items(villager))
    assert [g["level"] for g in groups] == [Level.VILLAGE, Level.TOWNSHIP]


def test_bundle_set_adds_and_changes_by_code(ds, world):
    admin = ds.users["county_admin"]
    bundle = catalogue.bundle_set(
        admin,
        world.county,
        "disabled_care",
        "残疾人服务一件事",
        "补贴和认证",
        [ds.disability.pk, ds.pension, ds.pension],
    )
    assert set(bundle.items.all()) == {ds.disability, ds.pension}
    changed = catalogue.bundle_set(admin, world.county, "disabled_care", "残疾人关爱一件事", "", [ds.disability], False)
    assert changed.pk == bundle.pk and not changed.active and list(changed.items.all()) == [ds.disability]
    assert AuditEvent.objects.filter(action=AuditAction.BUNDLE_SET).count() == 2
    before = _snapshot()
    for items in ([], [999999], ["x"]):
        with pytest.raises(DomainError):
            catalogue.bundle_set(admin, world.county, "other", "其他一件事", "", items)
    catalogue.item_retire(admin, ds.disability, timezone.localdate())
    before = _snapshot()
    with pytest.raises(DomainError):
        catalogue.bundle_set(admin, world.county, "other", "其他一件事", "", [ds.disability])
    assert _snapshot() == before
    # inactive bundles are shown to the administrator only
    assert bundle not in catalogue_selectors.bundles(ds.users["villager_a1"])
    assert bundle in catalogue_selectors.bundles(admin, status="all")


def test_certificate_kind_set(ds, world):
    admin = ds.users["county_admin"]
    kind = catalogue.certificate_kind_set(admin, world.county, "kinship", "亲属关系证明", "《民法典》第一千零四十五条")
    assert kind.admitted_on == timezone.localdate()
    before = _snapshot()
    with pytest.raises(DomainError):  # not a certificate the platform generates (no 奇葩证明)
        catalogue.certificate_kind_set(admin, world.county, "good_conduct", "无犯罪记录证明")
    with pytest.raises(DomainError):
        catalogue.certificate_kind_set(admin, world.county, "kinship", "亲属关系证明", "", "2026-01-10", "2026-01-09")
    with pytest.raises(DomainError):
        catalogue.certificate_kind_set(admin, world.county, "kinship", "")
    assert _snapshot() == before
    catalogue.certificate_kind_set(admin, world.county, "residence", "居住证明", "", "2020-01-01", "2021-01-01")
    ds.residence_kind.refresh_from_db()
    assert ds.residence_kind.retired_on == date(2021, 1, 1)
    assert ds.residence_kind not in catalogue_selectors.certificate_kinds(ds.users["villager_a1"])
    assert ds.residence_kind in catalogue_selectors.certificate_kinds(admin, status="all")


def test_the_default_catalogue_is_consistent():
    defaults.check()
    assert 35 <= len(defaults.all_items()) <= 45
    assert {k["code"] for k in defaults.CERTIFICATE_KINDS} == {
        "residence",
        "kinship",
        "household_members",
        "collective_member",
    }
    levels = {i["level"] for i in defaults.all_items()}
    assert levels == {Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY}


def test_installer_is_idempotent(world):
    county = world.county
    added = defaults.install(county, today=date(2020, 1, 1))
    assert added == {"certificate_kinds": 4, "items": len(defaults.all_items()), "bundles": len(defaults.BUNDLES)}
    again = defaults.install(county)
    assert again == {"certificate_kinds": 0, "items": 0, "bundles": 0}
    assert CertificateKind.objects.filter(county=county).count() == 4
    for kind in CertificateKind.objects.filter(county=county):
        item = Item.objects.get(county=county, certificate=kind)
        assert item.current.level == Level.VILLAGE and item.current.category == Category.CERTIFICATE
        assert item.current.time_limit_days == 1
    names = set(Bundle.objects.filter(county=county).values_list("name", flat=True))
    assert {"新生儿出生一件事", "老人身故一件事", "新建住房一件事"} <= names
    newborn = Bundle.objects.get(county=county, code="newborn")
    assert "birth_register" in set(newborn.items.values_list("code", flat=True))
    assert AuditEvent.objects.filter(action=AuditAction.CATALOGUE_INSTALL).count() == 1


def test_installer_leaves_what_the_county_has(ds, world):
    """The fixture's county already has a residence certificate and items: kept as they are, the rest added."""
    before = ds.residence_kind.name
    defaults.install(world.county, actor=ds.users["county_admin"], today=date(2020, 1, 1))
    ds.residence_kind.refresh_from_db()
    assert ds.residence_kind.name == before
    assert CertificateKind.objects.filter(county=world.county).count() == 4
    assert Bundle.objects.filter(county=world.county, code="newborn").get().pk == ds.newborn.pk
    with pytest.raises(NotFound):
        defaults.install(world.county, actor=ds.users["township_a"])


def test_a_bundle_of_the_default_catalogue_opens_each_item(world):
    from doorstep.models import Consent

    defaults.install(world.county, today=date(2020, 1, 1))
    cadre = world.users["cadre_a1"]
    bundle = Bundle.objects.get(county=world.county, code="elder_death")
    cases = services.bundle_make(
        actor=cadre,
        bundle=bundle,
        household=world.households["a1"],
        person=world.people["a1_wife"],
        consent=Consent.IN_PERSON,
    )
    assert len(cases) == bundle.items.count() and len({c.item_id for c in cases}) == len(cases)


def test_the_command_installs(world, capsys):
    call_command("install_service_catalogue", "--county", world.county.code, "--from", "2020-01-01")
    assert Item.objects.filter(county=world.county).count() == len(defaults.all_items())
    call_command("install_service_catalogue", "--county", world.county.code)
    assert Item.objects.filter(county=world.county).count() == len(defaults.all_items())
    assert "0 items" in capsys.readouterr().out
