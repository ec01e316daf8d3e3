"""URL canonicalisation and content hashing: the keys the store deduplicates items by.

The canonical form of a URL (what :func:`canonical_url` returns) is:

* scheme and host lowercased; the host in ASCII (IDNA / punycode), so ``https://үкімет.қаз/``
  and ``https://xn--...xn--80ao21a/`` are one key (use :func:`display_url` to show the
  Unicode form to people);
* default ports (``:80`` for http, ``:443`` for https) removed; an empty path becomes ``/``;
* the fragment dropped;
* tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ``yclid``, ``_openstat``, ``from``,
  ``ref`` and similar) dropped, the remaining query parameters sorted (stable for repeated
  keys), empty ``?`` removed;
* the path otherwise kept as the site wrote it (trailing slashes and ``index.html`` are kept:
  some Kazakh CMSs serve different pages for ``/news`` and ``/news/``, so we stay conservative).

``http`` and ``https`` stay distinct keys; the store's content hash catches the same article
served under both.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "yclid",
        "ysclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_openstat",
        "from",
        "ref",
        "ref_src",
        "referrer",
        "source",
        "igshid",
        "_ga",
        "_gl",
        "rss",
        "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_")
DEFAULT_PORTS = {"http": 80, "https": 443}
_PCT = re.compile(r"%[0-9a-fA-F]{2}")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"  # characters a path keeps as they are (RFC 3986 pchar)


def host_to_ascii(host: str) -> str:
    """Lowercased ASCII (punycode) form of a host name; already-ASCII hosts are returned as is."""
    host = host.strip().rstrip(".").lower()
    if not host or host.isascii():
        return host
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
            continue
        label = unicodedata.normalize("NFC", label)
        try:
            labels.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            labels.append("xn--" + label.encode("punycode").decode("ascii"))
    return ".".join(labels)


def host_to_unicode(host: str) -> str:
    """Unicode form of a host for display (``xn--80ao21a`` → ``қаз``)."""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                labels.append(label[4:].encode("ascii").decode("punycode"))
                continue
            except UnicodeError:
                pass
        labels.append(label)
    return ".".join(labels)


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def _netloc(scheme: str, netloc: str) -> str:
    userinfo = ""
    if "@" in netloc:
        userinfo, netloc = netloc.rsplit("@", 1)
        userinfo += "@"
    port = ""
    if netloc.startswith("["):  # IPv6 literal
        end = netloc.find("]")
        host, rest = netloc[: end + 1], netloc[end + 1 :]
        if rest.startswith(":"):
            port = rest[1:]
    elif ":" in netloc:
        host, port = netloc.rsplit(":", 1)
    else:
        host = netloc
    host = host_to_ascii(host) if not host.startswith("[") else host.lower()
    if port and port.isdigit() and DEFAULT_PORTS.get(scheme) == int(port):
        port = ""
    return f"{userinfo}{host}:{port}" if port else f"{userinfo}{host}"


def to_request_url(url: str) -> str:
    """The URL with its host in punycode and non-ASCII path/query percent-encoded (for HTTP)."""
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return url
    path = quote(parts.path, safe=_PATH_SAFE)
    query = quote(parts.query, safe="=&%:@!$'()*+,;/?-._~")
    return urlunsplit((parts.scheme.lower(), _netloc(parts.scheme.lower(), parts.netloc), path,
                       query, parts.fragment))


def canonical_url(url: str, base: str | None = None) -> str:
    """The canonical key of ``url`` (resolved against ``base`` when relative); see module doc."""
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        return url
    netloc = _netloc(scheme, parts.netloc)
    path = _PCT.sub(lambda m: m.group(0).upper(),
                    quote(parts.path, safe=_PATH_SAFE)) or "/"
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    pairs.sort(key=lambda kv: kv[0])
    query = urlencode(pairs, doseq=False, safe=":/@!$'()*,;-._~")
    return urlunsplit((scheme, netloc, path, query, ""))


def display_url(url: str) -> str:
    """The URL with a punycode host shown in Unicode (``https://akorda.қаз/...``) for people."""
    parts = urlsplit(url)
    if "xn--" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, host_to_unicode(parts.netloc), parts.path, parts.query,
                       parts.fragment))


def resolve(link: str, base: str) -> str:
    """``link`` made absolute against ``base`` (fragment kept; use canonical_url for keys)."""
    return urljoin(base, (link or "").strip())


def host_of(url: str) -> str:
    """Lowercased ASCII host of ``url`` (with a non-default port), '' when there is none."""
    parts = urlsplit(url)
    return _netloc(parts.scheme.lower(), parts.netloc.rsplit("@", 1)[-1]) if parts.netloc else ""


_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, whitespace collapsed, lowercased: the form :func:`content_hash` digests.

    (Not the search normaliser, ``classifiers.normalize.normalize_text``: no stemming here.)
    """
    return _WS.sub(" ", unicodedata.normalize("NFC", text or "")).strip().lower()


def content_hash(title: str, text: str) -> str:
    """sha1 hex of the normalised title and text; equal for copies differing only in spacing/case."""
    payload = normalise_text(title) + "\n" + normalise_text(text)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()
