"""Robustness on real parser edge cases: feedparser's own test corpus from ../shared/data.

2,107 small feeds with broken encodings, entities and ill-formed XML. Whatever they hold,
parsing ends in entries or in a ParseError with a readable message, and decoding never
raises: a broken feed is a per-source error, never a crash of the crawl.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mediamon.http import decode_body
from mediamon.parse import ParseError, parse_feed

SHARED = Path(os.environ.get("MEDIAMON_SHARED") or Path(__file__).resolve().parents[3] / "shared")
CORPUS = SHARED / "data" / "feedparser_test_corpus" / "tests"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is absent (../shared not available)")
def test_every_corpus_feed_parses_or_fails_with_a_readable_error():
    counts = {"entries": 0, "empty": 0, "error": 0}
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        data = path.read_bytes()
        text, codec = decode_body(data, None)
        assert isinstance(text, str) and codec
        try:
            problems: list[str] = []
            entries = parse_feed(data, "http://127.0.0.1/feed.xml", problems=problems)
        except ParseError as exc:
            assert str(exc).strip() and "\n" not in str(exc).strip(), path
            counts["error"] += 1
            continue
        for entry in entries:
            assert entry.url.startswith(("http://", "https://")), (path, entry.url)
        counts["entries" if entries else "empty"] += 1
    assert counts["entries"] > 50 and counts["error"] > 0
