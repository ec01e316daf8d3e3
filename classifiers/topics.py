"""Programme-topic classifier: primary topic, up to three topics, scores and explanations.

A linear model over the shared featuriser (``classifiers.features``): a softmax layer picks
the primary topic, a one-vs-rest sigmoid layer gives each topic a calibrated score and adds
secondary topics. ``other`` is returned when no topic is convincing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifiers.features import SparseRow, doc_features, top_contributions
from classifiers.model_io import MODELS_DIR, LinearModel, load_linear

OTHER = "other"
MAX_TOPICS = 3
SECONDARY_THRESHOLD = 0.25
OTHER_THRESHOLD = 0.08  # the primary's blended score below this → other

# Foreign affairs with no Kazakh angle are 'other': word prefixes (folded, as the featuriser
# writes them) that show a Kazakh angle, and ones that name a foreign country or leader.
_KZ_MARKS = frozenset("""
    казахс казакс казак kazakh qazaq астана алмат шымке карага актоб атырау актау павлод
    костан кызыло петроп семей талдык тараз туркес туркис уральс орал оскеме камено жезказ
    кокшет экибас конаев байкон жетыс жетис мангис мангыс акмол абай улытау аким акимат
    мажили тенге токаев бектен елими отанды облыс нурсул сарыар туркист
    """.split())
_KZ_EXACT = frozenset({"рк", "кр", "kz"})
_FOREIGN_MARKS = frozenset("""
    сша америк вашинг трамп байден путин кремл москв россия россии ресей госдум китай кытай
    пекин цзинь турция турции туркия анкар эрдог герман берлин франци париж макрон британ
    улыбри лондон япони жапон токио израил палест хамас иран ирана тегера украин киев зеленс
    нато евросо еуроод индия индии пакист афган сирия сирии корея кореи корей бразил канад
    итали испан польш египет египт саудов дубай голлив европе еуропа эстони таллин латвии
    литвы литва венгр австри швейца швеци норвег финлян мексик аргент венесу африк австра
    индоне вьетна таиланд узбеки кыргыз таджик туркме беларус грузии грузия армени азербай
    самар новоси екатер петерб нетань шольц старме мелони reuter интерф синьху анадол
    ассоши bloomb блумбе франс associ xinhua бишке ташке душанб ашхаб минск тбилис ереван
    вильню варша брюссе женев сеул пхенья исламаб кабул багдад дамаск бейрут каир стамбу
    """.split())
_FOREIGN_EXACT = frozenset({"bbc", "cnn", "afp", "риа", "тасс", "dpa", "оон", "уук", "нью", "баку"})


@dataclass(frozen=True)
class TopicResult:
    """Topics of one item: ``topics`` starts with ``primary``; ``scores`` covers every id."""

    primary: str
    topics: list[str]
    scores: dict[str, float]
    explanation: dict[str, list[str]]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


class TopicModel:
    """Load with :meth:`load`; predict with :meth:`predict` or :meth:`predict_many`."""

    def __init__(self, model: LinearModel) -> None:
        self.model = model
        k = len(model.classes) // 2
        self.ids: list[str] = model.classes[:k]
        self._k = k
        self.foreign_rule = True  # foreign affairs without a Kazakh angle → other

    @classmethod
    def load(cls, path: str | Path | None = None) -> TopicModel:
        return cls(load_linear(Path(path) if path else MODELS_DIR, "topics"))

    def predict(self, title: str, text: str, language: str | None = None) -> TopicResult:
        return self.predict_many([(title, text, language)])[0]

    def predict_many(
        self, items: Iterable[tuple[str, str] | tuple[str, str, str | None] | dict]
    ) -> list[TopicResult]:
        """Items as (title, text[, language]) tuples or dicts with those keys."""
        rows: list[tuple[str, str, str | None]] = []
        for it in items:
            if isinstance(it, dict):
                rows.append((it.get("title") or "", it.get("text") or "",
                             it.get("language") or it.get("lang")))
            else:
                t = tuple(it)
                rows.append((t[0] or "", t[1] or "", t[2] if len(t) > 2 else None))
        if not rows:
            return []
        forms: list[dict[str, str]] = [{} for _ in rows]
        feats = [doc_features(t, x, lang, f) for (t, x, lang), f in zip(rows, forms, strict=True)]
        return self.predict_features(feats, forms)

    def predict_features(
        self, feats: Sequence[Counter[str]], forms: Sequence[dict[str, str]]
    ) -> list[TopicResult]:
        """Predict from :func:`classifiers.features.doc_features` output (and its ``forms``),
        so a caller that also runs the tone model featurises each item only once."""
        if not feats:
            return []
        x = self.model.featurizer.transform(feats)
        z = self.model.decision(x)
        k = self._k
        soft = _softmax(z[:, :k])
        ovr = _sigmoid(z[:, k:])
        out = []
        for i in range(len(feats)):
            foreign = _foreign_only(feats[i], forms[i]) if self.foreign_rule else []
            out.append(self._result(_row(x, i), soft[i], ovr[i], forms[i], foreign))
        return out

    def _result(self, xrow, soft: np.ndarray, ovr: np.ndarray, forms: dict[str, str],
                foreign: list[str]) -> TopicResult:
        ids = self.ids
        blend = 0.5 * (soft + ovr)
        order = np.argsort(-blend)
        best = int(order[0])
        primary = ids[best]
        other_idx = ids.index(OTHER) if OTHER in ids else None
        if xrow.nnz == 0 or blend[best] < OTHER_THRESHOLD or foreign:
            primary = OTHER
        topics = [primary]
        if primary != OTHER:
            for j in order[1:]:
                if len(topics) >= MAX_TOPICS:
                    break
                if ids[j] != OTHER and ovr[j] >= SECONDARY_THRESHOLD:
                    topics.append(ids[j])
        scores = {tid: round(float(ovr[j]), 4) for j, tid in enumerate(ids)}
        if primary == OTHER and other_idx is not None:
            scores[OTHER] = max(scores[OTHER], round(float(1.0 - blend[best]), 4))
        names = self.model.featurizer.feature_names
        explanation = {}
        for tid in topics:
            if tid == OTHER and foreign:
                explanation[tid] = foreign[:6]
                continue
            j = ids.index(tid)
            w = self.model.coef[j] + self.model.coef[self._k + j]
            explanation[tid] = top_contributions(xrow, w, names, forms, k=6)
        return TopicResult(primary, topics, scores, explanation)


def _foreign_only(feats, forms: dict[str, str]) -> list[str]:
    """Foreign markers of an item that shows no Kazakh angle (else an empty list)."""
    foreign: list[str] = []
    for f in feats:
        if "_" in f:
            continue
        if f in _KZ_EXACT:
            return []
        if f in _FOREIGN_EXACT:
            foreign.append(forms.get(f, f))
            continue
        for n in (4, 5, 6):
            p = f[:n]
            if p in _KZ_MARKS:
                return []
            if p in _FOREIGN_MARKS:
                foreign.append(forms.get(f, f))
                break
    return list(dict.fromkeys(foreign))


def predict_topics(model: TopicModel, items: Sequence[tuple[str, str, str | None]]
                   ) -> list[TopicResult]:
    """Convenience wrapper for batch use."""
    return model.predict_many(items)


def _row(x, i: int) -> SparseRow:
    """Row ``i`` of a CSR matrix without building a scipy object."""
    a, b = x.indptr[i], x.indptr[i + 1]
    return SparseRow(x.indices[a:b], x.data[a:b])
