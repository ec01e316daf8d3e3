"""Tone classifier: news-convention polarity on unseen examples, score range, explanations."""

from __future__ import annotations

import pytest

from classifiers.tone import LABELS, ToneModel, ToneResult


@pytest.fixture(scope="module")
def model() -> ToneModel:
    return ToneModel.load()


# Unseen examples written for these tests.
CLEAR = [
    ("negative", "ru", "В результате ДТП на трассе Алматы — Бишкек погибли три человека\n"
     "Столкнулись грузовик и легковой автомобиль. Еще двое пострадавших госпитализированы в "
     "тяжелом состоянии, полиция возбудила уголовное дело."),
    ("positive", "ru", "В Шымкенте открылась новая школа на 1500 мест\n"
     "Торжественное открытие прошло в присутствии акима. Ученики получили современные "
     "кабинеты, строительство завершили досрочно."),
    ("negative", "kk", "Қарағандыда өрттен екі адам қаза тапты\n"
     "Тұрғын үйде болған өрт салдарынан екі адам қайтыс болды, үш адам зардап шекті. "
     "Құтқарушылар өртті сөндірді, оқиға себебі анықталып жатыр."),
    ("positive", "kk", "Қазақстандық балуан әлем чемпионатында алтын медаль жеңіп алды\n"
     "Спортшы финалда жеңіске жетіп, елімізге алғашқы алтын медаль әкелді. Министр "
     "чемпионды құттықтады."),
]


@pytest.mark.parametrize(("expected", "lang", "text"), CLEAR)
def test_clear_examples(model, expected, lang, text):
    result = model.predict(text, lang)
    assert isinstance(result, ToneResult)
    assert result.label == expected
    assert (result.score > 0) if expected == "positive" else (result.score < 0)


def test_score_and_confidence_ranges(model):
    for _, lang, text in CLEAR:
        r = model.predict(text, lang)
        assert -1.0 <= r.score <= 1.0
        assert 1 / 3 <= r.confidence <= 1.0
        assert r.label in LABELS


@pytest.mark.parametrize(("expected", "lang", "text"), CLEAR)
def test_terms_come_from_the_input(model, expected, lang, text):
    r = model.predict(text, lang)
    assert r.terms
    lowered = text.lower()
    for term in r.terms:
        for word in term.split():
            assert word.lower() in lowered


def test_predict_sentence_about_an_agency(model):
    bad = model.predict_sentence(
        "Прокуратура выявила хищение бюджетных средств и возбудила уголовное дело против "
        "руководителей управления.")
    good = model.predict_sentence(
        "Министерство здравоохранения открыло новый перинатальный центр и наградило лучших врачей.")
    assert bad.score < good.score
    assert bad.label == "negative"


def test_predict_many_with_languages(model):
    texts = [t for _, _, t in CLEAR]
    langs = [lang for _, lang, _ in CLEAR]
    batch = model.predict_many(texts, languages=langs)
    assert [r.label for r in batch] == [model.predict(t, lang).label for t, lang in
                                        zip(texts, langs, strict=True)]
    assert model.predict_many([]) == []
