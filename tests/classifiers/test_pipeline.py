"""The analyser's own decisions on top of the models: foreign stories and their topic."""

from __future__ import annotations

import pytest

from classifiers.pipeline import Analyzer, Record, topics_for_foreign_story
from classifiers.topics import TopicResult


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def analyse(analyzer: Analyzer, title: str, text: str) -> dict:
    return analyzer.analyze(Record(id=1, title=title, text=text))


def test_foreign_disaster_and_politics_are_other(analyzer):
    fire = analyse(analyzer, "Пожар в торговом центре в Самаре",
                   "В Самаре загорелся торговый центр, эвакуированы более 600 человек. "
                   "МЧС России сообщает, что пострадавших нет. Причины пожара выясняются.")
    assert fire["about_kazakhstan"] is False and fire["primary_topic"] == "other"
    assert fire["agencies"] == []  # «МЧС России» is not the Kazakh ministry
    assert "not about Kazakhstan" in fire["explanation"]["topics"]["other"][0]


def test_foreign_sector_news_keeps_its_sector(analyzer):
    result = analyse(analyzer, "Microsoft вложит 80 млрд долларов в центры обработки данных",
                     "Американская корпорация Microsoft в этом году инвестирует 80 млрд "
                     "долларов в строительство центров обработки данных для искусственного "
                     "интеллекта в США и Европе, сообщает Bloomberg. Компания расширяет облачные "
                     "сервисы и нанимает инженеров.")
    assert result["about_kazakhstan"] is False
    assert result["primary_topic"] == "ict_industry"


def test_kazakh_item_without_the_word_kazakhstan_keeps_its_topic(analyzer):
    result = analyse(analyzer, "В Актюбинской области запустили завод ферросплавов",
                     "Новый завод мощностью 240 тысяч тонн ферросплавов в год создал 600 рабочих "
                     "мест. Продукция будет поставляться в Китай и Турцию.")
    assert result["about_kazakhstan"] is True
    assert result["primary_topic"] == "industry"


def test_topics_for_foreign_story_rules():
    sure = TopicResult("health", ["health"], {"health": 0.7, "other": 0.1}, {"health": ["рак"]})
    unsure = TopicResult("health", ["health"], {"health": 0.1, "other": 0.1}, {"health": ["рак"]})
    politics = TopicResult("public_administration", ["public_administration"],
                           {"public_administration": 0.9, "other": 0.0}, {})
    assert topics_for_foreign_story(sure, ["foreign: Англия"]) is sure
    assert topics_for_foreign_story(unsure, ["foreign: Англия"]).primary == "other"
    moved = topics_for_foreign_story(politics, ["foreign: США"])
    assert moved.primary == "other" and moved.topics == ["other"]
    assert moved.scores["other"] == pytest.approx(0.1)
