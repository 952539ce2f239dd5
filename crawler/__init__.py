"""The Scrapy project that fetches the official notice lists: sources, spiders, pipelines, health, runner."""
