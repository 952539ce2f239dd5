"""Chinese place names → (province, city): the one table of regions the project uses.

Notices say "天津市人事考试中心", subscribers type "天津市红桥区" or "广东省深圳市南山区"; matching
needs both reduced to the same short names (天津, 深圳) without an address library.
"""

from __future__ import annotations

import re

NATIONAL = "national"

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "兵团",
)  # fmt: skip

# Regions one subscriber may choose: a candidate choosing where to sit, a holder who moved.
# More is a mistake (or every province, which the national notices already cover).
MAX_REGIONS = 5

MUNICIPALITIES = frozenset({"北京", "天津", "上海", "重庆"})

# Cities that run their own personnel-exam office and post their own notices.
CITY_PROVINCE = {
    "深圳": "广东", "广州": "广东", "大连": "辽宁", "青岛": "山东", "宁波": "浙江", "厦门": "福建",
    "潍坊": "山东", "苏州": "江苏", "南京": "江苏", "杭州": "浙江", "成都": "四川", "武汉": "湖北",
    "西安": "陕西", "沈阳": "辽宁", "长沙": "湖南", "郑州": "河南", "济南": "山东", "哈尔滨": "黑龙江",
    "珠海": "广东", "汕头": "广东", "佛山": "广东", "东莞": "广东", "中山": "广东", "惠州": "广东",
    "江门": "广东", "湛江": "广东", "福州": "福建", "泉州": "福建", "温州": "浙江", "嘉兴": "浙江",
    "绍兴": "浙江", "金华": "浙江", "台州": "浙江", "无锡": "江苏", "常州": "江苏", "南通": "江苏",
    "徐州": "江苏", "扬州": "江苏", "盐城": "江苏", "烟台": "山东", "威海": "山东", "淄博": "山东",
    "临沂": "山东", "济宁": "山东", "长春": "吉林", "石家庄": "河北", "唐山": "河北", "太原": "山西",
    "洛阳": "河南", "宜昌": "湖北", "襄阳": "湖北", "南昌": "江西", "合肥": "安徽", "芜湖": "安徽",
    "绵阳": "四川", "贵阳": "贵州", "昆明": "云南", "兰州": "甘肃", "西宁": "青海", "银川": "宁夏",
    "乌鲁木齐": "新疆", "呼和浩特": "内蒙古", "包头": "内蒙古", "南宁": "广西", "柳州": "广西",
    "桂林": "广西", "海口": "海南", "三亚": "海南", "拉萨": "西藏",
}  # fmt: skip

# Cities whose own examining institution runs the 软考 for them (计划单列市: each has its own
# row in the national sign-up table): a notice of the province does not concern people there.
OWN_OFFICE_CITIES = {"大连": "辽宁", "宁波": "浙江", "厦门": "福建", "青岛": "山东", "深圳": "广东"}

# 新疆生产建设兵团 examines on its own, apart from 新疆: it is a region of its own, "兵团".
CORPS = "兵团"
_CORPS_NAMES = ("新疆生产建设兵团", "新疆兵团", "兵团")

_PROVINCE_SUFFIX = re.compile(r"^(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区|生产建设兵团)")
_CITY = re.compile(r"^([\u4e00-\u9fff]{2,4}?)(市|地区|自治州|盟)")


def cities_with_own_office(province: str) -> list[str]:
    """The cities of ``province`` that a provincial notice does not concern (辽宁 → [大连])."""
    return [city for city, of in OWN_OFFICE_CITIES.items() if of == province]


def office_region(name: str) -> str | None:
    """The region an examining institution serves: ``天津`` → 天津, ``大连`` → 大连, ``新疆兵团`` → 兵团.

    Names as the national sign-up table writes them (short place names); a city is its
    own region, the 兵团 is not 新疆. None for a name that is no known place.
    """
    text = "".join(name.split())
    if text.startswith(_CORPS_NAMES):
        return CORPS
    for place in sorted((*CITY_PROVINCE, *PROVINCES), key=len, reverse=True):
        if text.startswith(place):
            return place
    return None


def split_region(region: str | None) -> tuple[str, str]:
    """``天津市红桥区`` → ``("天津", "天津")``; ``广东省深圳市`` → ``("广东", "深圳")``; unknown → ``("", "")``.

    ``新疆生产建设兵团…`` → ``("兵团", "")``: the 兵团 is a region of its own. A municipality is its own city. ``national`` and empty input give empty parts, which
    matching reads as "no region": such a subscriber gets national notices only.
    """
    text = (region or "").strip().replace(" ", "")
    if not text or text == NATIONAL:
        return "", ""
    if text.startswith(_CORPS_NAMES):
        return CORPS, ""
    for city, province in CITY_PROVINCE.items():
        if text.startswith(city):
            return province, city
    province = next((p for p in sorted(PROVINCES, key=len, reverse=True) if text.startswith(p)), "")
    if not province:
        return "", ""
    if province in MUNICIPALITIES:
        return province, province
    rest = _PROVINCE_SUFFIX.sub("", text[len(province) :], count=1)
    m = _CITY.match(rest)
    return province, (m.group(1) if m else "")


def place_concerned(notice_region: str | None, province: str, city: str) -> bool:
    """Whether a notice of ``notice_region`` is for someone living at (``province``, ``city``).

    The rule ``store.matching.region_matches`` states in SQL, for the few places that need it
    in Python (a mail naming which of a subscriber's regions a notice is for): a national
    notice concerns everyone, a city's its city, a province's the province except its cities
    with an examining institution of their own.
    """
    if notice_region in (None, "", NATIONAL):
        return True
    if city == notice_region:
        return True
    return province == notice_region and city not in cities_with_own_office(notice_region)


def region_label(region: str | None) -> str:
    """What people read for a notice's region: 全国 for a national (or unknown) one, else the short name."""
    return "全国" if region in (None, "", NATIONAL) else region
