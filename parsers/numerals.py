"""Chinese numerals in dates and counts → int (二〇二四, 二0一二, 十二, 二十八, 三).

Older notices write years digit by digit (二〇二四, even 二0一二 with an ASCII zero)
and months/days with 十 (十二月二十八日). The forms are few, so a small explicit
converter is safer than a general one: anything else gives None, never a guess.
"""

from __future__ import annotations

DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "o": 0,
    "Ο": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
DIGITS.update({str(d): d for d in range(10)})
# Character classes for regexes that capture numbers written either way.
YEAR_CHARS = "0-9〇○零OoΟ一二三四五六七八九"
SMALL_CHARS = "0-9一二两三四五六七八九十"


def _digit(char: str) -> int | None:
    return DIGITS.get(char)


def to_int(token: str) -> int | None:
    """Value of ASCII digits, digit-by-digit Chinese (二〇二四) or a number below 100 with 十.

    Returns None for anything it cannot read exactly (empty, mixed forms, 百 …).
    """
    token = token.strip()
    if not token:
        return None
    if token.isascii():
        return int(token) if token.isdigit() else None
    if "十" in token:
        head, _, tail = token.partition("十")
        if len(head) > 1 or len(tail) > 1 or "十" in tail:
            return None
        tens = 1 if not head else _digit(head)
        units = 0 if not tail else _digit(tail)
        if tens is None or units is None or tens == 0:
            return None
        return tens * 10 + units
    value = 0
    for char in token:
        digit = _digit(char)
        if digit is None:
            return None
        value = value * 10 + digit
    return value


AMOUNT_CHARS = "零〇一二两三四五六七八九十百千"
_PLACES = {"十": 10, "百": 100, "千": 1000}


def amount_to_int(token: str) -> int | None:
    """A whole amount in Chinese numerals (三十, 一百二十, 两千零五十) → int; None if malformed."""
    total, digit, last_place = 0, None, 10_000
    for char in token:
        if char in _PLACES:
            place = _PLACES[char]
            if place >= last_place:
                return None
            total += (1 if digit is None else digit) * place
            digit, last_place = None, place
        elif char in DIGITS and not char.isascii():
            if digit is not None and DIGITS[char] != 0:
                return None  # two digits in a row (三五) is no amount
            digit = DIGITS[char] if DIGITS[char] else None
        else:
            return None
    return total + (digit or 0) if token else None
