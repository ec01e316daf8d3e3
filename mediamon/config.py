"""Load, validate and edit sources.toml: the list of sources and the crawler's settings.

``load_sources`` turns the file into :class:`SourcesConfig` (a list of
:class:`~mediamon.models.Source` and one :class:`~mediamon.models.CrawlSettings`). Every
problem a user can make (TOML syntax, a missing or mistyped field, an unknown kind, agency or
region, a duplicate id, a bad URL) is collected into one :class:`ConfigError` whose lines each
name the file, the line, the source and the field, and say what to do. Unknown keys are only
warnings (kept in ``SourcesConfig.warnings``).

The editing functions (``add_source``, ``update_source``, ``remove_source``, ``set_enabled``)
keep the user's comments and layout (tomlkit), validate the edited text before writing, and
write atomically (temporary file + ``os.replace``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import soupsieve
import tomlkit
from tomlkit.items import AoT, Table

from mediamon.models import (
    CONFIDENCE_LEVELS,
    ORIGINS,
    OWNERS,
    SOURCE_KINDS,
    ApiMapping,
    CrawlSettings,
    Selectors,
    Source,
)
from mediamon.paths import Paths, default_sources_file

LANGUAGES = ("ru", "kk", "kk-Latn", "en")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
IDS_FILE = Path(__file__).with_name("data") / "ids.toml"

_SOURCE_KEYS = {f.name for f in dataclasses.fields(Source)}
_SELECTOR_KEYS = {f.name for f in dataclasses.fields(Selectors)}
_API_KEYS = {f.name for f in dataclasses.fields(ApiMapping)}
_CRAWLER_FIELDS = {f.name: f for f in dataclasses.fields(CrawlSettings)}


@dataclass(frozen=True)
class ConfigIssue:
    """One problem found in a sources file, printable as one readable line."""

    file: str
    line: int | None
    message: str
    source_id: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.source_id is not None:
            where += f", source {self.source_id}"
        return f"{where}: {self.message}"


class ConfigError(Exception):
    """A sources file cannot be used. ``errors`` lists every problem found, one per line."""

    def __init__(self, errors: Iterable[ConfigIssue | str]):
        self.errors: list[ConfigIssue | str] = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    @property
    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


@dataclass(frozen=True)
class SourcesConfig:
    """A loaded sources file: the sources in file order, the crawler settings, and warnings."""

    sources: list[Source]
    crawler: CrawlSettings = field(default_factory=CrawlSettings)
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None

    def by_id(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


# --------------------------------------------------------------------------- known ids


@lru_cache(maxsize=1)
def known_ids() -> tuple[dict[str, str], dict[str, str]]:
    """Known agency ids and region ids, each mapped to an English name."""
    with IDS_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    agencies = dict(data.get("agencies", {}))
    regions = dict(data.get("regions", {}))
    return agencies, regions


# --------------------------------------------------------------------------- line map


_HEADER_RE = re.compile(r"^\s*(\[\[|\[)\s*([^\[\]]+?)\s*(\]\]|\])\s*(#.*)?$")
_KEY_RE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*)\s*=""")


@dataclass
class _LineMap:
    """Where keys sit in the raw text (tomllib keeps no positions)."""

    crawler: dict[str, int] = field(default_factory=dict)
    crawler_header: int | None = None
    sources: list[dict[str, int]] = field(default_factory=list)  # "" -> header line
    headers: list[tuple[int, str]] = field(default_factory=list)  # (line, table name)

    def source_line(self, index: int, key: str = "") -> int | None:
        if index >= len(self.sources):
            return None
        lines = self.sources[index]
        if key in lines:
            return lines[key]
        if "." in key and key.split(".")[0] in lines:
            return lines[key.split(".")[0]]
        return lines.get("")


