"""Import sources from OPML (the feed-reader exchange format) and export them to it.

Import adds every outline with an ``xmlUrl`` as a ``kind = "feed"`` source (ids are slugs of
the title), skips URLs already configured, and writes sources.toml once, validated and
atomically. Export writes feeds as ordinary ``type="rss"`` outlines that any reader can use;
listing, sitemap and api sources, which other readers cannot poll, are written with
``htmlUrl`` and ``type="mediamon-<kind>"`` plus a ``category`` attribute. Every outline also
carries the full source definition in ``mediamon:*`` attributes, so exporting and importing
again loses nothing (selectors and API mappings included).

XML is parsed with lxml with entity resolution, DTD loading and network access switched off.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from mediamon.config import (
    ConfigError,
    ConfigIssue,
    add_sources,
    atomic_write_text,
    check_url,
    load_sources,
)
from mediamon.models import ApiMapping, Selectors, Source

NS = "https://github.com/mediamon/opml"
_NSMAP = {"mediamon": NS}
_SCALAR_FIELDS = ("id", "kind", "origin", "owner", "agency", "region", "interval", "enabled",
                  "reach", "confidence", "note", "max_pages")

# Cyrillic (Russian and Kazakh) to Latin, only for building ids.
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g",
    "қ": "q", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}
_KAZAKH_LETTERS = set("әғқңөұүһі")


class OpmlError(ConfigError):
    """An OPML file cannot be read; the message names the file and the line."""


@dataclass
class ImportReport:
    """What an OPML import did: ids added, and (url, reason) pairs skipped."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.added)} source(s) added, {len(self.skipped)} skipped"


def slugify(text: str, fallback: str = "source") -> str:
    """A lower-case latin slug for an id: Cyrillic is transliterated, the rest dropped."""
    out = []
    for ch in text.lower():
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
        else:
            out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode())
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(out)).strip("-")
    return slug[:48].strip("-") or fallback


