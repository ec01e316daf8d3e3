"""Topic classifier: committed artifacts load, predictions are sensible and explained."""

from __future__ import annotations

import re

import pytest

from classifiers.taxonomy import load_taxonomy
from classifiers.topics import TopicModel, TopicResult


@pytest.fixture(scope="module")
def model() -> TopicModel:
    return TopicModel.load()


# Unseen examples written for these tests (not in the seeds or the dev set).
CLEAR = [
    ("sport", "ru", "Казахстанская дзюдоистка завоевала золото чемпионата Азии",
     "Спортсменка сборной Казахстана победила в финале турнира в Ташкенте и принесла команде "
     "первую золотую медаль. Тренер отметил, что впереди отбор на Олимпиаду."),
    ("health", "kk", "Облыстық ауруханада жаңа кардиология бөлімі жұмыс істей бастады",
     "Бөлімде дәрігерлер күніне отызға дейін науқасты қабылдайды. Пациенттерге медициналық "
     "көмек міндетті әлеуметтік медициналық сақтандыру аясында тегін көрсетіледі."),
    ("education_science", "kk-Latn", "Mektepterde jaña oqu jyly bastaldy",
     "Bıyl oblys mektepterıne 40 myñnan astam oquşy bardy. Mūğalımder men pedagogter jaña "
     "oqulyqtarmen jūmys ısteidı, bılım basqarmasy habarlady."),
    ("public_safety", "ru", "В Караганде полицейские задержали подозреваемых в краже",
     "Сотрудники полиции задержали двух мужчин, подозреваемых в краже из магазина. "
     "Возбуждено уголовное дело, подозреваемые помещены в изолятор."),
    ("agriculture", "ru", "Аграрии Костанайской области завершили посевную",
     "Фермеры засеяли пшеницей более четырех миллионов гектаров. Крестьянские хозяйства "
     "получили субсидии на семена и удобрения."),
]


@pytest.mark.parametrize(("expected", "lang", "title", "text"), CLEAR)
def test_clear_examples_get_their_topic(model, expected, lang, title, text):
    result = model.predict(title, text, lang)
    assert isinstance(result, TopicResult)
    assert result.primary == expected
    assert result.topics[0] == result.primary


def test_result_shape(model):
    result = model.predict(*CLEAR[0][2:], language="ru")
    ids = load_taxonomy().ids
    assert set(result.scores) == set(ids)
    assert all(0.0 <= v <= 1.0 for v in result.scores.values())
    assert 1 <= len(result.topics) <= 3
    assert len(set(result.topics)) == len(result.topics)
    assert set(result.explanation) == set(result.topics)


@pytest.mark.parametrize(("expected", "lang", "title", "text"), CLEAR)
def test_explanation_names_words_of_the_input(model, expected, lang, title, text):
    result = model.predict(title, text, lang)
    terms = result.explanation[result.primary]
    assert terms
    source = f"{title} {text}".lower()
    for term in terms:
        for word in term.split():
            assert word.lower() in source, (term, source)
        assert not re.fullmatch(r"\d+", term)


def test_foreign_affairs_without_kazakh_angle_is_other(model):
    result = model.predict(
        "Парламент Франции одобрил пенсионную реформу",
        "Депутаты в Париже проголосовали за повышение пенсионного возраста. Президент Макрон "
        "назвал реформу необходимой, профсоюзы Франции объявили о новых забастовках.",
        "ru",
    )
    assert result.primary == "other"
    assert result.topics == ["other"]


def test_empty_input_is_other(model):
    assert model.predict("", "").primary == "other"


def test_predict_many_matches_predict(model):
    items = [(title, text, lang) for _, lang, title, text in CLEAR]
    batch = model.predict_many(items)
    single = [model.predict(*item) for item in items]
    assert [b.primary for b in batch] == [s.primary for s in single]
    assert batch[1].scores == single[1].scores
    dict_batch = model.predict_many([{"title": t, "text": x, "language": lang}
                                     for t, x, lang in items])
    assert [b.primary for b in dict_batch] == [b.primary for b in batch]