def _scan_lines(text: str) -> _LineMap:
    result = _LineMap()
    context: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER_RE.match(line)
        if header:
            name = re.sub(r"\s*\.\s*", ".", header.group(2)).strip('"')
            double = header.group(1) == "[["
            result.headers.append((number, name))
            if double and name == "source":
                result.sources.append({"": number})
                context = ("source",)
            elif name in ("source.selectors", "source.api") and result.sources:
                sub = name.split(".")[1]
                result.sources[-1].setdefault(sub, number)
                context = ("source", sub)
            elif name == "crawler":
                result.crawler_header = number
                context = ("crawler",)
            else:
                context = ("other",)
            continue
        key = _KEY_RE.match(line)
        if key:
            name = re.sub(r"\s*\.\s*", ".", key.group(1)).strip("\"'")
            rest = line[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
            if context == ("crawler",):
                result.crawler.setdefault(name, number)
            elif context and context[0] == "source" and result.sources:
                prefix = f"{context[1]}." if len(context) > 1 else ""
                result.sources[-1].setdefault(prefix + name, number)
    return result


# --------------------------------------------------------------------------- validation


def _type_name(value: Any) -> str:
    return {
        bool: "true/false", int: "a whole number", float: "a number", str: "text",
        list: "a list", dict: "a table",
    }.get(type(value), type(value).__name__)


def _valid_host(host: str) -> bool:
    if not host or host.startswith(".") or ".." in host:
        return False
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    if ascii_host.startswith("[") or re.fullmatch(r"[0-9.]+", ascii_host):
        return True  # an IP address
    return all(
        re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", label)
        for label in ascii_host.split(".")
    )


def check_url(url: str) -> str | None:
    """None if ``url`` is an http(s) URL with a host (IDN hosts such as .қаз are fine),
    otherwise the problem in a few words."""
    if not url.strip() or url != url.strip() or any(c.isspace() for c in url):
        return "contains spaces or is empty"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if not host or not _valid_host(host):
        return "has no valid host name"
    return None


Report = Callable[[str, str], None]  # (key, message) → one error or warning of a source


class _Validator:
    def __init__(self, file: str, lines: _LineMap):
        self.file = file
        self.lines = lines
        self.errors: list[ConfigIssue] = []
        self.warnings: list[ConfigIssue] = []
        self.agencies, self.regions = known_ids()

    # -- crawler --------------------------------------------------------------------------
    def crawler(self, table: Any) -> CrawlSettings:
        if not isinstance(table, dict):
            self.errors.append(ConfigIssue(
                self.file, self.lines.crawler_header,
                "[crawler] must be a table — write it as a [crawler] section with key = value lines"))
            return CrawlSettings()
        values: dict[str, Any] = {}
        for key, value in table.items():
            line = self.lines.crawler.get(key, self.lines.crawler_header)
            spec = _CRAWLER_FIELDS.get(key)
            if spec is None:
                self.warnings.append(ConfigIssue(
                    self.file, line,
                    f"[crawler] key {key!r} is unknown and ignored — known keys: "
                    + ", ".join(_CRAWLER_FIELDS)))
                continue
            default = spec.default
            expected = type(default) if default is not None else str
            ok = isinstance(value, expected) and not (
                expected is int and isinstance(value, bool))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value, ok = float(value), True
            if not ok:
                self.errors.append(ConfigIssue(
                    self.file, line,
                    f"[crawler] {key} = {value!r} is {_type_name(value)}, expected "
                    f"{_type_name(default if default is not None else '')} — e.g. {key} = "
                    f"{_toml_repr(default if default is not None else 'text')}"))
                continue
            if expected in (int, float) and value < 0:
                self.errors.append(ConfigIssue(
                    self.file, line, f"[crawler] {key} must not be negative — use 0 or more"))
                continue
            values[key] = value
        for key in ("concurrency", "per_host"):
            if key in values and values[key] < 1:
                self.errors.append(ConfigIssue(
                    self.file, self.lines.crawler.get(key),
                    f"[crawler] {key} must be at least 1 — use {key} = 1 or more"))
                values.pop(key)
        return CrawlSettings(**values)

    # -- sources --------------------------------------------------------------------------
    def source(self, index: int, table: Any) -> Source | None:
        header_line = self.lines.source_line(index)
        if not isinstance(table, dict):
            self.errors.append(ConfigIssue(
                self.file, header_line, f"source #{index + 1} is not a table — write it as a"
                " [[source]] section"))
            return None
        sid = table.get("id")
        label = f'"{sid}"' if isinstance(sid, str) and sid else f"#{index + 1}"
        n_errors = len(self.errors)

        def err(key: str, message: str) -> None:
            self.errors.append(ConfigIssue(
                self.file, self.lines.source_line(index, key), message, label))

        def warn(key: str, message: str) -> None:
            self.warnings.append(ConfigIssue(
                self.file, self.lines.source_line(index, key), message, label))

        for key in table:
            if key not in _SOURCE_KEYS:
                warn(key, f"key {key!r} is unknown and ignored — check the spelling; known keys: "
                          + ", ".join(sorted(_SOURCE_KEYS)))

        def text(key: str, required: bool = False) -> str | None:
            if key not in table:
                if required:
                    err("", f"{key} is missing — add a line {key} = \"...\"")
                return None
            value = table[key]
            if not isinstance(value, str):
                err(key, f"{key} is {_type_name(value)}, expected text — put it in quotes")
                return None
            if required and not value.strip():
                err(key, f"{key} is empty — give it a value")
                return None
            return value

        def choice(key: str, allowed: tuple[str, ...], hint: str = "") -> str | None:
            value = text(key)
            if value is not None and value not in allowed:
                err(key, f'{key} "{value}" is not one of {", ".join(allowed)}'
                         + (f" — {hint}" if hint else f" — use one of {', '.join(allowed)}"))
                return None
            return value

        def integer(key: str, minimum: int) -> int | None:
            if key not in table:
                return None
            value = table[key]
            if not isinstance(value, int) or isinstance(value, bool):
                err(key, f"{key} is {_type_name(value)}, expected a whole number — e.g. "
                         f"{key} = {max(minimum, 60 if key == 'interval' else minimum)}")
                return None
            if value < minimum:
                err(key, f"{key} = {value} is too small — use {minimum} or more")
                return None
            return value

        values: dict[str, Any] = {}
        sid_text = text("id", required=True)
        if sid_text is not None and not ID_PATTERN.match(sid_text):
            err("id", f'id "{sid_text}" is not a slug — use lower-case latin letters, digits,'
                      ' "-" and "_", e.g. "tengrinews-ru"')
        values["id"] = sid_text
        values["name"] = text("name", required=True)
        url = text("url", required=True)
        if url is not None:
            problem = check_url(url)
            if problem:
                err("url", f'url "{url}" {problem} — write the full address, e.g. '
                           '"https://example.kz/news/"')
        values["url"] = url
        kind = choice("kind", SOURCE_KINDS, 'use "feed" for RSS/Atom') or (
            None if "kind" in table else "feed")
        values["kind"] = kind

        if "languages" in table:
            values["languages"] = _languages(table["languages"], err, warn)
        values["origin"] = choice("origin", ORIGINS,
                                  'use "domestic" for Kazakh media, "foreign" for the rest')
        values["owner"] = choice("owner", OWNERS)
        agency = text("agency")
        if agency is not None and agency not in self.agencies:
            err("agency", f'agency "{agency}" is not a known agency id — use one of the ids in '
                          f"{IDS_FILE.name} (e.g. government, mfa, akimat_astana)")
        elif agency is not None and table.get("owner", "private") != "state":
            err("agency", 'agency is set but owner is not "state" — an agency is for state-body'
                          ' sources: set owner = "state" or remove agency')
        values["agency"] = agency
        region = text("region")
        if region is not None and region not in self.regions:
            err("region", f'region "{region}" is not a known region id — use one of the ids in '
                          f"{IDS_FILE.name} (e.g. astana, almaty, karaganda)")
        values["region"] = region
        values["interval"] = integer("interval", 1)
        values["max_pages"] = integer("max_pages", 1)
        if "enabled" in table:
            if isinstance(table["enabled"], bool):
                values["enabled"] = table["enabled"]
            else:
                err("enabled", "enabled must be true or false (no quotes)")
        if "reach" in table:
            values["reach"] = _reach(table["reach"], err)
        values["confidence"] = choice("confidence", CONFIDENCE_LEVELS)
        values["note"] = text("note")

        values["selectors"] = self._sub(table, "selectors", Selectors, _SELECTOR_KEYS,
                                        ("item",), kind == "listing", err, warn)
        values["api"] = self._sub(table, "api", ApiMapping, _API_KEYS,
                                  ("items", "link"), kind == "api", err, warn)
        if len(self.errors) > n_errors:
            return None
        return Source(**{k: v for k, v in values.items() if v is not None})

    def _sub(self, table: dict, name: str, cls: type, keys: set[str], required: tuple[str, ...],
             needed: bool, err: Report, warn: Report) -> Any:
        kind_name = "listing" if name == "selectors" else "api"
        article = "a" if name == "selectors" else "an"
        if name not in table:
            if needed:
                err("", f"{article} {kind_name} source needs a [source.{name}] table with "
                        + " and ".join(required) + f" — add [source.{name}] after this source")
            return None
        sub = table[name]
        if not isinstance(sub, dict):
            err(name, f"{name} must be a table — write it as [source.{name}]")
            return None
        if not needed:
            warn(name, f"[source.{name}] is used only by kind = \"{kind_name}\" and is ignored here")
        ok = True
        for key, value in sub.items():
            if key not in keys:
                warn(f"{name}.{key}", f"{name}.{key} is unknown and ignored — known keys: "
                                      + ", ".join(sorted(keys)))
            elif not isinstance(value, str) or not value.strip():
                err(f"{name}.{key}", f"{name}.{key} must be non-empty text — put it in quotes")
                ok = False
            elif name == "selectors":
                try:
                    soupsieve.compile(value)
                except soupsieve.SelectorSyntaxError as exc:
                    reason = str(exc).splitlines()[0]
                    err(f"{name}.{key}", f'{name}.{key} "{value}" is not a valid CSS selector '
                                         f"({reason}) — fix the selector")
                    ok = False
        for key in required:
            if key not in sub:
                err(name, f"{name}.{key} is missing — {article} {kind_name} source needs {key} = \"...\"")
                ok = False
        if not ok:
            return None
        return cls(**{k: v for k, v in sub.items() if k in keys})


def _languages(langs: Any, err: Report, warn: Report) -> tuple[str, ...] | None:
    """A source's ``languages``: a non-empty list of known codes (one string is accepted)."""
    if isinstance(langs, str):
        langs = [langs]
        warn("languages", f'languages should be a list — write languages = ["{langs[0]}"]')
    if not isinstance(langs, list) or not langs:
        err("languages", 'languages must be a non-empty list — e.g. languages = ["ru", "kk"]')
        return None
    bad = [x for x in langs if x not in LANGUAGES]
    if bad:
        err("languages", f"languages {bad!r} not known — use any of "
                         + ", ".join(LANGUAGES) + ' ("kk-Latn" is Kazakh in Latin script)')
        return None
    return tuple(langs)


def _reach(reach: Any, err: Report) -> float | None:
    """A source's ``reach``: a number of 0 or more."""
    if isinstance(reach, bool) or not isinstance(reach, int | float):
        err("reach", f"reach is {_type_name(reach)}, expected a number — e.g. reach = 1.0")
        return None
    if reach < 0:
        err("reach", "reach must not be negative — use 0 or more")
        return None
    return float(reach)


def _toml_repr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def parse_sources(text: str, file: str = "sources.toml") -> SourcesConfig:
    """Validate the text of a sources file; raise :class:`ConfigError` with every problem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg).strip()
        line = int(match.group(1)) if match else None
        where = f", column {match.group(2)}" if match else ""
        raise ConfigError([ConfigIssue(
            file, line, f"TOML syntax error{where}: {reason} — check quotes around text, "
                        "one key = value per line, and [[source]] headers")]) from None
    lines = _scan_lines(text)
    v = _Validator(file, lines)
    for key in data:
        if key not in ("source", "crawler"):
            hint = ' — did you mean [[source]]?' if key in ("sources", "feeds") else ""
            v.warnings.append(ConfigIssue(
                file, None, f"top-level key {key!r} is unknown and ignored{hint}"))
    crawler = v.crawler(data["crawler"]) if "crawler" in data else CrawlSettings()
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        v.errors.append(ConfigIssue(
            file, None, "source must be written as [[source]] sections (an array of tables)"))
        raw_sources = []
    sources: list[Source] = []
    first_seen: dict[str, int] = {}
    seen_urls: dict[str, str] = {}
    for index, table in enumerate(raw_sources):
        source = v.source(index, table)
        sid = table.get("id") if isinstance(table, dict) else None
        if isinstance(sid, str):
            if sid in first_seen:
                v.errors.append(ConfigIssue(
                    file, lines.source_line(index, "id"),
                    f'id "{sid}" is used twice (first at line {lines.source_line(first_seen[sid], "id")})'
                    " — give each source its own id", f'"{sid}"'))
                source = None
            else:
                first_seen[sid] = index
        if source is not None:
            key = source.url.rstrip("/").lower()
            if key in seen_urls:
                v.warnings.append(ConfigIssue(
                    file, lines.source_line(index, "url"),
                    f"url is the same as source \"{seen_urls[key]}\" — items will be fetched twice;"
                    " remove one of them", f'"{source.id}"'))
            else:
                seen_urls[key] = source.id
            sources.append(source)
    if v.errors:
        raise ConfigError(v.errors)
    return SourcesConfig(sources=sources, crawler=crawler,
                         warnings=[str(w) for w in v.warnings])


def load_sources(path: str | os.PathLike) -> SourcesConfig:
    """Load and validate a sources file. Raises :class:`ConfigError` listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(
            str(path), None, "file not found — create it or run mediamon once to get the "
                             "default list")]) from None
    except OSError as exc:
        raise ConfigError([ConfigIssue(
            str(path), None, f"cannot be read ({exc.strerror}) — check its permissions")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([ConfigIssue(
            str(path), line, "is not UTF-8 text — save the file as UTF-8")]) from None
    config = parse_sources(text, str(path))
    return dataclasses.replace(config, path=path)


# --------------------------------------------------------------------------- editing


def _read_document(path: Path) -> tomlkit.TOMLDocument:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return tomlkit.document()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigIssue(str(path), None, f"cannot be read ({exc}) — check the"
                                                        " file")]) from None
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError([ConfigIssue(
            str(path), getattr(exc, "line", None),
            f"TOML syntax error: {exc} — fix the file before editing it")]) from None


