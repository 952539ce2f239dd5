"""The notice kind (registration, late_registration, exam_signup, certificate_collection, results, other).

Titles name the kind far more reliably than bodies (a sign-up notice also mentions
certificates, a collection notice also mentions registration), so the title is read
first and the body only when the title says nothing. Each kind is a row of keywords;
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
    KindRule("late_registration", re.compile(r"补登记|逾期登记|补办登记|补充登记")),
    KindRule(
        "registration", re.compile(r"证书登记|再登记|定期登记|资格登记|登记工作|办理登记|登记的通知|登记通知")
    ),
    KindRule(
        "certificate_collection",
        re.compile(
            r"证书(?:的)?(?:领取|发放|邮寄|办理)|(?:领取|发放|邮寄|颁发|领)(?:[^，。]{0,20})?证书|领证|发证"
        ),
    ),
    KindRule("results", re.compile(r"成绩|合格标准|合格人员|合格名单|通过人员")),
    KindRule("exam_signup", re.compile(r"报名|缴费|考务|报考|考试(?:的)?(?:通知|公告|简章)")),
)


def classify(title: str, body: str) -> str:
    """Kind from the title, else from the body's first lines; ``other`` when neither says."""
    for text in (title, body[:600]):
        for rule in RULES:
            if rule.pattern.search(text):
                return rule.kind
    return "other"
