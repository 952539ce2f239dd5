"""The items a spider yields: one detail page, or one row of the sign-up table, as selected, before any parsing.

Spiders only select; turning the HTML into text and a ParsedNotice is the job of
``ParseNoticePipeline``, so that a parser change never needs a spider change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class NoticeItem:
    """A detail page: where it is, what the list called it, and its body HTML."""

    source_id: str
    region: str
    url: str
    title: str  # the list's full title (``a[title]``), else the page's own
    published: date | None
    html: str  # the notice body container, decoded
    fetched_at: datetime
    attachments: list[dict[str, str]] = field(default_factory=list)  # {"name", "url"}; never downloaded


@dataclass
class SignupRowItem:
    """One institution's row of the sign-up table: the selected session and the cells' texts."""

    source_id: str
    page_url: str  # the table page the source lists; each row's notice URL adds a fragment
    session: str | None  # the selected option's text, e.g. 2026年上半年软考
    institution: str
    cells: tuple[str, ...]  # 报名, then 缴费, in page order
    fetched_at: datetime
