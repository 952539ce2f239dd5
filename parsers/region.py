"""The region a notice applies to: ``national`` or a short province/city name (天津, 广东, 深圳).

Read from the title, then from the issuer (信息来源 lines, the signature). Names are
normalised without 省/市/自治区 suffixes, and a district (天津市红桥区) gives its city.
"""

from __future__ import annotations

import re

PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
)
# Cities with their own exam offices; a city wins over its province (深圳, not 广东).
CITIES = (
    "深圳",
    "广州",
    "珠海",
    "汕头",
    "佛山",
    "东莞",
    "中山",
    "惠州",
    "江门",
    "湛江",
    "厦门",
    "福州",
    "泉州",
    "宁波",
    "杭州",
    "温州",
    "嘉兴",
    "绍兴",
    "金华",
    "台州",
    "南京",
    "苏州",
    "无锡",
    "常州",
    "南通",
    "徐州",
    "扬州",
    "盐城",
    "青岛",
    "济南",
    "烟台",
    "潍坊",
    "威海",
    "淄博",
    "临沂",
    "济宁",
    "大连",
    "沈阳",
    "长春",
    "哈尔滨",
    "石家庄",
    "唐山",
    "太原",
    "郑州",
    "洛阳",
    "武汉",
    "宜昌",
    "襄阳",
    "长沙",
    "南昌",
    "合肥",
    "芜湖",
    "成都",
    "绵阳",
    "贵阳",
    "昆明",
    "西安",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "呼和浩特",
    "包头",
    "南宁",
    "柳州",
    "桂林",
    "海口",
    "三亚",
    "拉萨",
)
_ALIASES = {"新疆生产建设兵团": "新疆兵团", "兵团": "新疆兵团"}
_NAMES = re.compile("|".join(sorted((*PROVINCES, *CITIES, *_ALIASES), key=len, reverse=True)))
_ISSUER = re.compile(r"(?:信息来源|来源|发布单位|发布机构|发文机关)\s*[:：]\s*(\S{2,40})")
_ISSUER_LINE = re.compile(r"(?:局|院|中心|厅|办公室|委员会|委|站|办|网)\s*$")


def _place(text: str) -> str | None:
    """The most local place named: a city before a province (广东省…深圳市… → 深圳)."""
    names = [_ALIASES.get(match.group(), match.group()) for match in _NAMES.finditer(text)]
    return next((name for name in names if name in CITIES), names[0] if names else None)


def find_region(title: str, meta: str, body: str) -> str:
    """Region from the title, the page's metadata (source lines, ``<title>`` site name), the issuer
    lines at the top of the body, then the signature at the end; else ``national``."""
    for text in (title, meta):
        if (place := _place(text)) is not None:
            return place
    for issuer in _ISSUER.finditer(body[:400]):
        if (place := _place(issuer.group(1))) is not None:
            return place
    tail = [line for line in body.splitlines()[-4:] if len(line) <= 40]
    for line in reversed(tail):
        if _ISSUER_LINE.search(line):
            return _place(line) or "national"
    return "national"
