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


# Explainers, news, guesses and rules ask nothing of anyone, even when they name a kind's words
# (证书领取时间预计…, 成绩什么时候出, 报考指南之证书有效期, 考试取消的通知, 报名工作圆满结束).
# A re-poster's 摘要: lead-in is one, unless it reports that an office published a notice
# (摘要:湖南省…办公室发布了2018年上半年…报考工作实施细则): then it names that notice. A notice's own
# "…的通知(摘要)" is the notice, abridged.
_EXPLAINER = re.compile(
    r"预计|左右|吗|\?|什么时候|多久|(?<!\()摘要(?![^。]{0,30}?(?:发布|印发|公布)了)|如何|怎么|在哪|是什么|知晓|说明|指南|简介|解读|问答|有效期|政策"
    r"|报(?:考|名)条件|及方式|流程|顺利举行|正式开放|圆满|顺利(?:结束|完成)|工作总结"
    r"|联系方式|考试计划|工作计划|管理办法|暂行规定|实施办法"
    # Questions and study advice in other words (…需要带什么, 有哪些, 备考攻略). A round-up of dates
    # (…重点时间汇总) or a page headed by the fee (…收费标准(每人每科68元)) is an account that may state
    # windows itself, so its windows decide (a fee-standard document states none and stays other).
    r"|什么|哪些|多少|为何|攻略|备考|技巧|经验|科普"
)
# A cancelled exam asks for no sign-up, but its refund window is still one; so does a refund notice.
_CANCELLED = re.compile(r"停考|取消|退费|退款")
RULES = (
    KindRule("other", _EXPLAINER),
    KindRule("other", _CANCELLED),
    KindRule("late_registration", re.compile(r"补登记|逾期登记|补办[^，。]{0,20}?登记|补充登记")),
    KindRule(
        "registration",
        re.compile(r"证书登记|再登记|定期登记|资格登记|登记工作|办理登记|登记的通知|登记通知"),
    ),
    KindRule(
        "certificate_collection",
        re.compile(
            r"证书[^，。]{0,6}?(?:领取|发放|邮寄|办理|申领|快递)|(?:领取|发放|邮寄|颁发|办理|申领|补发)[^，。]{0,40}?证书"
            r"|领证|发证|催领|补领"
        ),
    ),
    KindRule("results", re.compile(r"成绩|合格标准|合格人员|合格名单|通过人员")),
    KindRule(
        "exam_signup",
        re.compile(r"报名|缴费|考务|报考|网报|准考证|考试[^，。]{0,8}?(?:通知|公告|简章|须知)"),
    ),
)
# A title that says this (报名, 报考, a 考试简章: the sign-up brochure) keeps a notice a sign-up one
# even when its copy states no window (it was cut before its dates); other sign-up-like titles
# (考务工作, 有关工作) without a window ask nothing of a candidate and are ``other``.
_SIGNUP_TITLE = re.compile(r"报名|报考|网报|简章")
# A first line that is a sentence of the body (凡…均可报名参加…考试。), not a title: its 报名 announces nothing.
_A_SENTENCE = re.compile(r"[，,][^。]*。\s*$")
# Titles shorter than this say too little (a damaged re-post: "通知"), and a first line that is a
# list item, a source line or the body's opening is no title at all: then the windows decide.
_MEANINGFUL_TITLE = 8
# A document number on its own line (甘人通[2009]24号) is no title either.
_NOT_A_TITLE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|\d+\s*[、.]|\(?来源|根据|各)"
    r"|^[^\d，,。]{1,12}\[\s*\d{4}\s*\]\s*\d{1,4}\s*号\s*$"
    # nor is the issuer's name alone (福建省…考试办公室 over the body; no 的, no site suffix _…网).
    r"|^[^\d，,。:;的_|\-—]{4,30}(?:办公室|考试中心|考试院|人事考试网|人事局|人事厅|保障局|保障厅|委员会)\s*$"
)
# The kind a window's action belongs to, most actionable first.
_WINDOW_KINDS = (
    ("certificate_collection", ("领取", "邮寄申请")),
    ("registration", ("登记",)),
    ("exam_signup", ("报名", "缴费", "资格审核", "现场确认", "准考证打印", "电子发票打印", "退费申请")),
    ("results", ("成绩查询", "成绩复查")),
)


