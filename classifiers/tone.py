"""Tone of a news item (or of one sentence around an agency mention).

Three-class linear model (negative / neutral / positive) over the shared featuriser. The
score is P(positive) − P(negative) in −1..1; ``terms`` are the input words that pushed the
decision most. The news convention it follows is in ``classifiers/data/taxonomy.toml``
(``[notes].tone``): accidents, crime, criticism, price rises → negative; openings,
achievements, help delivered → positive; routine announcements → neutral.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.features import SENTENCE_CHARS, doc_features, top_contributions
from classifiers.model_io import MODELS_DIR, LinearModel, load_linear

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class ToneResult:
    """label, score (−1 negative … +1 positive), confidence (probability of the label)."""

    label: str
    score: float
    confidence: float
    terms: list[str]


class ToneModel:
    """Load with :meth:`load`; predict with :meth:`predict`, :meth:`predict_many`,
    :meth:`predict_sentence`."""

    def __init__(self, model: LinearModel) -> None:
        if tuple(model.classes) != LABELS:
            raise ValueError(f"tone model classes {model.classes} != {LABELS}; retrain")
        self.model = model

    @classmethod
    def load(cls, path: str | Path | None = None) -> ToneModel:
        return cls(load_linear(Path(path) if path else MODELS_DIR, "tone"))

    def predict(self, text: str, language: str | None = None) -> ToneResult:
        return self.predict_many([text], [language])[0]

    def predict_sentence(self, text: str, language: str | None = None) -> ToneResult:
        """Tone of a short passage (the sentence(s) around an agency mention)."""
        return self.predict_many([text[:SENTENCE_CHARS]], [language])[0]

    def predict_many(self, texts: Sequence[str], languages: Sequence[str | None] | None = None
                     ) -> list[ToneResult]:
        if not texts:
            return []
        langs = list(languages) if languages is not None else [None] * len(texts)
        forms: list[dict[str, str]] = [{} for _ in texts]
        feats = []
        for text, lang, f in zip(texts, langs, forms, strict=True):
            title, _, body = (text or "").partition("\n")
            if not body:
                title, body = "", title
            feats.append(doc_features(title, body, lang, f))
        x = self.model.featurizer.transform(feats)
        z = self.model.decision(x)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        out = []
        coef = self.model.coef
        names = self.model.featurizer.feature_names
        for i in range(len(texts)):
            j = int(np.argmax(p[i]))
            label = LABELS[j]
            score = float(p[i, 2] - p[i, 0])
            if label == "neutral":
                direction = coef[2] - coef[0]
                terms = top_contributions(x[i], direction, names, forms[i], k=5,
                                          positive=score >= 0)
            else:
                terms = top_contributions(x[i], coef[j] - coef[1], names, forms[i], k=6)
            out.append(ToneResult(label, round(score, 4), round(float(p[i, j]), 4), terms))
        return out
