"""Validate the long, news-like topic/tone seed examples in classifiers/data/seeds/topics_c.jsonl.

The file holds 192 hand-written Russian items shaped like what the crawler brings from Kazakh
sites (press releases, agency items, court and police reports, business press): 800-2,500
characters, several paragraphs, page boilerplate. It is training data for the topic and tone
classifiers, so every line is checked: a malformed line or a label outside the taxonomy would
silently poison training.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "classifiers" / "data"
SEEDS = DATA / "seeds" / "topics_c.jsonl"
TAXONOMY_FILE = DATA / "taxonomy.toml"

PER_TOPIC = 8
LANGS = {"ru", "kk", "kk-Latn"}
TONES = {"positive", "neutral", "negative"}
REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһ]")
BOILERPLATE = ("Фото:", "Читайте также:", "Подписывайтесь", "Источник:")


def _taxonomy_ids() -> list[str]:
    """Topic ids in taxonomy order, read from the taxonomy file itself."""
    data = tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return [topic["id"] for topic in data["topics"]]


def _load() -> list[tuple[int, dict]]:
    """Parse every line of the seed file; fail with the line number on bad JSON."""
    rows: list[tuple[int, dict]] = []
    for number, line in enumerate(SEEDS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            pytest.fail(f"{SEEDS.name}:{number}: empty line")
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{SEEDS.name}:{number}: invalid JSON ({exc.msg})")
        if not isinstance(row, dict):
            pytest.fail(f"{SEEDS.name}:{number}: expected a JSON object")
        rows.append((number, row))
    return rows


@pytest.fixture(scope="module")
def taxonomy() -> list[str]:
    ids = _taxonomy_ids()
    assert len(ids) == 24 and len(set(ids)) == 24, f"taxonomy ids changed: {ids}"
    return ids


@pytest.fixture(scope="module")
def rows() -> list[tuple[int, dict]]:
    assert SEEDS.is_file(), f"missing seed file {SEEDS}"
    return _load()


def test_required_fields_and_types(rows: list[tuple[int, dict]]) -> None:
    for number, row in rows:
        assert set(row) == set(REQUIRED), f"line {number}: fields {sorted(row)}"
        for field, kind in REQUIRED.items():
            assert isinstance(row[field], kind), f"line {number}: {field!r} is not {kind.__name__}"
        assert row["title"].strip() and row["text"].strip(), f"line {number}: empty title or text"
        assert all(isinstance(t, str) for t in row["topics"]), f"line {number}: non-string topic"


def test_labels_are_valid(rows: list[tuple[int, dict]], taxonomy: list[str]) -> None:
    for number, row in rows:
        topics = row["topics"]
        assert 1 <= len(topics) <= 3, f"line {number}: expected 1 primary + up to 2 secondary"
        assert len(set(topics)) == len(topics), f"line {number}: duplicate topic ids {topics}"
        unknown = set(topics) - set(taxonomy)
        assert not unknown, f"line {number}: topic ids not in taxonomy: {sorted(unknown)}"
        assert row["lang"] in LANGS, f"line {number}: lang {row['lang']!r}"
        assert row["tone"] in TONES, f"line {number}: tone {row['tone']!r}"


def test_items_look_like_crawled_russian_news(rows: list[tuple[int, dict]]) -> None:
    for number, row in rows:
        text = row["text"]
        assert row["lang"] == "ru", f"line {number}: this file is Russian only"
        assert 800 <= len(text) <= 2500, f"line {number}: text length {len(text)} outside 800-2500"
        paragraphs = [p for p in text.split("\n") if p.strip()]
        assert len(paragraphs) >= 3, f"line {number}: {len(paragraphs)} paragraphs, expected 3+"
        assert CYRILLIC.search(text), f"line {number}: ru text without Cyrillic"
        # Russian news quotes a few Kazakh names («Ерен еңбегі үшін»); more means a mislabel.
        assert len(KAZAKH_ONLY.findall(text)) <= len(text) // 100, f"line {number}: Kazakh text"


def test_no_duplicate_titles_or_texts(rows: list[tuple[int, dict]]) -> None:
    titles = Counter(row["title"] for _, row in rows)
    texts = Counter(row["text"] for _, row in rows)
    assert not [t for t, n in titles.items() if n > 1], "duplicate titles"
    assert not [t for t, n in texts.items() if n > 1], "duplicate texts"


def test_titles_do_not_repeat_the_other_seed_files(rows: list[tuple[int, dict]]) -> None:
    others = set()
    for name in ("topics_a.jsonl", "topics_b.jsonl"):
        path = SEEDS.with_name(name)
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    others.add(json.loads(line).get("title"))
    clash = [row["title"] for _, row in rows if row["title"] in others]
    assert not clash, f"titles also in topics_a/b: {clash}"


def test_eight_items_per_primary_topic(rows: list[tuple[int, dict]], taxonomy: list[str]) -> None:
    counts = Counter(row["topics"][0] for _, row in rows)
    assert len(rows) == PER_TOPIC * len(taxonomy)
    wrong = {topic: counts[topic] for topic in taxonomy if counts[topic] != PER_TOPIC}
    assert not wrong, f"expected {PER_TOPIC} items per primary topic: {wrong}"


def test_tone_mix_follows_real_news(rows: list[tuple[int, dict]], taxonomy: list[str]) -> None:
    per_topic: dict[str, Counter] = {topic: Counter() for topic in taxonomy}
    for _, row in rows:
        per_topic[row["topics"][0]][row["tone"]] += 1
    for topic, tones in per_topic.items():
        assert tones["neutral"] >= 3, f"{topic}: {dict(tones)}"
        assert tones["negative"] >= 2, f"{topic}: {dict(tones)}"
        assert tones["positive"] >= 2, f"{topic}: {dict(tones)}"
    total = Counter(row["tone"] for _, row in rows)
    share = {tone: total[tone] / len(rows) for tone in TONES}
    assert 0.40 <= share["neutral"] <= 0.50, share
    assert 0.25 <= share["negative"] <= 0.35, share
    assert 0.20 <= share["positive"] <= 0.30, share


def test_page_boilerplate_present_in_many_items(rows: list[tuple[int, dict]]) -> None:
    with_boilerplate = sum(
        1 for _, row in rows if any(marker in row["text"] for marker in BOILERPLATE)
    )
    assert with_boilerplate >= len(rows) // 2, f"only {with_boilerplate} items with boilerplate"
