"""The programme's topic taxonomy: ids, names, descriptions, key terms, PR-strategy spheres.

Loaded from ``classifiers/data/taxonomy.toml`` (or a path given by the caller).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TAXONOMY_PATH = Path(__file__).resolve().parent / "data" / "taxonomy.toml"
TERM_LANGUAGES = ("ru", "kk", "kk-Latn")
NAME_LANGUAGES = ("kk", "ru", "en")


class TaxonomyError(ValueError):
    """The taxonomy file is unreadable or misses a required field."""


@dataclass(frozen=True)
class Topic:
    """One topic of the taxonomy."""

    id: str
    names: dict[str, str]
    descriptions: dict[str, str]
    section: str
    terms: dict[str, list[str]] = field(default_factory=dict)

    def name(self, language: str = "ru") -> str:
        return self.names.get(language) or self.names.get("en") or self.id


@dataclass(frozen=True)
class Taxonomy:
    """All topics, in file order, plus the PR-strategy spheres (sphere -> topic ids)."""

    topics: list[Topic]
    spheres: dict[str, list[str]]
    notes: dict[str, str] = field(default_factory=dict)
    tone_terms: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def get(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)

    def spheres_of(self, topic_id: str) -> list[str]:
        return [s for s, ids in self.spheres.items() if topic_id in ids]


def _require(entry: dict, key: str, where: str) -> object:
    if key not in entry:
        raise TaxonomyError(f"{where}: missing field '{key}'; add it to the taxonomy file")
    return entry[key]


def _parse(data: dict, path: Path) -> Taxonomy:
    topics: list[Topic] = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("topics", []), start=1):
        where = f"{path}: topic #{i}"
        tid = str(_require(entry, "id", where))
        where = f"{path}: topic '{tid}'"
        if tid in seen:
            raise TaxonomyError(f"{where}: duplicate id; ids must be unique")
        seen.add(tid)
        names = dict(_require(entry, "names", where))  # type: ignore[arg-type]
        descriptions = dict(entry.get("descriptions", {}))
        for lang in NAME_LANGUAGES:
            if lang not in names:
                raise TaxonomyError(f"{where}: names.{lang} missing; give a {lang} name")
        terms = {lang: [str(t) for t in entry.get("terms", {}).get(lang, [])] for lang in TERM_LANGUAGES}
        topics.append(Topic(tid, names, descriptions, str(entry.get("section", "")), terms))
    if not topics:
        raise TaxonomyError(f"{path}: no [[topics]] entries; the taxonomy needs at least one topic")
    spheres = {str(k): [str(x) for x in v] for k, v in data.get("pr_spheres", {}).items()}
    for sphere, ids in spheres.items():
        unknown = [x for x in ids if x not in seen]
        if unknown:
            raise TaxonomyError(f"{path}: pr_spheres.{sphere} names unknown topic ids {unknown}")
    notes = {str(k): str(v) for k, v in data.get("notes", {}).items()}
    tone_terms = {
        str(label): {lang: [str(t) for t in v.get(lang, [])] for lang in TERM_LANGUAGES}
        for label, v in data.get("tone_terms", {}).items()
    }
    return Taxonomy(topics, spheres, notes, tone_terms)


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Taxonomy:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaxonomyError(f"{p}: cannot read the taxonomy file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{p}: invalid TOML ({exc}); fix the file") from None
    return _parse(data, p)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load the taxonomy (cached per path)."""
    return _load_cached(str(Path(path) if path else TAXONOMY_PATH))