def _write_validated(path: Path, doc: tomlkit.TOMLDocument) -> SourcesConfig:
    text = tomlkit.dumps(doc)
    config = parse_sources(text, str(path))  # raises ConfigError; the file is untouched
    atomic_write_text(path, text)
    return dataclasses.replace(config, path=path)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _source_tables(doc: tomlkit.TOMLDocument) -> AoT | list:
    return doc.get("source", [])


def _find(doc: tomlkit.TOMLDocument, path: Path, source_id: str) -> Table:
    for table in _source_tables(doc):
        if table.get("id") == source_id:
            return table
    raise ConfigError([ConfigIssue(
        str(path), None, f'no source with id "{source_id}" — check the id (ids are listed by '
                         "`mediamon sources list`)")])


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def _sub_table(obj: Selectors | ApiMapping | dict) -> Table:
    data = dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) else dict(obj)
    table = tomlkit.table()
    for key, value in data.items():
        if value is not None:
            table[key] = value
    return table


def source_to_table(source: Source) -> Table:
    """A tomlkit table for one source: the main keys always, the rest when not default."""
    table = tomlkit.table()
    always = ("id", "name", "url", "kind", "languages", "origin", "owner")
    defaults = {f.name: f.default for f in dataclasses.fields(Source)}
    for f in dataclasses.fields(Source):
        value = getattr(source, f.name)
        if f.name in ("selectors", "api"):
            continue
        if value is None or (f.name not in always and value == defaults[f.name]
                             and f.name not in ("interval", "enabled", "confidence")):
            continue
        table[f.name] = _plain(value)
    if source.selectors is not None:
        table["selectors"] = _sub_table(source.selectors)
    if source.api is not None:
        table["api"] = _sub_table(source.api)
    return table


