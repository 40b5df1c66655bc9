"""入户走访 through the API: record (a future date 422, a household out of reach 404, nothing written), the due
list, a household's visits, the follow-up link, frequencies and the board."""

from datetime import timedelta

from django.utils import timezone

from visits.models import Frequency, Visit


def _post(client, url, data, auth):
    return client.post(url, data, content_type="application/json", **auth)


def test_record_and_read_through_the_api(world, client, api_token, rules):
    auth = api_token(world.users["grid_a1"])
    due = client.get("/api/visits/due", **auth).json()
    assert [r["household"] for r in due] == ["0001"] and due[0]["state"] in ("due", "overdue")
    today = timezone.localdate().isoformat()
    body = {
        "household": world.households["a1"].pk,
        "visited_on": today,
        "found": "邻里纠纷，需调解",
        "follow_up": "dispute",
    }
    created = _post(client, "/api/visits/visits", body, auth)
    assert created.status_code == 201, created.content
    visit = created.json()
    assert visit["problem"] and visit["follow_up"] == "dispute"
    assert client.get("/api/visits/due", **auth).json() == []
    linked = _post(client, f"/api/visits/visits/{visit['id']}/follow-up", {"reference": "TJ-2026-0001"}, auth)
    assert linked.status_code == 200 and linked.json()["reference"] == "TJ-2026-0001"
    history = client.get(f"/api/visits/households/{world.households['a1'].pk}/visits", **auth).json()
    assert [h["id"] for h in history] == [visit["id"]]


def test_refusals_through_the_api_write_nothing(world, client, api_token, rules):
    auth = api_token(world.users["grid_a1"])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = _post(
        client, "/api/visits/visits", {"household": world.households["a1"].pk, "visited_on": future, "found": "x"}, auth
    )
    assert refused.status_code == 422 and "visited_on" in str(refused.json())
    stranger = _post(
        client,
        "/api/visits/visits",
        {"household": world.households["b1"].pk, "visited_on": timezone.localdate().isoformat(), "found": "x"},
        auth,
    )
    assert stranger.status_code == 404
    assert client.get(f"/api/visits/households/{world.households['b1'].pk}/visits", **auth).status_code == 404
    assert client.get("/api/visits/board", **auth).status_code == 403
    assert not Visit.objects.exists()
    official = api_token(world.users["county_official"])
    setting = _post(
        client,
        "/api/visits/frequencies",
        {"county": world.county.pk, "tag": world.tags["dibao"].pk, "period": "month"},
        official,
    )
    assert setting.status_code == 404 and Frequency.objects.count() == 2


def test_frequencies_and_board_through_the_api(world, client, api_token, rules):
    admin = api_token(world.users["county_admin"])
    created = _post(
        client,
        "/api/visits/frequencies",
        {"county": world.county.pk, "tag": world.tags["tekun"].pk, "period": "quarter", "since": "2026-01-01"},
        admin,
    )
    assert created.status_code == 201 and created.json()["period"] == "quarter"
    assert len(client.get("/api/visits/frequencies", **admin).json()) == 3
    township = api_token(world.users["township_a"])
    board = client.get("/api/visits/board", **township).json()
    assert {r["village"] for r in board} == {"安家村"}
    assert sum(r["overdue"] for r in board) >= 1
    overdue = client.get("/api/visits/overdue", **township).json()
    assert "0002" in {r["household"] for r in overdue}


def test_a_visit_with_photos_through_the_multipart_form(world, client, api_token, rules, settings, tmp_path):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    out = BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(out, "JPEG")
    auth = api_token(world.users["grid_a1"])
    data = {
        "household": str(world.households["a1"].pk),
        "visited_on": timezone.localdate().isoformat(),
        "found": "拍照留存",
        "photos": [SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg")],
    }
    created = client.post("/api/visits/visits/upload", data, **auth)
    assert created.status_code == 201, created.content
    assert created.json()["photos"] == 1
    bad = client.post("/api/visits/visits/upload", {**data, "household": "abc", "photos": []}, **auth)
    assert bad.status_code == 404 and Visit.objects.count() == 1
