"""The notice kind (registration, late_registration, exam_signup, certificate_collection, results, other).

Titles name the kind far more reliably than bodies (a sign-up notice also mentions
certificates, a collection notice also mentions registration), so the title decides
and the body is read only when the title is missing or damaged. Each kind is a row of keywords;
the rows are tried in order, so the more specific kinds come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class KindRule:
    """One kind and the words that signal it."""

    kind: str
    pattern: re.Pattern[str]


RULES = (
    KindRule("late_registration", re.compile(r"补登记|逾期登记|补办[^，。]{0,20}?登记|补充登记")),
    KindRule(
        "registration",
        re.compile(r"证书登记|再登记|定期登记|资格登记|登记工作|办理登记|登记的通知|登记通知"),
    ),
    KindRule(
        "certificate_collection",
        re.compile(
            r"证书[^，。]{0,6}?(?:领取|发放|邮寄|办理)|(?:领取|发放|邮寄|颁发)[^，。]{0,40}?证书|领证|发证|催领|补领"
        ),
    ),
    KindRule("results", re.compile(r"成绩|合格标准|合格人员|合格名单|通过人员")),
    # Fee standards, contact lists, yearly plans and policy texts concern everyone but call for no action.
    # News about work already done (报名工作圆满结束) asks nothing of anyone either.
    KindRule(
        "other",
        re.compile(
            r"收费标准|联系方式|考试计划|工作计划|管理办法|暂行规定|实施办法|圆满|顺利(?:结束|完成)|工作总结"
        ),
    ),
    KindRule("exam_signup", re.compile(r"报名|缴费|考务|报考|考试[^，。]{0,8}?(?:通知|公告|简章|须知)")),
)
# Titles shorter than this say too little (a damaged re-post: "通知"), so the body decides.
_MEANINGFUL_TITLE = 8


def classify(title: str, body: str) -> str:
    """Kind from the title; from the body's opening only when the title is missing or too short."""
    text = title if len(title) >= _MEANINGFUL_TITLE else f"{title}\n{body[:600]}"
    return next((rule.kind for rule in RULES if rule.pattern.search(text)), "other")
