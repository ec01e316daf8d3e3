"""Validate the short ticker-style topic/tone seeds in classifiers/data/seeds/topics_f.jsonl.

The file holds RSS/news-ticker items as they arrive from Kazakh sites: a headline plus a lead
of 1-3 sentences (150-600 characters), half Russian and half Kazakh Cyrillic, 6 per taxonomy
topic (3 ru + 3 kk), 144 in all, with the tone mix of real news (65 neutral, 43 negative,
36 positive). These tests check that every line is usable by the trainer and that the
promised counts and mixes hold.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS_FILE = ROOT / "classifiers" / "data" / "seeds" / "topics_f.jsonl"
TAXONOMY_FILE = ROOT / "classifiers" / "data" / "taxonomy.toml"

REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}
LANGS = ("ru", "kk", "kk-Latn")
TONES = ("positive", "neutral", "negative")
MIN_CHARS, MAX_CHARS = 150, 600
MAX_TITLE = 160
PER_TOPIC_PER_LANG = 3
TOTAL = 144
TONE_TOTALS = {"neutral": 65, "negative": 43, "positive": 36}

KAZAKH_CYRILLIC = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүІі]")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def taxonomy_ids() -> frozenset[str]:
    """Topic ids as declared in classifiers/data/taxonomy.toml."""
    data = tomllib.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    return frozenset(topic["id"] for topic in data["topics"])


def validate_line(line: str, lineno: int, ids: frozenset[str]) -> tuple[dict | None, list[str]]:
    """Parse one JSONL line; return (record or None, readable problems naming the line)."""
    where = f"{SEEDS_FILE.name} line {lineno}"
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [f"{where}: not valid JSON ({exc.msg}); fix the quoting"]
    if not isinstance(rec, dict):
        return None, [f"{where}: expected a JSON object"]
    problems = [
        f"{where}: field '{key}' missing or not {typ.__name__}"
        for key, typ in REQUIRED.items()
        if not isinstance(rec.get(key), typ)
    ]
    if problems:
        return None, problems
    extra = set(rec) - set(REQUIRED)
    if extra:
        problems.append(f"{where}: unexpected fields {sorted(extra)}")
    if rec["lang"] not in LANGS:
        problems.append(f"{where}: lang '{rec['lang']}' not one of {LANGS}")
    if rec["tone"] not in TONES:
        problems.append(f"{where}: tone '{rec['tone']}' not one of {TONES}")
    topics = rec["topics"]
    if not 1 <= len(topics) <= 3 or len(set(topics)) != len(topics):
        problems.append(f"{where}: topics must be 1-3 distinct ids, got {topics}")
    if not all(isinstance(t, str) for t in topics):
        problems.append(f"{where}: topics must be strings, got {topics}")
    else:
        unknown = [t for t in topics if t not in ids]
        if unknown:
            problems.append(f"{where}: unknown topic ids {unknown}")
    title = rec["title"]
    if not title.strip() or len(title) > MAX_TITLE or "\n" in title:
        problems.append(f"{where}: title must be one non-empty line of at most {MAX_TITLE} chars")
    if not MIN_CHARS <= len(rec["text"]) <= MAX_CHARS:
        problems.append(
            f"{where}: text is {len(rec['text'])} chars, expected {MIN_CHARS}-{MAX_CHARS}"
        )
    return rec, problems


@pytest.fixture(scope="module")
def ids() -> frozenset[str]:
    return taxonomy_ids()


@pytest.fixture(scope="module")
def records(ids: frozenset[str]) -> list[dict]:
    if not SEEDS_FILE.is_file():
        pytest.fail(f"{SEEDS_FILE} is missing")
    lines = SEEDS_FILE.read_text(encoding="utf-8").splitlines()
    recs, problems = [], []
    for lineno, line in enumerate(lines, 1):
        rec, line_problems = validate_line(line, lineno, ids)
        problems.extend(line_problems)
        if rec is not None:
            recs.append(rec)
    assert not problems, "\n".join(problems[:20])
    return recs


def test_taxonomy_has_24_topics(ids: frozenset[str]) -> None:
    assert len(ids) == 24
    assert "other" in ids and "state_information" in ids


def test_validator_rejects_bad_lines(ids: frozenset[str]) -> None:
    good = {"title": "T", "text": "x" * 300, "lang": "ru", "topics": ["health"], "tone": "neutral"}
    assert validate_line(json.dumps(good), 1, ids)[1] == []
    assert validate_line("{not json", 1, ids)[1]
    assert validate_line("[1, 2]", 1, ids)[1]
    for key, bad in (
        ("lang", "en"),
        ("tone", "mixed"),
        ("topics", ["no_such_topic"]),
        ("topics", []),
        ("topics", ["health", "health"]),
        ("topics", "health"),
        ("topics", [1]),
        ("text", "short"),
        ("text", "x" * 700),
        ("title", "  "),
        ("title", "a\nb"),
    ):
        assert validate_line(json.dumps({**good, key: bad}), 1, ids)[1], (key, bad)
    assert validate_line(json.dumps({**good, "extra": 1}), 1, ids)[1]
    without_tone = {k: v for k, v in good.items() if k != "tone"}
    assert validate_line(json.dumps(without_tone), 1, ids)[1]


def test_total_and_language_counts(records: list[dict]) -> None:
    assert len(records) == TOTAL
    assert Counter(r["lang"] for r in records) == Counter({"ru": TOTAL // 2, "kk": TOTAL // 2})


def test_three_ru_and_three_kk_per_topic(records: list[dict], ids: frozenset[str]) -> None:
    per = Counter((r["topics"][0], r["lang"]) for r in records)
    expected = Counter(
        {(topic, lang): PER_TOPIC_PER_LANG for topic in ids for lang in ("ru", "kk")}
    )
    assert per == expected


def test_titles_are_unique(records: list[dict]) -> None:
    dup = [t for t, n in Counter(r["title"] for r in records).items() if n > 1]
    assert not dup, f"duplicate titles: {dup}"


def test_tone_mix_matches_real_news(records: list[dict]) -> None:
    assert dict(Counter(r["tone"] for r in records)) == TONE_TOTALS


def test_every_topic_has_a_natural_tone_mix(records: list[dict], ids: frozenset[str]) -> None:
    by_topic: dict[str, Counter] = {topic: Counter() for topic in ids}
    for r in records:
        by_topic[r["topics"][0]][r["tone"]] += 1
    for topic, tones in by_topic.items():
        assert 2 <= tones["neutral"] <= 3, (topic, tones)
        assert 1 <= tones["negative"] <= 2, (topic, tones)
        assert 1 <= tones["positive"] <= 2, (topic, tones)


def test_secondary_topics_are_sparing(records: list[dict]) -> None:
    with_secondary = [r for r in records if len(r["topics"]) > 1]
    assert len(with_secondary) <= len(records) // 2
    assert not [r["title"] for r in with_secondary if "other" in r["topics"]]


def test_text_matches_its_language(records: list[dict]) -> None:
    for r in records:
        body = r["title"] + " " + r["text"]
        assert CYRILLIC.search(body), r["title"]
        if r["lang"] == "kk":
            assert len(KAZAKH_CYRILLIC.findall(r["text"])) >= 5, r["title"]
        else:
            assert len(KAZAKH_CYRILLIC.findall(body)) <= 3, r["title"]


def test_items_are_ticker_leads_not_full_articles(records: list[dict]) -> None:
    for r in records:
        assert "\n" not in r["text"], f"ticker lead should be one paragraph: {r['title']}"
        assert not r["text"].startswith(r["title"]), f"lead repeats the headline: {r['title']}"
    lengths = sorted(len(r["text"]) for r in records)
    assert lengths[len(lengths) // 2] < 400
