"""Polite async HTTP fetching for the crawler, and byte → text decoding for Kazakh/Russian sites.

:class:`Fetcher` wraps one ``httpx.AsyncClient`` and adds what the crawler needs: a global and
a per-host concurrency limit, a delay between two requests to one host, connect/read timeouts
plus an overall deadline (so a server trickling bytes cannot hold a slot for ever), a cap on
the body size, manual redirect following with a cap and loop detection, conditional GET
(ETag / Last-Modified → 304), Retry-After parsing, robots.txt (cached per host), the user agent,
proxy and CA bundle from :class:`~mediamon.models.CrawlSettings`, and IDN hosts (``.қаз``)
sent in punycode.

:meth:`Fetcher.fetch` never raises for network or HTTP faults: it returns a :class:`Response`
whose ``error`` is one readable phrase saying what happened and what to do. The crawler
prefixes it with the source id and URL.

:func:`decode_body` turns bytes into text: HTTP charset, then ``<meta charset>`` / XML
declaration, then detection. windows-1251 and KZ-1048 / PTCP154 are supported.
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import re
import ssl
import time
import urllib.robotparser
from dataclasses import dataclass, field, replace
from datetime import UTC
from functools import cached_property
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from mediamon.models import CrawlSettings
from mediamon.urls import host_of, to_request_url

# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

CHARSET_ALIASES = {
    "kz-1048": "kz1048",
    "kz_1048": "kz1048",
    "kz1048": "kz1048",
    "pt154": "ptcp154",
    "pt-154": "ptcp154",
    "ptcp-154": "ptcp154",
    "cp154": "ptcp154",
    "windows-1251": "cp1251",
    "win-1251": "cp1251",
    "x-cp1251": "cp1251",
    "cp-1251": "cp1251",
    "utf8": "utf-8",
    "unicode": "utf-8",
}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.I)
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

_CYR_LOWER = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
_CYR_UPPER = _CYR_LOWER.upper()
_KNOWN = set(_CYR_LOWER + _CYR_UPPER + "«»—–…№„“”‘’•·°€×±§©®™\u00a0\u200b\ufeff")
_DETECT_CANDIDATES = ("cp1251", "kz1048", "koi8_r", "cp866")


def normalise_charset(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None when Python does not know it."""
    if not name:
        return None
    key = name.strip().strip("'\"").lower()
    key = CHARSET_ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def declared_charsets(body: bytes, content_type: str | None = None) -> list[str]:
    """Charsets declared for ``body``: HTTP header first, then XML declaration / <meta>."""
    found: list[str] = []
    if content_type:
        m = _CT_CHARSET.search(content_type)
        if m:
            found.append(m.group(1))
    head = body[:4096]
    for rx in (_XML_DECL, _META_CHARSET):
        m = rx.search(head)
        if m:
            found.append(m.group(1).decode("ascii", "replace"))
    return found


def _implausibility(text: str) -> int:
    """How unlike Russian/Kazakh/Latin prose a decoded text looks (0 = plausible)."""
    bad = 0
    prev_lower = False
    for ch in text:
        if ch.isascii():
            prev_lower = ch.islower()
            continue
        if ch not in _KNOWN:
            bad += 3 if not ch.isalpha() else 1
        elif ch in _CYR_UPPER and prev_lower:
            bad += 1  # capitals inside a word: the mark of a case-swapped code page
        prev_lower = ch in _CYR_LOWER
    return bad


