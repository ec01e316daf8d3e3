"""Turn a fetched document into candidate entries: feeds, listing pages, sitemaps, JSON APIs.

Each parser returns plain :class:`Entry` objects (URL resolved against the page, title, summary,
full text when the document carries it, publication date as ISO 8601 UTC). A document that
cannot be used raises :class:`ParseError` whose message is one readable line saying what is
wrong and what to change in sources.toml; the crawler prefixes it with the source id and URL.

Nothing is dropped silently: entries a parser has to leave out (no link, an unusable link, a
JSON item that is not an object) are counted, and when the caller passes a ``problems`` list
one readable line per kind of skip is appended to it (the crawler puts them in the source's
fetch log without failing the source).

Dates without a time zone are taken as Kazakhstan time (UTC+5, the single zone since 2024).
"""

from __future__ import annotations

import email.utils
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import feedparser
import lxml.html
from bs4 import BeautifulSoup
from lxml import etree

from mediamon.http import decode_body
from mediamon.models import ApiMapping, Selectors
from mediamon.urls import resolve

KZ_TZ = timezone(timedelta(hours=5))
SITEMAP_LIMIT = 200


class ParseError(ValueError):
    """A document that cannot be turned into entries; the message says what to do."""


@dataclass(frozen=True)
class Entry:
    """One candidate publication found in a feed, listing, sitemap or API response."""

    url: str
    title: str = ""
    summary: str = ""
    text: str = ""  # full text when the document carries it (content:encoded, api text)
    published: str | None = None  # ISO 8601 UTC
    author: str | None = None


# --------------------------------------------------------------------------------------------
# Helpers: text and dates
# --------------------------------------------------------------------------------------------

_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
               "section", "article", "pre", "dd", "dt", "figcaption", "table", "ul", "ol")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _lxml_text(markup: str) -> str:
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for bad in list(root.iter("script", "style", "noscript")):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment: one line per block, spaces collapsed."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        text = markup
    else:
        try:
            text = _lxml_text(markup)
        except (etree.ParserError, ValueError):
            soup = BeautifulSoup(markup, "lxml")
            for bad in soup(["script", "style", "noscript"]):
                bad.decompose()
            for tag in soup.find_all(_BLOCK_TAGS):
                tag.insert_before("\n")
                tag.insert_after("\n")
            text = soup.get_text("")
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _one_line(markup: str | None) -> str:
    """Plain text of an HTML fragment on one line (titles)."""
    return html_to_text(markup).replace("\n", " ")


MONTHS = {
    # Russian (genitive and nominative stems)
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8,
    "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    # Kazakh Cyrillic
    "қаң": 1, "ақп": 2, "нау": 3, "сәу": 4, "мам": 5, "мау": 6, "шіл": 7, "там": 8,
    "қыр": 9, "қаз": 10, "қар": 11, "жел": 12,
    # Kazakh Latin (2021 alphabet and common ASCII spellings)
    "qań": 1, "qan": 1, "aqp": 2, "nau": 3, "sáý": 4, "sau": 4, "mam": 5, "maý": 6, "mau": 6,
    "sil": 7, "şil": 7, "tam": 8, "qyr": 9, "qaz": 10, "qar": 11, "jel": 12,
    # English
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_NUMERIC_DATE = re.compile(
    r"(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})(?:\D+(?P<H>\d{1,2}):(?P<M>\d{2}))?")
_WORD_DATE = re.compile(
    r"(?P<d>\d{1,2})\s+(?P<mon>[^\W\d_]+)\.?,?\s+(?P<y>\d{4})(?:\D+(?P<H>\d{1,2}):(?P<M>\d{2}))?")
_TIME_FIRST = re.compile(r"(?P<H>\d{1,2}):(?P<M>\d{2})\D+(?P<d>\d{1,2})[./-](?P<m>\d{1,2})"
                         r"[./-](?P<y>\d{4})")


def _iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=KZ_TZ)
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


