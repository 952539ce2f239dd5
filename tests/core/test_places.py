"""core.places: which region a subscriber's address and an examining institution reduce to."""

from __future__ import annotations

import pytest

from core.places import cities_with_own_office, office_region, split_region


@pytest.mark.parametrize(
    ("region", "parts"),
    [
        ("天津市红桥区", ("天津", "天津")),
        ("辽宁省大连市甘井子区", ("辽宁", "大连")),
        ("大连市", ("辽宁", "大连")),
        ("新疆生产建设兵团第八师石河子市", ("兵团", "")),
        ("新疆兵团", ("兵团", "")),
        ("新疆维吾尔自治区乌鲁木齐市", ("新疆", "乌鲁木齐")),
    ],
)
def test_split_region(region, parts):
    assert split_region(region) == parts


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("天津", "天津"),
        ("大连", "大连"),
        ("新疆兵团", "兵团"),
        ("新疆", "新疆"),
        ("内蒙古", "内蒙古"),
        ("黑龙江", "黑龙江"),
    ],
)
def test_office_region(name, region):
    assert office_region(name) == region


def test_an_unknown_office_has_no_region():
    assert office_region("火星") is None


@pytest.mark.parametrize(
    ("province", "cities"),
    [
        ("辽宁", ["大连"]),
        ("浙江", ["宁波"]),
        ("福建", ["厦门"]),
        ("山东", ["青岛"]),
        ("广东", ["深圳"]),
        ("天津", []),
    ],
)
def test_cities_with_their_own_examining_institution(province, cities):
    assert cities_with_own_office(province) == cities
