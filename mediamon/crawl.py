"""Crawl orchestration: poll due sources, parse them, fetch and extract new articles, store items.

:func:`crawl` polls every enabled source that is due (or all with ``force=True``) through one
:class:`~mediamon.http.Fetcher`, at most ``settings.concurrency`` sources at a time. For each
source: a conditional GET of its URL (304 → nothing to do); parsing by kind (feed, listing
pages through ``next`` up to ``max_pages``, sitemap or sitemap index, JSON API); entries whose
canonical URL the store already knows are dropped *before* their article page is fetched; new
entries get their article page fetched and extracted when the feed carries no full text (always
for listing, sitemap and api sources); the items are committed with ``store.add_items`` as soon
as the source is done, so a crash later loses nothing already stored; then the fetch log and
the source's health (ETag, back-off, next poll) are saved.

The ``source_finished`` event carries ``failed``: True when the poll failed (the source's
back-off grows), False when ``error`` only notes problems of a source that worked.

Every fault ends as the source's ``FetchLog.error``: one line ``<source id> (<url>): <what
happened>; <what to do>``. The other sources carry on. Problems that do not fail the source
(entries without a link, a listing page or article that could not be read, entries beyond
the per-poll cap) are counted and summarised in the same field while the source stays healthy:
nothing is skipped silently. Store calls and callbacks run on the
event loop's thread; only article extraction (CPU work) runs in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from mediamon.extract import Extracted, extract_article
from mediamon.http import Fetcher, Response
from mediamon.models import SOURCE_KINDS, CrawlSettings, FetchLog, Item, Source, SourceHealth
from mediamon.parse import Entry, ParseError, parse_api, parse_feed, parse_listing, parse_sitemap
from mediamon.urls import canonical_url, content_hash, display_url

EventCallback = Callable[[dict], Any]
NewItemsCallback = Callable[[list[tuple[int, Item]]], Any]
MAX_ENTRIES_PER_POLL = 500


@dataclass(frozen=True)
class CrawlSummary:
    """What one crawl cycle did."""

    sources: int  # sources polled (due, enabled)
    failed: int
    items_found: int
    items_new: int
    not_modified: int
    duration_ms: int
    cancelled: bool = False
    requests: int = 0
    logs: tuple[FetchLog, ...] = field(default=(), repr=False)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def is_due(health: SourceHealth | None, now: datetime | None = None) -> bool:
    """Whether a source should be polled now (never polled, or its next_poll has passed)."""
    if health is None or not health.next_poll:
        return True
    when = _parse_iso(health.next_poll)
    return when is None or when <= (now or _utcnow())


def backoff_minutes(interval: int, failures: int, settings: CrawlSettings) -> float:
    """Minutes until the next poll after ``failures`` consecutive failures (exponential, capped)."""
    if failures <= 0:
        return float(interval)
    return float(min(interval * 2 ** min(failures, 30), settings.max_backoff_minutes))


def _prefix(source: Source) -> str:
    """``<id> (<url>)``: how every error line of a source begins."""
    return f"{source.id} ({display_url(source.url)})"


def config_problem(source: Source) -> str | None:
    """Why ``source`` cannot be polled as configured (what to add in sources.toml), or None."""
    if source.kind not in SOURCE_KINDS:
        return (f"unknown kind = '{source.kind}'; use feed, listing, sitemap or api in "
                "sources.toml")
    if source.kind == "listing" and source.selectors is None:
        return ("kind = listing needs a [source.selectors] table with at least "
                "item = '<css>'; add it in sources.toml")
    if source.kind == "api" and source.api is None:
        return ("kind = api needs a [source.api] table with items and link; add it in "
                "sources.toml")
    return None


def _finished_event(source: Source, *, error: str | None, failed: bool, duration_ms: int,
                    status: int | None = None, found: int = 0, new: int = 0, seen: int = 0,
                    not_modified: bool = False) -> dict:
    """The ``source_finished`` event (see module doc)."""
    return {"event": "source_finished", "source": source.id, "status": status,
            "items_found": found, "items_new": new, "items_seen": seen,
            "not_modified": not_modified, "error": error, "failed": failed,
            "duration_ms": duration_ms}


def _ms_since(t0: float) -> int:
    return int((time.monotonic() - t0) * 1000)


def _emit(on_event: EventCallback | None, event: dict) -> None:
    """Pass ``event`` to the caller's callback; a failing callback does not stop the crawl."""
    if on_event is None:
        return
    with contextlib.suppress(Exception):
        on_event(event)