def to_iso_utc(value: Any) -> str | None:
    """ISO 8601 UTC for a date as sites write it, or None when it cannot be read.

    Accepts ISO 8601, RFC 822, Unix seconds/milliseconds, ``27.11.2026 14:30``, ``14:30
    27.11.2026``, ``27 ноября 2026``, ``27 қараша 2026``, ``27 qarasha 2026``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        secs = value / 1000 if value > 10_000_000_000 else value
        try:
            return _iso(datetime.fromtimestamp(secs, UTC))
        except (OverflowError, OSError, ValueError):
            return None
    s = str(value).strip()
    if not s:
        return None
    if s.isdigit() and len(s) in (10, 13):
        return to_iso_utc(int(s))
    try:
        return _iso(datetime.fromisoformat(s.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return _iso(email.utils.parsedate_to_datetime(s))
    except (TypeError, ValueError, IndexError):
        pass
    m = _TIME_FIRST.search(s) or _NUMERIC_DATE.search(s)
    month = None
    if m:
        month = int(m.group("m"))
    else:
        m = _WORD_DATE.search(s)
        if m:
            word = m.group("mon").lower()
            month = MONTHS.get(word[:3])
            if month is None and word.startswith(("qaraş", "qarash")):
                month = 11
    if m and month:
        try:
            hour = int(m.group("H") or 0)
            minute = int(m.group("M") or 0)
            return _iso(datetime(int(m.group("y")), month, int(m.group("d")), hour, minute))
        except ValueError:
            return None
    return None


def _note_skipped(problems: list[str] | None, count: int, what: str, example: str,
                  todo: str) -> None:
    """Append ``<what>: <count> skipped (first: <example>); <todo>`` to ``problems``."""
    if problems is None or count <= 0:
        return
    first = f" (first: {example[:80]})" if example else ""
    problems.append(f"{what}: {count} skipped{first}; {todo}")


def _struct_to_iso(t: Any) -> str | None:
    if not t:
        return None
    try:
        return datetime(*t[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


_XML_DECL_ENC = re.compile(r"""^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""", re.I)


def _utf8_xml(data: str | bytes) -> bytes:
    """UTF-8 bytes of an XML document with its declaration's encoding removed/overridden."""
    text = decode_body(data)[0] if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff")
    return _XML_DECL_ENC.sub(r"\1", text, count=1).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------------


def parse_feed(data: str | bytes, base_url: str, *,
               problems: list[str] | None = None) -> list[Entry]:
    """Entries of an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom feed.

    A feed with XML errors but readable entries is still used; a document with no entries
    and an XML error raises :class:`ParseError`. Entries without a link (and without a
    URL-like guid) are left out and reported in ``problems``.
    """
    raw = _utf8_xml(data)
    parsed = feedparser.parse(
        raw, response_headers={"content-location": base_url,
                               "content-type": "application/xml; charset=utf-8"})
    if not parsed.entries:
        if parsed.bozo:
            reason = str(parsed.get("bozo_exception", "unknown error")).strip() or "unknown"
            reason = reason.splitlines()[0][:160]
            raise ParseError(f"feed is not valid XML: {reason}; check the URL in sources.toml "
                             "or switch kind to listing")
        if not parsed.version:
            raise ParseError("the document is not an RSS/Atom/RDF feed; check the URL in "
                             "sources.toml or switch kind to listing")
        return []
    out: list[Entry] = []
    no_link: list[str] = []
    for e in parsed.entries:
        link = e.get("link") or ""
        if not link:
            guid = e.get("id") or ""
            link = guid if guid.startswith(("http://", "https://", "/")) else ""
        if not link:
            no_link.append(_one_line(e.get("title")) or f"entry {len(out) + len(no_link) + 1}")
            continue
        content = ""
        for c in e.get("content") or []:
            value = c.get("value") or ""
            if len(value) > len(content):
                content = value
        summary = html_to_text(e.get("summary") or "")
        text = html_to_text(content)
        if text and summary == text:
            summary = ""
        published = _struct_to_iso(e.get("published_parsed") or e.get("updated_parsed"))
        if published is None:
            published = to_iso_utc(e.get("published") or e.get("updated") or e.get("dc_date"))
        out.append(Entry(
            url=resolve(link, base_url),
            title=_one_line(e.get("title")),
            summary=summary,
            text=text,
            published=published,
            author=(e.get("author") or None),
        ))
    _note_skipped(problems, len(no_link), "feed entries without a link",
                  f"'{no_link[0]}'" if no_link else "",
                  "they cannot be stored; ask the site to fix its feed or use kind = listing")
    return out


# --------------------------------------------------------------------------------------------
# Listing pages
# --------------------------------------------------------------------------------------------


