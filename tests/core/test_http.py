"""The polite fetcher against the local fixture server, and byte → text decoding."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace

import httpx
import pytest

from mediamon.http import (
    Fetcher,
    decode_body,
    normalise_charset,
    parse_retry_after,
)

RU = "Министерство здравоохранения обновило календарь прививок «Ёлка» — №5"
KK = "Қызылорда облысының диқандары күріш өнімін жинады: әр гектардан өнім, Һәм ұлғайды"


def fetch(settings, url, **kw):
    async def go():
        async with Fetcher(settings) as f:
            return await f.fetch(url, **kw)

    return asyncio.run(go())


# -- decoding ---------------------------------------------------------------------------------


def test_charset_aliases() -> None:
    assert normalise_charset("windows-1251") == "cp1251"
    assert normalise_charset("KZ-1048") == "kz1048"
    assert normalise_charset("PT154") == "ptcp154"
    assert normalise_charset("no-such-charset") is None


def test_decode_by_http_charset_and_declarations() -> None:
    assert decode_body(RU.encode("cp1251"), "text/html; charset=windows-1251")[0] == RU
    xml = f'<?xml version="1.0" encoding="KZ-1048"?><t>{KK}</t>'
    assert KK in decode_body(xml.encode("kz1048"), "application/xml")[0]
    html = f'<html><head><meta charset="pt154"></head><body>{KK}</body></html>'
    assert KK in decode_body(html.encode("ptcp154"))[0]


def test_wrong_declared_charset_falls_back() -> None:
    # declared windows-1251 but the bytes are UTF-8
    text, enc = decode_body(RU.encode("utf-8"), "text/xml; charset=windows-1251")
    assert (text, enc) == (RU, "utf-8")
    # declared UTF-8 but the bytes are windows-1251: detection takes over
    text, _ = decode_body((RU + " " + RU).encode("cp1251"), "text/xml; charset=utf-8")
    assert text == RU + " " + RU


@pytest.mark.parametrize("codec", ["cp1251", "kz1048"])
def test_undeclared_charset_is_detected(codec: str) -> None:
    sample = KK if codec == "kz1048" else RU
    body = ("<p>" + sample + ". " + sample.lower() + "</p>").encode(codec)
    assert sample in decode_body(body, "text/html")[0]


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Fri, 27 Nov 2026 10:02:00 GMT", now=1795773600.0) == 120.0
    assert parse_retry_after("soon") is None


# -- fetching ---------------------------------------------------------------------------------


def test_fetch_ok_then_conditional_304(site, settings) -> None:
    r = fetch(settings, site.url("/feeds/ru-rss.xml"))
    assert r.ok and r.status == 200 and r.error is None
    assert r.etag and r.last_modified
    assert "Караганде" in r.text
    again = fetch(settings, site.url("/feeds/ru-rss.xml"), etag=r.etag)
    assert again.not_modified and again.body == b""
    by_date = fetch(settings, site.url("/feeds/ru-rss.xml"), last_modified=r.last_modified)
    assert by_date.status == 304
    hits = [h for h in site.hits if h.path == "/feeds/ru-rss.xml"]
    assert [h.conditional for h in hits] == [False, True, True]
    assert all(h.user_agent.startswith("mediamon/") for h in hits)


def test_fetch_decodes_kz1048_feed(site, settings) -> None:
    r = fetch(settings, site.url("/feeds/kz1048.xml"))
    assert "Қызылорда облысында күріш өнімі мол болды" in r.text


@pytest.mark.parametrize(
    ("path", "status", "phrase"),
    [
        ("/fault/404", 404, "HTTP 404"),
        ("/fault/500", 500, "server error"),
        ("/fault/503", 503, "retry after 3600 s"),
    ],
)
def test_http_errors_are_readable(site, settings, path, status, phrase) -> None:
    r = fetch(settings, site.url(path))
    assert r.status == status
    assert r.error and phrase in r.error
    if status == 503:
        assert r.retry_after == 3600.0


def test_redirect_followed_and_loop_reported(site, settings) -> None:
    r = fetch(settings, site.url("/fault/moved"))
    assert r.ok and r.final_url.endswith("/feeds/ru-rss.xml")
    loop = fetch(settings, site.url("/fault/loop"))
    assert loop.error and "redirect loop" in loop.error
    few = fetch(replace(settings, max_redirects=0), site.url("/fault/moved"))
    assert few.error and "more than 0 redirects" in few.error


def test_oversize_body_is_cut_off(site, settings) -> None:
    r = fetch(replace(settings, max_bytes=100_000), site.url("/fault/big"))
    assert r.error and r.error.startswith("response larger than 0.1 MB")
    assert r.body == b""


def test_read_timeout(site, settings) -> None:
    r = fetch(replace(settings, read_timeout=0.3), site.url("/fault/timeout"))
    assert r.status is None
    assert r.error and "read timeout" in r.error


def test_slow_drip_is_bounded(site, settings) -> None:
    # bytes keep coming faster than the read timeout, so only the overall deadline stops it
    r = fetch(replace(settings, read_timeout=0.2, connect_timeout=0.2), site.url("/fault/drip"))
    assert r.error and "too slowly" in r.error


def test_robots_disallow(site, settings) -> None:
    r = fetch(settings, site.url("/private/feed.xml"))
    assert r.error and "robots.txt" in r.error and "disallows" in r.error
    assert not any(h.path == "/private/feed.xml" for h in site.hits)
    ok = fetch(replace(settings, respect_robots=False), site.url("/private/feed.xml"))
    assert ok.ok


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from mediamon.models import CrawlSettings

    r = fetch(CrawlSettings(connect_timeout=2, per_host_delay=0),
              f"http://127.0.0.1:{port}/rss")
    assert r.status is None
    assert r.error and ("refused" in r.error or "cannot connect" in r.error)


def test_idn_host_sent_as_punycode(settings) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(200, text="User-agent: *\nAllow: /\n" if
                              request.url.path == "/robots.txt" else "<rss/>")

    async def go():
        async with Fetcher(settings, transport=httpx.MockTransport(handler)) as f:
            return await f.fetch("https://akorda.қаз/kz/rss")

    r = asyncio.run(go())
    assert r.ok
    assert seen and all(h == "akorda.xn--80ao21a" for h in seen)


def counting_handler(state: dict[str, int]):
    """A mock handler that records in ``state["max"]`` the most requests in flight at once."""

    async def handler(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        for _ in range(5):
            await asyncio.sleep(0)  # yield so other requests can start if allowed
        state["now"] -= 1
        return httpx.Response(200, text="ok")

    return handler


def test_per_host_limit(settings) -> None:
    state = {"now": 0, "max": 0}
    handler = counting_handler(state)

    async def go(per_host: int) -> None:
        s = replace(settings, per_host=per_host, respect_robots=False)
        async with Fetcher(s, transport=httpx.MockTransport(handler)) as f:
            await asyncio.gather(*(f.fetch(f"http://one.kz/{i}") for i in range(8)))

    asyncio.run(go(2))
    assert state["max"] == 2
    state["max"] = 0
    asyncio.run(go(8))
    assert state["max"] > 2


def test_missing_ca_bundle_is_a_clear_error(tmp_path, settings) -> None:
    with pytest.raises(ValueError, match="ca_bundle"):
        Fetcher(replace(settings, ca_bundle=str(tmp_path / "nca.pem")))


def test_transport_errors_are_described(settings) -> None:
    from mediamon.http import describe_exception

    dns = describe_exception(httpx.ConnectError("[Errno -2] Name or service not known"),
                             "nosuch.kz", settings)
    assert dns.startswith("host nosuch.kz not found (DNS lookup failed)")
    tls = describe_exception(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] unable"),
                             "egov.kz", settings)
    assert "ca_bundle" in tls


def test_global_limit_across_hosts(settings) -> None:
    state = {"now": 0, "max": 0}
    handler = counting_handler(state)

    async def go() -> None:
        s = replace(settings, concurrency=3, per_host=4, respect_robots=False)
        async with Fetcher(s, transport=httpx.MockTransport(handler)) as f:
            await asyncio.gather(*(f.fetch(f"http://host{i}.kz/") for i in range(12)))

    asyncio.run(go())
    assert state["max"] == 3


def test_per_host_delay_spaces_requests_to_one_host(settings, monkeypatch) -> None:
    waits: list[tuple[str, float]] = []
    real_sleep = asyncio.sleep

    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="ok")

    async def fake_sleep(delay: float, *args: object) -> None:
        waits.append((current.get("host", ""), delay))  # recorded, not waited for
        await real_sleep(0)

    current: dict[str, str] = {}

    async def go() -> None:
        s = replace(settings, per_host_delay=5.0, per_host=1, respect_robots=False)
        async with Fetcher(s, transport=httpx.MockTransport(handler)) as f:
            current["host"] = "one.kz"
            for i in range(3):
                assert (await f.fetch(f"http://one.kz/{i}")).ok
            current["host"] = "two.kz"
            assert (await f.fetch("http://two.kz/")).ok

    monkeypatch.setattr("mediamon.http.asyncio.sleep", fake_sleep)
    asyncio.run(go())
    one = [d for h, d in waits if h == "one.kz"]
    assert len(one) == 2 and 4.0 < one[0] <= 5.0 and 9.0 < one[1] <= 10.0
    assert [d for h, d in waits if h == "two.kz"] == []  # another host does not wait