def add_source(path: str | os.PathLike, source: Source) -> SourcesConfig:
    """Append ``source`` to the file (created if missing); comments are kept."""
    path = Path(path)
    doc = _read_document(path)
    for table in _source_tables(doc):
        if table.get("id") == source.id:
            raise ConfigError([ConfigIssue(
                str(path), None, f'a source with id "{source.id}" already exists — choose another'
                                 " id or edit that source")])
    _append_sources(doc, [source])
    return _write_validated(path, doc)


def add_sources(path: str | os.PathLike, sources: Iterable[Source]) -> SourcesConfig:
    """Append several sources in one validated, atomic write."""
    path = Path(path)
    doc = _read_document(path)
    _append_sources(doc, sources)
    return _write_validated(path, doc)


def _append_sources(doc: tomlkit.TOMLDocument, sources: Iterable[Source]) -> None:
    if "source" not in doc:
        doc.append("source", tomlkit.aot())
    for source in sources:
        doc["source"].append(source_to_table(source))


def update_source(path: str | os.PathLike, source_id: str, **fields: Any) -> SourcesConfig:
    """Change fields of one source. A value of None removes the key (back to its default)."""
    path = Path(path)
    unknown = [k for k in fields if k not in _SOURCE_KEYS]
    if unknown:
        raise ConfigError([ConfigIssue(
            str(path), None, f"cannot set unknown field(s) {', '.join(unknown)} — known fields: "
                             + ", ".join(sorted(_SOURCE_KEYS)), f'"{source_id}"')])
    doc = _read_document(path)
    table = _find(doc, path, source_id)
    for key, value in fields.items():
        if value is None:
            if key in table:
                del table[key]
        elif key in ("selectors", "api"):
            _set_key(table, key, _sub_table(value))
        else:
            _set_key(table, key, _plain(value))
    return _write_validated(path, doc)


