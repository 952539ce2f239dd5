"""Several regions through every door: the JSON API, the form and manage page, ``subscribers add|list``.

``region`` (one string) stays accepted on the API; ``regions`` lists several. Bad input is
refused with the reason in Chinese: a place not known, more than five, an empty entry, both
keys at once; on the form beside its field, on the CLI as exit 2 naming ``--region``.
"""

from __future__ import annotations

import json
import re

import pytest

from core.places import MAX_REGIONS
from tests.web.helpers import body, subscriber, subscriber_count
from tests.web.test_pages import EMAIL, form, make_subscriber, url

API = "/api/subscriptions"


def test_the_api_takes_several_regions_in_their_order_and_drops_repeats(client, sessions):
    regions = ["北京市海淀区", "天津市红桥区", "北京市海淀区"]
    r = client.post(API, json=body(region="", regions=regions))
    assert r.status_code == 202, r.text
    s = subscriber(sessions, "li.lei@example.com")
    assert [(r.region, r.province, r.city) for r in s.regions] == [
        ("北京市海淀区", "北京", "北京"),
        ("天津市红桥区", "天津", "天津"),
    ]


def test_the_api_still_takes_one_region_string_and_none_at_all(client, sessions):
    assert client.post(API, json=body()).status_code == 202  # "region": "天津市红桥区"
    assert subscriber(sessions, "li.lei@example.com").region_names == ["天津市红桥区"]
    assert client.post(API, json=body("han@example.com", region="", regions=[])).status_code == 202
    assert subscriber(sessions, "han@example.com").regions == []  # national notices only


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"regions": ["天津市", "火星市"]}, "无法识别的地区：「火星市」"),
        ({"regions": ["天津市", " "]}, "第 2 个地区为空"),
        ({"regions": ["天津市\x1b[31m"]}, "地区中不能含有换行或控制字符"),
        ({"regions": ["北京市", "天津市", "上海市", "重庆市", "河北省", "山西省"]}, "regions：项目过多（最多 5 项）"),
        ({"region": "天津市", "regions": ["北京市"]}, "region 与 regions 不能同时填写"),
        ({"regions": "天津市"}, "regions：应为数组"),
    ],
)  # fmt: skip
def test_bad_regions_are_refused_with_the_reason_and_nothing_is_stored(client, sessions, changes, words):
    r = client.post(API, json=body(**{"region": "", **changes}))
    assert r.status_code == 422 and words in r.json()["detail"], r.text
    assert subscriber_count(sessions) == 0


def test_the_form_stores_several_regions_and_grows_one_row_at_a_time_up_to_the_cap(client, sessions):
    extra = {"region-1-province": "广东", "region-1-city": "深圳市", "region-1-district": "南山区"}
    grown = client.post("/subscribe", data=form(client, **extra, add_region="1"))
    assert grown.status_code == 200 and 'id="region-2-province"' in grown.text
    assert 'value="南山区"' in grown.text and subscriber_count(sessions) == 0  # kept, nothing stored
    r = client.post("/subscribe", data=form(client, **extra))
    assert r.status_code == 200 and "请查收确认邮件" in r.text
    assert subscriber(sessions, EMAIL).region_names == ["天津市红桥区", "广东省深圳市南山区"]
    full = {f"region-{n}-province": p for n, p in enumerate(["天津", "北京", "上海", "重庆", "河北"])}
    page = client.post("/subscribe", data=form(client, **full, add_region="1")).text
    assert (
        f'id="region-{MAX_REGIONS - 1}-province"' in page
        and f'id="region-{MAX_REGIONS}-province"' not in page
    )
    assert "再添加一个地区" not in page


def test_a_region_row_without_a_province_is_shown_beside_its_field(client, sessions):
    r = client.post(
        "/subscribe", data=form(client, **{"region-1-city": "深圳市", "region-2-province": "火星"})
    )
    assert r.status_code == 422
    for field, words in (("region-1-province", "请先选择省份"), ("region-2-province", "请从列表中选择省份")):
        message = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', r.text)
        assert message and words in message.group(1), field
        tag = re.search(rf'<select[^>]* id="{field}"[^>]*>', r.text).group(0)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{field}-error"' in tag
        assert f'href="#{field}"' in r.text
    assert 'value="深圳市"' in r.text  # what was typed is kept
    assert subscriber_count(sessions) == 0


def test_the_manage_page_shows_every_region_and_edits_them(client, sessions, config):
    make_subscriber(sessions, status="active")
    manage = url(sessions, config, "manage")
    page = client.get(manage).text
    assert re.search(r'id="region-0-province".*?<option value="广东" selected', page, re.S)
    assert 'id="region-0-city" name="region-0-city" value="深圳市"' in page
    fields = form(client, manage, **{"region-1-province": "北京", "region-1-district": "朝阳区"})
    assert client.post(manage, data=fields).status_code == 200
    assert subscriber(sessions, EMAIL).region_names == ["天津市红桥区", "北京市朝阳区"]
    page = client.get(manage).text
    assert 'value="朝阳区"' in page and 'id="region-1-remove"' in page
    dropped = form(client, manage, **{"region-1-province": "北京", "region-1-district": "朝阳区"})
    assert client.post(manage, data={**dropped, "region-0-remove": "1"}).status_code == 200
    assert subscriber(sessions, EMAIL).region_names == ["北京市朝阳区"]


def test_the_cli_adds_several_regions_from_a_repeated_flag_or_a_list(run, sessions):
    r = run("add", "zhao@example.com", "--region", "天津市红桥区", "--region", "北京市,上海市")
    assert r.returncode == 0, r.stderr
    assert subscriber(sessions, "zhao@example.com").region_names == ["天津市红桥区", "北京市", "上海市"]
    [listed] = json.loads(run("list", "--json").stdout)
    assert listed["regions"] == ["天津市红桥区", "北京市", "上海市"]
    assert listed["region"] == "天津市红桥区、北京市、上海市"
    assert "天津市红桥区、北京市、上海市" in run("list").stdout


@pytest.mark.parametrize(
    ("regions", "words"),
    [
        (["火星"], "--region: 无法识别的地区：「火星」"),
        (["北京,天津,上海,重庆,河北,山西"], f"--region: 最多选择 {MAX_REGIONS} 个地区（收到 6 个）"),
    ],
)
def test_the_cli_refuses_bad_regions_with_exit_2_naming_the_flag(run, sessions, regions, words):
    r = run("add", "zhao@example.com", *(part for region in regions for part in ("--region", region)))
    assert r.returncode == 2 and words in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr
    assert subscriber_count(sessions) == 0
