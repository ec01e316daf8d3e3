"""Validate the long, realistic topic/tone seeds in classifiers/data/seeds/topics_e.jsonl.

The file holds crawler-like news items (800-2,500 characters, several paragraphs, page
boilerplate): 4 Kazakh Latin items per taxonomy topic (three quarters in the 2018 acute
alphabet, a quarter in the 2021 alphabet) and 60 hard boundary items in Russian and Kazakh
Cyrillic. These tests check that every line is usable by the trainer and that the promised
counts and mixes hold.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS_FILE = ROOT / "classifiers" / "data" / "seeds" / "topics_e.jsonl"
TAXONOMY_FILE = ROOT / "classifiers" / "data" / "taxonomy.toml"

REQUIRED = {"title": str, "text": str, "lang": str, "topics": list, "tone": str}
LANGS = ("ru", "kk", "kk-Latn")
TONES = ("positive", "neutral", "negative")
MIN_CHARS, MAX_CHARS = 800, 2500
LATIN_PER_TOPIC = 4
BOUNDARY_ITEMS = 60

CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_CYRILLIC = re.compile(r"[ӘәҒғҚқҢңӨөҰұҮүІі]")
ACUTE_2018 = re.compile(r"[áǵńóúýÁǴŃÓÚÝ]")
LETTERS_2021 = re.compile(r"[äğñöşüūÄĞÑÖŞÜŪ]")


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
    unknown = [t for t in topics if t not in ids]
    if unknown:
        problems.append(f"{where}: unknown topic ids {unknown}")
    if not rec["title"].strip():
        problems.append(f"{where}: empty title")
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
    good = {"title": "T", "text": "x" * 900, "lang": "ru", "topics": ["health"], "tone": "neutral"}
    assert validate_line(json.dumps(good), 1, ids)[1] == []
    assert validate_line("{not json", 1, ids)[1]
    for key, bad in (
        ("lang", "en"), ("tone", "mixed"), ("topics", ["no_such_topic"]),
        ("topics", []), ("text", "short"), ("title", "  "), ("topics", "health"),
    ):
        assert validate_line(json.dumps({**good, key: bad}), 1, ids)[1], (key, bad)


def test_titles_are_unique(records: list[dict]) -> None:
    dup = [t for t, n in Counter(r["title"] for r in records).items() if n > 1]
    assert not dup, f"duplicate titles: {dup}"


def test_counts_per_language(records: list[dict]) -> None:
    langs = Counter(r["lang"] for r in records)
    assert langs["kk-Latn"] == LATIN_PER_TOPIC * 24
    assert langs["ru"] + langs["kk"] == BOUNDARY_ITEMS
    assert langs["ru"] >= 30 and langs["kk"] >= 15


def test_four_latin_items_per_topic(records: list[dict], ids: frozenset[str]) -> None:
    primary = Counter(r["topics"][0] for r in records if r["lang"] == "kk-Latn")
    assert primary == Counter({topic: LATIN_PER_TOPIC for topic in ids})


def test_latin_items_cover_every_tone_per_topic(records: list[dict]) -> None:
    by_topic: dict[str, set[str]] = {}
    for r in records:
        if r["lang"] == "kk-Latn":
            by_topic.setdefault(r["topics"][0], set()).add(r["tone"])
    missing = {t: set(TONES) - tones for t, tones in by_topic.items() if set(TONES) - tones}
    assert not missing, f"topics missing a tone: {missing}"


def test_tone_mix_is_close_to_real_news(records: list[dict]) -> None:
    tones = Counter(r["tone"] for r in records)
    share = {t: tones[t] / len(records) for t in TONES}
    assert 0.38 <= share["neutral"] <= 0.52, share
    assert 0.24 <= share["negative"] <= 0.36, share
    assert 0.18 <= share["positive"] <= 0.32, share


def test_latin_items_use_one_alphabet_each(records: list[dict]) -> None:
    styles = Counter()
    for r in records:
        if r["lang"] != "kk-Latn":
            continue
        body = r["title"] + r["text"]
        assert not CYRILLIC.search(body), f"Cyrillic left in Latin item: {r['title']}"
        acute, new = bool(ACUTE_2018.search(body)), bool(LETTERS_2021.search(body))
        assert acute != new, f"mixed or undetectable Latin alphabet: {r['title']}"
        styles["2018" if acute else "2021"] += 1
    assert styles["2021"] == 24 and styles["2018"] == 72, styles


def test_cyrillic_items_match_their_language(records: list[dict]) -> None:
    for r in records:
        if r["lang"] == "kk":
            assert KAZAKH_CYRILLIC.search(r["text"]), r["title"]
        elif r["lang"] == "ru":
            assert CYRILLIC.search(r["text"]), r["title"]
            assert len(KAZAKH_CYRILLIC.findall(r["text"])) <= 3, r["title"]


def test_items_look_like_crawled_pages(records: list[dict]) -> None:
    multi_paragraph = sum(r["text"].count("\n\n") >= 2 for r in records)
    assert multi_paragraph == len(records)
    boilerplate = re.compile(
        r"Фото:|Foto:|Читайте также|Подписывайтесь|Сондай-ақ оқыңыз|Telegram|Sondai|Sondaı"
    )
    with_boilerplate = sum(bool(boilerplate.search(r["text"])) for r in records)
    assert with_boilerplate >= 0.8 * len(records)


def test_boundary_items_span_the_confusable_topics(records: list[dict]) -> None:
    boundary = [r for r in records if r["lang"] != "kk-Latn"]
    primary = Counter(r["topics"][0] for r in boundary)
    for topic in (
        "e_government", "ict_infrastructure", "ict_industry", "openness", "state_information",
        "culture", "domestic_content", "mass_media", "labour_social", "industry",
        "civil_rights", "public_safety", "health", "transport", "agriculture", "ecology",
        "tourism", "sport", "other",
    ):
        assert primary[topic] >= 1, f"no boundary item with primary topic {topic}"
