"""One item in, every label out: the analysis contract of ``mediamon analyze``.

Runs language → topics → tone → agencies (with tone towards each) → regions → foreign wire →
about-Kazakhstan, and returns a plain dict with an explanation for every label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from classifiers.features import SENTENCE_CHARS, doc_features
from classifiers.gazetteer import Mention, find_agencies, find_regions
from classifiers.language import detect_language
from classifiers.tone import ToneModel
from classifiers.topics import OTHER, TopicModel, TopicResult
from classifiers.wires import WireResult, about_kazakhstan, find_foreign_wire

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Record:
    """What the analyser needs of an item."""

    id: Any
    title: str
    text: str
    url: str | None = None
    published: str | None = None


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence that holds text[start:end] (looking at most SENTENCE_CHARS either side,
    so a long text with many mentions stays linear)."""
    lo = max(0, start - SENTENCE_CHARS)
    left = lo
    for m in _SENTENCE_END.finditer(text, lo, start):
        left = m.end()
    hi = min(len(text), end + SENTENCE_CHARS)
    m = _SENTENCE_END.search(text, end, hi)
    right = m.start() if m else hi
    return text[left:right].strip()


def _full_text(record: Record) -> str:
    """Title and text joined by one newline, unstripped: mention offsets past the title's
    length + 1 count in the text, those before it in the title."""
    return f"{record.title}\n{record.text}" if record.title else record.text


# Subject areas whose foreign news keeps its topic (a Microsoft investment is ict_industry
# wherever it happens); foreign politics, disasters, crime and celebrities are "other".
SECTOR_TOPICS = frozenset({
    "ict_industry", "ict_infrastructure", "health", "education_science", "economy", "industry",
    "e_commerce", "energy_housing", "agriculture", "transport", "ecology",
})
SECTOR_MIN_SCORE = 0.25


def topics_for_foreign_story(topic: TopicResult, evidence: list[str]) -> TopicResult:
    """An item not about Kazakhstan: 'other', unless the model is sure of a sector topic."""
    if topic.primary in SECTOR_TOPICS and topic.scores.get(topic.primary, 0.0) >= SECTOR_MIN_SCORE:
        return topic
    scores = dict(topic.scores)
    scores[OTHER] = max(scores.get(OTHER, 0.0), round(1.0 - scores.get(topic.primary, 0.0), 4))
    why = [e for e in evidence if e] or ["no Kazakh angle"]
    return TopicResult(OTHER, [OTHER], scores, {OTHER: ["not about Kazakhstan: " + "; ".join(why[:3])]})


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


class Analyzer:
    """Loads the trained models once and labels items."""

    def __init__(self, topics: TopicModel, tone: ToneModel) -> None:
        self.topics = topics
        # the pipeline decides "foreign story → other" from about_kazakhstan, which weighs
        # agencies, places and attribution, instead of the topic model's word list
        self.topics.foreign_rule = False
        self.tone = tone

    @classmethod
    def load(cls, models_dir=None) -> Analyzer:
        """The committed models, or those written by `mediamon train --out models_dir`."""
        return cls(TopicModel.load(models_dir), ToneModel.load(models_dir))

    def analyze(self, record: Record) -> dict:
        return self.analyze_many([record])[0]

    def analyze_many(self, records: Sequence[Record]) -> list[dict]:
        if not records:
            return []
        full_texts = [_full_text(r) for r in records]
        languages = [detect_language(t) for t in full_texts]
        # one featurisation per item serves both models
        forms: list[dict[str, str]] = [{} for _ in records]
        feats = [doc_features(r.title, r.text, lang.code, f)
                 for r, lang, f in zip(records, languages, forms, strict=True)]
        topic_results = self.topics.predict_features(feats, forms)
        tone_results = self.tone.predict_features(feats, forms)
        out = []
        for record, text, lang, topic, tone in zip(
            records, full_texts, languages, topic_results, tone_results, strict=True
        ):
            out.append(self._assemble(record, text, lang, topic, tone))
        return out

    def _assemble(self, record, text, lang, topic, tone) -> dict:
        agencies = find_agencies(text)
        regions = find_regions(text)
        wire = find_foreign_wire(text)
        about, about_evidence = about_kazakhstan(text, agencies, regions, lang.code)
        if not about:
            # a story about another country: "министр обороны" there is not a Kazakh body
            agencies = []
            topic = topics_for_foreign_story(topic, list(about_evidence))
        offset = len(record.title) + 1 if record.title else 0
        agency_mentions = [self._agency_mention(m, text, offset) for m in agencies]
        region_mentions = [_mention_dict(m, offset) for m in regions]
        return {
            "id": record.id,
            "language": lang.code,
            "mixed_language": lang.mixed,
            "primary_topic": topic.primary,
            "topics": list(topic.topics),
            "topic_scores": {k: round(float(v), 4) for k, v in topic.scores.items()},
            "tone": tone.label,
            "tone_score": round(float(tone.score), 4),
            "agencies": _unique(m.id for m in agencies),
            "agency_mentions": agency_mentions,
            "regions": _unique(m.id for m in regions),
            "region_mentions": region_mentions,
            "about_kazakhstan": bool(about),
            "foreign_wire": wire.name if wire else None,
            "explanation": {
                "language": list(lang.evidence),
                "topics": {k: list(v) for k, v in topic.explanation.items()},
                "tone": list(tone.terms),
                "agencies": [f"«{m['text']}» → {m['agency']} (matched as {m['via']}; tone of "
                             f"its sentence: {m['tone']})" for m in agency_mentions],
                "regions": [f"«{m['text']}» → {m['region']} (matched as {m['via']})"
                            for m in region_mentions],
                "about_kazakhstan": list(about_evidence),
                "foreign_wire": _wire_phrase(text, wire) if wire else None,
            },
        }

    def _agency_mention(self, m: Mention, text: str, offset: int) -> dict:
        sentence = _sentence_around(text, m.start, m.end)
        tone = self.tone.predict_sentence(sentence)
        return {**_mention_dict(m, offset), "tone": tone.label}


def _wire_phrase(text: str, wire: WireResult) -> str:
    """«передает агентство Reuters» → Reuters: the attribution as written, cue included."""
    lo, hi = wire.start, wire.end
    if wire.pattern not in ("dateline", "title prefix"):
        before = text.rfind(wire.pattern, max(0, lo - 80), lo)
        if before >= 0:
            lo = before
        else:
            after = text.find(wire.pattern, hi, hi + 80)
            if after >= 0:
                hi = after + len(wire.pattern)
        how = "attributed"
    else:  # «Reuters: …» at the start of a line; «Лондон (Reuters) –»
        how = wire.pattern
        lo, hi = (lo, hi + 1) if how == "title prefix" else (max(0, lo - 1), hi + 1)
    phrase = " ".join(text[lo:hi].split())
    return f"«{phrase}» → {wire.name} ({how})"


def _mention_dict(m: Mention, offset: int) -> dict:
    """A mention as a dict; ``field`` says whether start/end index the title or the text."""
    if m.start < offset:
        field, start, end = "title", m.start, m.end
    else:
        field, start, end = "text", m.start - offset, m.end - offset
    key = "agency" if m.kind == "agency" else "region"
    return {key: m.id, "field": field, "start": start, "end": end, "text": m.text, "via": m.via}
