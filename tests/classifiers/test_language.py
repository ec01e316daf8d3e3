"""Language detection: Russian, Kazakh Cyrillic, Kazakh Latin (both alphabets), English."""

import pytest

from classifiers.language import LanguageResult, detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Russian
        ("В Туркестанской области за неделю выявили 46 новых случаев кори", "ru"),
        ("Нацбанк сохранил базовую ставку на уровне 14,25%", "ru"),
        ("Жители Караганды почти сутки оставались без мобильной связи", "ru"),
        ("Президент Казахстана Қасым-Жомарт Тоқаев провел совещание в Ақорде по вопросам "
         "энергетики и поручил правительству ускорить модернизацию ТЭЦ.", "ru"),
        ("Минэнерго: тарифы вырастут", "ru"),
        # Kazakh Cyrillic, including titles with few or no Kazakh-only letters
        ("Павлодар облысының әкімі халық алдында есеп берді", "kk"),
        ("Мемлекет басшысы журналистерді марапаттады", "kk"),
        ("Тоқаев Мәскеуге барды", "kk"),
        ("Бойынша жиналыс өтті", "kk"),
        ("Министр туралы деді", "kk"),
        ("Астанада биыл 14 жаңа мектеп пайдалануға беріледі. Бұл туралы қала әкімдігі "
         "хабарлады.", "kk"),
        # Kazakh Latin, 2018 acute variant and 2021 variant
        ("Qostanaı oblysynda astyq jınaý naýqany aıaqtaldy", "kk-Latn"),
        ("Májilis turmystyq zorlyq-zombylyqqa qarsy zańdy maquldady", "kk-Latn"),
        ("ŪBT: 2 myñnan astam talapker şekti baldı jinai almadı", "kk-Latn"),
        ("Fransiada zeinetaqı reformasına qarsı jappai şeru ötti", "kk-Latn"),
        ("Astanada jeńil atletıkadan Azııa chempıonaty ótedi", "kk-Latn"),
        ("Jańa zań qabyldandy", "kk-Latn"),
        # English
        ("New law adopted in Kazakhstan", "en"),
        ("The National Bank of Kazakhstan kept the base rate unchanged on Friday.", "en"),
    ],
)
def test_language_code(text: str, code: str) -> None:
    result = detect_language(text)
    assert isinstance(result, LanguageResult)
    assert result.code == code, result
    assert result.evidence


def test_empty_text_has_a_defined_answer() -> None:
    result = detect_language("   ")
    assert result.code == "ru" and not result.mixed


def test_code_switched_text_is_mixed() -> None:
    text = ("Бүгін Астанада жиналыс өтті, оған барлық әкімдер қатысты. "
            "Министр сказал, что все проблемы будут решены до конца года и никаких отключений "
            "не будет. Жиналысқа қатысушылар бірнеше ұсыныс айтты және есеп берді.")
    result = detect_language(text)
    assert result.code == "kk"
    assert result.mixed
    assert any("code-switched" in e for e in result.evidence)


def test_russian_with_kazakh_names_is_not_mixed() -> None:
    text = ("Аким Қарағанды облысы Ермаганбет Булекпаев провел совещание. "
            "На нем обсудили подготовку к отопительному сезону и ремонт котельных. "
            "По словам акима, все работы будут завершены до 1 октября.")
    result = detect_language(text)
    assert result.code == "ru"
    assert not result.mixed


def test_scores_explain_the_choice() -> None:
    result = detect_language("Қазақстанда жаңа заң қабылданды және ол күшіне енді.")
    assert result.scores["kk"] > result.scores.get("ru", 0.0)
