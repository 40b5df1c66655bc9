"""The photos of a case's timeline are served only to the people who may see the case (404 to everyone else)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from casework.models import CaseAttachment
from incidents import services
from tests.incidents.support import INSIDE_A1, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(iw):
    incident, _created = services.incident_report(
        actor=iw.users["villager_a1"],
        matter=iw.pollution,  # county level: the environment department handles it, water co-handles
        description="河水发黑发臭",
        lat=INSIDE_A1[0],
        lng=INSIDE_A1[1],
        photos=[photo("river.png", size=(1200, 900))],
    )
    return incident


def urls(attachment):
    return (
        reverse("casework:attachment", args=[attachment.pk]),
        reverse("casework:attachment_thumb", args=[attachment.pk]),
    )


@pytest.mark.parametrize(
    "username", ["villager_a1", "grid_a1", "cadre_a1", "township_a", "county_official", "county_admin", "department"]
)
def test_who_may_see_the_case_gets_the_photo_and_its_thumbnail(iw, client, case, username):
    attachment = CaseAttachment.objects.get()
    full, thumb = urls(attachment)
    client.force_login(iw.users[username])
    response = client.get(full)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (1200, 900)
    response = client.get(thumb)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(b"".join(response.streaming_content))).size) <= 320


@pytest.mark.parametrize("username", ["cadre_b1", "mediator", "reviewer_a1"])
def test_anyone_else_is_told_the_photo_does_not_exist(iw, client, case, username):
    attachment = CaseAttachment.objects.get()
    client.force_login(iw.users[username])
    for url in urls(attachment):
        assert client.get(url).status_code == 404


def test_a_villager_does_not_see_someone_elses_photos(iw, client, case):
    other, _created = services.incident_report(
        actor=iw.users["grid_a1"],
        matter=iw.litter,
        description="垃圾",
        lat=INSIDE_A1[0],
        lng=INSIDE_A1[1],
        photos=[photo("other.png")],
    )
    theirs = CaseAttachment.objects.get(event__object_id=other.pk)
    client.force_login(iw.users["villager_a1"])
    for url in urls(theirs):
        assert client.get(url).status_code == 404


def test_missing_attachments_and_anonymous_visitors(iw, client, case):
    attachment = CaseAttachment.objects.get()
    for url in urls(attachment):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(iw.users["grid_a1"])
    assert client.get(reverse("casework:attachment", args=[attachment.pk + 999])).status_code == 404
    assert client.get(reverse("casework:attachment_thumb", args=[attachment.pk + 999])).status_code == 404


def test_a_department_loses_the_photos_once_it_hands_the_case_back(iw, client, case):
    attachment = CaseAttachment.objects.get()
    department = iw.users["department"]
    services.incident_step(actor=department, incident=case, step="hand_back", note="不归我们管")
    client.force_login(department)
    for url in urls(attachment):
        assert client.get(url).status_code == 404
