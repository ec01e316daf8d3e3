"""Foreign-wire attribution and the about-Kazakhstan decision."""

import pytest

from classifiers.gazetteer import find_agencies, find_regions
from classifiers.wires import WireResult, about_kazakhstan, find_foreign_wire


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Число погибших выросло до 19, передает Reuters.", "Reuters"),
        ("Как сообщает ТАСС, закон вступит в силу с 1 марта.", "ТАСС"),
        ("Об этом пишет The Guardian со ссылкой на источники.", "The Guardian"),
        ("По данным Bloomberg, сделка оценивается в $2 млрд.", "Bloomberg"),
        ("Госдума приняла закон, сообщает РИА Новости.", "РИА Новости"),
        ("Землетрясение произошло в Турции, передает агентство Анадолу.", "Анадолу"),
        ("Синьхуа агенттігінің хабарлауынша, Пекинде жаңбыр жауды.", "Синьхуа"),
        ("Жапонияда тайфун соқты, деп хабарлайды BBC.", "BBC"),
        ("BBC хабарлайды: тайфун салдарынан 8 адам қаза тапты.", "BBC"),
        ("Reuters агенттігінің хабарлауынша, мұнай бағасы өсті.", "Reuters"),
        ("Fransiada sheru ótti. AFP agenttiginiñ habarlauınşa, 200 myñ adam shyqty.", "AFP"),
        ("Reuters habarlaıdy: munaı baǵasy tústi.", "Reuters"),
        ("Reuters: Казахстан в сентябре вновь превысил квоту ОПЕК+", "Reuters"),
        ("WASHINGTON (Reuters) - The Senate passed the bill.", "Reuters"),
        ("According to Bloomberg, the deal is worth $2bn.", "Bloomberg"),
        ("Об этом сообщило агентство Рейтер.", "Reuters"),
    ],
)
def test_foreign_wire_found(text: str, name: str) -> None:
    result = find_foreign_wire(text)
    assert isinstance(result, WireResult), text
    assert result.name == name
    assert text[result.start:result.end] == result.text
    assert result.pattern


@pytest.mark.parametrize(
    "text",
    [
        "Об этом сообщает Kazinform.",
        "Бұл туралы ҚазАқпарат хабарлайды.",
        "Как передает Tengrinews.kz, аким провел встречу.",
        "Об этом сообщает Sputnik Казахстан.",
        "Как сообщает Интерфакс-Казахстан, сделка закрыта.",
        "По данным Forbes Kazakhstan, состояние выросло.",
        "Фото: Reuters",
        "Сурет: AFP",
        "BBC оштрафовали за нарушение правил вещания.",
        "Аким провел совещание с фермерами.",
        "",
    ],
)
def test_domestic_or_unattributed_is_none(text: str) -> None:
    assert find_foreign_wire(text) is None


def _about(text: str) -> tuple[bool, list[str]]:
    return about_kazakhstan(text, find_agencies(text), find_regions(text), None)


@pytest.mark.parametrize(
    "text",
    [
        "В Павлодаре открыли новый мост через Иртыш.",
        "Нацбанк сохранил базовую ставку, курс тенге укрепился.",
        "Қазақстан боксшылары Азия чемпионатында 5 алтын медаль жеңіп алды.",
        "Казахстанцев эвакуировали из Израиля. МИД РК организовал чартерный рейс из "
        "Тель-Авива. Граждане Израиля и США также покинули страну.",
        "Елімізде жаңа заң күшіне енді.",
        "Reuters: Казахстан в сентябре вновь превысил квоту ОПЕК+ по добыче нефти.",
    ],
)
def test_about_kazakhstan_true(text: str) -> None:
    verdict, evidence = _about(text)
    assert verdict, evidence


@pytest.mark.parametrize(
    "text",
    [
        "Президент США Джо Байден выступил в Вашингтоне. Трамп ответил критикой. "
        "Выборы в США пройдут в ноябре, передает Reuters.",
        "Госдума России приняла закон о запрете продажи энергетиков, сообщает РИА Новости.",
        "«Реал» обыграл «Барселону» в Мадриде. Испания ликует.",
        "Наводнения на западе Германии: число погибших выросло до 19.",
    ],
)
def test_about_kazakhstan_false(text: str) -> None:
    verdict, evidence = _about(text)
    assert not verdict, evidence


def test_passing_boilerplate_mention_at_the_end_does_not_make_it_kazakh() -> None:
    body = ("Президент Франции Эммануэль Макрон заявил в Париже о пенсионной реформе. "
            "Во Франции прошли забастовки, в Париже и Лионе перекрыты улицы. ") * 8
    text = body + "Самые свежие новости Казахстана читайте в нашем Telegram."
    verdict, evidence = _about(text)
    assert not verdict, evidence
    assert any("foreign" in e for e in evidence)


def test_nothing_foreign_is_domestic_by_default() -> None:
    verdict, evidence = _about("Ата-аналар: балаларға арналған контент жетіспейді.")
    assert verdict
    assert "foreign 0.0" in evidence[-1]


def test_outlet_type_noun_counts_as_attribution() -> None:
    result = find_foreign_wire("Американский телеканал CNN включил Казахстан в список.")
    assert result is not None and result.name == "CNN"