# 根据…发布的《2022年下半年…报考简章》,2022下半年辽宁软考报考须知如下: a re-poster's first line that
# quotes a notice and says what it gives from it.
_GIVES_FROM_QUOTE = re.compile(r"》[^，,《》]{0,12}[，,]\s*([^《》，,。]{8,60}?)如下")


# 现将我省2017年下半年…考试考务工作有关问题通知如下: the notice says what it is about in its own words.
_SUBJECT = re.compile(r"现\s*[将就]\s*([^。;:《》]{2,90}?)\s*(?:通知|公告|公布|说明)如下")


def named_title(title: str, opening: str = "") -> str:
    """The title to read: a first line that is no title (根据《…》…，…如下) is read by what it says it
    gives (…报考须知如下 is a sign-up notice, …考点设置如下 is not), like a headline; else by the
    subject the body's ``opening`` gives itself (现将…有关事项通知如下), when a copy lost its title."""
    if not _NOT_A_TITLE.search(title):
        return title
    gives = _GIVES_FROM_QUOTE.search(title) or _SUBJECT.search(opening)
    return gives.group(1) if gives else title


def is_explainer(title: str) -> bool:
    """True for explainers, news and guesses: any dates they give (往年的成绩查询时间…) are no
    window for a candidate."""
    return _EXPLAINER.search(title) is not None


def _by_windows(labels: list[str]) -> str | None:
    return next((kind for kind, names in _WINDOW_KINDS if any(label in names for label in labels)), None)


def _title_kind(title: str) -> str | None:
    return next((rule.kind for rule in RULES if rule.pattern.search(title)), None)


def settle_kind(kind: str, title: str, labels: list[str]) -> str:
    """The kind once the windows' labels are known.

    Registration and sign-up notices are about a window, so without one they are ``other``
    (a sign-up title that says 报名/报考 excepted: its copy may be cut before the dates). When
    the title says nothing usable (missing, a list item, no kind's words), the windows decide.
    """
    if _CANCELLED.search(title) and not _SIGNUP_TITLE.search(title):
        return "other"  # a cancelled exam: its refund window asks for no sign-up
    titled = is_titled(title)
    by_windows = _by_windows(labels)
    if by_windows is not None and (not titled or _title_kind(title) is None):
        return by_windows
    if kind == "other" and by_windows is not None and _SIGNUP_TITLE.search(title):
        return "exam_signup"  # news that states the sign-up windows itself
    if labels or kind in ("certificate_collection", "results", "other"):
        return kind
    if kind == "exam_signup" and titled and _SIGNUP_TITLE.search(title) and not _A_SENTENCE.search(title):
        return kind
    return "other"


def _is_long_title(title: str) -> bool:
    """A title long enough to say what the notice is on its own, and no list item, source line,
    addressee or document number."""
    return len(title) >= _MEANINGFUL_TITLE and not _NOT_A_TITLE.search(title)


def is_titled(title: str) -> bool:
    """True for a title that says what the notice is: a long one, or a short one naming a kind
    (报考有关事项) that is no list item either."""
    return _is_long_title(title) or (not _NOT_A_TITLE.search(title) and _title_kind(title) is not None)


# The body's opening is searched for what a notice does, not for an explainer's or a cancellation's
# words: those are a headline's (a body says 说明, 有效期, 取消考试资格 in passing, and a damaged copy
# has ? in its mojibake); only a guess (预计…, …左右, 暂未公布, 历年…) makes a body an explainer.
_BODY_GUESS = re.compile(r"预计|左右|暂未公布|历年|往年")
_BODY_RULES = tuple(rule for rule in RULES if rule.kind != "other")


def classify(title: str, body: str) -> str:
    """Kind from the title; from the body's opening too when the title is no title or too short
    (a short one that names a kind, 报名时间 over the body, still decides unless the body guesses)."""
    kind = _title_kind(title)
    if _is_long_title(title) or kind == "other":
        return kind or "other"
    opening = body[:600]
    if _BODY_GUESS.search(opening):
        return "other"
    if is_titled(title):
        return kind or "other"
    return next((rule.kind for rule in _BODY_RULES if rule.pattern.search(f"{title}\n{opening}")), "other")
