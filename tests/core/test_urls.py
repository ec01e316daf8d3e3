"""Canonical URLs and content hashes: the keys items are deduplicated by."""

from __future__ import annotations

import pytest

from mediamon.urls import (
    canonical_url,
    content_hash,
    display_url,
    host_of,
    host_to_ascii,
    normalise_text,
    to_request_url,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Tengrinews.KZ/kazakhstan_news/x-123/", "https://tengrinews.kz/kazakhstan_news/x-123/"),
        ("https://inform.kz:443/ru/a?utm_source=tg&utm_medium=social", "https://inform.kz/ru/a"),
        ("http://example.kz:80/a#comments", "http://example.kz/a"),
        ("https://example.kz/a?b=2&a=1&fbclid=XYZ&gclid=1&yclid=2&_openstat=q", "https://example.kz/a?a=1&b=2"),
        ("https://example.kz/a?from=rss&ref=main&id=5", "https://example.kz/a?id=5"),
        ("https://example.kz", "https://example.kz/"),
        ("https://example.kz:8443/a", "https://example.kz:8443/a"),
        ("https://example.kz/news/index.html", "https://example.kz/news/index.html"),
        ("https://example.kz/a/", "https://example.kz/a/"),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_canonical_url_idn_host_in_punycode_and_display_in_unicode() -> None:
    canon = canonical_url("https://Akorda.ҚАЗ/kz/news?utm_campaign=x")
    assert canon == "https://akorda.xn--80ao21a/kz/news"
    assert display_url(canon) == "https://akorda.қаз/kz/news"
    assert host_to_ascii("үкімет.қаз").endswith(".xn--80ao21a")
    assert host_of("https://үкімет.қаз:8443/x").endswith(".xn--80ao21a:8443")


def test_canonical_url_resolves_relative_links() -> None:
    assert canonical_url("../b/c.html?utm_source=x", "https://gov.kz/memleket/news/a") == \
        "https://gov.kz/memleket/b/c.html"
    assert canonical_url("/x", "https://gov.kz/a/b") == "https://gov.kz/x"


def test_canonical_url_cyrillic_path_is_percent_encoded_once() -> None:
    a = canonical_url("https://example.kz/жаңалықтар/1")
    b = canonical_url("https://example.kz/%d0%b6%d0%b0%d2%a3%d0%b0%d0%bb%d1%8b%d2%9b%d1%82%d0%b0%d1%80/1")
    assert a == b
    assert a.isascii()


def test_to_request_url_sends_punycode_host() -> None:
    url = to_request_url("https://үкімет.қаз/жаңалық?q=ә")
    assert url.isascii()
    assert ".xn--80ao21a/" in url


def test_content_hash_ignores_case_and_spacing_only() -> None:
    h1 = content_hash("Үкімет отырысы", "Бүгін  Үкімет\nотырысы өтті.")
    h2 = content_hash("үкімет   отырысы", "бүгін үкімет отырысы өтті.")
    h3 = content_hash("Үкімет отырысы", "Ертең Үкімет отырысы өтеді.")
    assert h1 == h2
    assert h1 != h3
    assert len(h1) == 40
    assert normalise_text("  A\tB \n C ") == "a b c"