def _fail_all(due: list[Source], store: Any, problem: str, now: datetime, t0: float,
              on_event: EventCallback | None) -> CrawlSummary:
    """Log one failed poll per due source when the crawl cannot start (no HTTP client)."""
    logs = []
    for s in due:
        log = FetchLog(source_id=s.id, started=now.isoformat(), duration_ms=0, status=None,
                       error=f"{_prefix(s)}: {problem}")
        store.record_fetch(log)
        logs.append(log)
        _emit(on_event, _finished_event(s, error=log.error, failed=True, duration_ms=0))
    duration = _ms_since(t0)
    _emit(on_event, {"event": "crawl_finished", "sources": len(due), "failed": len(due),
                     "items_new": 0, "duration_ms": duration})
    return CrawlSummary(len(due), len(due), 0, 0, 0, duration, logs=tuple(logs))


class _SourceFailed(Exception):
    def __init__(self, message: str, response: Response | None = None) -> None:
        super().__init__(message)
        self.response = response


@dataclass
class _Outcome:
    """What one poll of one source came to; becomes its FetchLog, event and health."""

    status: int | None = None
    found: int = 0
    new: int = 0
    seen: int = 0
    bytes: int = 0
    not_modified: bool = False
    error: str | None = None
    failed: bool = False
    retry_after: float | None = None
    etag: str | None = None
    last_modified: str | None = None
    notes: list[str] = field(default_factory=list)  # non-fatal problems (pages, articles)


