"""The one sanitiser for text that leaves the program: terminals, mails, feeds.

Titles, evidence sentences and subscriber fields come from scraped pages and from people;
an ESC sequence in them would recolour (or retitle) an operator's terminal, a C1 control
(U+009B is CSI on many terminals) likewise, and bidi overrides or isolates reorder what a
reader sees, so a link or an amount can be made to read as something else. Every output
removes the same set, defined here once.
"""

from __future__ import annotations

import re

# C0 controls except tab/newline/CR, DEL and C1 controls, surrogates, U+FFFE/U+FFFF (XML
# forbids or discourages them), the Arabic letter mark, zero-width characters, bidi marks,
# embeddings, overrides and isolates, the line/paragraph separators and the BOM.
UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
    "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[ \t\r\u00a0\u3000]+")


def strip_unsafe(value: str) -> str:
    """``value`` without the unsafe characters; line breaks, tabs and spacing kept as they are."""
    return UNSAFE.sub("", value)


def safe_text(value: str | None) -> str:
    """Text with unsafe characters removed, spaces folded, line breaks kept and blank lines dropped."""
    if not value:
        return ""
    lines = (_SPACES.sub(" ", line).strip() for line in strip_unsafe(value).split("\n"))
    return "\n".join(line for line in lines if line)


def safe_line(value: str | None, *, limit: int = 300) -> str:
    """One line of text (a title, an evidence sentence), capped at ``limit`` characters."""
    text = safe_text(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# An address inside an error text: ``<li.lei@example.com>``, ``li.lei@example.com``.
_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:@]+@([^\s<>()\[\]\"',;:@]+)")


def mask_addresses(value: str) -> str:
    """``550 5.1.1 <li.lei@example.com>: user unknown`` → ``550 5.1.1 <***@example.com>: user unknown``.

    For reasons an operator reads in ``status``: the domain tells which provider refuses,
    the mailbox is nobody's business there, and the same reason for many people is one line.
    """
    return _ADDRESS.sub(r"***@\1", value)


def quoted(value: str, limit: int) -> str:
    """What a person typed, quoted for a message: 「…」, cut at ``limit`` characters, never a Python repr."""
    return f"「{value[:limit]}」"
