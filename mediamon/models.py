"""Plain data passed between the stages: sources, fetched items, fetch logs, source health.

Every stage (config, crawl, store, analysis) speaks these frozen dataclasses, so each can be
tested without the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

SOURCE_KINDS = ("feed", "listing", "sitemap", "api")
ORIGINS = ("domestic", "foreign")
OWNERS = ("state", "private", "foreign")
CONFIDENCE_LEVELS = ("verified", "likely", "unverified", "doubtful")


def now_iso() -> str:
    """The current time as every timestamp below is written: ISO 8601, UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Selectors:
    """CSS selectors that turn a listing page into items (kind = listing)."""

    item: str
    link: str = "a"
    title: str | None = None
    date: str | None = None
    next: str | None = None


@dataclass(frozen=True)
class ApiMapping:
    """Where a JSON news list keeps its fields (kind = api). Paths are dotted keys.

    ``link`` may be a template such as ``https://site/news/{id}``: ``{field}`` is filled from
    the item's fields.
    """

    items: str
    link: str
    title: str = "title"
    date: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Source:
    """One configured source: a feed, a listing page, a sitemap or a JSON news API."""

    id: str
    name: str
    url: str
    kind: str = "feed"
    languages: tuple[str, ...] = ("ru",)
    origin: str = "domestic"
    owner: str = "private"
    agency: str | None = None
    region: str | None = None
    interval: int = 60  # minutes
    enabled: bool = True
    reach: float | None = None
    selectors: Selectors | None = None
    api: ApiMapping | None = None
    confidence: str = "unverified"
    note: str | None = None
    max_pages: int = 1  # listing pages to follow through `next` per poll


@dataclass(frozen=True)
class Item:
    """One publication as the crawler found it, before analysis."""

    source_id: str
    url: str
    canonical_url: str
    title: str
    text: str
    published: str | None  # ISO 8601 in UTC, or None when the source gives no date
    fetched: str  # ISO 8601 in UTC
    content_hash: str
    summary: str = ""
    language: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class FetchLog:
    """One poll of one source: what happened and what it brought."""

    source_id: str
    started: str  # ISO 8601 UTC
    duration_ms: int
    status: int | None  # HTTP status of the source URL, None if no response
    items_found: int = 0
    items_new: int = 0
    items_seen: int = 0
    bytes: int = 0
    not_modified: bool = False
    error: str | None = None  # one readable line naming what failed and what to do


@dataclass(frozen=True)
class SourceHealth:
    """What the store remembers about a source between polls."""

    source_id: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    next_poll: str | None = None  # ISO 8601 UTC; None = due now
    extra: dict = field(default_factory=dict)

    @property
    def dead(self) -> bool:
        """A source that failed three polls in a row is shown as dead in the app and CLI."""
        return self.consecutive_failures >= 3


@dataclass(frozen=True)
class CrawlSettings:
    """How politely and how hard the crawler works; the `[crawler]` table of sources.toml."""

    concurrency: int = 16  # requests in flight across all hosts
    per_host: int = 2  # requests in flight to one host
    per_host_delay: float = 0.5  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 5_000_000  # a larger body is cut off and reported
    max_redirects: int = 5
    user_agent: str = "mediamon/0.1 (media monitoring for press services; +https://github.com/mediamon)"
    proxy: str | None = None  # None: the system proxy (HTTP(S)_PROXY) applies
    ca_bundle: str | None = None  # PEM file, e.g. the national certification authority's root
    respect_robots: bool = True
    fetch_articles: bool = True  # fetch the article page when a feed carries only a summary
    min_text_chars: int = 400  # a feed text shorter than this counts as a summary
    max_backoff_minutes: int = 24 * 60
