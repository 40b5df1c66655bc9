from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.masking import mask_id_number, mask_name, mask_phone
from core.validators import id_check_digit, normalize_phone, parse_id_number


def test_parse_id_number_reads_birth_date_and_gender():
    info = parse_id_number("11010519491231002X")  # the GB 11643 example, check digit X
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "F"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("11010519491231002", "17"),  # too short
        ("110105194912310021", "校验"),  # wrong check digit
        ("110105194902300025", "不存在"),  # 30 February
        ("11010520991231002X", "不合理"),  # born in the future
        ("1101051949123100AX", "17"),
    ],
)
def test_parse_id_number_refuses_bad_numbers_with_a_chinese_message(value, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_id_number(value, today=date(2026, 11, 22))


def test_lower_case_x_is_accepted():
    assert parse_id_number("11010519491231002x").number.endswith("X")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 999))
def test_any_number_with_its_check_digit_parses_back(birth, seq):
    first17 = f"510422{birth:%Y%m%d}{seq:03d}"
    info = parse_id_number(first17 + id_check_digit(first17), today=date(2026, 1, 1))
    assert info.birth_date == birth
    assert info.gender == ("M" if seq % 2 else "F")


def test_phone_normalisation():
    assert normalize_phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValueError, match="11"):
        normalize_phone("12800138000")


def test_masks():
    assert mask_id_number("350102199001011223") == "35**************23"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("欧阳小明") == "欧***"


def test_an_old_15_digit_id_number_is_refused_with_its_18_digit_form():
    """A 15-digit number (before 1999) is not "too short": the message says old numbers must be converted to 18
    digits, and gives the converted number (the GB 11643 example: 110105491231002 → 11010519491231002X)."""
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValueError) as refused:
        parse_id_number("110105491231002", today=date(2026, 11, 22))
    message = str(refused.value)
    assert "11010519491231002X" in message
    assert "18" in message and "15" in message
    with translation.override("en"), pytest.raises(ValueError, match="old 15-digit ID number"):
        parse_id_number("110105491231002")
    assert parse_id_number("11010519491231002X").birth_date == date(1949, 12, 31)  # the converted one is valid
