import pytest
from django.db import DatabaseError, connection, transaction

from core.models import AppendOnlyError, AuditEvent
from registry import services


def test_every_registry_write_is_audited_with_before_after_and_address(world, login):
    client = login(world.users["cadre_a1"])
    household = world.households["a1"]
    response = client.post(
        f"/registry/households/{household.pk}/edit/",
        {"number": "0001", "grid": world.grid_a1.pk, "address": "安家村3组18号"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="registry.household.update")
    assert event.actor == world.users["cadre_a1"]
    assert event.ip_address == "10.1.2.3"
    assert event.before == {"address": ""}
    assert event.after == {"address": "安家村3组18号"}
    assert event.village_id == world.village_a1.pk


def test_audit_rows_cannot_be_changed_or_deleted_by_the_orm(world):
    services.household_update(actor=world.users["cadre_a1"], household=world.households["a1"], address="x")
    event = AuditEvent.objects.latest("id")
    event.note = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(note="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_audit_rows_cannot_be_changed_by_raw_sql(world):
    services.household_update(actor=world.users["cadre_a1"], household=world.households["a1"], address="x")
    event = AuditEvent.objects.latest("id")
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET note = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_admin_offers_no_way_to_edit_or_delete_audit(world, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="Root@pass2026")
    client.force_login(admin)
    services.household_update(actor=world.users["cadre_a1"], household=world.households["a1"], address="x")
    event = AuditEvent.objects.latest("id")
    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/core/auditevent/{event.pk}/change/", {"note": "x"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_page_shows_only_events_in_scope(world, login):
    services.household_update(actor=world.users["cadre_a1"], household=world.households["a1"], address="甲地址")
    services.household_update(actor=world.users["cadre_b1"], household=world.households["b1"], address="乙地址")
    page = login(world.users["cadre_b1"]).get("/audit/").content.decode()
    assert "乙地址" in page and "甲地址" not in page


def test_audit_api_is_read_only_and_scoped(world, client, api_token):
    services.household_update(actor=world.users["cadre_a1"], household=world.households["a1"], address="甲地址")
    headers = api_token(world.users["cadre_b1"])
    body = client.get("/api/audit", **headers).json()
    assert all(item["target_label"] != str(world.households["a1"]) for item in body["items"])
    assert client.delete("/api/audit", **headers).status_code == 405
    assert client.get("/api/audit", **api_token(world.users["grid_a1"])).status_code == 403
