"""Notice text → ParsedNotice: the pure parsing step (no Scrapy, SQL, network or clock)."""
