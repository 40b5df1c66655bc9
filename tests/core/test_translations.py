"""The Simplified Chinese catalog is complete, well-formed and compiled.

The .po file is read with a small pure-Python parser (no polib, no msgfmt), so the check runs anywhere.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_PATH = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def msgctxt(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def msgstrs(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}

    def __str__(self) -> str:
        ctx = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {ctx}{self.msgid!r}"


def _unquote(token: str) -> str:
    return ast.literal_eval(token)


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    last_key: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, last_key = None, None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#~"):
            current.obsolete = True
            continue
        if line.startswith("#,"):
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        match = KEYWORD.match(line)
        if match:
            last_key = match.group(1)
            current.fields[last_key] = _unquote(match.group(2))
        elif line.startswith('"') and last_key is not None:
            current.fields[last_key] += _unquote(line)
        else:
            raise AssertionError(f"Unparsable line {number} in {PO_PATH.name}: {raw!r}")
    return [e for e in entries if e.fields or e.flags]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing"
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if not e.is_header and not e.obsolete]


def test_catalog_has_messages(messages):
    assert len(messages) > 100


def test_header_declares_chinese_plural_rule(entries):
    header = next(e for e in entries if e.is_header)
    assert "Plural-Forms: nplurals=1; plural=0;" in header.fields["msgstr"]
    assert "charset=UTF-8" in header.fields["msgstr"]


def test_every_message_is_translated(messages):
    untranslated = [str(e) for e in messages if not e.msgstrs or any(not v.strip() for v in e.msgstrs.values())]
    assert not untranslated, "Untranslated entries (run makemessages and fill them in):\n" + "\n".join(untranslated)


def test_no_fuzzy_entries(entries):
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, "Fuzzy entries (check the translation, then remove the flag):\n" + "\n".join(fuzzy)


def test_plural_entries_have_exactly_one_form(messages):
    wrong = [str(e) for e in messages if "msgid_plural" in e.fields and set(e.msgstrs) != {"msgstr[0]"}]
    assert not wrong, "Chinese has one plural form; keep only msgstr[0]:\n" + "\n".join(wrong)


def test_placeholders_are_kept(messages):
    wrong = []
    for e in messages:
        expected = set(PLACEHOLDER.findall(e.msgid))
        for value in e.msgstrs.values():
            if set(PLACEHOLDER.findall(value)) != expected:
                wrong.append(f"{e} -> {value!r}")
    assert not wrong, "Placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_compiled_catalog_matches_po(messages):
    """The .mo Django loads says what the .po says (run compilemessages after editing the .po)."""
    stale = []
    with translation.override("zh-hans"):
        for e in messages:
            if "msgid_plural" in e.fields:
                got = translation.ngettext(e.msgid, e.fields["msgid_plural"], 2)
            elif e.msgctxt is not None:
                got = translation.pgettext(e.msgctxt, e.msgid)
            else:
                got = translation.gettext(e.msgid)
            if got != e.msgstrs.get("msgstr", e.msgstrs.get("msgstr[0]")):
                stale.append(f"{e} -> {got!r}")
    assert not stale, "django.mo is out of date; run `manage.py compilemessages`:\n" + "\n".join(stale)


def test_site_title_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Village Governance Platform") == "乡村治理数字平台"


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Wrong username/phone or password.", "用户名/手机号或密码错误。"),
        ("The check digit of the ID number is wrong.", "身份证号校验位错误。"),
        ("Household number %(number)s already exists in this village.", "本村已存在户号 %(number)s。"),
        ("Grid worker", "网格员"),
        ("Sign out", "退出登录"),
    ],
)
def test_domain_terms(msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected


def test_plural_uses_the_single_chinese_form():
    with translation.override("zh-hans"):
        for n in (1, 2, 5):
            assert translation.ngettext("%(n)s household", "%(n)s households", n) % {"n": n} == f"共 {n} 户"


def test_a_phone_set_to_english_still_gets_chinese(client, world):
    client.force_login(world.users["cadre_a1"])
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "首页" in page and ">Home<" not in page