def _set_key(table: Table, key: str, value: Any) -> None:
    """Set ``key``; a new key goes right after the table's last key, not after the comment
    lines that end the table (tomlkit would append it there, and those comments belong to
    the next table)."""
    if key in table:
        table[key] = value
        return
    body = table.value.body
    is_table = isinstance(value, Table)
    last = -1
    for i, (k, item) in enumerate(body):
        if k is not None and (is_table or not isinstance(item, Table | AoT)):
            last = i
    try:
        if 0 <= last < len(body) - 1:
            table.value._insert_at(last + 1, key, value)  # tomlkit has no public insert
            return
    except (AttributeError, ValueError):  # pragma: no cover - other tomlkit versions
        pass
    table[key] = value


def remove_source(path: str | os.PathLike, source_id: str) -> SourcesConfig:
    """Delete one source. Comments inside its table go with it; the comments that introduce
    the next table (or a group of tables) stay.

    Done on the text rather than through tomlkit, which files the comment lines above a
    table under the table before it and would delete them with it.
    """
    path = Path(path)
    doc = _read_document(path)  # reports syntax errors before anything is touched
    tables = list(_source_tables(doc))
    table = _find(doc, path, source_id)
    index = next(i for i, t in enumerate(tables) if t is table)
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)
    line_map = _scan_lines(text)
    if index >= len(line_map.sources):
        raise ConfigError([ConfigIssue(str(path), None, f'source "{source_id}" is not written as a'
                                                        " [[source]] section — remove it by hand")])
    start = line_map.sources[index][""] - 1
    end = len(lines)
    for number, name in line_map.headers:
        if number - 1 > start and name not in ("source.selectors", "source.api"):
            end = number - 1
            break
    keep_from = end
    while keep_from > start + 1 and (not lines[keep_from - 1].strip()
                                     or lines[keep_from - 1].lstrip().startswith("#")):
        keep_from -= 1
    while keep_from < end and not lines[keep_from].strip():
        keep_from += 1  # drop the blank lines that separated the removed table
    new_text = "".join(lines[:start] + lines[keep_from:])
    config = parse_sources(new_text, str(path))
    if any(s.id == source_id for s in config.sources):
        raise ConfigError([ConfigIssue(str(path), None, f'could not remove "{source_id}" — '
                                                        "remove it by hand")])
    atomic_write_text(path, new_text)
    return dataclasses.replace(config, path=path)


def set_enabled(path: str | os.PathLike, source_id: str, enabled: bool) -> SourcesConfig:
    """Switch one source on or off."""
    return update_source(path, source_id, enabled=bool(enabled))


def ensure_user_sources(paths: Paths) -> Path:
    """The user's sources file; on first run a copy of the shipped default list.

    An existing user file is never overwritten, even when it is invalid.
    """
    target = paths.sources_file
    if target.exists():
        return target
    default = default_sources_file()
    try:
        text = default.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError([ConfigIssue(
            str(default), None, "the shipped default source list is missing — reinstall mediamon"
                                f" or create {target} by hand")]) from None
    atomic_write_text(target, text)
    return target
