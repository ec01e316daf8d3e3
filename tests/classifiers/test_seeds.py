"""The seed examples the topic and tone models are trained on (classifiers/data/seeds/*.jsonl).

Eight writers contributed files in different genres; these checks hold for every file, so a
broken line, an unknown label or a text in the wrong script is caught before training.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from classifiers.taxonomy import load_taxonomy
from classifiers.train import load_seeds

SEEDS = Path(__file__).resolve().parents[2] / "classifiers" / "data" / "seeds"
FIELDS = {"title", "text", "lang", "topics", "tone"}
LANGS = {"ru", "kk", "kk-Latn"}
TONES = {"positive", "neutral", "negative"}
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
LATIN = re.compile(r"[A-Za-z]")


def validate_line(line: str, where: str, ids: set[str]) -> tuple[dict | None, list[str]]:
    """The row of one JSON line and the problems found in it, each naming ``where``."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [f"{where}: not valid JSON ({exc.msg})"]
    if not isinstance(row, dict):
        return None, [f"{where}: not a JSON object"]
    problems = []
    if set(row) != FIELDS:
        problems.append(f"{where}: fields {sorted(row)} are not {sorted(FIELDS)}")
    if not all(isinstance(row.get(k), str) and row.get(k).strip() for k in ("title", "text")):
        problems.append(f"{where}: title and text must be non-empty strings")
    if row.get("lang") not in LANGS:
        problems.append(f"{where}: lang {row.get('lang')!r} is not one of {sorted(LANGS)}")
    if row.get("tone") not in TONES:
        problems.append(f"{where}: tone {row.get('tone')!r} is not one of {sorted(TONES)}")
    topics = row.get("topics")
    if not (isinstance(topics, list) and 1 <= len(topics) <= 3 and len(set(topics)) == len(topics)
            and set(topics) <= ids):
        problems.append(f"{where}: topics {topics!r} must be 1–3 distinct taxonomy ids")
    text = f"{row.get('title', '')} {row.get('text', '')}"
    letters = len(CYRILLIC.findall(text)) + len(LATIN.findall(text)) or 1
    kazakh = len(KAZAKH_LETTERS.findall(text)) / letters
    if row.get("lang") == "kk-Latn" and (CYRILLIC.search(text) or not LATIN.search(text)):
        problems.append(f"{where}: a kk-Latn text must be in Latin letters only")
    if row.get("lang") == "kk" and kazakh < 0.01:
        problems.append(f"{where}: a kk text without Kazakh letters (ә ғ қ ң ө ұ ү һ і)")
    if row.get("lang") == "ru" and kazakh > 0.01:
        problems.append(f"{where}: a ru text with {kazakh:.1%} Kazakh letters")
    return (row if not problems else None), problems


@pytest.fixture(scope="module")
def ids() -> set[str]:
    return set(load_taxonomy().ids)


@pytest.fixture(scope="module")
def rows(ids) -> list[dict]:
    files = sorted(SEEDS.glob("*.jsonl"))
    assert files, f"no seed files in {SEEDS}"
    out, problems = [], []
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            row, found = validate_line(line, f"{path.name}, line {n}", ids)
            problems += found
            if row is not None:
                out.append(row)
    assert problems == []
    return out


def test_validator_rejects_bad_lines(ids):
    good = {"title": "Жаңа мектеп", "text": "Қалада жаңа мектеп ашылды.", "lang": "kk",
            "topics": ["education_science"], "tone": "positive"}
    assert validate_line(json.dumps(good, ensure_ascii=False), "x", ids)[1] == []
    bad = [
        "{not json",
        json.dumps({**good, "tone": "good"}),
        json.dumps({**good, "topics": ["schools"]}),
        json.dumps({**good, "topics": []}),
        json.dumps({**good, "lang": "kk-Latn"}),  # Cyrillic text labelled Latin
        json.dumps({**good, "lang": "ru"}),  # Kazakh text labelled Russian
        json.dumps({k: v for k, v in good.items() if k != "tone"}),
    ]
    for line in bad:
        row, problems = validate_line(line, "line 7", ids)
        assert row is None and problems and all(p.startswith("line 7") for p in problems)


def test_no_example_is_repeated(rows):
    texts = Counter(r["text"].strip().casefold() for r in rows)
    assert [t[:60] for t, n in texts.items() if n > 1] == []


def test_every_topic_has_examples_in_every_script_and_tone(rows, ids):
    per_lang = Counter((r["topics"][0], r["lang"]) for r in rows)
    per_tone = Counter((r["topics"][0], r["tone"]) for r in rows)
    thin = [(t, lang, per_lang[t, lang]) for t in ids for lang in LANGS if per_lang[t, lang] < 5]
    assert thin == []
    assert [(t, tone) for t in ids for tone in TONES if per_tone[t, tone] < 3] == []


def test_tone_mix_is_not_lopsided(rows):
    shares = Counter(r["tone"] for r in rows)
    assert all(shares[t] / len(rows) >= 0.2 for t in TONES), shares


def test_training_reads_every_seed(rows):
    warnings: list[str] = []
    examples = load_seeds(SEEDS, warnings=warnings)
    assert warnings == [] and len(examples) == len(rows)
