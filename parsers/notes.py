"""What a reader reports besides its field: warnings and the sentences it could not fully read.

Every reader (windows, eligible ranges, fees, sessions) inherits ``Notes`` so that
warnings carry a ``WarningCode`` and unread sentences become ``Uncertain`` entries the
same way everywhere; ``parse_notice`` gathers them into the ``ParsedNotice``.
"""

from __future__ import annotations

from parsers.types import ParseWarning, Uncertain, WarningCode

# Evidence quoted in a warning message is cut here; uncertain entries keep the whole sentence.
QUOTE_CHARS = 60


class Notes:
    """Warnings and uncertain fields collected while reading one notice."""

    def __init__(self) -> None:
        self.warnings: list[ParseWarning] = []
        self.uncertain: list[Uncertain] = []

    def warn(self, code: WarningCode, message: str, quote: str = "") -> None:
        text = f"{message}: {quote[:QUOTE_CHARS]}" if quote else message
        self.warnings.append(ParseWarning(code, text))

    def unsure(self, field: str, evidence: str) -> None:
        """``field`` was seen in ``evidence`` but not (fully) read; each sentence is named once."""
        entry = Uncertain(field, evidence)
        if entry not in self.uncertain:
            self.uncertain.append(entry)
