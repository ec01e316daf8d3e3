"""mediamon: the headless core (config, sources, crawl, store, analysis, cli)."""

__version__ = "0.1.0"