class _Crawler:
    """The state of one crawl cycle shared by its workers: counters, logs, claimed URLs."""

    def __init__(self, store: Any, settings: CrawlSettings, fetcher: Fetcher,
                 on_event: EventCallback | None, on_new_items: NewItemsCallback | None) -> None:
        self.store = store
        self.settings = settings
        self.fetcher = fetcher
        self.on_event = on_event
        self.on_new_items = on_new_items
        # new items are processed (analysed) one batch at a time off the event loop, so
        # fetching goes on meanwhile; one thread keeps the batches in order
        self.processing = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="mediamon-new-items")
                           if on_new_items is not None else None)
        self.logs: list[FetchLog] = []
        self.failed = 0
        self.items_new = 0
        self.items_found = 0
        self.not_modified = 0
        self.claimed: set[str] = set()  # canonical URLs taken by a source during this crawl
        self.inflight: dict[str, tuple[Source, float]] = {}  # polls under way

    def emit(self, event: dict) -> None:
        _emit(self.on_event, event)

    # -- one source ------------------------------------------------------------------------

    async def poll(self, source: Source) -> None:
        started = _utcnow()
        t0 = time.monotonic()
        prefix = _prefix(source)
        self.emit({"event": "source_started", "source": source.id, "url": source.url})
        health = self.store.health(source.id)
        out = _Outcome()
        self.inflight[source.id] = (source, t0)
        try:
            await self._poll(source, health, out)
        except _SourceFailed as exc:
            out.failed = True
            out.error = f"{prefix}: {exc}"
            if exc.response is not None:
                out.status = exc.response.status
                out.retry_after = exc.response.retry_after
        except ParseError as exc:
            out.failed = True
            out.error = f"{prefix}: {exc}"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the other sources
            out.failed = True
            out.error = (f"{prefix}: internal error {exc.__class__.__name__}: {exc}; "
                         "please report it with this line")
        del self.inflight[source.id]
        duration = _ms_since(t0)
        log = FetchLog(source_id=source.id, started=started.isoformat(), duration_ms=duration,
                       status=out.status, items_found=out.found, items_new=out.new,
                       items_seen=out.seen, bytes=out.bytes, not_modified=out.not_modified,
                       error=out.error)
        self.store.record_fetch(log)
        self._save_health(source, health, out)
        self.logs.append(log)
        self.failed += int(out.failed)
        self.items_new += out.new
        self.items_found += out.found
        self.not_modified += int(out.not_modified)
        self.emit(_finished_event(
            source, status=out.status, found=out.found, new=out.new, seen=out.seen,
            not_modified=out.not_modified, error=out.error, failed=out.failed,
            duration_ms=duration))

    def _save_health(self, source: Source, health: SourceHealth, out: _Outcome) -> None:
        now = _utcnow()
        if out.failed:
            failures = health.consecutive_failures + 1
            wait = backoff_minutes(source.interval, failures, self.settings) * 60
            if out.retry_after:
                wait = max(wait, out.retry_after)
            new = replace(health, last_error=out.error, consecutive_failures=failures,
                          next_poll=(now + timedelta(seconds=wait)).isoformat())
        else:
            new = replace(
                health,
                etag=out.etag if out.etag is not None else health.etag,
                last_modified=(out.last_modified if out.last_modified is not None
                               else health.last_modified),
                last_success=now.isoformat(), last_error=out.error, consecutive_failures=0,
                next_poll=(now + timedelta(minutes=source.interval)).isoformat())
        self.store.save_health(new)

    async def _get(self, url: str, **conditional: str | None) -> Response:
        resp = await self.fetcher.fetch(url, **conditional)
        if resp.error is not None:
            raise _SourceFailed(resp.error if url == resp.url else f"{url}: {resp.error}", resp)
        return resp

    async def _poll(self, source: Source, health: SourceHealth, out: _Outcome) -> None:
        problem = config_problem(source)
        if problem is not None:
            raise _SourceFailed(problem)
        resp = await self.fetcher.fetch(source.url, etag=health.etag,
                                        last_modified=health.last_modified)
        out.status = resp.status
        out.bytes += len(resp.body)
        if resp.error is not None:
            raise _SourceFailed(resp.error, resp)
        if resp.not_modified:
            out.not_modified = True
            return
        out.etag, out.last_modified = resp.etag, resp.last_modified
        entries = await self._entries(source, resp, out)
        out.found = len(entries)
        # Deduplicate within the poll, then against the store, before any article fetch.
        by_canon: dict[str, Entry] = {}
        for e in entries:
            by_canon.setdefault(canonical_url(e.url), e)
        known = self.store.known_canonical_urls(list(by_canon)) if by_canon else set()
        fresh = [(c, e) for c, e in by_canon.items() if c not in known and c not in self.claimed]
        self.claimed.update(c for c, _ in fresh)
        out.seen = len(entries) - len(fresh)
        if fresh:
            await self._store_fresh(source, fresh, out)
        if out.notes:
            more = f" (and {len(out.notes) - 1} more)" if len(out.notes) > 1 else ""
            out.error = (f"{_prefix(source)}: {len(out.notes)} problem(s) while reading entries, "
                         f"pages and articles, the rest was stored; first: "
                         f"{out.notes[0]}{more}")

    async def _store_fresh(self, source: Source, fresh: list[tuple[str, Entry]],
                           out: _Outcome) -> None:
        results = await asyncio.gather(*(self._item(source, c, e, out.notes)
                                         for c, e in fresh))
        items = [it for it in results if it is not None]
        if items:
            inserted = self.store.add_items(items)
            out.new = len(inserted)
            out.seen += len(items) - len(inserted)
            if inserted and self.on_new_items is not None:
                try:
                    await asyncio.get_running_loop().run_in_executor(
                        self.processing, self.on_new_items, inserted)
                except Exception as exc:  # noqa: BLE001 - items are stored; report and go on
                    out.notes.insert(0, f"processing new items failed ({exc}); the items "
                                             "are stored, run `mediamon reanalyze`")

    async def _entries(self, source: Source, resp: Response, out: _Outcome) -> list[Entry]:
        entries = await self._all_entries(source, resp, out)
        if len(entries) > MAX_ENTRIES_PER_POLL:
            out.notes.append(f"{len(entries)} entries found, only the first "
                             f"{MAX_ENTRIES_PER_POLL} are read per poll; lower the interval "
                             "so that fewer entries pile up between polls")
        return entries[:MAX_ENTRIES_PER_POLL]

    async def _all_entries(self, source: Source, resp: Response, out: _Outcome) -> list[Entry]:
        base = resp.final_url or source.url
        if source.kind == "feed":
            return parse_feed(resp.body, base, problems=out.notes)
        if source.kind == "api":
            assert source.api is not None
            return parse_api(resp.body, base, source.api, problems=out.notes)
        if source.kind == "sitemap":
            entries, children = parse_sitemap(resp.body, base, problems=out.notes)
            for child in children[: max(1, source.max_pages)]:
                try:
                    sub = await self._get(child)
                    out.bytes += len(sub.body)
                    more, _ = parse_sitemap(sub.body, sub.final_url or child,
                                            problems=out.notes)
                except (_SourceFailed, ParseError) as exc:
                    out.notes.append(f"child sitemap {child}: {exc}")
                    continue
                entries.extend(more)
            return entries
        # listing
        assert source.selectors is not None
        entries, next_url = parse_listing(resp.body, base, source.selectors,
                                          problems=out.notes)
        visited = {canonical_url(source.url), canonical_url(base)}
        pages = 1
        while next_url and pages < max(1, source.max_pages):
            canon = canonical_url(next_url)
            if canon in visited:
                break
            page_urls = [canonical_url(e.url) for e in entries]
            if page_urls and len(self.store.known_canonical_urls(page_urls)) == len(page_urls):
                break  # everything so far is known: older pages are known too
            visited.add(canon)
            try:
                page = await self._get(next_url)
                out.bytes += len(page.body)
                more, next_url = parse_listing(page.body, page.final_url or next_url,
                                               source.selectors, problems=out.notes)
            except (_SourceFailed, ParseError) as exc:
                out.notes.append(f"listing page {pages + 1} ({next_url}): {exc}")
                break
            entries.extend(more)
            pages += 1
        return entries

    async def _item(self, source: Source, canon: str, entry: Entry,
                    notes: list[str]) -> Item | None:
        text = entry.text or (entry.summary if source.kind in ("feed", "api") else "")
        title = entry.title
        published = entry.published
        needs_article = self.settings.fetch_articles and (
            source.kind in ("listing", "sitemap") or len(text) < self.settings.min_text_chars)
        if needs_article:
            ex = await self._article(entry.url, notes)
            if ex is not None:
                if len(ex.text) > len(text):
                    text = ex.text
                title = title or ex.title
                published = published or ex.published
        if not text:
            text = entry.summary
        if not text and (not title or source.kind != "feed"):
            # Nothing worth storing (a listing entry needs its article): retried next poll.
            # A failed article fetch is already reported; say why in the other cases too.
            if not needs_article:
                notes.append(f"{entry.url}: the entry has no text and article pages are not "
                              "fetched; set [crawler] fetch_articles = true")
            return None
        return Item(source_id=source.id, url=entry.url, canonical_url=canon, title=title,
                    text=text, published=published, fetched=_utcnow().isoformat(),
                    content_hash=content_hash(title, text), summary=entry.summary,
                    author=entry.author)

    async def _article(self, url: str, notes: list[str]) -> Extracted | None:
        resp = await self.fetcher.fetch(url)
        if resp.error is not None:
            notes.append(f"{url}: {resp.error}")
            return None
        if not resp.ok:
            notes.append(f"{url}: HTTP {resp.status}")
            return None
        try:
            html = resp.text
            ex = await asyncio.to_thread(extract_article, html, resp.final_url)
        except Exception as exc:  # noqa: BLE001 - one bad page must not drop the others
            notes.append(f"{url}: text extraction failed ({exc.__class__.__name__}: {exc})")
            return None
        if not ex.text:
            notes.append(f"{url}: no article text found on the page")
        return ex


