"""The demo's account of each sample subscriber: the alerts they got, or why no notice was for them.

Plain words over the demo's few notices, for a newcomer reading the demo's output: the
matching itself is SQL (``store.matching``, docs/matching.md); this only restates its
tests (kind, window, region, exam, certificate) for one person and one notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.places import place_concerned, split_region
from core.sessions import session_bounds
from core.vocab import CANDIDATE_KINDS, CERTIFICATE_KINDS, AlertKind, NoticeKind, Topic
from core.wording import eligible_line, session_label
from store.matching import RESULTS_FRESH_DAYS


@dataclass(frozen=True)
class Sample:
    """A demo subscriber: a holder (``certificate`` = qualification, level, obtained) or a candidate."""

    email: str
    name: str
    regions: tuple[str, ...]  # where they live, or may sit the exam
    certificate: tuple[str, str, str] | None = None
    kinds: tuple[str, ...] = ()  # none: every topic
    exams: tuple[str, ...] = ()  # none: every exam

    def describe(self) -> str:
        places = "、".join(self.regions) or "全国"
        if self.certificate:
            qualification, _, obtained = self.certificate
            return f"{self.name} <{self.email}>（{places}，{session_label(obtained)}取得{qualification}）"
        exams = "、".join(session_label(e) for e in self.exams) or "每次"
        kinds = "、".join(Topic(k).label for k in self.kinds) or "全部提醒"
        return f"{self.name} <{self.email}>（{places}，备考，关注{exams}考试的{kinds}）"


def why_lines(samples: tuple[Sample, ...], told: dict, notices: list[dict], today: date) -> list[str]:
    """Per sample subscriber: the alerts they got, or for each notice of a kind they chose, why not."""
    lines = []
    for sample in samples:
        alerts = told.get(sample.email, [])
        if alerts:
            lines.append(f"  {sample.describe()}收到 {len(alerts)} 条提醒：")
            lines += [f"      {AlertKind(kind).label}：{title}" for kind, title in alerts]
            continue
        lines.append(f"  {sample.describe()}没有收到邮件：")
        chosen = [n for n in notices if not sample.kinds or n["kind"] in sample.kinds]
        for n in chosen:
            lines.append(f"      {n['title']}：{'；'.join(_not_for(sample, n, today)) or '可能与您有关'}")
        others = len(notices) - len(chosen)
        if others:
            lines.append(f"      另有 {others} 条通知不属于所选的提醒类型")
    return lines


def _not_for(sample: Sample, n: dict, today: date) -> list[str]:
    """The tests ``n`` fails for ``sample``, in words."""
    reasons = []
    ends = [w.get("end") for w in n["windows"]]
    if ends and all(end and end[:10] < today.isoformat() for end in ends):
        reasons.append("办理时间已过")
    elif not ends and n["kind"] == NoticeKind.RESULTS:
        published = date.fromisoformat(n["published"]) if n["published"] else None
        if published is None or (today - published).days >= RESULTS_FRESH_DAYS:
            reasons.append(f"发布已超过 {RESULTS_FRESH_DAYS} 天")
    elif not ends:
        reasons.append("没有需要办理的时间")
    if not any(place_concerned(n["region"], *split_region(r)) for r in sample.regions or ("",)):
        reasons.append(f"面向{n['region']}，不是您选择的{'、'.join(sample.regions) or '全国'}")
    if (
        n["kind"] in CANDIDATE_KINDS
        and sample.exams
        and n["session"]
        and not _overlap(sample.exams, n["session"])
    ):
        named = "、".join(session_label(s) for s in n["session"])
        reasons.append(f"涉及{named}的考试，不是您关注的考试")
    if n["kind"] in CERTIFICATE_KINDS:
        scope = "、".join(eligible_line(e) for e in n["eligible"]) or "证书持有人"
        reasons.append(
            f"适用于{scope}，您的证书不在其中" if sample.certificate else f"适用于{scope}，您没有填写证书"
        )
    return reasons


def _overlap(chosen: tuple[str, ...], named: list[str]) -> bool:
    spans = [session_bounds(s) for s in named]
    return any(low <= session_bounds(c)[0] <= high for c in chosen for low, high in spans)
