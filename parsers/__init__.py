"""Notice text → ParsedNotice: the pure parsing step (no Scrapy, SQL, network or clock)."""

from parsers.notice import parse_notice
from parsers.page import extract_title, html_to_text
from parsers.text import decode_html

__all__ = ["decode_html", "extract_title", "html_to_text", "parse_notice"]
