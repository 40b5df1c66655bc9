"""Masking of personal data for display (个人信息保护法 Art. 34, 73).

``35**************23`` for an ID number, ``138****1234`` for a phone, the family name and a star
for a name on a public notice.
"""


def mask_id_number(value: str) -> str:
    value = (value or "").strip()
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_phone(value: str) -> str:
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧***; used on public pages."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    return value[0] + "*" * (len(value) - 1)
