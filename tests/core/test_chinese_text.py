"""Chinese text as people write it: full-width colons, one way of writing a range of days, no pointers to the
developers' documentation on a user's page, and no promise of an app that does not exist."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from core.formats import date_range

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _ascii_colons_in_chinese_text(source: str) -> list[str]:
    """ASCII colons a template writes itself next to its output or to Chinese text (``{{ label }}: {{ value }}``),
    outside the strings it translates (the catalogue writes those), tags, styles and scripts."""
    text = re.sub(r"\{% *blocktranslate.*?endblocktranslate *%\}", lambda m: "§" * len(m[0]), source, flags=re.S)
    text = re.sub(r"\{% *translate .*?%\}", lambda m: "}}" + " " * (len(m[0]) - 2), text)
    text = re.sub(
        r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<style.*?</style>|<script.*?</script>",
        lambda m: " " * len(m[0]),
        text,
        flags=re.S,
    )
    text = re.sub(r"<[^>]*>", lambda m: " " * len(m[0]), text)
    found = re.finditer(r"(\}\}|%\}|[\u4e00-\u9fff）])\s*:", text)
    return [source[max(0, m.start() - 30) : m.end() + 20] for m in found]


def test_templates_write_full_width_colons_in_chinese_text():
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        hits = _ascii_colons_in_chinese_text(path.read_text())
        if hits:
            found[str(path.relative_to(TEMPLATES))] = hits
    assert not found, f"ASCII colons in Chinese text (write “：”): {found}"


def test_the_colon_check_sees_a_label_and_its_value():
    assert _ascii_colons_in_chinese_text("<div>{{ label }}: {{ value }}</div><p>事项: 低保</p>")
    assert not _ascii_colons_in_chinese_text(
        '<a href="https://x">{% translate "Note:" %}</a>{{ label }}：{{ value }}<style>a { color: red }</style>'
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 12, 6), date(2026, 12, 6), "2026-12-06"),
        (date(2026, 12, 6), date(2026, 12, 8), "2026-12-06 至 2026-12-08"),
        (date(2026, 12, 6), None, "2026-12-06"),
    ],
)
def test_a_range_of_days_is_one_date_when_it_is_one_day(start, end, expected):
    with translation.override("zh-hans"):
        assert date_range(start, end) == expected


def test_a_notice_of_one_day_shows_one_date(db):
    from transparency.models import Notice
    from transparency.views import period_text

    with translation.override("zh-hans"):
        assert period_text(Notice(period_start=date(2026, 12, 6), period_end=date(2026, 12, 6))) == "2026-12-06"


def test_the_kpi_and_assessment_pages_explain_their_figures_without_developer_docs():
    from incidents.kpi import DEFAULT_POLICY

    for template, context in (
        ("incidents/kpi_definitions.html", {}),
        ("incidents/assessment_definitions.html", {"policy": DEFAULT_POLICY}),
    ):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                html = render_to_string(template, context)
            assert not re.search(r"docs/|\.md\b", html), (template, language)
    for path in sorted(TEMPLATES.rglob("*.html")):
        assert not re.search(r"docs/\w+\.md", path.read_text()), path


def test_the_public_board_says_how_a_villager_really_asks(db):
    """There is no app: a villager signs in to the platform and asks on the notice's page, or asks at the office."""
    from django.test import Client

    from tests.factories import build_world

    world = build_world()
    for language in ("zh-hans", "en"):
        page = Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/public/{world.village_a1.code}/notices/")
        assert page.status_code == 200, page.status_code
        text = page.content.decode()
        assert "App" not in text and "platform's app" not in text
        assert "sign in to this platform" in text or "登录本平台" in text
