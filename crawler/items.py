"""The item a spider yields: one detail page as selected, before any parsing.

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