async def crawl(sources: Iterable[Source], store: Any,
                settings: CrawlSettings = CrawlSettings(), *,  # noqa: B008 - frozen, shared
                on_event: EventCallback | None = None,
                on_new_items: NewItemsCallback | None = None,
                cancel: asyncio.Event | None = None, force: bool = False,
                fetcher: Fetcher | None = None) -> CrawlSummary:
    """Poll the enabled sources that are due (all enabled with ``force``); see module doc."""
    t0 = time.monotonic()
    now = _utcnow()
    due = [s for s in sources if s.enabled and (force or is_due(store.health(s.id), now))]
    if due:
        store.upsert_sources(due)  # health and fetch rows refer to the source
    cancel = cancel or asyncio.Event()
    own_fetcher = fetcher is None
    cancelled = False
    fetcher_problem: str | None = None
    if fetcher is None:
        try:
            fetcher = Fetcher(settings)
        except ValueError as exc:  # e.g. a ca_bundle that is not a PEM file
            fetcher_problem = str(exc)
    _emit(on_event, {"event": "crawl_started", "sources": len(due)})
    if fetcher is None:
        return _fail_all(due, store, fetcher_problem or "", now, t0, on_event)
    crawler = _Crawler(store, settings, fetcher, on_event, on_new_items)
    pending = deque(due)

    async def worker() -> None:
        while pending and not cancel.is_set():
            await crawler.poll(pending.popleft())

    try:
        workers = [asyncio.ensure_future(worker())
                   for _ in range(min(max(1, settings.concurrency), len(due)))]
        if workers:
            everything = asyncio.gather(*workers, return_exceptions=True)
            stop = asyncio.ensure_future(cancel.wait())
            try:
                await asyncio.wait({everything, stop}, return_when=asyncio.FIRST_COMPLETED)
            finally:  # also when this task itself is cancelled: leave nothing polling
                stop.cancel()
                if not everything.done():
                    cancelled = True
                    everything.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await everything
                with contextlib.suppress(asyncio.CancelledError):
                    await stop
            if cancelled:
                for source, started in crawler.inflight.values():
                    crawler.emit(_finished_event(
                        source, failed=False, duration_ms=_ms_since(started),
                        error=f"{_prefix(source)}: cancelled before it finished; nothing "
                              "stored from this poll, it is polled again next time"))
            else:
                for result in everything.result():
                    if isinstance(result, BaseException):
                        raise result  # a store failure: stop the crawl, the CLI reports it
        cancelled = cancelled or (cancel.is_set() and bool(pending))
    finally:
        if crawler.processing is not None:
            crawler.processing.shutdown(wait=True)  # a batch under way finishes, none is lost
        if own_fetcher:
            await fetcher.aclose()
    duration = _ms_since(t0)
    polled = len(crawler.logs)
    crawler.emit({"event": "crawl_finished", "sources": polled, "failed": crawler.failed,
                  "items_new": crawler.items_new, "duration_ms": duration})
    return CrawlSummary(sources=polled, failed=crawler.failed, items_found=crawler.items_found,
                        items_new=crawler.items_new, not_modified=crawler.not_modified,
                        duration_ms=duration, cancelled=cancelled, requests=fetcher.requests,
                        logs=tuple(crawler.logs))


