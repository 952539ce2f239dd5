"""Ways a copy of a notice is made that must not change its reading: a copy without its title line,
with its body as the only source of the session, the kind and the year.

Each case is the shortest text of our own that needs the rule; none is copied from a notice.
"""

from __future__ import annotations

import pytest

from parsers import parse_notice
from parsers.text import normalise


def _read(text: str) -> dict:
    return parse_notice(text, is_html=False).to_dict()


def _windows(notice: dict) -> list[tuple[str, str | None, str | None]]:
    return [(w["label"], w["start"], w["end"]) for w in notice["windows"]]


def test_a_year_written_before_a_yearless_date_gives_its_year_when_nothing_else_does() -> None:
    # No title, no published date, no exam session: the year the sentence writes before the dates
    # (not a date, not a bound) is theirs, and the notice's next year-less dates keep it.
    notice = _read(
        "一、报名办法\n2024年本市统一实行网上报名,上半年网上填报时间为3月6日9:00-3月15日17:00。\n"
        "通过审核的人员最晚于3月18日17:00前完成网上交费。"
    )
    assert _windows(notice) == [
        ("报名", "2024-03-06T09:00", "2024-03-15T17:00"),
        ("缴费", None, "2024-03-18T17:00"),
    ]
    # 上半年网上填报… names the half the sign-up is for.
    assert notice["session"] == ["2024上半年"]


def test_a_bound_year_written_before_a_date_gives_no_year() -> None:
    notice = _read("一、领取范围\n2019年及以前取得证书的人员请于3月1日至3月5日领取证书。")
    assert _windows(notice) == []


def test_a_year_that_starts_a_period_is_no_session() -> None:
    # 2010年起历次考试 says which certificates, not the exam the notice is about.
    notice = _read(
        "一、存量证书\n我省保管的存量证书为2010年起历次考试的合格证书,请持证人于2024年3月1日至3月5日到考试中心领取。"
    )
    assert notice["session"] == []
    # A half that starts a period is the session it starts with.
    notice = _read("一、报名\n从2024年下半年起考试改为机考,报名时间为2024年8月6日至8月13日。")
    assert notice["session"] == ["2024下半年"]


def test_the_issuers_name_over_the_body_is_no_title() -> None:
    # A copy whose first line is the office's name: the body decides the kind (a window to apply for
    # posting), and the certificates are read as the ones handed out.
    notice = _read(
        "某省计算机软件资格考试办公室\n"
        "2024年上半年考试合格证书将于2024年7月15日至8月5日期间通过EMS邮寄发放,考生可登录网站申请邮寄。"
    )
    assert notice["kind"] == "certificate_collection"
    assert [(e["from"], e["to"]) for e in notice["eligible"]] == [("2024上半年", "2024上半年")]
    assert notice["session"] == ["2024上半年"]


def test_a_title_with_the_sites_name_after_it_is_still_a_title() -> None:
    # …的流程_某省人事考试网 is an explainer's title with a site suffix, not the issuer's name.
    notice = _read("证书登记的流程与注意事项_某省人事考试网\n每年登记时间为2024年3月1日至3月31日。")
    assert notice["kind"] == "other"
    assert notice["windows"] == []


@pytest.mark.parametrize(
    ("chrome", "published"),
    [
        # A re-poster's dated lead-in: its date is the page's.
        ("2024-03-05 10:05:31 来源:某某教育网 作者:编辑部 阅读:1024", "2024-03-05"),
        # A breadcrumb.
        ("当前位置:首页 > 通知公告 > 考试动态", None),
    ],
)
def test_page_chrome_over_the_title_is_metadata_not_the_title(chrome: str, published: str | None) -> None:
    notice = _read(f"{chrome}\n关于2024年上半年计算机软件资格考试报名的通知\n报名时间为3月11日至3月20日。")
    assert notice["title"] == "关于2024年上半年计算机软件资格考试报名的通知"
    assert notice["published"] == published
    assert notice["kind"] == "exam_signup"
    assert _windows(notice) == [("报名", "2024-03-11", "2024-03-20")]