def _url_key(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    return f"{host}{parts.path.rstrip('/')}{'?' + parts.query if parts.query else ''}"


def _guess_languages(text: str) -> tuple[str, ...]:
    low = text.lower()
    if any(c in _KAZAKH_LETTERS for c in low):
        return ("kk",)
    if re.search(r"[а-яё]", low):
        return ("ru",)
    if re.search(r"[a-z]", low):
        return ("en",)
    return ("ru",)


def _is_domestic(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith((".kz", ".қаз", ".xn--80ao21a")) or host in ("kz", "қаз")


def _parse(opml_path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False)
    try:
        data = opml_path.read_bytes()
    except OSError as exc:
        raise OpmlError([ConfigIssue(str(opml_path), None, f"cannot be read ({exc.strerror})"
                                                           " — check the path")]) from None
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        reason = (exc.msg or str(exc)).split(", line")[0]
        raise OpmlError([ConfigIssue(
            str(opml_path), line, f"is not well-formed XML ({reason}) — export the OPML again "
                                  "or fix the tag on that line")]) from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise OpmlError([ConfigIssue(
            str(opml_path), getattr(root, "sourceline", None),
            "is XML but not OPML (the root element must be <opml>) — choose an OPML file")])
    if root.find("body") is None:
        raise OpmlError([ConfigIssue(str(opml_path), root.sourceline,
                                     "OPML has no <body> — the file holds no feeds")])
    return root


def _mm(outline: etree._Element, name: str) -> str | None:
    return outline.get(f"{{{NS}}}{name}")


def _title(outline: etree._Element) -> str:
    return (outline.get("title") or outline.get("text") or "").strip()


def _outline_to_source(outline: etree._Element, sid: str, opml_name: str) -> Source:
    """A Source from an outline; full mediamon attributes win over guesses."""
    title = _title(outline)
    url = (outline.get("xmlUrl") or outline.get("htmlUrl") or "").strip()
    kind = _mm(outline, "kind") or "feed"
    if _mm(outline, "id") is None:
        domestic = _is_domestic(url)
        return Source(
            id=sid, name=title or urlsplit(url).hostname or sid, url=url, kind="feed",
            languages=_guess_languages(title), origin="domestic" if domestic else "foreign",
            owner="private" if domestic else "foreign", confidence="unverified",
            note=f"imported from OPML {opml_name}; language and origin guessed — check them",
        )
    values: dict = {"id": sid, "name": title or sid, "url": url, "kind": kind}
    for key in _SCALAR_FIELDS[1:]:
        raw = _mm(outline, key)
        if raw is None:
            continue
        if key in ("interval", "max_pages"):
            values[key] = int(raw)
        elif key == "reach":
            values[key] = float(raw)
        elif key == "enabled":
            values[key] = raw.lower() == "true"
        else:
            values[key] = raw
    langs = _mm(outline, "languages")
    if langs:
        values["languages"] = tuple(x for x in langs.split(",") if x)
    if _mm(outline, "selectors"):
        values["selectors"] = Selectors(**json.loads(_mm(outline, "selectors")))
    if _mm(outline, "api"):
        values["api"] = ApiMapping(**json.loads(_mm(outline, "api")))
    return Source(**values)


def import_opml(opml_path: str | os.PathLike, sources_path: str | os.PathLike) -> ImportReport:
    """Add the OPML's feeds to ``sources_path`` (created if missing). Duplicates are skipped."""
    opml_path, sources_path = Path(opml_path), Path(sources_path)
    root = _parse(opml_path)
    existing: list[Source] = []
    if sources_path.exists():
        existing = load_sources(sources_path).sources
    taken_ids = {s.id for s in existing}
    seen_urls = {_url_key(s.url): s.id for s in existing}
    report = ImportReport()
    new: list[Source] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url and _mm(outline, "kind"):
            url = (outline.get("htmlUrl") or "").strip()
        if not url:
            if outline.get("htmlUrl"):
                report.skipped.append((outline.get("htmlUrl", ""),
                                       f"line {outline.sourceline}: no xmlUrl (a web page, not a"
                                       " feed)"))
            continue  # a folder outline
        problem = check_url(url)
        if problem:
            report.skipped.append((url, f"line {outline.sourceline}: url {problem}"))
            continue
        key = _url_key(url)
        if key in seen_urls:
            report.skipped.append((url, f"line {outline.sourceline}: already configured as "
                                        f'"{seen_urls[key]}"'))
            continue
        title = _title(outline)
        base = _mm(outline, "id") or slugify(title or (urlsplit(url).hostname or ""))
        sid, n = base, 2
        while sid in taken_ids:
            sid, n = f"{base}-{n}", n + 1
        try:
            source = _outline_to_source(outline, sid, opml_path.name)
        except (ValueError, TypeError) as exc:
            report.skipped.append((url, f"line {outline.sourceline}: bad mediamon attribute "
                                        f"({exc})"))
            continue
        taken_ids.add(sid)
        seen_urls[key] = sid
        new.append(source)
    if new:
        add_sources(sources_path, new)  # validated; raises ConfigError and writes nothing
    report.added = [s.id for s in new]
    return report


def _category(source: Source) -> str:
    parts = [f"/mediamon/kind/{source.kind}", f"/mediamon/origin/{source.origin}"]
    parts += [f"/mediamon/language/{lang}" for lang in source.languages]
    if source.agency:
        parts.append(f"/mediamon/agency/{source.agency}")
    return ",".join(parts)


def export_opml(sources: list[Source], out_path: str | os.PathLike,
                title: str = "mediamon sources") -> Path:
    """Write ``sources`` as OPML 2.0 (atomically). Returns the path written."""
    out_path = Path(out_path)
    root = etree.Element("opml", nsmap=_NSMAP, version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(root, "body")
    for source in sources:
        outline = etree.SubElement(body, "outline")
        outline.set("text", source.name)
        outline.set("title", source.name)
        if source.kind == "feed":
            outline.set("type", "rss")
            outline.set("xmlUrl", source.url)
        else:
            outline.set("type", f"mediamon-{source.kind}")
            outline.set("htmlUrl", source.url)
        if source.languages:
            outline.set("language", source.languages[0])
        outline.set("category", _category(source))
        data = asdict(source)
        for key in _SCALAR_FIELDS:
            value = data[key]
            if value is None:
                continue
            outline.set(f"{{{NS}}}{key}", str(value).lower() if isinstance(value, bool)
                        else str(value))
        outline.set(f"{{{NS}}}languages", ",".join(source.languages))
        for key in ("selectors", "api"):
            if data[key] is not None:
                outline.set(f"{{{NS}}}{key}", json.dumps(data[key], ensure_ascii=False))
    text = etree.tostring(root, pretty_print=True, xml_declaration=True,
                          encoding="UTF-8").decode("utf-8")
    atomic_write_text(out_path, text)
    return out_path
