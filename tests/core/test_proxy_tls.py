"""Network settings from sources.toml reach httpx: a proxy (configured or the system's), a
user-chosen CA bundle, and .қаз hosts sent in punycode through the proxy.

A small forward proxy and an HTTPS server with a self-signed certificate run on 127.0.0.1;
the certificate is made with the ``openssl`` command at test time (skipped where it is absent).
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mediamon.config import parse_sources
from mediamon.http import Fetcher
from mediamon.models import CrawlSettings

FEED = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>т</title>'
        "<item><title>Жаңалық</title><link>http://жаңалық.қаз/1</link></item>"
        "</channel></rss>").encode()


class _Handler(BaseHTTPRequestHandler):
    """Answers every GET with the feed (404 for robots.txt) and records the request line."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        with self.server.lock:
            self.server.requests.append((self.path, self.headers.get("Host", "")))
        status, body = (404, b"") if self.path.endswith("/robots.txt") else (200, FEED)
        self.send_response(status)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []


def _serve(server: _Server) -> Iterator[_Server]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def proxy() -> Iterator[_Server]:
    yield from _serve(_Server())


def fetch(settings: CrawlSettings, url: str):
    async def go():
        async with Fetcher(settings) as f:
            return await f.fetch(url)

    return asyncio.run(go())


FAST = CrawlSettings(per_host_delay=0.0, connect_timeout=2.0, read_timeout=2.0)


def test_proxy_from_sources_toml_carries_idn_hosts_in_punycode(proxy, monkeypatch) -> None:
    for var in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    address = f"http://127.0.0.1:{proxy.server_address[1]}"
    cfg = parse_sources(f'[crawler]\nproxy = "{address}"\nper_host_delay = 0.0\n')
    assert cfg.crawler.proxy == address

    r = fetch(cfg.crawler, "http://жаңалық.қаз/rss.xml")
    assert r.ok and r.body == FEED
    # a forward proxy gets absolute URLs: robots.txt first, then the feed, both in punycode
    host = "жаңалық.қаз".encode("idna").decode("ascii")  # Python's own IDNA codec
    assert host.endswith(".xn--80ao21a")
    paths = [path for path, _ in proxy.requests]
    assert paths == [f"http://{host}/robots.txt", f"http://{host}/rss.xml"]
    assert {h for _, h in proxy.requests} == {host}


def test_system_proxy_applies_when_none_is_configured(proxy, monkeypatch) -> None:
    for var in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.server_address[1]}")
    r = fetch(replace(FAST, respect_robots=False), "http://akorda.kz/rss")
    assert r.ok
    assert [path for path, _ in proxy.requests] == ["http://akorda.kz/rss"]


@pytest.fixture
def tls_server(tmp_path) -> Iterator[tuple[_Server, str]]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "root.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=Test national CA", "-keyout", str(key),
         "-out", str(cert), "-addext", "subjectAltName=IP:127.0.0.1",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
        check=True, capture_output=True)
    server = _Server()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    for running in _serve(server):
        yield running, str(cert)


def test_ca_bundle_from_sources_toml_makes_a_national_certificate_trusted(tls_server,
                                                                          monkeypatch) -> None:
    for var in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    server, cert = tls_server
    url = f"https://127.0.0.1:{server.server_address[1]}/rss.xml"

    untrusted = fetch(FAST, url)
    assert untrusted.status is None and "ca_bundle" in untrusted.error
    assert "not trusted" in untrusted.error

    cfg = parse_sources(f'[crawler]\nca_bundle = "{cert}"\nper_host_delay = 0.0\n')
    assert cfg.crawler.ca_bundle == cert
    trusted = fetch(cfg.crawler, url)
    assert trusted.ok and trusted.body == FEED


@pytest.mark.parametrize("proxy", ["proxy.local:3128", "ftp://proxy.local:21"])
def test_unusable_proxy_setting_is_a_clear_error(proxy) -> None:
    with pytest.raises(ValueError) as info:
        Fetcher(CrawlSettings(proxy=proxy))
    message = str(info.value)
    assert message.startswith(f"[crawler] proxy = '{proxy}'") and "\n" not in message
    assert "http://host:port" in message
