"""Article extraction: the main text, title and publication date of a news page's HTML.

:func:`extract_article` uses trafilatura (no network, comments excluded) and falls back to
beautifulsoup4 (``og:title``/``<h1>``, the ``<article>`` or the page's ``<p>`` paragraphs) when
trafilatura finds nothing. The date comes from explicit meta tags (``article:published_time``
and friends) first, then htmldate on the HTML string (never the URL: nothing is downloaded).

:func:`extract_batch` implements ``mediamon extract --batch``: JSON lines
``{"id", "url", "html"}`` in, ``{"id", "title", "text", "published"}`` out, one output line per
input line in the same order; a bad line yields ``{"id": ..., "error": "..."}`` and the batch
goes on.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from bs4 import BeautifulSoup

from mediamon.parse import html_to_text, to_iso_utc

for _name in ("trafilatura", "htmldate", "charset_normalizer", "courlan"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_DATE_META = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "date"),
    ("name", "dc.date"),
    ("name", "DC.date.issued"),
    ("property", "og:published_time"),
    ("name", "sailthru.date"),
)
_BOILER_CLASSES = re.compile(
    r"(menu|nav|footer|header|sidebar|cookie|banner|related|share|social|comment|advert|promo|"
    r"subscribe|breadcrumb|tags|widget)", re.I)


@dataclass(frozen=True)
class Extracted:
    """What an article page yields: title, plain text (paragraphs on lines), ISO UTC date."""

    title: str
    text: str
    published: str | None


def _meta_date(soup: BeautifulSoup) -> str | None:
    for attr, value in _DATE_META:
        tag = soup.find("meta", attrs={attr: re.compile(f"^{re.escape(value)}$", re.I)})
        if tag is not None and tag.get("content"):
            iso = to_iso_utc(tag["content"])
            if iso:
                return iso
    t = soup.find("time", attrs={"datetime": True})
    if t is not None:
        return to_iso_utc(t["datetime"])
    return None


def _htmldate(html: str) -> str | None:
    try:
        import htmldate

        found = htmldate.find_date(html, original_date=True, extensive_search=False)
    except Exception:  # noqa: BLE001 - a date is optional
        return None
    return to_iso_utc(found) if found else None


def _soup_title(soup: BeautifulSoup) -> str:
    for attrs in ({"property": "og:title"}, {"name": "twitter:title"}):
        tag = soup.find("meta", attrs=attrs)
        if tag is not None and tag.get("content", "").strip():
            return tag["content"].strip()
    h1 = soup.find("h1")
    if h1 is not None and h1.get_text(strip=True):
        return h1.get_text(" ", strip=True)
    if soup.title is not None and soup.title.string:
        return soup.title.string.strip()
    return ""


def _soup_text(soup: BeautifulSoup) -> str:
    for bad in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                     "iframe", "button"]):
        bad.decompose()
    for tag in soup.find_all(attrs={"class": _BOILER_CLASSES}):
        if tag.name not in ("html", "body", "article", "main") and not tag.decomposed:
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    paragraphs = [p.get_text(" ", strip=True) for p in root.find_all("p")]
    paragraphs = [p for p in paragraphs if len(p) >= 40]
    if paragraphs:
        return "\n".join(re.sub(r"\s+", " ", p) for p in paragraphs)
    return html_to_text(str(root))


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).strip().lower() == re.sub(r"\W+", " ", b).strip().lower()


def extract_article(html: str, url: str | None = None) -> Extracted:
    """Title, main text and publication date of an article page (no network access)."""
    if not html or not html.strip():
        return Extracted("", "", None)
    title = ""
    text = ""
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(
            html, url=url, include_comments=False, include_tables=False, with_metadata=True,
            favor_precision=True)
        if doc is not None:
            data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
            text = (data.get("text") or "").strip()
            title = (data.get("title") or "").strip()
    except Exception:  # noqa: BLE001 - fall back to the simple extractor below
        text = ""
    soup = BeautifulSoup(html, "lxml")
    published = _meta_date(soup)
    if not title:
        title = _soup_title(soup)
    if published is None:
        published = _htmldate(html)
    if not text:
        text = _soup_text(soup)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and _same(lines[0], title):
        lines = lines[1:]  # the headline repeated as the first line of the body
    text = "\n".join(lines)
    return Extracted(title=title, text=text, published=published)


def _process_line(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {number}: not valid JSON ({exc.msg} at column "
                                     f"{exc.colno}); send one JSON object per line"}
    if not isinstance(record, dict):
        return {"id": None, "error": f"line {number}: expected a JSON object with id, url, html"}
    rid = record.get("id")
    html = record.get("html")
    if not isinstance(html, str):
        return {"id": rid, "error": f"line {number}: field 'html' is missing or not a string"}
    url = record.get("url")
    try:
        ex = extract_article(html, url if isinstance(url, str) else None)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the batch
        return {"id": rid, "error": f"line {number}: extraction failed ({exc.__class__.__name__}:"
                                    f" {exc})"}
    return {"id": rid, "title": ex.title, "text": ex.text, "published": ex.published}


def extract_batch(lines_in: Iterable[str] | IO[str], lines_out: IO[str]) -> int:
    """Run the ``mediamon extract --batch`` contract; returns the number of lines written."""
    written = 0
    for number, line in enumerate(lines_in, start=1):
        line = line.strip()
        if not line:
            result: dict[str, Any] = {"id": None, "error": f"line {number}: empty line"}
        else:
            result = _process_line(line, number)
        lines_out.write(json.dumps(result, ensure_ascii=False) + "\n")
        lines_out.flush()
        written += 1
    return written
