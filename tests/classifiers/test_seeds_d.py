"""Validate the long Kazakh news-style seed examples in classifiers/data/seeds/topics_d.jsonl.

These seeds imitate full items a crawler brings from Kazakh sites (800-2,500 characters, several
paragraphs, page boilerplate). A malformed line or a label outside the taxonomy would silently
poison training, so every line is checked, with topic ids read from the taxonomy itself.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "classifiers" / "data"
SEEDS = DATA / "seeds" / "topics_d.jsonl"
TAXONOMY_FILE = DATA / "taxonomy.toml"

TONES = {"positive", "neutral", "negative"}
TOTAL = 192
PER_TOPIC = 8
# Tone mix promised for the file as a whole: about 45 % neutral, 30 % negative, 25 % positive.
TONE_SHARE_BOUNDS = {"neutral": (0.40, 0.50), "negative": (0.25, 0.35), "positive": (0.20, 0.30)}
# Page boilerplate that must not become a tone cue.
BOILERPLATE = ("Telegram", "Фото:", "Читайте также", "Сондай-ақ оқыңыз")
REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}
KAZAKH_ONLY = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def _taxonomy_ids() -> set[str]:
    data = tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return {topic["id"] for topic in data["topics"]}


@pytest.fixture(scope="module")
def taxonomy() -> set[str]:
    ids = _taxonomy_ids()
    assert len(ids) == 24, f"taxonomy.toml should define 24 topic ids, found {len(ids)}"
    return ids


@pytest.fixture(scope="module")
def rows() -> list[tuple[int, dict]]:
    assert SEEDS.is_file(), f"missing seed file {SEEDS}"
    parsed: list[tuple[int, dict]] = []
    for number, line in enumerate(SEEDS.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            pytest.fail(f"{SEEDS.name}:{number}: empty line")
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{SEEDS.name}:{number}: invalid JSON ({exc.msg})")
        if not isinstance(row, dict):
            pytest.fail(f"{SEEDS.name}:{number}: expected a JSON object")
        parsed.append((number, row))
    assert parsed, f"{SEEDS.name} is empty"
    return parsed


def test_required_fields_and_types(rows: list[tuple[int, dict]]) -> None:
    for number, row in rows:
        assert set(row) == set(REQUIRED), f"line {number}: fields {sorted(row)}"
        for field, kind in REQUIRED.items():
            assert isinstance(row[field], kind), f"line {number}: {field!r} not {kind.__name__}"
        assert row["title"].strip() and row["text"].strip(), f"line {number}: empty title or text"
        assert all(isinstance(t, str) for t in row["topics"]), f"line {number}: non-string topic"


def test_labels_are_valid(rows: list[tuple[int, dict]], taxonomy: set[str]) -> None:
    for number, row in rows:
        topics = row["topics"]
        assert 1 <= len(topics) <= 3, f"line {number}: need 1 primary + at most 2 secondary"
        assert len(set(topics)) == len(topics), f"line {number}: duplicate topics {topics}"
        unknown = set(topics) - taxonomy
        assert not unknown, f"line {number}: topic ids not in taxonomy: {sorted(unknown)}"
        assert row["tone"] in TONES, f"line {number}: tone {row['tone']!r}"
        assert row["lang"] == "kk", f"line {number}: lang {row['lang']!r}, this file is kk only"


def test_texts_look_like_full_kazakh_news_items(rows: list[tuple[int, dict]]) -> None:
    for number, row in rows:
        text = row["text"]
        assert 800 <= len(text) <= 2500, f"line {number}: text length {len(text)} not 800-2500"
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        assert len(paragraphs) >= 3, f"line {number}: only {len(paragraphs)} paragraphs"
        letters = re.findall(r"[^\W\d_]", text)
        kazakh = len(KAZAKH_ONLY.findall(text))
        assert kazakh >= len(letters) // 40, f"line {number}: too few Kazakh letters for kk"
        latin = sum(len(w) for w in LATIN_WORD.findall(text))
        assert latin <= len(letters) // 10, f"line {number}: too much Latin script for Cyrillic kk"


def test_no_duplicate_titles_or_texts(rows: list[tuple[int, dict]]) -> None:
    titles = Counter(row["title"] for _, row in rows)
    texts = Counter(row["text"] for _, row in rows)
    assert not [t for t, n in titles.items() if n > 1], "duplicate titles"
    assert not [t for t, n in texts.items() if n > 1], "duplicate texts"


def test_promised_counts_per_topic(rows: list[tuple[int, dict]], taxonomy: set[str]) -> None:
    assert len(rows) == TOTAL, f"expected {TOTAL} items, found {len(rows)}"
    primary = Counter(row["topics"][0] for _, row in rows)
    wrong = {t: primary[t] for t in sorted(taxonomy) if primary[t] != PER_TOPIC}
    assert not wrong, f"each of the 24 topics needs exactly {PER_TOPIC} primary items: {wrong}"


def test_every_topic_has_all_three_tones(rows: list[tuple[int, dict]]) -> None:
    seen: dict[str, set[str]] = {}
    for _, row in rows:
        seen.setdefault(row["topics"][0], set()).add(row["tone"])
    lacking = {topic: sorted(TONES - tones) for topic, tones in seen.items() if tones != TONES}
    assert not lacking, f"topics missing tones: {lacking}"


def test_overall_tone_mix(rows: list[tuple[int, dict]]) -> None:
    counts = Counter(row["tone"] for _, row in rows)
    for tone, (low, high) in TONE_SHARE_BOUNDS.items():
        share = counts[tone] / len(rows)
        assert low <= share <= high, f"{tone} share {share:.2f} outside {low}-{high}"


def test_boilerplate_is_not_a_tone_cue(rows: list[tuple[int, dict]]) -> None:
    """Each boilerplate marker appears in a similar share of items of every tone."""
    by_tone = Counter(row["tone"] for _, row in rows)
    for marker in BOILERPLATE:
        shares = {
            tone: sum(marker in row["text"] for _, row in rows if row["tone"] == tone) / n
            for tone, n in by_tone.items()
        }
        spread = max(shares.values()) - min(shares.values())
        assert spread <= 0.15, f"{marker!r} share by tone is skewed: {shares}"


def test_titles_not_reused_from_other_seed_files(rows: list[tuple[int, dict]]) -> None:
    mine = {row["title"] for _, row in rows}
    clashes: dict[str, list[str]] = {}
    for other in sorted(SEEDS.parent.glob("*.jsonl")):
        if other == SEEDS:
            continue
        for line in other.read_text(encoding="utf-8").splitlines():
            try:
                title = json.loads(line).get("title")
            except (json.JSONDecodeError, AttributeError):
                continue  # other files are validated by their own tests
            if title in mine:
                clashes.setdefault(other.name, []).append(title)
    assert not clashes, f"titles also used in other seed files: {clashes}"
