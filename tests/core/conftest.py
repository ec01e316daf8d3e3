"""Fixtures for the crawler tests: a local fixture web site with fault routes, and a store.

``site`` starts a threaded ``http.server`` on 127.0.0.1 (port 0) serving tests/fixtures/site
(``{base}`` in a file is replaced by the server's address) with ETag/Last-Modified and 304s,
article pages assembled from ``articles/<name>.txt`` into ``layout.html`` (menus, cookie
banner, related links, footer around the text), a robots.txt that disallows /private/, and
fault routes under /fault/. Every request is recorded so tests can count conditional GETs.
"""

from __future__ import annotations

import hashlib
import html
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mediamon.models import CrawlSettings

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "site"
LAST_MODIFIED = "Fri, 20 Nov 2026 10:00:00 GMT"
CONTENT_TYPES = {".xml": "application/xml", ".html": "text/html; charset=utf-8",
                 ".json": "application/json; charset=utf-8", ".txt": "text/plain; charset=utf-8"}
SPECIAL_TYPES = {
    "/fault/wrong-charset.xml": ("feeds/wrong-charset.xml",
                                 "application/rss+xml; charset=windows-1251"),
    "/fault/no-charset.xml": ("feeds/nocharset.xml", "application/xml"),
}


def article_meta(name: str) -> tuple[dict[str, str], str]:
    """Header fields and body HTML of a fixture article fragment."""
    raw = (SITE / "articles" / f"{name}.txt").read_text("utf-8")
    head, body = raw.split("\n\n", 1)
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    return meta, body


def article_page(name: str) -> str:
    """The full HTML page (boilerplate layout around the article) for ``articles/<name>.txt``."""
    meta, body = article_meta(name)
    layout = (SITE / "layout.html").read_text("utf-8")
    return (layout.replace("{lang}", meta.get("lang", "ru"))
            .replace("{title}", html.escape(meta["title"]))
            .replace("{published}", meta["published"])
            .replace("{published_human}", meta["published"][:10])
            .replace("{author}", html.escape(meta.get("author", "")))
            .replace("{body}", body))


@pytest.fixture
def make_article_page():
    """``make_article_page(name)`` → the full HTML page of ``articles/<name>.txt``."""
    return article_page


@dataclass(frozen=True)
class Hit:
    path: str
    status: int
    conditional: bool
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self._record(status)  # before replying, so the client never sees an unrecorded reply
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _record(self, status: int) -> None:
        conditional = bool(self.headers.get("If-None-Match") or
                           self.headers.get("If-Modified-Since"))
        with self.server.lock:
            self.server.hits.append(Hit(self.path, status, conditional,
                                        self.headers.get("User-Agent", "")))

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = urlsplit(self.path).path
        try:
            self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeouts, size cap): already recorded

    def _route(self, path: str) -> None:
        srv = self.server
        if path == "/fault/404":
            return self._send(404, b"not found")
        if path == "/fault/500":
            return self._send(500, b"internal error")
        if path == "/fault/503":
            return self._send(503, b"busy", headers={"Retry-After": "3600"})
        if path == "/fault/timeout":
            self._record(0)
            srv.release.wait(30)  # released at teardown; the client times out long before
            return None
        if path == "/fault/drip":
            self._record(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(400):  # bounded: at most 400 bytes over ~20 s
                if srv.release.wait(0.05):
                    break
                self.wfile.write(b" ")
                self.wfile.flush()
            return None
        if path == "/fault/loop":
            return self._send(302, headers={"Location": "/fault/loop2"})
        if path == "/fault/loop2":
            return self._send(302, headers={"Location": f"{srv.base}/fault/loop"})
        if path == "/fault/moved":
            return self._send(301, headers={"Location": "/feeds/ru-rss.xml"})
        if path == "/fault/big":
            self._record(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Connection", "close")
            self.end_headers()  # no Content-Length: the cap must work on the stream
            chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
            for _ in range(32):
                self.wfile.write(chunk)
            self.close_connection = True
            return None
        if path in SPECIAL_TYPES:
            rel, ctype = SPECIAL_TYPES[path]
            return self._static(SITE / rel, ctype)
        if path.startswith("/articles/") and path.endswith(".html"):
            name = path[len("/articles/"):-len(".html")]
            if (SITE / "articles" / f"{name}.txt").is_file():
                body = article_page(name).encode("utf-8")
                return self._conditional(body, "text/html; charset=utf-8")
            return self._send(404, b"no such article")
        target = (SITE / path.lstrip("/")).resolve()
        if SITE in target.parents and target.is_file():
            return self._static(target, None)
        return self._send(404, b"not found")

    def _static(self, target: Path, ctype: str | None) -> None:
        body = target.read_bytes().replace(b"{base}", self.server.base.encode("ascii"))
        override = self.server.overrides.get(target.name)
        if override is not None:
            body = override.replace(b"{base}", self.server.base.encode("ascii"))
        if ctype is None:
            ctype = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        return self._conditional(body, ctype)

    def _conditional(self, body: bytes, ctype: str) -> None:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm and inm == etag) or (not inm and ims == LAST_MODIFIED):
            return self._send(304, headers=headers)
        return self._send(200, body, ctype, headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: list[Hit] = []
        self.release = threading.Event()
        self.overrides: dict[str, bytes] = {}
        self.base = f"http://127.0.0.1:{self.server_address[1]}"


class FixtureSite:
    """Handle on the running fixture server for tests."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        self.base = server.base

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def hits(self) -> list[Hit]:
        with self._server.lock:
            return list(self._server.hits)

    def clear(self) -> None:
        with self._server.lock:
            self._server.hits.clear()

    def override(self, filename: str, body: bytes) -> None:
        """Serve ``body`` instead of the fixture file named ``filename`` (e.g. a changed feed)."""
        self._server.overrides[filename] = body


@pytest.fixture
def site():
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield FixtureSite(server)
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def settings() -> CrawlSettings:
    """Fast settings for tests: no per-host delay, short timeouts, a small body cap."""
    return CrawlSettings(concurrency=8, per_host=4, per_host_delay=0.0, connect_timeout=2.0,
                         read_timeout=1.0, max_bytes=500_000, max_redirects=5)


@pytest.fixture
def store(tmp_path):
    """A real SQLite Store in tmp_path."""
    from mediamon.store import Store

    st = Store(tmp_path / "mediamon.db")
    yield st
    st.close()


def all_items(store) -> list[dict]:
    """Every stored item as a dict (newest first)."""
    return store.items(limit=100_000)
