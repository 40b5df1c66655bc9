"""积分公示: public pages without login, masked names only, frozen snapshots, the print view, the API and the
scheduled publication command."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import formats, timezone, translation

from points import services
from points import standings as calc
from points.models import LedgerEntry, ListKind, ListMethod, Mentorship, Publication, RuleItem
from points.public_views import notice_title
from points.subjects import subject_of

VILLAGE_CODE = "510422001001"


def _record(world, scheme, code, household="a1", actor="grid_a1", day=None, evidence=None):
    item = RuleItem.objects.get(rulebook__scheme=scheme, code=code)
    claim = services.claim_record(
        actor=world.users[actor],
        scheme=scheme,
        subject=subject_of(world.households[household]),
        item=item,
        occurred_on=day,
        evidence=evidence,
    )
    services.claims_review(actor=world.users["reviewer_a1"], claim_ids=[claim.pk], approve=True)
    return LedgerEntry.objects.get(claim=claim)


@pytest.fixture
def published(world, scheme, today, photo):
    """王建国户 scores 13 (5 stars, red list); 李秀英户 scores 5 (black list); the quarter is published."""
    cadre = world.users["cadre_a1"]
    for code in ("2.1", "2.3"):
        _record(world, scheme, code, day=today)
    _record(world, scheme, "2.3", day=today - timedelta(days=1) if today.day > 1 else today)
    _record(world, scheme, "N1", household="a1b", actor="cadre_a1", day=today, evidence=photo())
    consequence = services.consequence_save(
        actor=world.users["county_admin"], county=world.county, name="黑榜公示", forbidden=False
    )
    services.list_rule_save(
        actor=cadre, scheme=scheme, kind=ListKind.RED, method=ListMethod.TOP_SHARE, value=10, consequences=[]
    )
    services.list_rule_save(
        actor=cadre,
        scheme=scheme,
        kind=ListKind.BLACK,
        method=ListMethod.BELOW,
        value=10,
        consequences=[consequence],
        consequence_text="村干部一对一帮扶",
        duration_quarters=2,
    )
    quarter = calc.quarter_of(today)
    services.quarter_signoff(actor=cadre, scheme=scheme, year=today.year, quarter=quarter)
    return services.quarter_publish(actor=cadre, scheme=scheme, year=today.year, quarter=quarter)


def _assert_nothing_personal(world, text):
    for person in world.people.values():
        if person.village_id != world.village_a1.pk:
            continue
        assert person.name not in text
        assert person.id_number not in text and person.id_number_masked not in text
        assert person.phone not in text and person.phone_masked not in text
    for tag in world.tags.values():
        assert f">{tag.name}<" not in text


def test_village_page_needs_no_login_and_shows_masked_names_only(client, world, published):
    response = client.get(f"/points/public/{VILLAGE_CODE}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "王**户" in text and "李**户" in text
    assert "王建国" not in text and "李秀英" not in text
    _assert_nothing_personal(world, text)
    assert "★5" in text  # 13 points: the 5-star level
    assert "13" in text and "黑榜公示" in text and "村干部一对一帮扶" in text
    assert world.grid_a1.name in text
    assert response["X-Robots-Tag"].startswith("noindex")


def test_publication_page_shows_the_frozen_snapshot_after_a_correction(client, world, scheme, published, today):
    entry = LedgerEntry.objects.filter(scheme=scheme, household=world.households["a1"]).first()
    reversal = services.entry_reverse(actor=world.users["reviewer_a1"], entry=entry, reason="记录有误")
    quarter = calc.quarter_of(today)
    # the quarter is signed off and published: the correction counts from the first day after it ...
    assert reversal.occurred_on == calc.period_bounds(today.year, quarter)[1] + timedelta(days=1)
    live = {s.label: s.score for s in calc.standings(scheme, today.year, quarter)}
    assert live["王建国户"] == Decimal("13")  # ... so the live quarter still says what was posted
    response = client.get(f"/points/public/publication/{published.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    published.refresh_from_db()
    assert published.snapshot["rows"][0]["score"] == "13.00"  # ... the notice did not
    assert '<td class="num">13</td>' in text and '<td class="num">12</td>' not in text
    assert "王**户" in text and "王建国" not in text


def test_print_view_is_laid_out_for_a4_with_title_date_and_seal(client, world, published):
    with translation.override("zh-hans"):
        title = notice_title("安家村", "文明户积分", published.year, published.quarter)
        posted = formats.date_format(timezone.localtime(published.published_at).date(), "DATE_FORMAT")
    for url in (
        f"/points/public/publication/{published.pk}/print/",
        f"/points/public/publication/{published.pk}/?print=1",
    ):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "size: A4" in text and title in text and posted in text
        assert 'class="seal"' in text
        assert "王**户" in text and "王建国" not in text
        assert 'class="topbar"' not in text  # a sheet of its own, no site navigation


def test_unknown_village_and_publication_answer_404(client, world, published):
    assert client.get("/points/public/999999999999/").status_code == 404
    assert client.get("/points/public/510422001/").status_code == 404  # a township, not a village
    assert client.get(f"/points/public/publication/{published.pk + 1000}/").status_code == 404
    assert client.get(f"/points/public/publication/{published.pk + 1000}/print/").status_code == 404
    assert client.get("/api/points/public/999999999999/publications").status_code == 404


def test_village_without_notices_says_so(client, world):
    response = client.get("/points/public/510422001002/")
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert translation.gettext("No points notice has been posted yet.") in response.content.decode()


def test_earlier_notices_are_listed_latest_first(client, world, scheme, published):
    older = Publication.objects.create(scheme=scheme, year=published.year - 1, quarter=4, snapshot=published.snapshot)
    response = client.get(f"/points/public/{VILLAGE_CODE}/")
    text = response.content.decode()
    assert f"/points/public/publication/{older.pk}/" in text
    assert text.index(f'id="notice-{published.pk}"') < text.index(f"/points/public/publication/{older.pk}/")


def test_api_returns_masked_snapshots_without_login(client, world, published):
    response = client.get(f"/api/points/public/{VILLAGE_CODE}/publications")
    assert response.status_code == 200, response.content
    data = response.json()
    assert [p["id"] for p in data] == [published.pk]
    snapshot = data[0]["snapshot"]
    assert data[0]["village"] == "安家村" and data[0]["scheme"] == "文明户积分"
    assert {r["name"] for r in snapshot["rows"]} == {"王**户", "李**户"}
    assert snapshot["lists"]["black"]["names"] == ["李**户"]
    assert "王建国" not in response.content.decode("utf-8") and "_black_keys" not in snapshot
    _assert_nothing_personal(world, response.content.decode("utf-8"))


def test_snapshot_extra_keys_never_reach_the_page(client, world, published):
    snapshot = dict(published.snapshot)
    snapshot["rows"] = [dict(r, id_number="510422198005170011", phone="13800000001") for r in snapshot["rows"]]
    Publication.objects.filter(pk=published.pk).update(snapshot=snapshot)
    text = client.get(f"/points/public/publication/{published.pk}/").content.decode()
    assert "510422198005170011" not in text and "13800000001" not in text
    api = client.get(f"/api/points/public/{VILLAGE_CODE}/publications").content.decode()
    assert "510422198005170011" not in api and "13800000001" not in api


# -- the scheduled publication ----------------------------------------------------------------------


def test_publish_points_command_publishes_on_the_day(world, scheme, item, today):
    _record(world, scheme, item.code, day=today)
    quarter = calc.quarter_of(today)
    services.quarter_signoff(actor=world.users["cadre_a1"], scheme=scheme, year=today.year, quarter=quarter)
    day = calc.publication_day(scheme, today.year, quarter)

    out = StringIO()
    call_command("publish_points", "--date", (day - timedelta(days=1)).isoformat(), stdout=out)
    assert not Publication.objects.exists()
    assert (day - timedelta(days=1)).isoformat() in out.getvalue()

    out = StringIO()
    call_command("publish_points", "--date", day.isoformat(), stdout=out)
    publication = Publication.objects.get()
    assert (publication.year, publication.quarter, publication.published_by) == (today.year, quarter, None)
    assert "文明户积分" in out.getvalue() and "安家村" in out.getvalue()
    assert {r["name"] for r in publication.snapshot["rows"]} == {"王**户", "李**户"}

    out = StringIO()
    call_command("publish_points", "--date", day.isoformat(), stdout=out)
    assert Publication.objects.count() == 1  # published once
    assert "文明户积分" not in out.getvalue()


def test_publish_points_command_without_date_uses_today(world, scheme):
    out = StringIO()
    call_command("publish_points", stdout=out)
    assert not Publication.objects.exists() and not Mentorship.objects.exists()
    assert out.getvalue().strip()


def test_publish_points_command_refuses_a_bad_date(world):
    with pytest.raises(CommandError):
        call_command("publish_points", "--date", "2026-13-45", stdout=StringIO())


def test_the_public_notice_is_paginated_and_a_household_finds_its_row_by_its_number(client, world, scheme):
    """Among masked names a villager finds their own row by 户号; 250 rows come 50 to a page (the print keeps all)."""
    from tests.factories import make_household

    for n in range(3, 121):
        make_household(world.village_a1, f"{n:04d}", world.grid_a1b, head=f"张{n}")
    today = timezone.localdate()
    quarter = calc.quarter_of(today)
    _record(world, scheme, "2.1", day=today)
    services.quarter_signoff(actor=world.users["cadre_a1"], scheme=scheme, year=today.year, quarter=quarter)
    publication = services.quarter_publish(
        actor=world.users["cadre_a1"], scheme=scheme, year=today.year, quarter=quarter
    )
    url = f"/points/public/publication/{publication.pk}/"
    first = client.get(url).content.decode()
    assert first.count("<tr class=") == 50 and "?page=2" in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count("<tr class=") == 20
    found = client.get(url, {"number": "0001"}).content.decode()
    assert found.count("<tr class=") == 1 and "王**户" in found and "0001" in found
    assert client.get(url, {"number": "1"}).content.decode().count("<tr class=") == 1  # leading zeros optional
    missing = client.get(url, {"number": "9999"})
    assert missing.status_code == 200 and missing.content.decode().count("<tr class=") == 0
    printed = client.get(f"{url}print/").content.decode()
    assert printed.count("<tr") - printed.count("<thead><tr>") == 120  # every household on the sheets
    # the village board shows the first page and the way to the rest
    board = client.get(f"/points/public/{VILLAGE_CODE}/").content.decode()
    assert board.count("<tr class=") == 50 and f'href="{url}"' in board
    # the API keeps only what the notice shows: no household numbers
    api = client.get(f"/api/points/public/{VILLAGE_CODE}/publications").json()
    assert all("number" not in row for row in api[0]["snapshot"]["rows"])
