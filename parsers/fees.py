"""Fees a candidate pays (登记费, 考务费, 考试费 …): amount, item and unit, from sentences and table rows.

Fee paragraphs mix what a person pays with what does not concern them: internal
revenue splits (上缴/分成), years and dates. Amounts are therefore taken only with
``元``/``¥`` and revenue-split sentences are skipped; each amount is one fee as the text
writes it (a total stated beside a per-subject price too, per person).
"""

from __future__ import annotations

import re
from decimal import Decimal

from parsers.notes import Notes
from parsers.numerals import AMOUNT_CHARS, amount_to_int
from parsers.text import CELL_SEPARATOR, Sentence
from parsers.types import Fee, WarningCode

# An amount is read whole (a left digit boundary: 123456789元 is no 3,456,789), in digits or in
# Chinese numerals before 元 (三十元, 一百二十元).
_AMOUNT = re.compile(
    r"(?P<cur>¥|人民币)?\s*(?:(?<!\d)(?<!\d[.,])(?P<int>\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(?P<dec>\d{1,2}))?"
    rf"|(?<![{AMOUNT_CHARS}])(?P<cn>[{AMOUNT_CHARS}]{{1,8}})(?=\s*元))\s*"
    r"(?:(?P<yuan>元|块)(?![旦月素])|(?<=\d)(?=[^\d元.,]|$))"
)
_UNIT_WORDS = r"科次|科目?|门|次|件|本|张|份|证书|证|人|位|名|考生|生"
# 每人每科…, also 每报考一个科目需缴纳….
_PER_BEFORE = re.compile(
    rf"每\s*(?:报考|报)?\s*(?:一\s*个?)?\s*(?P<unit>{_UNIT_WORDS})?\s*(?:每\s*(?P<unit2>{_UNIT_WORDS}))?\s*(?:证书)?\s*"
    r"(?:另外|另)?(?:需|须|应)?(?:加收|另收|收取|收费|缴纳|交纳|为|:|合计|共计|共)?\s*"
    r"(?:报名费|考务费|考试费|登记费|工本费|邮寄费|快递费)?\s*(?:为|:)?\s*$"
)
# 30元/人, 65元/人•科 (per subject), 110元/(人·两科) (a total for two subjects: per person); 每 may
# be written after the slash or in the bracket too (60元/每科, 60元(每人每科), 60元每人每科).
_PER_AFTER = re.compile(
    r"\s*(?:/\s*|(?=每)|\(\s*)\(?\s*每?\s*(?P<unit>人次|人|位|生|科次|科目?|门|次|件|本|张|份|证书|证)"
    r"(?:\s*[·•.*×xX/]?\s*每?\s*(?P<count>[两二三四2-4])?\s*(?P<unit2>科次|科目?|次))?"
)
_UNITS = {
    "人": "人", "位": "人", "名": "人", "考生": "人", "人次": "人", "生": "人",
    "科": "科目", "科目": "科目", "门": "科目", "科次": "科次", "次": "次", "件": "件",
    "本": "证书", "张": "证书", "份": "证书", "证书": "证书", "证": "证书",
}  # fmt: skip
# The most specific unit wins when a notice names two (每人每科 → 科目); 每人每次 stays per person.
_UNIT_RANK = {"科目": 3, "科次": 3, "件": 3, "证书": 3, "人": 2, "次": 1}
_ITEMS = {
    "登记费": "登记费", "登记收费": "登记费", "登记费用": "登记费", "登记的费用": "登记费",
    "考务费": "考务费", "考试费": "考试费", "报名费": "报名费",
    "工本费": "工本费", "证书费": "工本费", "制证费": "工本费",
    "邮寄费": "邮寄费", "快递费": "邮寄费", "邮费": "邮寄费", "寄递费": "邮寄费", "邮寄费用": "邮寄费",
    "快递费用": "邮寄费", "滞纳金": "滞纳金", "上机费": "上机费", "机考费": "机考费",
}  # fmt: skip
_ITEM_RE = re.compile("|".join(sorted(map(re.escape, _ITEMS), key=len, reverse=True)))
# Words that name the item when no fee word does (登记 … 30元 → 登记费).
_ITEM_HINTS = (
    ("登记", "登记费"), ("邮寄", "邮寄费"), ("快递", "邮寄费"), ("到付", "邮寄费"), ("报名", "报名费"), ("考试", "考试费"), ("缴费", "考试费"), ("交费", "考试费"),
)  # fmt: skip
# (含上缴国家部分) only says the fee includes the state's share; it is still the fee. The 上缴 of
# 网上缴费 / 线上缴费 is no revenue split.
_REVENUE_SPLIT = re.compile(r"(?<![含网线])上缴|分成|留成|留取|返还|划拨|拨付|下拨|解缴|比例|提取")
# A total: 共136元, or an amount right after a number of subjects (两科136元, 三个科目204元).
_TOTAL_BEFORE = re.compile(
    r"(?:(?:共|合计|总计|共计|总额|总共)[^，,。;元]{0,8}|[两二三四2-4]\s*(?:个)?\s*(?:科目?|门)\s*(?:共|合计)?\s*)$"
)
# A split is one clause or bracket: 考试费每科60元（其中上缴国家30元） still charges 60.
_SPLIT_BREAK = re.compile(r"[，,;；:()]")
_FREE = re.compile(r"免费|不收取[^，,。;]{0,6}?费|免收|不收费|不再收取")
_FREE_SERVICE = re.compile(r"\s*(?:预约|提醒|短信|咨询|下载|获取|查询|服务|学习|试听|资料)")
_SECTION = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\))")
# A heading numbered in digits (6.快递收费标准: short, no amount) is a section too; its numbered lines
# that state amounts (1.山西省内,12元/件) are its items.
_HEADING_CHARS = 24
_DIGIT_SECTION = re.compile(r"^\s*(?:\d{1,2}\s*[、.](?!\d)|\(\s*\d{1,2}\s*\))(?![^元¥]*[元¥])")
_CLAUSE = re.compile(r"[，,;；:]")
_DIGIT = re.compile(r"\d")
# 15-20元: the upper end alone would be a wrong fee.
_RANGE_BEFORE = re.compile(r"\d\s*(?:元)?\s*(?:-|~|至|到)\s*$")
_RANGE_AFTER = re.compile(r"\s*(?:-|~|至|到)\s*\d")


