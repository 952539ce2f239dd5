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
    # Explainers and guides (报考指南, 考试简介, 证书有效期是多久?) ask nothing of anyone.
    KindRule(
        "other", re.compile(r"指南|简介|(?<!附)条件|有效期|吗|多久|\?|解读|问答|政策|顺利举行|正式开放")
    ),
    KindRule(
        "exam_signup",
        re.compile(r"报名|缴费|考务|报考|准考证|考试[^，。]{0,8}?(?:通知|公告|简章|须知)"),
    ),
)
# A title that says this keeps a notice a sign-up one even when its copy states no window
# (it was cut before its dates); other sign-up-like titles (考务工作, 有关工作) without a window
# ask nothing of a candidate and are ``other``.
_SIGNUP_TITLE = re.compile(r"报名|报考")
# Titles shorter than this say too little (a damaged re-post: "通知"), so the body decides.
_MEANINGFUL_TITLE = 8


def settle_kind(kind: str, title: str, has_windows: bool) -> str:
    """The kind once the windows are known: registration and sign-up notices are about a window,
    so without one they are ``other`` (a sign-up title that says 报名/报考 excepted)."""
    if has_windows or kind in ("certificate_collection", "results", "other"):
        return kind
    if kind == "exam_signup" and _SIGNUP_TITLE.search(title):
        return kind
    return "other"


def classify(title: str, body: str) -> str:
    """Kind from the title; from the body's opening only when the title is missing or too short."""
    text = title if len(title) >= _MEANINGFUL_TITLE else f"{title}\n{body[:600]}"
    return next((rule.kind for rule in RULES if rule.pattern.search(text)), "other")