def run_crawl(sources: Iterable[Source], store: Any,
              settings: CrawlSettings = CrawlSettings(),  # noqa: B008 - frozen, shared
              **kwargs: Any) -> CrawlSummary:
    """Synchronous :func:`crawl` (for scripts and tests without an event loop)."""
    return asyncio.run(crawl(sources, store, settings, **kwargs))


# --------------------------------------------------------------------------------------------
# Probing sources without storing (``mediamon sources check``)
# --------------------------------------------------------------------------------------------


async def _probe(fetcher: Fetcher, s: Source) -> dict:
    """One row of :func:`check_sources` for ``s``."""
    row: dict = {"source": s.id, "url": s.url, "status": None, "items_found": 0,
                 "first_title": None, "notes": [], "error": None}
    problem = config_problem(s)
    if problem is not None:
        row["error"] = f"{_prefix(s)}: {problem}"
        return row
    resp = await fetcher.fetch(s.url)
    row["status"] = resp.status
    if resp.error is not None:
        row["error"] = f"{_prefix(s)}: {resp.error}"
        return row
    notes: list[str] = row["notes"]
    base = resp.final_url or s.url
    try:
        if s.kind == "feed":
            entries = parse_feed(resp.body, base, problems=notes)
        elif s.kind == "listing":
            assert s.selectors is not None
            entries = parse_listing(resp.body, base, s.selectors, problems=notes)[0]
        elif s.kind == "sitemap":
            entries, children = parse_sitemap(resp.body, base, problems=notes)
            if not entries and children:  # a sitemap index: look into the newest child
                sub = await fetcher.fetch(children[0])
                if sub.error is not None:
                    raise ParseError(f"child sitemap {children[0]}: {sub.error}")
                entries = parse_sitemap(sub.body, sub.final_url or children[0],
                                        problems=notes)[0]
        else:
            assert s.api is not None
            entries = parse_api(resp.body, base, s.api, problems=notes)
    except ParseError as exc:
        row["error"] = f"{_prefix(s)}: {exc}"
        return row
    row["items_found"] = len(entries)
    row["first_title"] = next((e.title for e in entries if e.title), None)
    if not entries:
        notes.append("the document lists no items right now; if that lasts, check the URL "
                     "in sources.toml")
    return row


async def _check(sources: Sequence[Source], settings: CrawlSettings) -> list[dict]:
    try:
        fetcher = Fetcher(settings)
    except ValueError as exc:
        return [{"source": s.id, "url": s.url, "status": None, "items_found": 0,
                 "first_title": None, "notes": [], "error": f"{_prefix(s)}: {exc}"}
                for s in sources]
    try:
        return list(await asyncio.gather(*(_probe(fetcher, s) for s in sources)))
    finally:
        await fetcher.aclose()


def check_sources(sources: Sequence[Source], settings: CrawlSettings | None = None) -> list[dict]:
    """Fetch and parse each source once, storing nothing.

    One dict per source: ``source``, ``url``, ``status``, ``items_found``, ``first_title``,
    ``notes`` (non-fatal problems such as entries without a link, or no items at all) and
    ``error`` (None when the source is usable).
    """
    return asyncio.run(_check(list(sources), settings or CrawlSettings()))
