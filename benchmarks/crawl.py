"""Crawler throughput benchmark: generated feeds on local servers, crawled into a temporary store.

Starts ``--servers`` HTTP servers on 127.0.0.1 (each in its own process, so serving does not
compete with the crawler for the GIL) that serve ``--feeds`` generated RSS feeds of ``--items``
items each, with ETag / 304 support. Items carry their full text in ``content:encoded`` (no
article fetch), or with ``--articles`` only a short description plus an article page per item
that the crawler fetches and extracts. Two cycles are crawled into a fresh SQLite store:

1. first full cycle: every item is new;
2. steady state: every feed answers 304 Not Modified.

Prints feeds/s, items/s and peak memory (ru_maxrss of this process) per cycle.

    .venv/bin/python benchmarks/crawl.py                 # 1000 feeds x 30 items
    .venv/bin/python benchmarks/crawl.py --feeds 200 --articles
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mediamon.crawl import run_crawl  # noqa: E402
from mediamon.models import CrawlSettings, Source  # noqa: E402
from mediamon.store import Store  # noqa: E402

WORDS_RU = ("министерство область программа развитие школа больница дорога бюджет жители "
            "аким проект строительство услуга портал решение закон заседание правительство "
            "реформа поддержка фермеры урожай экспорт инвестиции город район село").split()
WORDS_KK = ("министрлік облыс бағдарлама даму мектеп аурухана жол бюджет тұрғындар әкім жоба "
            "құрылыс қызмет портал шешім заң отырыс үкімет реформа қолдау шаруа өнім экспорт "
            "инвестиция қала аудан ауыл").split()


def _text(feed: int, item: int, words: int = 90) -> str:
    seed = int(hashlib.sha1(f"{feed}-{item}".encode()).hexdigest(), 16)
    vocab = WORDS_KK if feed % 3 == 0 else WORDS_RU
    out = [f"Хабар {feed}-{item}."]
    for k in range(words):
        out.append(vocab[(seed >> (k % 120)) % len(vocab)] if k % 11 else f"{seed % 997 + k}")
    return " ".join(out) + "."


def _feed_xml(base: str, feed: int, items: int, articles: bool) -> bytes:
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
             'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
             f"<title>Лента {feed}</title><link>{base}/</link><description>bench</description>"]
    for j in range(items):
        text = _text(feed, j)
        body = "" if articles else f"<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded>"
        parts.append(
            f"<item><title>Жаңалық {feed}-{j}</title><link>{base}/a/{feed}/{j}.html</link>"
            f"<description>{text[:120]}</description>{body}"
            f"<pubDate>Fri, 20 Nov 2026 {j % 24:02d}:00:00 GMT</pubDate></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def _article_html(feed: int, item: int) -> bytes:
    paragraphs = "".join(f"<p>{_text(feed, item * 7 + k, 40)}</p>" for k in range(4))
    return (f"<html><head><meta charset='utf-8'><title>Жаңалық {feed}-{item}</title></head>"
            "<body><nav><a href='/'>Басты бет</a> <a href='/ru'>Новости</a></nav>"
            f"<article><h1>Жаңалық {feed}-{item}</h1>{paragraphs}</article>"
            "<footer>© 2026 Барлық құқықтар қорғалған</footer></body></html>").encode()


def _serve(port_queue: mp.Queue, feeds: list[int], items: int, articles: bool) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    cache: dict[str, tuple[bytes, str]] = {}
    for i in feeds:
        body = _feed_xml(base, i, items, articles)
        cache[f"/feed/{i}.xml"] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            path = self.path
            if path in cache:
                body, etag = cache[path]
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                ctype = "application/rss+xml; charset=utf-8"
            elif articles and path.startswith("/a/"):
                f, j = path[3:-5].split("/")
                body, etag = _article_html(int(f), int(j)), ""
                ctype = "text/html; charset=utf-8"
            else:
                body, etag, ctype = b"not found", "", "text/plain"
                self.send_response(404)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server.RequestHandlerClass = Handler
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def _rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 / 1024 if sys.platform == "darwin" else rss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--servers", type=int, default=4)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--per-host", type=int, default=16)
    ap.add_argument("--articles", action="store_true",
                    help="short descriptions only: fetch and extract an article page per item")
    args = ap.parse_args(argv)

    queue: mp.Queue = mp.Queue()
    procs = []
    shards = [list(range(k, args.feeds, args.servers)) for k in range(args.servers)]
    ports: dict[int, int] = {}
    for k, shard in enumerate(shards):
        p = mp.Process(target=_serve, args=(queue, shard, args.items, args.articles), daemon=True)
        p.start()
        procs.append(p)
        ports[k] = queue.get(timeout=120)
    try:
        sources = [Source(id=f"bench-{i:05d}", name=f"feed {i}",
                          url=f"http://127.0.0.1:{ports[i % args.servers]}/feed/{i}.xml",
                          languages=("kk" if i % 3 == 0 else "ru",))
                   for i in range(args.feeds)]
        settings = replace(CrawlSettings(), concurrency=args.concurrency, per_host=args.per_host,
                           per_host_delay=0.0, respect_robots=False)
        print(f"feeds={args.feeds} items/feed={args.items} servers={args.servers} "
              f"concurrency={args.concurrency} per_host={args.per_host} "
              f"articles={'fetched+extracted' if args.articles else 'in feed (content:encoded)'}")
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.db")
            try:
                for label in ("first full cycle", "steady state (304)"):
                    t0 = time.perf_counter()
                    summary = run_crawl(sources, store, settings, force=True)
                    dt = time.perf_counter() - t0
                    print(f"{label:20s} {dt:7.2f} s  {summary.sources / dt:8.1f} feeds/s  "
                          f"{summary.items_new / dt:8.1f} items/s stored  "
                          f"new={summary.items_new} not_modified={summary.not_modified} "
                          f"failed={summary.failed} requests={summary.requests}  "
                          f"peak RSS {_rss_mb():.0f} MB")
                    if summary.failed:
                        bad = [log.error for log in summary.logs if log.error][:3]
                        print("  first errors:", *bad, sep="\n  ")
            finally:
                store.close()
    finally:
        for p in procs:
            p.terminate()
            p.join(timeout=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