def _select(node: Any, selector: str, field_name: str, one: bool = False) -> Any:
    try:
        return node.select_one(selector) if one else node.select(selector)
    except Exception as exc:  # soupsieve.SelectorSyntaxError and friends
        reason = str(exc).splitlines()[0]
        raise ParseError(f"selectors.{field_name} = '{selector}' is not valid CSS ({reason}); "
                         "fix it in sources.toml") from exc


def parse_listing(html: str | bytes, base_url: str, selectors: Selectors, *,
                  problems: list[str] | None = None) -> tuple[list[Entry], str | None]:
    """Entries of an HTML listing page chosen by CSS ``selectors``, and the next page's URL.

    Items without a usable link (none, ``javascript:``, ``mailto:``, ``#``) are left out and
    reported in ``problems``.
    """
    if isinstance(html, bytes):
        html = decode_body(html)[0]
    soup = BeautifulSoup(html, "lxml")
    base_tag = soup.find("base", href=True)
    base = resolve(base_tag["href"], base_url) if base_tag else base_url
    nodes = _select(soup, selectors.item, "item")
    if not nodes:
        raise ParseError(f"listing selector item = '{selectors.item}' matches nothing on the "
                         "page; open the page in a browser and fix selectors.item in "
                         "sources.toml (the site may have changed its layout)")
    entries: list[Entry] = []
    seen: set[str] = set()
    no_link: list[str] = []
    for node in nodes:
        link_el = _select(node, selectors.link, "link", one=True) if selectors.link else None
        if link_el is None and node.name == "a":
            link_el = node
        href = link_el.get("href") if link_el is not None else None
        if not href or href.strip().startswith(("javascript:", "mailto:", "#")):
            no_link.append(_SPACES.sub(" ", node.get_text(" ", strip=True))[:80])
            continue
        url = resolve(href, base)
        if url in seen:
            continue
        seen.add(url)
        title = ""
        if selectors.title:
            t = _select(node, selectors.title, "title", one=True)
            title = t.get_text(" ", strip=True) if t is not None else ""
        if not title and link_el is not None:
            title = link_el.get_text(" ", strip=True) or link_el.get("title", "")
        published = None
        if selectors.date:
            d = _select(node, selectors.date, "date", one=True)
            if d is not None:
                published = to_iso_utc(d.get("datetime") or d.get("content")
                                       or d.get_text(" ", strip=True))
        entries.append(Entry(url=url, title=_SPACES.sub(" ", title).strip(),
                             published=published))
    if not entries:
        raise ParseError(f"listing selector link = '{selectors.link}' finds no links inside "
                         f"the {len(nodes)} items matched by '{selectors.item}'; fix "
                         "selectors.link in sources.toml")
    _note_skipped(problems, len(no_link),
                  f"listing items matched by '{selectors.item}' without a link",
                  f"'{no_link[0]}'" if no_link and no_link[0] else "",
                  "if they are news, fix selectors.item or selectors.link in sources.toml")
    return entries, _next_page(soup, selectors, base, base_url)


def _next_page(soup: BeautifulSoup, selectors: Selectors, base: str,
               page_url: str) -> str | None:
    """The URL of the next listing page (``selectors.next``), None on the last page."""
    if not selectors.next:
        return None
    n = _select(soup, selectors.next, "next", one=True)
    if n is None:
        return None
    href = n.get("href") if n.name == "a" else None
    if href is None:
        a = n.find("a", href=True)
        href = a.get("href") if a is not None else None
    if not href or href.startswith(("javascript:", "#")):
        return None
    candidate = resolve(href, base)
    if candidate.split("#")[0] == page_url.split("#")[0]:
        return None  # a "next" that points back at this page
    return candidate


