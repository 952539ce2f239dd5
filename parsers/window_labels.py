"""Which action a date is for: the label keywords and how a clause's words name them.

报名时间: names what follows; 报名和缴费 joins two labels; a table header names its columns.
``None`` labels mark dates that are no candidate's action (the exam day, an issue date).
"""

from __future__ import annotations

import re
from itertools import pairwise

from parsers.moments import MOMENT, Group
from parsers.text import CELL_SEPARATOR, Sentence
from parsers.window_merge import JOINT_SIGNUP

# keyword → label; None marks dates that are not a candidate's action (exam day, issue date …).
LABELS: dict[str, str | None] = {
    "登记": "登记", "再登记": "登记", "补登记": "登记", "逾期登记": "登记", "定期登记": "登记",
    "报名": "报名", "报考": "报名", "填报": "报名", "网报": "报名",
    # The sign-up fee is paid (缴纳报名费用), not signed up for; beside another action it only names
    # what that action is about (报名费退还).
    "报名费": "缴费", "报名费用": "缴费",
    "缴费": "缴费", "交费": "缴费", "网上支付": "缴费", "缴纳": "缴费",
    "交纳": "缴费", "付费": "缴费", "在线支付": "缴费", "缴款": "缴费", "交款": "缴费",
    "资格审核": "资格审核", "资格审查": "资格审核", "审查": "资格审核", "报名审核": "资格审核", "资格核查": "资格审核", "审核": "资格审核", "核查": "资格审核",
    # 复核 alone is a score's review; a qualification's (资格复核) is checked again.
    "资格复核": "资格审核", "资格复审": "资格审核", "资格核验": "资格审核",
    "现场确认": "现场确认",
    "准考证": "准考证打印", "打印准考证": "准考证打印", "准考证打印": "准考证打印",
    # An admission ticket collected on paper (报名处领取准考证) is the ticket's action, not a certificate's.
    "领取准考证": "准考证打印", "准考证领取": "准考证打印", "领准考证": "准考证打印",
    # 打印发票 before 印发 (an issue date) can take its 印; paper receipts (票据/收据) are applied for.
    "发票": "电子发票打印", "打印发票": "电子发票打印", "领取收据": "发票申请", "收据": "发票申请",
    "票据": "发票申请", "领取票据": "发票申请", "票据领取": "发票申请", "领取发票": "发票申请", "发票领取": "发票申请",
    "申请发票": "发票申请", "发票申请": "发票申请", "开具发票": "发票申请", "开票": "发票申请",
    "领取": "领取", "领证": "领取", "发证": "领取", "发放": "领取", "证书办理": "领取",
    "邮寄": "邮寄申请", "邮寄申请": "邮寄申请", "申请邮寄": "邮寄申请", "寄递": "邮寄申请",
    "成绩查询": "成绩查询", "查询成绩": "成绩查询", "查分": "成绩查询",
    "复核": "成绩复查", "复查": "成绩复查", "覆核": "成绩复查", "覆查": "成绩复查",
    "退费": "退费申请", "退还": "退费申请", "申请退款": "退费申请", "退款申请": "退费申请", "退考": "退费申请",
    # When the office pays the refund back (退款时间为12月31日前) asks nothing of a candidate.
    "退款时间": None,
    "预约申领": "邮寄申请", "线上申领": "邮寄申请", "网上申领": "邮寄申请", "邮寄发放": "邮寄申请", "现场申领": "领取", "预约登记": "邮寄申请", "申请快递": "邮寄申请", "快递申请": "邮寄申请", "快递受理": "邮寄申请",
    "考试时间": None, "考试日期": None, "考试:": None, "考试于": None, "考试定于": None, "考试将于": None, "举行": None, "开考": None,
    "笔试": None, "机考": None, "考试安排": None, "发布": None, "印发": None, "公布": None, "施行": None,
    "实施": None, "成立": None, "出版": None,
    # A system test (系统测试时间:8月30日至31日) is the office's, not a candidate's window.
    "测试": None,
}  # fmt: skip
FEE_NOUNS = frozenset({"报名费", "报名费用"})
LABEL_RE = re.compile("|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)))
JOINER = re.compile(r"[和及与、/或并\s]{0,2}(?:网上|线上|现场)?")
CLAUSE_BREAK = re.compile(r"[，,]")
# After a date a label's colon also ends the clause: …系统关闭:报名审核8月11日… names what follows.
CLAUSE_BREAK_AFTER = re.compile(r"[，,]|(?<![\dA-Za-z]):")  # not 9:00, not http:
# Work of the offices, not of a candidate (各考区上报报名表, 于2月22日前送…备案).
OFFICE_ACTION = re.compile(r"(?<![网线])上报|备案")
# A clause that asks the reader to act (…，可办理登记 / 可登录…打印准考证), or says the office accepts
# their action (网上受理…考生报名, 进行网上报名); not one that reports (受理报名人数…).
ADDRESSEE = re.compile(
    r"\s*(?:(?:可以?|均可|须|需|应)\s*(?:登录|前往|到|通过|申请|自行)"
    r"|(?:可以?|均可|须|需|应)?\s*(?:请|考生|持证|(?:证书)?持有人|合格人员|申请人|报考人员|各位|相关"
    r"|(?:(?:网上|现场)?受理|进行|办理|开展)(?![^,，。]{0,12}?(?:人数|人次|万))))"
)
# A clause that asks for an action by a date (考生须在2月13日至3月13日期间，通过银联网上缴纳考试费):
# the action is the next clause's, before any word earlier in the sentence.
ASKS_BEFORE = re.compile(r"(?:须|需|请|应|可)\s*(?:在|于)\s*$")
FILLER_AFTER = re.compile(r"\s*(?:止|为止)?\s*(?:期间|之间|以内|之内|内)?\s*")
# What may follow a date that ends its clause and still leave the action to the next clause
# (即日起至3月28日17:00前，考生可…申请邮寄; 自2024年3月11日起，证书持有人可…领取).
BOUND_WORD_AFTER = re.compile(r"\s*(?:前|之前|以前|止|为止|截止|起|开始|以后|之后|后)?\s*")
# A sentence right after a bare deadline that says what is lost after it (…至7月25日24:00。逾期不再受理,
# 视同放弃申请成绩复查。) names the action.
FORFEIT = re.compile(r"\s*(?:逾期|过期|超过期限|超期)")
SENTENCE_TAIL = re.compile(r"\s*(?:前|之前|止|为止|截止)?\s*[。.;]?\s*")
# The issue day in 自本通告发布之日起 is no dateline: 发布 there names no date. What a period
# includes (网上报名(含缴费)时间) is no window of its own: the period is the one named before it.
ISSUE_DAY = re.compile(r"(?:发布|印发|公布|公告)之日|\(\s*含[^()]{0,12}\)")
BRACKETED = re.compile(r"\([^()]{0,80}\)")
TRAILING_LABEL = re.compile(r"\s*(?:—{1,2}|-{2})")
# What an action achieves (…进行网上交费即完成报名) is cut from the clause after a date.
CONSEQUENCE = re.compile(r"即(?:可|为)?\s*完成|方(?:为|可)?\s*完成|才算")
# A sign-up system or site named after a date (开放报名系统) is a tool, not the action.
SYSTEM_AFTER = re.compile(r"(?:服务|管理)?(?:系统|网站|平台|入口)")
# Text up to the next date that asks again (…，下半年的须于 / 、…的人员于): asks in parallel.
PARALLEL_ASK = re.compile(r"(?:于|在)\s*$")
# The clause after a date only says where to go (…前登录报名服务平台): the next clause says what.
VISIT = re.compile(r"\s*(?:前|内|期间|之前)?\s*(?:重新)?\s*(?:登录|登陆|进入|访问)")
# A label used as a noun (缴费信息, 报名状态) names no action.
NOUN_AFTER = re.compile(r"(?:信息|状态|记录|凭证|金额|结果|情况|人数)")
# A label right before these words names the date that follows (报名时间：…), whatever comes after.
STRONG_AFTER_LABEL = re.compile(r"\s*(?:工作|服务|申请|受理)?\s*(?:时间|日期|截止|起止|期间|:)")


def labels_in(text: str, *, last: bool) -> list[str | None]:
    """Labels of the last (or first) keyword in ``text``, together with keywords joined to it
    by 和/及/、 (报名和缴费时间 → 报名, 缴费)."""
    matches = list(LABEL_RE.finditer(text))
    if not matches:
        return []
    return joined_labels(text, matches, len(matches) - 1 if last else 0)


def _joined_first(text: str, matches: list[re.Match[str]], index: int) -> int:
    """The index of the first label of the run joined to ``matches[index]`` by 和/及/、 (网上报名和缴费时间)."""
    while index > 0 and JOINER.fullmatch(text, matches[index - 1].end(), matches[index].start()):
        index -= 1
    return index


def joined_labels(text: str, matches: list[re.Match[str]], index: int) -> list[str | None]:
    chosen = matches[_joined_first(text, matches, index) : index + 1]
    j = index + 1
    while j < len(matches) and JOINER.fullmatch(text, chosen[-1].end(), matches[j].start()):
        chosen.append(matches[j])
        j += 1
    if len(chosen) > 1:
        chosen = [match for match in chosen if match.group() not in FEE_NOUNS] or chosen
    labels: list[str | None] = []
    for previous, match in zip([None, *chosen], chosen, strict=False):
        label = LABELS[match.group()]
        if (
            label == "缴费"
            and previous is not None
            and previous.end() == match.start()
            and labels[-1:] == ["报名"]
        ):
            labels[-1] = JOINT_SIGNUP  # 报名缴费 written as one word: window_merge resolves it
            continue
        if label not in labels:
            labels.append(label)
    # 现场确认和缴费: confirming on site is how the other action is done, not a window of its own.
    return [label for label in labels if label != "现场确认"] if len(labels) > 1 else labels


def is_strong(text: str, match: re.Match[str]) -> bool:
    """True when a label directly names what follows it (报名时间：, 缴费截止), rather than
    being a word in passing (已报名考生, 报名开始至)."""
    rest = text[match.end() :]
    return len(rest.strip()) <= 1 or STRONG_AFTER_LABEL.match(rest) is not None


# A label done before the date (网上缴费成功的考生, 审查合格的考生, 网上缴费后于…) names no action of the
# date after it; one that only describes the persons addressed (办理登记的人员) is weak (DESCRIBES).
DONE_AFTER = re.compile(r"\s*(?:(?:成功|合格|通过|完成|完毕)\s*(?:的|后)|后)")


# A label inside a description of the persons addressed (通过照片审核的报考上半年考试的人员请于…):
# the weakest of a date's labels, after its heading and section.
DESCRIBES = re.compile(r"[^，,。;:]{0,12}?的\s*(?:考生|人员|报考人员|报考者)")


def labels_before(clause: str, *, described: bool = False) -> tuple[list[str | None], bool]:
    """Labels for a date from the clause before it: the last label that names what follows,
    else simply the last label; and whether the label was of the first, strong sort. Labels that
    only describe who is addressed (报考上半年考试的人员请于…) count only when ``described``."""
    matches = [
        match
        for match in LABEL_RE.finditer(clause)
        if not DONE_AFTER.match(clause, match.end())
        and (described or not DESCRIBES.match(clause, match.end()))
    ]
    for index in range(len(matches) - 1, -1, -1):
        if is_strong(clause, matches[index]):
            return joined_labels(clause, matches, index), True
    return (joined_labels(clause, matches, len(matches) - 1), False) if matches else ([], False)


def column_labels(norm: str) -> list[list[str | None]] | None:
    """Labels per column of a table header row (考区 | 报名时间 | 缴费时间), or None when the row is
    not one: rows below it take their labels from the column a date sits in."""
    if CELL_SEPARATOR not in norm or MOMENT.search(norm):
        return None
    columns = [labels_in(cell, last=True) for cell in norm.split(CELL_SEPARATOR)]
    return columns if any(columns) else None


def column_at(norm: str, at: int, columns: list[list[str | None]]) -> list[str | None]:
    """The labels of the table column the text at ``at`` sits in."""
    return columns[min(norm.count(CELL_SEPARATOR, 0, at), len(columns) - 1)]


def _ends_before_forfeit(norm: str, group: Group, following: str) -> bool:
    """True when the date ends its sentence and the next one says what is lost after it."""
    return SENTENCE_TAIL.fullmatch(norm, group.span_end) is not None and FORFEIT.match(following) is not None


def date_labels(
    sentence: Sentence, group: Group, previous_end: int, next_start: int, following: str
) -> list[str | None]:
    """Labels for one date or range of ``sentence``: its clause before, its clause after (or the
    action after parallel asks or a log-in), the sentence before it, the heading, the next clause, a
    forfeit sentence after it (``following``), its section, a label describing the persons addressed,
    and last a system or noun after it."""
    norm = ISSUE_DAY.sub(_blank, sentence.norm)
    start = group.first.start
    # Commas inside brackets (工作日上午9:00-11:30，下午…) do not end a clause.
    flat = BRACKETED.sub(_blank, norm)
    before = norm[previous_end:start]
    breaks = list(CLAUSE_BREAK.finditer(flat, previous_end, start))
    clause_before = norm[breaks[-1].end() : start] if breaks else before
    after = norm[group.span_end : next_start]
    m = CLAUSE_BREAK_AFTER.search(flat, group.span_end, next_start)
    clause_after = norm[group.span_end : m.start()] if m else after
    if m is None and next_start < len(norm):
        clause_after = _before_next_label(after)
    # What the action achieves is no action of its own (…进行网上交费即完成报名).
    clause_after = CONSEQUENCE.split(clause_after, maxsplit=1)[0]
    if OFFICE_ACTION.search(clause_after):
        return [None]
    # A remark in brackets before the date (网上缴费时间(逾期未缴费,视为放弃报考) 9月15日…) names no window,
    # nor does the previous date's label after its dash (8月21日-27日——网上报名 8月21日-28日——网上缴费).
    trailing = previous_end > 0 and TRAILING_LABEL.match(before) is not None
    before_labels, strong = ([], False) if trailing else labels_before(BRACKETED.sub(_blank, clause_before))
    # The action of a clause after the date is its last word (…向报名所在地考试机构提出成绩复核申请).
    after_labels = action_labels(clause_after)
    if before_labels and (not after_labels or strong):
        return before_labels
    if not after_labels and next_start < len(norm) and PARALLEL_ASK.search(after):
        # Parallel asks (上半年的须于2月27日—3月27日，下半年的须于8月3日—9月1日…网上缴费; …的人员于5月26日
        # 16:00后、…的人员于11月3日16:00后…打印准考证) share the action named after the last of them.
        stop = CLAUSE_BREAK.search(flat, next_start)
        after_labels = action_labels(norm[next_start : stop.start() if stop else len(norm)])
    if not after_labels and m is not None and VISIT.match(clause_after):
        # …16:00前登录报名服务平台，网上缴纳考试费用: the system is where, the next clause says what.
        clause_end = CLAUSE_BREAK.search(flat, m.end())
        after_labels = action_labels(norm[m.end() : clause_end.start() if clause_end else len(norm)])
    # A date that ends its clause is explained by the next one when that addresses the reader
    # (…至9月6日，考生可登录报名系统…), not when it reports (截至3月25日，报名工作圆满结束).
    asked = ASKS_BEFORE.search(clause_before) is not None and FILLER_AFTER.fullmatch(clause_after) is not None
    next_labels: list[str | None] = []
    if m is not None and (
        asked or (BOUND_WORD_AFTER.fullmatch(clause_after) and ADDRESSEE.match(norm, m.end()))
    ):
        clause_end = CLAUSE_BREAK.search(flat, m.end(), next_start)
        next_labels = labels_in(norm[m.end() : clause_end.start() if clause_end else next_start], last=False)
    return (
        after_labels
        or (next_labels if asked else [])
        # The sentence before it: the label that names what follows (票据领取时间:…,
        # 8月20日-9月25日 lists a second period of it), else its last one.
        or labels_before(norm[:start])[0]
        # A heading's remark in brackets (网上缴费时间(逾期未缴费,视为放弃报考)) names no window.
        or labels_in(BRACKETED.sub("", sentence.heading), last=True)
        or next_labels
        or (labels_in(following, last=True) if _ends_before_forfeit(norm, group, following) else [])
        or _section_labels(sentence.section)
        or labels_before(norm[:start], described=True)[0]
        # Last, a system or a noun after the date (2024年8月11日9:00网上报名系统开通).
        or labels_in(clause_after, last=True)
    )


# A label that names the next date (…17点(缴费截止日期至9月7日17点)): it ends what the date before it
# says; one the date is said to be (…17:00为报名时间) stays the date's.
_LEADS_NEXT = re.compile(r"\s*(?:时间|日期|截止|起止)\s*(?:时间|日期)?\s*(?:为|是|:|至|到|于)?\s*$")
_IS_THE = re.compile(r"(?:为|是|进行|作为)\s*(?:网上|线上|现场)?$")


def _before_next_label(after: str) -> str:
    """The text after a date up to a strong label of the next date, when one ends it."""
    matches = list(LABEL_RE.finditer(after))
    if matches and _LEADS_NEXT.fullmatch(after, matches[-1].end()):
        start = matches[_joined_first(after, matches, len(matches) - 1)].start()
        if not _IS_THE.search(after, 0, start):
            return after[:start]
    return after


# 网上报名、缴费时间分别为3月1日至10日、3月2日至12日: the labels go to the dates in their order.
_RESPECTIVELY = re.compile(r"分别\s*(?:为|是|在|于)?\s*:?\s*")
_LIST_SEPARATOR = re.compile(r"\s*[、,，和及;]\s*")


def respective_labels(norm: str, groups: list[Group]) -> dict[int, list[str | None]]:
    """Labels of dates listed after 分别, one each in the order the labels were joined before it,
    by the date's start; empty unless the labels and the dates listed are as many."""
    found = _RESPECTIVELY.search(norm)
    if found is None:
        return {}
    labels = labels_in(norm[: found.start()], last=True)
    listed = [group for group in groups if group.first.start >= found.end()][: len(labels)]
    if len(labels) < 2 or len(listed) < len(labels) or listed[0].first.start != found.end():
        return {}
    if any(not _LIST_SEPARATOR.fullmatch(norm, a.span_end, b.first.start) for a, b in pairwise(listed)):
        return {}
    return {group.first.start: [label] for group, label in zip(listed, labels, strict=True)}


def _blank(match: re.Match[str]) -> str:
    """The match as spaces: taken out of the reading, every position after it kept."""
    return " " * len(match.group())


def _section_labels(section: str) -> list[str | None]:
    """The labels of a section heading that names its action (（二）网上缴费, 三、报名时间:), for a date
    below it that nothing nearer labels."""
    labels, strong = labels_before(BRACKETED.sub("", section))
    return labels if strong else []


def action_labels(clause: str) -> list[str | None]:
    """The labels of a clause's last action word: not a noun (缴费信息, 报名状态), a system (报名平台) nor a
    description of the persons addressed (报考下半年考试的人员)."""
    matches = [
        match
        for match in LABEL_RE.finditer(clause)
        if not NOUN_AFTER.match(clause, match.end())
        and not DESCRIBES.match(clause, match.end())
        and not SYSTEM_AFTER.match(clause, match.end())
    ]
    return joined_labels(clause, matches, len(matches) - 1) if matches else []


# What a line holding nothing but a date or range may have besides it.
_ROW_REST = re.compile(r"[\s至到~起止。.,;:|()\-]*")
_LABEL_LINE_CHARS = 24
# Longer lines say more than a date (2017年3月10日9:00-2017年3月21日17:00 is 30); the length and
# first-character tests keep the regexes off the body's other sentences.
_DATE_LINE_CHARS = 48


_DATE_FIRST = "0123456789〇○零一二三四五六七八九十"


def _date_only(norm: str) -> bool:
    if len(norm) > _DATE_LINE_CHARS or norm.lstrip()[:1] not in _DATE_FIRST:
        return False
    rest = MOMENT.sub("", norm)
    return rest != norm and _ROW_REST.fullmatch(rest) is not None


def _label_line(norm: str) -> bool:
    if len(norm) > _LABEL_LINE_CHARS:
        return False
    labels = labels_in(norm, last=True)
    return bool(labels) and None not in labels and not MOMENT.search(norm)


def labels_below(sentences: list[Sentence]) -> dict[int, list[str | None]]:
    """Labels of date-only lines read from the line below them, by sentence index.

    A table copied cell by cell puts each row's date on one line and its action on the next
    (2017年3月9日-3月20日 / 网上报名 / 2017年3月10日-3月21日 / 网上缴费): then the line above a date
    is the previous row's action, not its own. Such a run starts at a date line with no label
    above it, an action line below it and another date line after that.
    """
    found: dict[int, list[str | None]] = {}
    running = False
    norms = [sentence.norm for sentence in sentences] + ["", ""]
    for index, sentence in enumerate(sentences):
        if _date_only(sentence.norm) and _label_line(norms[index + 1]):
            starts = not labels_in(sentence.heading, last=True) and _date_only(norms[index + 2])
            if running or starts:
                running = True
                found[index] = labels_in(norms[index + 1], last=True)
                continue
        if not _label_line(sentence.norm):
            running = False
    return found
