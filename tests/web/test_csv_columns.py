"""The CSV carries several regions, the topics, the exams and the reminder settings: export → import loses none.

``region``, ``alert_kinds`` and ``exam_sessions`` cells list values separated by 、 (what
export writes; ; , ，； are read too); topics by their Chinese label (as exported) or their
stored value. Files with the old seven (or nine) columns import as before: every topic, every exam,
the default reminder settings.
"""

from __future__ import annotations

from sqlalchemy import delete

from store.models import Subscriber
from tests.web.helpers import subscriber, subscriber_count

HEADER = (
    "email,name,region,qualification,level,obtained,last_registered,alert_kinds,exam_sessions,"
    "reminder_days,digest,expiry_reminders"
)
CANDIDATE = "zhao@example.com,赵敏,天津市南开区、北京市,,,,,考试报名、成绩公布、截止前提醒,2026上半年、2026下半年,7,否,是"
HOLDER_ROWS = (
    "li@example.com,李雷,天津市红桥区,信息系统项目管理师,高级,2021下半年,2024-03-05,registration；reminders,,0,yes,no",
    "li@example.com,,天津市红桥区,程序员,初级,2019,,证书登记;截止前提醒,,0,是,否",
)


def _stored(sessions, email: str) -> tuple:
    s = subscriber(sessions, email)
    return (
        s.name,
        s.region_names,
        s.alert_kinds,
        s.exam_sessions,
        (s.reminder_days, s.digest, s.expiry_reminders),
        [(c.qualification, c.obtained, c.last_registered) for c in s.certificates],
    )


def test_regions_topics_and_exams_import_and_survive_an_export_import_round_trip(
    run_here, sessions, tmp_path
):
    run = run_here
    (tmp_path / "people.csv").write_text(
        "\n".join([HEADER, CANDIDATE, *HOLDER_ROWS]) + "\n", encoding="utf-8"
    )
    r = run("import", "people.csv", "--confirmed")
    assert r.returncode == 0, r.stderr
    candidate = _stored(sessions, "zhao@example.com")
    assert candidate[1:5] == (
        ["天津市南开区", "北京市"],
        ["exam_signup", "results", "reminders"],
        [20261, 20262],
        (7, False, True),
    )
    holder = _stored(sessions, "li@example.com")
    assert holder[1:3] == (["天津市红桥区"], ["registration", "reminders"]) and len(holder[5]) == 2
    assert holder[4] == (0, True, False)  # 0 days: remind on the closing day only

    exported = run("export")
    assert exported.returncode == 0
    lines = exported.stdout.splitlines()
    assert lines[0] == HEADER and CANDIDATE in lines
    assert "li@example.com,李雷,天津市红桥区,程序员,初级,2019,,证书登记、截止前提醒,,0,是,否" in lines
    (tmp_path / "out.csv").write_text(exported.stdout, encoding="utf-8")
    with sessions.begin() as s:
        s.execute(delete(Subscriber))
    assert run("import", "out.csv", "--confirmed").returncode == 0
    assert (_stored(sessions, "zhao@example.com"), _stored(sessions, "li@example.com")) == (candidate, holder)
    assert run("export").stdout == exported.stdout


def test_bad_regions_topics_exams_or_rows_that_disagree_are_named_by_line(run, sessions, tmp_path):
    bad = [
        HEADER,
        "a@example.com,,天津市、火星,,,,,,,,,",
        "b@example.com,,天津市,,,,,考试报名、打卡,,,,",
        "c@example.com,,天津市,,,,,,2099上半年,,,",
        "d@example.com,,北京、天津、上海、重庆、河北、山西,,,,,,,,,",
        "e@example.com,,天津市,程序员,初级,2019,,考试报名,,,,",
        "e@example.com,,天津市,网络工程师,中级,2020,,成绩公布,,,,",
        "f@example.com,,天津市,,,,,,,三,是,是",
        "g@example.com,,天津市,,,,,,,61,是,是",
        "h@example.com,,天津市,,,,,,,3,每周,是",
        "i@example.com,,天津市,程序员,初级,2019,,,,3,是,是",
        "i@example.com,,天津市,网络工程师,中级,2020,,,,3,否,是",
        "j@example.com,,天津市,程序员,初级,2019,去年,,,,,",
    ]
    (tmp_path / "people.csv").write_text("\n".join(bad) + "\n", encoding="utf-8")
    r = run("import", "people.csv")
    assert r.returncode == 1
    for line, words in (
        (2, "无法识别的地区：「火星」"),
        (3, "未知的提醒类型：「打卡」"),
        (4, "考试场次应为近期的一次考试"),
        (5, "最多选择 5 个地区（收到 6 个）"),
        (7, "e@example.com 的姓名、地区、提醒类型、考试或提醒设置与前面的行不一致"),
        (8, "reminder_days 应为 0 到 60 的整数：「三」"),
        (9, "提前提醒天数应在 0 到 60 之间"),
        (10, "digest 应为 是 或 否：「每周」"),
        (12, "i@example.com 的姓名、地区、提醒类型、考试或提醒设置与前面的行不一致"),
        (13, "last_registered 应为 YYYY-MM-DD：「去年」"),
    ):
        assert f"line {line}: {words}" in r.stderr, (line, r.stderr)
    assert subscriber_count(sessions) == 0


def test_a_header_with_a_column_twice_or_unknown_is_refused(run, tmp_path):
    for header in (HEADER + ",alert_kinds", HEADER + ",topics"):
        (tmp_path / "people.csv").write_text(header + "\n", encoding="utf-8")
        r = run("import", "people.csv")
        assert (
            r.returncode == 1
            and "line 1: the header must be" in r.stderr
            and "the last five optional" in r.stderr
        )


def test_a_nine_column_file_from_before_the_settings_imports_with_the_defaults(run, sessions, tmp_path):
    nine = HEADER.rsplit(",", 3)[0]
    (tmp_path / "people.csv").write_text(
        f"{nine}\nzhao@example.com,赵敏,天津市,,,,,考试报名,2026下半年\n", encoding="utf-8"
    )
    assert run("import", "people.csv", "--confirmed").returncode == 0
    assert _stored(sessions, "zhao@example.com")[2:5] == (["exam_signup"], [20262], (3, True, True))