# --------------------------------------------------------------------------------------------
# Sitemaps
# --------------------------------------------------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_sitemap(data: str | bytes, base_url: str, *, limit: int = SITEMAP_LIMIT,
                  problems: list[str] | None = None) -> tuple[list[Entry], list[str]]:
    """``(entries, child_sitemaps)`` of a sitemap (``urlset``) or sitemap index.

    Entries are the ``limit`` most recent by ``lastmod`` (or Google News publication date),
    undated ones after the dated in document order. Child sitemaps of an index are returned
    newest first for the crawler to follow. Entries without ``<loc>`` are reported in
    ``problems``; those beyond ``limit`` are older news left out on purpose.
    """
    raw = _utf8_xml(data)
    try:
        root = etree.fromstring(raw, parser=etree.XMLParser(resolve_entities=False,
                                                            no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"sitemap is not valid XML: {exc}; check the URL in sources.toml"
                         ) from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(f"the document is not a sitemap (root element <{kind}>); check the "
                         "URL in sources.toml or switch kind")
    dated: list[tuple[str, int, Entry]] = []
    undated: list[Entry] = []
    children: list[tuple[str, int, str]] = []
    no_loc = 0
    for i, node in enumerate(root):
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        fields: dict[str, str] = {}
        for el in node.iter():
            name = _local(el.tag)
            if name in ("loc", "lastmod", "title", "publication_date") and el.text:
                fields.setdefault(name, el.text.strip())
        loc = fields.get("loc")
        if not loc:
            no_loc += 1
            continue
        url = resolve(loc, base_url)
        when = to_iso_utc(fields.get("publication_date") or fields.get("lastmod"))
        if kind == "sitemapindex":
            children.append((when or "", -i, url))
            continue
        entry = Entry(url=url, title=fields.get("title", ""), published=when)
        if when:
            dated.append((when, -i, entry))
        else:
            undated.append(entry)
    _note_skipped(problems, no_loc, "sitemap entries without <loc>", "",
                  "the sitemap is malformed; tell the site or ignore this note")
    dated.sort(key=lambda t: (t[0], t[1]), reverse=True)
    entries = [e for _, _, e in dated] + undated
    children.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return entries[:limit], [u for _, _, u in children]


# --------------------------------------------------------------------------------------------
# JSON APIs
# --------------------------------------------------------------------------------------------

_MISSING = object()


def _dig(data: Any, path: str | None) -> Any:
    if not path:
        return data
    cur = data
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.lstrip("-").isdigit() and -len(cur) <= int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return _MISSING
    return cur


class _Fields(dict):
    """The fields of one API item for ``str.format_map``; ``{a.b}`` keys are dotted paths."""

    def __init__(self, item: dict) -> None:
        super().__init__()
        self.item = item

    def __missing__(self, key: str) -> Any:
        value = _dig(self.item, key)
        if value is _MISSING:
            raise KeyError(key)
        return value


def parse_api(json_text: str | bytes, base_url: str, mapping: ApiMapping, *,
              problems: list[str] | None = None) -> list[Entry]:
    """Entries of a JSON news list (e.g. gov.kz) located by ``mapping``'s dotted paths.

    Items that are not JSON objects or give no link are left out and reported in ``problems``.
    """
    if isinstance(json_text, bytes):
        json_text = decode_body(json_text, "application/json; charset=utf-8")[0]
    try:
        data = json.loads(json_text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"API response is not valid JSON (line {exc.lineno} column "
                         f"{exc.colno}: {exc.msg}); check the URL in sources.toml") from exc
    items = _dig(data, mapping.items)
    if items is _MISSING or not isinstance(items, list):
        keys = ", ".join(list(data)[:8]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"api.items = '{mapping.items}' is not a list in the JSON (top level: "
                         f"{keys}); fix api.items in sources.toml")
    out: list[Entry] = []
    bad_link = 0
    not_object = 0
    for item in items:
        if not isinstance(item, dict):
            not_object += 1
            continue
        if "{" in mapping.link:
            try:
                link = mapping.link.format_map(_Fields(item))
            except (KeyError, IndexError, ValueError):
                bad_link += 1
                continue
        else:
            link = _dig(item, mapping.link)
        if not isinstance(link, str | int) or link is _MISSING or str(link) == "":
            bad_link += 1
            continue
        title = _dig(item, mapping.title)
        text = _dig(item, mapping.text) if mapping.text else ""
        date = _dig(item, mapping.date) if mapping.date else None
        out.append(Entry(
            url=resolve(str(link), base_url),
            title=_one_line(title if isinstance(title, str) else ""),
            text=html_to_text(text if isinstance(text, str) else ""),
            published=to_iso_utc(None if date is _MISSING else date),
        ))
    if items and not out:
        raise ParseError(f"api.link = '{mapping.link}' gives no link for any of the "
                         f"{len(items)} items; fix api.link in sources.toml")
    _note_skipped(problems, bad_link, f"API items without a link from api.link = '{mapping.link}'",
                  "", "check api.link in sources.toml")
    _note_skipped(problems, not_object, f"entries of api.items = '{mapping.items}' that are not "
                  "JSON objects", "", "check api.items in sources.toml")
    return out