def _in_revenue_split(norm: str, start: int, end: int) -> bool:
    """True when the clause or bracket holding the amount at ``start``–``end`` is a revenue split; an
    amount after 含上缴… is the share itself (已包含上缴国家的考务费每人每科9元), where (含上缴国家部分) after
    an amount only says the fee includes it."""
    opened = max((m.end() for m in _SPLIT_BREAK.finditer(norm, 0, start)), default=0)
    closed = _SPLIT_BREAK.search(norm, end)
    return (
        _REVENUE_SPLIT.search(norm, opened, closed.start() if closed else len(norm)) is not None
        or "上缴" in norm[opened:start]
    )


def _unit(*names: str | None) -> str | None:
    units = [_UNITS[name] for name in names if name]
    return max(units, key=lambda unit: _UNIT_RANK[unit]) if units else None


def _after_units(match: re.Match[str]) -> tuple[str | None, ...]:
    """Units written after an amount; a count of subjects (人·两科) makes it a per-person total."""
    if match.group("count"):
        return (match.group("unit"),)
    return match.group("unit", "unit2")


def _last_item(text: str) -> str | None:
    found = list(_ITEM_RE.finditer(text))
    return _ITEMS[found[-1].group()] if found else None


def _named_item(text: str) -> str | None:
    """The fee a text names, by a fee word or else a hint word."""
    return _last_item(text) or next((item for hint, item in _ITEM_HINTS if hint in text), None)


# Any fee word of the exam's own (上机费, 报考费, 考试收费): named as written when no known item is.
_FEE_WORD = re.compile(r"[\u4e00-\u9fff]{1,3}费(?:用)?")
_EXAM_WORDS = re.compile(r"考试|报考|考务|机考|上机|科目")


def _fee_word(text: str) -> str | None:
    """The last fee word before an amount in a sentence about the exam (上机费30元, 报考费用…), else None:
    amounts elsewhere (培训班学费, 资料费) are no fee a candidate owes the exam."""
    found = list(_FEE_WORD.finditer(text))
    return found[-1].group() if found and _EXAM_WORDS.search(text) else None


def _item_near(clause_before: str, before: str, after: str, sentence: str) -> str | None:
    """The fee word naming an amount: the last one in its clause, else earlier in the sentence,
    else the first one after it, else a hint word (登记 → 登记费)."""
    item = _last_item(clause_before) or _last_item(before)
    if item:
        return item
    following = _ITEM_RE.search(after)
    if following:
        return _ITEMS[following.group()]
    return next((item for hint, item in _ITEM_HINTS if hint in sentence), None)


_QUALIFICATION = re.compile(r"(?:初级|中级|高级|其[他它])[^，,。;:(]{0,8}?资格")
_ROW_LEVEL = re.compile(r"\s*(初级|中级|高级)(?!资格)")
# An amount inside a bracket opened after the previous amount, or listed right after it.
_IN_BRACKET = re.compile(r"\([^()]*$")
_LISTED = re.compile(r"\s*[、和及]\s*")
# A header cell about a charge that names no fee (收费标准（元/科）): the notice's default item.
_CHARGE_HEADER = re.compile(r"收费|费用|标准|金额")
_CHARGE_WORDS = re.compile(r"收费|费用")
_PER_IN_CELL = re.compile(rf"每\s*(?P<unit>{_UNIT_WORDS})")
_NUMBER_CELL = re.compile(r"\s*(?:¥\s*)?(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\.(\d{1,2}))?\s*(?:元)?\s*")


