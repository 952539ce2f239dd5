"""A subscriber's regions: checking the places people give, storing them, reading them for mails.

Every door (form, API, CLI, CSV) hands ``SubscriberData`` a list of places; the checks
here say in Chinese which one is wrong. Matching reads the rows in SQL
(``store.matching.region_matches``); composing reads them with ``regions_by_subscriber``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.places import MAX_REGIONS, split_region
from core.text import quoted
from store.models import Subscriber, SubscriberRegion

_REGION_LENGTH = 64  # subscriber_region.region


def checked_regions(given: Sequence[str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The regions as stored (trimmed, repeats dropped, in the order given), and what is wrong.

    Problems are keyed ``regions.<index>`` (the index in ``given``) for one place, or
    ``regions`` for the list; an empty list is valid: national notices only.
    """
    if isinstance(given, str):  # would be read as one place per character
        raise TypeError("regions are a sequence of places, not one string")
    problems: dict[str, str] = {}
    regions: list[str] = []
    for n, raw in enumerate(given):
        region = (raw or "").strip()
        key = f"regions.{n}"
        if not region:
            problems[key] = f"第 {n + 1} 个地区为空"
        elif any(c in region for c in "\r\n\x00\x1b"):
            problems[key] = "地区中不能含有换行或控制字符"
        elif len(region) > _REGION_LENGTH:
            problems[key] = f"地区过长（最多 {_REGION_LENGTH} 个字）：「{region[:20]}…」"
        elif not split_region(region)[0]:
            problems[key] = (
                f"无法识别的地区：{quoted(region, 40)}（应以省、自治区或直辖市开头，如 天津市红桥区、广东省深圳市）"
            )
        elif region not in regions:
            regions.append(region)
    if len(regions) > MAX_REGIONS:
        problems["regions"] = f"最多选择 {MAX_REGIONS} 个地区（收到 {len(regions)} 个）"
    return tuple(regions), problems


def set_regions(subscriber: Subscriber, regions: Sequence[str]) -> None:
    """Make the subscriber's regions ``regions`` (checked), in that order.

    A region kept keeps its row: replacing every row would insert the new ones before
    deleting the old, against the unique (subscriber, region) key.
    """
    kept = {row.region: row for row in subscriber.regions}
    rows = []
    for position, region in enumerate(regions):
        row = kept.pop(region, None)
        if row is None:
            province, city = split_region(region)
            row = SubscriberRegion(region=region, province=province, city=city)
        row.position = position
        rows.append(row)
    subscriber.regions[:] = rows  # the rows left out are orphans, deleted at the flush


def regions_by_subscriber(session: Session, ids: Iterable[int | None]) -> dict[int, tuple[str, ...]]:
    """Each subscriber's regions as given, in order; a subscriber without any is absent."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    found: dict[int, tuple[str, ...]] = {}
    rows = session.execute(
        select(SubscriberRegion.subscriber_id, SubscriberRegion.region)
        .where(SubscriberRegion.subscriber_id.in_(wanted))
        .order_by(SubscriberRegion.subscriber_id, SubscriberRegion.position)
    )
    for subscriber_id, region in rows:
        found[subscriber_id] = (*found.get(subscriber_id, ()), region)
    return found
