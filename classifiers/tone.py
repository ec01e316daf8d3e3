"""Tone of a news item (or of one sentence around an agency mention).

Three-class linear model (negative / neutral / positive) over the shared featuriser. The
score is P(positive) − P(negative) in −1..1; ``terms`` are the input words that pushed the
decision most. The news convention it follows is in ``classifiers/data/taxonomy.toml``
(``[notes].tone``): accidents, crime, criticism, price rises → negative; openings,
achievements, help delivered → positive; routine announcements → neutral.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.features import SENTENCE_CHARS, SparseRow, doc_features, top_contributions
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
        self._cache: dict[tuple[str, str | None], ToneResult] = {}

    @classmethod
    def load(cls, path: str | Path | None = None) -> ToneModel:
        return cls(load_linear(Path(path) if path else MODELS_DIR, "tone"))

    def predict(self, text: str, language: str | None = None) -> ToneResult:
        return self.predict_many([text], [language])[0]

    def predict_sentence(self, text: str, language: str | None = None) -> ToneResult:
        """Tone of a short passage (the sentence(s) around an agency mention).

        Single rows skip scipy; repeated sentences (several agencies in one) are cached.
        """
        key = (text[:SENTENCE_CHARS], language)
        hit = self._cache.get(key)
        if hit is None:
            forms: dict[str, str] = {}
            row = self.model.featurizer.vectorize(doc_features("", key[0], language, forms))
            z = self.model.decision_row(row.indices, row.data)
            hit = self._result(row, z, forms)
            if len(self._cache) >= 512:
                self._cache.clear()
            self._cache[key] = hit
        return ToneResult(hit.label, hit.score, hit.confidence, list(hit.terms))

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
        return self.predict_features(feats, forms)

    def predict_features(self, feats: Sequence[Counter[str]], forms: Sequence[dict[str, str]]
                         ) -> list[ToneResult]:
        """Predict from :func:`classifiers.features.doc_features` output (and its ``forms``),
        so a caller that also runs the topic model featurises each item only once."""
        if not feats:
            return []
        x = self.model.featurizer.transform(feats)
        z = self.model.decision(x)
        return [self._result(_row(x, i), z[i], forms[i]) for i in range(len(feats))]

    def _result(self, row, z: np.ndarray, forms: dict[str, str]) -> ToneResult:
        p = np.exp(z - z.max())
        p /= p.sum()
        coef = self.model.coef
        names = self.model.featurizer.feature_names
        j = int(np.argmax(p))
        label = LABELS[j]
        score = float(p[2] - p[0])
        if label == "neutral":
            terms = top_contributions(row, coef[2] - coef[0], names, forms, k=5,
                                      positive=score >= 0)
        else:
            terms = top_contributions(row, coef[j] - coef[1], names, forms, k=6)
        return ToneResult(label, round(score, 4), round(float(p[j]), 4), terms)


def _row(x, i: int) -> SparseRow:
    """Row ``i`` of a CSR matrix without building a scipy object."""
    a, b = x.indptr[i], x.indptr[i + 1]
    return SparseRow(x.indices[a:b], x.data[a:b])