def _decimal(whole: str, fraction: str | None) -> Decimal:
    return Decimal(whole.replace(",", "") + "." + (fraction or "0"))


class FeeReader(Notes):
    """Reads fees from sentences; ``default_item`` names fees whose sentence says no item."""

    def __init__(self, default_item: str | None) -> None:
        self.default_item = default_item
        super().__init__()

    def read(self, sentences: list[Sentence]) -> list[Fee]:
        fees: list[Fee] = []
        seen: dict[tuple[Decimal, str, str | None], set[str | None]] = {}
        header: list[tuple[str, str | None] | None] | None = None
        self.section_item = None
        self.charge_section = False
        self.row_level: str | None = None
        for sentence in sentences:
            if _SECTION.match(sentence.norm) or (
                len(sentence.norm) <= _HEADING_CHARS and _DIGIT_SECTION.match(sentence.norm)
            ):
                self.section_item = _named_item(sentence.norm)
                self.charge_section = _CHARGE_WORDS.search(sentence.norm) is not None
            cells = sentence.norm.split(CELL_SEPARATOR) if CELL_SEPARATOR in sentence.norm else None
            if cells is not None and (columns := self._header(cells)) is not None:
                header = columns
                continue
            if cells is not None and header is not None and len(cells) == len(header):
                found = self._row_fees(sentence, cells, header)
            else:
                header = None
                found = (self._labelled_row(sentence, cells) if cells else None) or self._sentence_fees(
                    sentence
                )
            # One amount written for two qualifications (其他初级资格130元；报考中级资格130元) is two fees,
            # and so is one written twice in a sentence (…每人每科60元,合计185元,其他级别每人每科60元); the same
            # fee said again in another sentence, for the same qualification or for none, is one.
            # A line that starts with a level (高级:考务费28元/科; a flattened table's 中级软件设计师、… /
            # 基础知识100元/人) names the group of the amounts on it and below it, up to the next such line.
            row_level = None if cells else _ROW_LEVEL.match(sentence.norm)
            if row_level:
                self.row_level = row_level.group(1)
            qualifications = _QUALIFICATION.findall(sentence.norm)
            qualification = qualifications[-1] if qualifications else self.row_level
            for fee in found:
                named = seen.get((fee.amount, fee.item, fee.per), set())
                if not named or (qualification is not None and not named & {qualification, None}):
                    fees.append(fee)
            for fee in found:
                seen.setdefault((fee.amount, fee.item, fee.per), set()).add(qualification)
        # The same fee said again without its unit (…按每名考生报名费15元下拨…) is not a second fee.
        return [
            fee
            for fee in fees
            if fee.per is not None
            or not any(o.per for o in fees if (o.amount, o.item) == (fee.amount, fee.item))
        ]

    def _header(self, cells: list[str]) -> list[tuple[str, str | None] | None] | None:
        """Columns of a fee table header, or None if not one: a cell naming a fee (考务费（元/科）,
        报名费), or a charge in 元 of the notice's default item (收费标准（元/科）)."""
        if any(_DIGIT.search(cell) for cell in cells):
            return None  # a row with amounts (考务费 | 28元/人·科) is a row, not a header
        columns: list[tuple[str, str | None] | None] = []
        for cell in cells:
            item = _last_item(cell) or (self.default_item if _CHARGE_HEADER.search(cell) else None)
            yuan = cell.find("元")
            if item and (yuan >= 0 or _last_item(cell)):
                per_after = _PER_AFTER.match(cell, yuan + 1) if yuan >= 0 else None
                columns.append((item, _unit(*_after_units(per_after)) if per_after else None))
            else:
                columns.append(None)
        return columns if any(columns) else None

    @staticmethod
    def _row_fees(
        sentence: Sentence, cells: list[str], header: list[tuple[str, str | None] | None]
    ) -> list[Fee]:
        """One fee per amount cell under a fee column; a cell may give its own unit (68元/科)."""
        fees = []
        for cell, column in zip(cells, header, strict=True):
            number = _NUMBER_CELL.match(cell) if column is not None else None
            if column is None or number is None:
                continue
            per_after = _PER_AFTER.match(cell, number.end())
            rest = cell[per_after.end() if per_after else number.end() :]
            if rest.strip(" )"):
                continue  # more than an amount and its unit: not a plain amount cell
            per = _unit(*_after_units(per_after)) if per_after else column[1]
            fees.append(
                Fee(amount=_decimal(*number.groups()), item=column[0], per=per, evidence=sentence.raw)
            )
        return fees

    def _labelled_row(self, sentence: Sentence, cells: list[str]) -> list[Fee] | None:
        """A row whose first cell names a fee in 元 and whose other cells are plain amounts
        (考试费(元/科) | 60 | 65 | 75, one column per level); a charge in 元 that names no fee
        (收费标准(元/科), 每科(元)) is the notice's default item. None for any other row."""
        first, yuan = cells[0], cells[0].find("元")
        item = _last_item(first) or (
            self.default_item if _CHARGE_HEADER.search(first) or _PER_IN_CELL.search(first) else None
        )
        if item is None or yuan < 0 or len(cells) < 2:
            return None
        numbers = [_NUMBER_CELL.fullmatch(cell) for cell in cells[1:]]
        if not all(numbers):
            return None
        per_after = _PER_AFTER.match(first, yuan + 1)
        per_in_cell = _PER_IN_CELL.search(first)
        per = _unit(
            *(_after_units(per_after) if per_after else ()),
            per_in_cell.group("unit") if per_in_cell else None,
        )
        return [
            Fee(amount=_decimal(*number.groups()), item=item, per=per, evidence=sentence.raw)
            for number in numbers
            if number is not None
        ]

    def _sentence_fees(self, sentence: Sentence) -> list[Fee]:
        norm = sentence.norm
        if "元" not in norm and "¥" not in norm and not _FREE.search(norm):
            return []
        split = "上缴" in norm or _REVENUE_SPLIT.search(norm) is not None
        per_unit: list[Fee] = []
        totals: list[Fee] = []
        previous_end = 0
        for match in _AMOUNT.finditer(norm):
            if not (match.group("yuan") or match.group("cur") == "¥"):
                continue
            if match.group("cn"):
                value = amount_to_int(match.group("cn"))
                if value is None:
                    continue
                amount = Decimal(value)
            else:
                amount = _decimal(match.group("int"), match.group("dec"))
            before = norm[: match.start()]
            if _RANGE_BEFORE.search(before) or _RANGE_AFTER.match(norm, match.end()):
                self.warn(WarningCode.DROPPED, "fee given as a range, left out", sentence.raw)
                continue
            clause_start = max((m.end() for m in _CLAUSE.finditer(before)), default=0)
            if split and _in_revenue_split(norm, match.start(), match.end()):
                continue
            after = norm[match.end() :]
            per_before = _PER_BEFORE.search(norm, clause_start, match.start())
            per_after = _PER_AFTER.match(after)
            per = _unit(
                *(per_before.group("unit", "unit2") if per_before else ()),
                *(_after_units(per_after) if per_after else ()),
            )
            total = _TOTAL_BEFORE.search(before) is not None
            bracketed = bool(per_unit) and _IN_BRACKET.search(norm, previous_end, match.start()) is not None
            listed = bracketed or _LISTED.fullmatch(norm, previous_end, match.start()) is not None
            if per is None and per_unit and listed and not total:
                # 58元/科次（主观题科目68元）, 每人每科60元、65元、70元: another price of the same unit.
                per = per_unit[-1].per
            previous_end = match.end()
            if bracketed and (amount, per) == (per_unit[-1].amount, per_unit[-1].per):
                continue  # 每科50元(上机考试暂按每科50元收取): a remark that the price is the same
            item = (
                _item_near(before[clause_start:], before, after, norm)
                or self.section_item
                or self.default_item
                or _fee_word(before)
                # An amount under (五)收费标准, or in a sentence about charges, of a notice that names no
                # fee (a fee-standard document): the exam's fee.
                or ("考试费" if self.charge_section or _CHARGE_WORDS.search(norm) else None)
            )
            if item is None:
                self.warn(WarningCode.DROPPED, "fee without an item", sentence.raw)
                continue
            if total:
                totals.append(Fee(amount=amount, item=item, per=per or "人", evidence=sentence.raw))
            else:
                per_unit.append(Fee(amount=amount, item=item, per=per, evidence=sentence.raw))
        if not per_unit and not totals:
            return self._free(sentence)
        return per_unit + totals

    @staticmethod
    def _free(sentence: Sentence) -> list[Fee]:
        """免费 / 不收取…费 as a fee of 0, named by a fee word in its own clause: 免费预约短信提醒
        (a free service) is no fee."""
        norm = sentence.norm
        match = _FREE.search(norm)
        if match is None:
            return []
        start = max((m.end() for m in _CLAUSE.finditer(norm, 0, match.start())), default=0)
        stop = _CLAUSE.search(norm, match.end())
        clause = norm[start : stop.start() if stop else len(norm)]
        # 证书工本费：免收 names the fee before its colon.
        item = _named_item(clause) or _last_item(norm[: match.start()])
        if item is None or _FREE_SERVICE.match(norm, match.end()):
            return []
        return [Fee(amount=Decimal(0), item=item, per=None, evidence=sentence.raw)]