def test_pinyin_annotations_in_full_width_letters_are_dropped() -> None:
    # A damaged mirror's 計(jì)算機 copied full-width throughout.
    assert normalise("關（ｇｕāｎ）于計（ｊì）算機") == "关于计算机"


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        # A traditional-script heading names a notice too (須知 is 须知).
        ("2024年上半年某省軟考考生須知", "2024年上半年某省軟考考生須知"),
        # So does one naming a session and an action without a notice word.
        ("某省2024年上半年计算机软件考试准考证打印入口", "某省2024年上半年计算机软件考试准考证打印入口"),
        # A logo does not.
        ("某省人事考试网", "准考证打印时间"),
    ],
)
def test_an_html_pages_heading_is_its_title_when_it_reads_like_one(heading: str, title: str) -> None:
    page = (
        f"<html><head><title>某省人事考试网</title></head><body><h1>{heading}</h1>"
        "<div id='zoom'><p>准考证打印时间</p><p>考生于2024年5月20日至5月24日登录网站打印准考证。</p></div></body></html>"
    )
    assert parse_notice(page, is_html=True).title == title


@pytest.mark.parametrize(
    "lines",
    [
        # The issuer, then 关于…的通知.
        "某省人事考试中心\n关于2024年上半年计算机软件资格考试证书领取的通知",
        # A title broken mid-word.
        "关于2024年上半年计算机软件资格考试证\n书领取的通知",
    ],
)
def test_a_title_set_over_two_lines_is_one(lines: str) -> None:
    # The body writes no year: the dates take the title's session's.
    notice = _read(f"{lines}\n各位考生:\n证书已到,请于9月2日至9月6日到考试中心领取。")
    assert notice["title"] == lines.replace("\n", "")
    assert notice["kind"] == "certificate_collection"
    assert notice["session"] == ["2024上半年"]
    assert _windows(notice) == [("领取", "2024-09-02", "2024-09-06")]


def test_a_copy_broken_at_a_fixed_width_is_read_as_its_sentences() -> None:
    body = (
        "本市考试实行网上报名,请报考人员在规定时间内登录网站填写报名信息并上传照片,"
        "网上报名时间为2024年3月11日9:00至3月20日17:00,逾期不再受理。"
        "通过审核的人员须于2024年3月12日至3月22日17:00前登录系统完成网上缴费,未缴费者视为放弃。"
    )
    wrapped = "\n".join(body[at : at + 30] for at in range(0, len(body), 30))
    notice = _read(f"关于2024年上半年计算机软件资格考试报名的通知\n{wrapped}")
    assert _windows(notice) == [
        ("报名", "2024-03-11T09:00", "2024-03-20T17:00"),
        ("缴费", "2024-03-12", "2024-03-22T17:00"),
    ]


def test_a_few_date_lines_of_one_length_are_no_wrapped_copy() -> None:
    notice = _read(
        "关于2024年上半年计算机软件资格考试报名的通知\n"
        "2024年3月11日9:00—20日17:00(报名)\n审核时间:2024年3月12日9:00—22日12:00\n"
        "2024年3月12日9:00—22日17:00(缴费)\n"
        "凡遵守国家法律、恪守职业道德并具有一定计算机技术应用能力的人员,均可根据本人情况报名参加相应级别的考试。"
    )
    assert sorted(_windows(notice)) == [
        ("报名", "2024-03-11T09:00", "2024-03-20T17:00"),
        ("缴费", "2024-03-12T09:00", "2024-03-22T17:00"),
        ("资格审核", "2024-03-12T09:00", "2024-03-22T12:00"),
    ]


def test_a_body_sentence_as_the_first_line_keeps_no_sign_up_without_a_window() -> None:
    # A copy that starts with a body sentence saying 报名: no title says this is a sign-up notice.
    notice = _read(
        "凡遵守国家法律并具有一定计算机技术应用能力的人员,均可根据本人情况报名参加相应级别的考试。\n"
        "考试分为初级、中级和高级三个级别。"
    )
    assert notice["kind"] == "other"