def detect_decode(body: bytes) -> tuple[str, str]:
    """Decode without a (usable) declaration: UTF-8 if valid, else the most plausible guess."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[str] = list(_DETECT_CANDIDATES)
    try:
        import charset_normalizer

        best = charset_normalizer.from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            enc = normalise_charset(best.encoding)
            if enc and enc not in candidates:
                candidates.append(enc)
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    sample = body[:50_000]
    scored: list[tuple[int, int, str]] = []
    for i, enc in enumerate(candidates):
        try:
            scored.append((_implausibility(sample.decode(enc)), i, enc))
        except (UnicodeDecodeError, LookupError):
            continue
    if not scored:
        return body.decode("utf-8", "replace"), "utf-8"
    enc = min(scored)[2]
    return body.decode(enc, "replace"), enc


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(text, codec)`` for a fetched body.

    Order: byte-order mark; HTTP ``charset``; XML declaration / ``<meta charset>``; detection.
    A declared charset that fails to decode is skipped. A declared single-byte charset on a
    body that is valid non-ASCII UTF-8 is taken to be wrong (real cp1251/KZ-1048 prose is
    practically never valid UTF-8), so UTF-8 wins.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace"), "utf-16"
    utf8_ok: bool | None = None
    for name in declared_charsets(body, content_type):
        enc = normalise_charset(name)
        if enc is None:
            continue
        if enc not in ("utf-8", "utf-16", "utf-32", "ascii"):
            if utf8_ok is None:
                try:
                    body.decode("utf-8")
                    utf8_ok = not body.isascii()
                except UnicodeDecodeError:
                    utf8_ok = False
            if utf8_ok:
                return body.decode("utf-8"), "utf-8"
        if enc == "ascii":
            enc = "utf-8"
        try:
            return body.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return detect_decode(body)


# --------------------------------------------------------------------------------------------
# Response
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    """The outcome of one fetch; ``error`` is None on success (2xx or 304)."""

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict, compare=False)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds the server asked us to wait
    elapsed_ms: int = 0
    error: str | None = None

    @cached_property
    def text(self) -> str:
        """The body decoded (see :func:`decode_body`)."""
        return decode_body(self.body, self.headers.get("content-type"))[0]

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ref = now if now is not None else time.time()
    return max(0.0, when.timestamp() - ref)


REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def total_deadline(settings: CrawlSettings) -> float:
    """Seconds one request may take in all, however slowly the server sends its bytes."""
    return settings.connect_timeout + 3 * settings.read_timeout


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


_DNS_HINTS = ("name or service not known", "nodename nor servname", "getaddrinfo failed",
              "temporary failure in name resolution", "no address associated", "name resolution")


def describe_exception(exc: BaseException, host: str, settings: CrawlSettings) -> str:
    """One readable phrase for a transport exception: what happened and what to do."""
    msg = str(exc) or exc.__class__.__name__
    low = msg.lower()
    if isinstance(exc, httpx.ConnectTimeout):
        return (f"connecting to {host} timed out after {settings.connect_timeout:g} s; "
                "the site may be down or blocked, try later or check the proxy setting")
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout | httpx.PoolTimeout):
        return (f"{host} sent no data for {settings.read_timeout:g} s (read timeout); "
                "try later or raise [crawler] read_timeout")
    if isinstance(exc, httpx.ProxyError):
        return f"proxy error ({msg}); check [crawler] proxy or the HTTPS_PROXY variable"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return f"invalid URL ({msg}); fix the url in sources.toml"
    if isinstance(exc, httpx.ConnectError):
        if "certificate" in low or "ssl" in low:
            return (f"the TLS certificate of {host} is not trusted ({msg}); set [crawler] "
                    "ca_bundle to the national certification authority's root (PEM)")
        if any(h in low for h in _DNS_HINTS):
            return f"host {host} not found (DNS lookup failed); check the URL in sources.toml, or this computer's internet connection and proxy"
        if "refused" in low:
            return (f"connection refused by {host}; the site is down or the port is wrong, "
                    "check the URL or try later")
        return f"cannot connect to {host} ({msg}); check the URL and the network"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{host} broke off the response ({msg}); try later"
    if isinstance(exc, httpx.DecodingError):
        return f"{host} sent a body that cannot be decompressed ({msg}); try later"
    if isinstance(exc, TimeoutError):
        return (f"{host} sent the response too slowly (over {total_deadline(settings):g} s "
                "in all); "
                "try later or raise [crawler] read_timeout")
    return f"request to {host} failed ({exc.__class__.__name__}: {msg}); try later"


def describe_status(status: int, reason: str, retry_after: float | None) -> str:
    """One readable phrase for an HTTP error status."""
    text = f"HTTP {status} {reason}".strip()
    if status in (429, 503) and retry_after is not None:
        return f"{text}; the server asks to retry after {retry_after:g} s, the crawler will wait"
    if status in (401, 403):
        return f"{text}; the site refuses the crawler, check the URL or ask the site owner"
    if status in (404, 410):
        return f"{text}; the page is gone, check the URL in sources.toml"
    if status == 429:
        return f"{text}; too many requests, raise the interval or lower [crawler] per_host"
    if status >= 500:
        return f"{text}; server error on the site, try later"
    return f"{text}; check the URL in sources.toml"


class _TooLarge(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Fetcher
# --------------------------------------------------------------------------------------------

ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9,"
          " text/xml;q=0.9, text/html;q=0.8, application/json;q=0.8, */*;q=0.5")


def _verify(ca_bundle: str | None) -> ssl.SSLContext | bool:
    """httpx's ``verify``: the usual trust store, plus the user's CA bundle when set.

    Raises ValueError naming ``[crawler] ca_bundle`` when the file is missing or not PEM.
    """
    if not ca_bundle:
        return True
    path = Path(ca_bundle).expanduser()
    if not path.is_file():
        raise ValueError(f"[crawler] ca_bundle: file {path} not found; "
                         "point it to a PEM file or remove the setting")
    ctx = ssl.create_default_context()
    try:
        import certifi

        ctx.load_verify_locations(cafile=certifi.where())
    except Exception:  # noqa: BLE001 - system store is enough
        pass
    try:
        ctx.load_verify_locations(cafile=str(path))
    except (ssl.SSLError, OSError) as exc:
        raise ValueError(f"[crawler] ca_bundle: {path} is not a PEM certificate file "
                         f"({exc}); export the root certificate as PEM") from exc
    return ctx


class Fetcher:
    """One polite async HTTP client; use as ``async with Fetcher(settings) as f: await f.fetch(u)``."""

    def __init__(self, settings: CrawlSettings | None = None, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings or CrawlSettings()
        s = self.settings
        verify = _verify(s.ca_bundle)
        timeout = httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout,
                                write=s.read_timeout, pool=None)
        limits = httpx.Limits(max_connections=max(1, s.concurrency),
                              max_keepalive_connections=max(1, s.concurrency))
        kwargs: dict = {}
        if transport is not None:
            kwargs["transport"] = transport
        elif s.proxy:
            kwargs["proxy"] = s.proxy
        try:
            self.client = httpx.AsyncClient(
                headers={"User-Agent": s.user_agent, "Accept": ACCEPT,
                         "Accept-Language": "kk, ru;q=0.9, en;q=0.5"},
                timeout=timeout, limits=limits, verify=verify, follow_redirects=False,
                trust_env=True, **kwargs)
        except (ValueError, ImportError) as exc:  # a proxy httpx cannot use
            if not s.proxy:
                raise
            raise ValueError(f"[crawler] proxy = '{s.proxy}' cannot be used ({exc}); write it "
                             "as http://host:port or remove the setting") from exc
        self._global = asyncio.Semaphore(max(1, s.concurrency))
        self._host_sems: dict[str, asyncio.Semaphore] = {}
        self._host_next: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- politeness ------------------------------------------------------------------------

    async def _host_slot_wait(self, host: str) -> None:
        delay = self.settings.per_host_delay
        if delay <= 0:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._host_next.get(host, now))
        self._host_next[host] = start + delay
        if start > now:
            await asyncio.sleep(start - now)

    # -- robots.txt ------------------------------------------------------------------------

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets our user agent fetch it (cached per host).

        A robots.txt that is missing, unreachable or an error page allows everything.
        """
        if not self.settings.respect_robots:
            return True
        parts = urlsplit(url)
        host = host_of(url)
        key = f"{parts.scheme.lower()}://{host}"
        lock = self._robots_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._robots:
                target = key + "/robots.txt"
                resp = await self._get(target, {})
                for _ in range(self.settings.max_redirects):  # e.g. http → https
                    location = resp.headers.get("location")
                    if resp.error or resp.status not in REDIRECT_STATUSES or not location:
                        break
                    target = to_request_url(urljoin(target, location.strip()))
                    resp = await self._get(target, {})
                parser: urllib.robotparser.RobotFileParser | None = None
                if resp.error is None and resp.status == 200:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(resp.text.splitlines())
                self._robots[key] = parser
        parser = self._robots[key]
        if parser is None:
            return True
        return parser.can_fetch(self.settings.user_agent, url)

    # -- fetching --------------------------------------------------------------------------

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None) -> Response:
        """GET ``url`` (following redirects); conditional when ``etag``/``last_modified`` given."""
        started = time.monotonic()
        request_url = to_request_url(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [request_url]
        current = request_url
        for _hop in range(self.settings.max_redirects + 1):
            if not await self.allowed(current):
                return Response(url, current, None, elapsed_ms=_ms(started), error=(
                    f"robots.txt of {host_of(current)} disallows {current} for the mediamon "
                    "user agent; ask the site for permission or disable the source"))
            resp = await self._get(current, headers)
            if resp.error is not None or resp.status not in REDIRECT_STATUSES:
                return replace(resp, url=url, elapsed_ms=_ms(started))
            location = resp.headers.get("location")
            if not location:
                return replace(resp, url=url, elapsed_ms=_ms(started), error=(
                    f"HTTP {resp.status} redirect without a Location header; check the URL"))
            nxt = to_request_url(urljoin(current, location.strip()))
            if nxt in seen:
                chain = " → ".join([*seen[-3:], nxt])
                return replace(resp, url=url, elapsed_ms=_ms(started), error=(
                    f"redirect loop ({chain}); the site is misconfigured, check the URL "
                    "in sources.toml or try later"))
            seen.append(nxt)
            current = nxt
        return Response(url, current, None, elapsed_ms=_ms(started), error=(
            f"more than {self.settings.max_redirects} redirects starting at {request_url}; "
            "put the final address in sources.toml"))

    async def _get(self, url: str, headers: dict[str, str]) -> Response:
        host = host_of(url)
        s = self.settings
        sem = self._host_sems.setdefault(host, asyncio.Semaphore(max(1, s.per_host)))
        started = time.monotonic()
        async with sem:
            await self._host_slot_wait(host)
            async with self._global:
                self.requests += 1
                try:
                    async with asyncio.timeout(total_deadline(s)):
                        return await self._stream(url, headers, started)
                except _TooLarge:
                    return Response(url, url, None, elapsed_ms=_ms(started), error=(
                        f"response larger than {_mb(s.max_bytes)}; check that the URL is a "
                        "feed or page, or raise [crawler] max_bytes"))
                except (httpx.HTTPError, TimeoutError, OSError, ValueError) as exc:
                    return Response(url, url, None, elapsed_ms=_ms(started),
                                    error=describe_exception(exc, host, s))

    async def _stream(self, url: str, headers: dict[str, str], started: float) -> Response:
        cap = self.settings.max_bytes
        async with self.client.stream("GET", url, headers=headers) as r:
            hdrs = {k.lower(): v for k, v in r.headers.items()}
            length = hdrs.get("content-length", "")
            if length.isdigit() and int(length) > cap and r.status_code < 300:
                raise _TooLarge
            chunks: list[bytes] = []
            size = 0
            if r.status_code not in (204, 304) and not (300 <= r.status_code < 400):
                async for chunk in r.aiter_bytes():
                    size += len(chunk)
                    if size > cap:
                        raise _TooLarge
                    chunks.append(chunk)
            status = r.status_code
            retry_after = parse_retry_after(hdrs.get("retry-after"))
            error = None
            if status >= 400:
                error = describe_status(status, r.reason_phrase, retry_after)
            return Response(
                url=url, final_url=str(r.url), status=status, headers=hdrs,
                body=b"".join(chunks), etag=hdrs.get("etag"),
                last_modified=hdrs.get("last-modified"), retry_after=retry_after,
                elapsed_ms=_ms(started), error=error)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
