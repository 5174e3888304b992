"""Numbers on screen are formatted the Chinese way and keep the decimals the source gave."""

from __future__ import annotations

import pytest

from kiosk.core.numbers import count_up, format_number, magnitude


@pytest.mark.parametrize(("value", "decimals", "unit", "shown"), [
    (92.64, 2, "亿元", "92.64"),
    (92.6, 2, "亿元", "92.60"),
    (433.4, 1, "%", "433.4"),
    (432, 0, "万平方米", "432"),  # the unit already carries 万
    (4_320_000, 0, "平方米", "432万"),
    (9_264_000_000, 0, "元", "92.64亿"),
    (123_456_789, 0, "元", "1.23亿"),  # no thousands separators inside 亿 values
    (9999, 0, "家", "9999"),
    (0, 2, "%", "0.00"),
])
def test_chinese_format(value, decimals, unit, shown):
    assert format_number(value, decimals, magnitude(value, unit)) == shown


def test_count_up_keeps_decimals_and_ends_exactly():
    final = 92.64
    halfway = format_number(count_up(final, 0.4, 1.6), 2)
    assert len(halfway.split(".")[1]) == 2 and float(halfway) < final
    assert count_up(final, 0, 1.6) == 0
    assert format_number(count_up(final, 1.6, 1.6), 2) == "92.64"
    assert format_number(count_up(final, 99, 1.6), 2) == "92.64"


def test_count_up_magnitude_is_chosen_from_the_final_value():
    scale = magnitude(4_320_000, "平方米")
    assert format_number(count_up(4_320_000, 0.1, 1.6), 0, scale).endswith("万")
