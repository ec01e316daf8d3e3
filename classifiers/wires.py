"""Foreign news-wire attribution and the "about Kazakhstan" decision.

:func:`find_foreign_wire` finds the first place where an item attributes its content to a
FOREIGN outlet: an outlet name (Reuters, ТАСС, РИА Новости, BBC, Синьхуа …, in Latin, Russian and
Kazakh spellings) with an attribution cue in the same sentence, within about 60 characters:
«со ссылкой на», «передает», «сообщает», «пишет», «по данным», «хабарлайды», «деп жазады»,
«мәліметінше», «habarlaıdy», «according to» …; a dateline «(Reuters) –» or «/ТАСС/»; or a
title that starts «Reuters: …». Photo credits («Фото: Reuters») do not count. Domestic
outlets, including the Kazakh editions of foreign brands (Sputnik Казахстан, Интерфакс-Казахстан,
Forbes Kazakhstan, Первый канал Евразия), never count. Decisions: bare «Sputnik» counts as
foreign (Rossiya Segodnya); Радио Азаттык (RFE/RL) counts as foreign.

:func:`about_kazakhstan` decides whether an item concerns Kazakhstan. Rule:

* Kazakh evidence = agency and region mentions, plus Казахстан/Қазақстан/Qazaqstan/Kazakhstan,
  казах-/қазақ- (language, people) and their derivatives, РК/ҚР, тенге/теңге, Тоқаев/Токаев, еліміз, отандық;
* foreign evidence = foreign countries, capitals and leaders (Россия, США, Ресей, АҚШ, Путин …),
  foreign adjectives (американский, ресейлік …) and an attribution to a foreign wire (weight 1);
* each piece weighs 2 in the title and lead (first 300 characters), 0.3 in the last fifth of a
  text longer than 800 characters (boilerplate such as «новости Казахстана в нашем Telegram»),
  1 elsewhere;
* about Kazakhstan when Kazakh ≥ 3; or Kazakh ≥ 1 and Kazakh ≥ half the foreign weight; or no
  foreign evidence at all (the items come from Kazakh outlets, so an item that names nothing
  foreign — «Ата-аналар: балалар контенті жетіспейді» — is domestic). Otherwise not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

__all__ = ["WireResult", "find_foreign_wire", "about_kazakhstan", "FOREIGN_OUTLETS"]


@dataclass(frozen=True)
class WireResult:
    """A foreign outlet that an item attributes its content to."""

    name: str  # canonical outlet name
    start: int
    end: int
    text: str  # the outlet name as written
    pattern: str  # the attribution cue that made it count


# canonical name → spellings (regular expressions, matched case-sensitively)
FOREIGN_OUTLETS: dict[str, tuple[str, ...]] = {
    "Reuters": ("Reuters", "Рейтерс?", "Ройтерс?"),
    "AFP": ("AFP", "Agence France[- ]Presse", "France[- ]Presse", "Франс[- ]Пресс"),
    "AP": ("Associated Press", "Ассошиэйтед[- ][Пп]ресс", "AP"),
    "Bloomberg": ("Bloomberg", "Блумберг"),
    "CNN": ("CNN", "Си-[Ээ]н-[Ээ]н"),
    "CNBC": ("CNBC",),
    "BBC": ("BBC(?: News)?", "Би-[Бб]и-[Сс]и"),
    "Al Jazeera": ("Al Jazeera", "Аль[- ]Джазир[аы]", "Әл[- ]Жазира"),
    "Sputnik": ("Sputnik", "Спутник"),
    "РИА Новости": ("РИА [«\"]?Новости[»\"]?", "РИА-Новости", "RIA Novosti"),
    "ТАСС": ("ТАСС", "TASS"),
    "Интерфакс": ("Интерфакс", "Interfax"),
    "РБК": ("РБК", "RBC"),
    "Коммерсантъ": ("Коммерсант[ъа]?", "Kommersant"),
    "Известия": ("Известия", "Известий"),
    "Ведомости": ("Ведомост(?:и|ей)", "Vedomosti"),
    "Российская газета": ("Российск(?:ая|ой) газет[аыеу]",),
    "Новая газета": ("Нов(?:ая|ой) газет[аыеу]",),
    "Газета.ру": ("Газета\\.[Рр][Уу]", "Gazeta\\.[Rr][Uu]"),
    "Лента.ру": ("Лента\\.[Рр][Уу]", "Lenta\\.[Rr][Uu]"),
    "Медуза": ("Медуза", "Meduza"),
    "Фонтанка": ("Фонтанка", "Fontanka"),
    "Regnum": ("Regnum", "Регнум"),
    "RT": ("RT", "Russia Today", "Раша Тудэй"),
    "НТВ": ("НТВ",),
    "Первый канал": ("Первый канал",),
    "Россия 24": ("Россия[- ]24",),
    "Синьхуа": ("Xinhua", "Синьхуа", "Шыңхуа"),
    "Жэньминь жибао": ("Жэньминь [Жж]ибао", "People's Daily"),
    "CGTN": ("CGTN",),
    "Global Times": ("Global Times",),
    "Анадолу": ("Анадолу", "Anadolu"),
    "Euronews": ("Euronews", "Евроньюс"),
    "Deutsche Welle": ("Deutsche Welle", "DW", "Дойче [Вв]елле", "Немецк(?:ая|ой) волн[аы]"),
    "The Guardian": ("(?:The )?Guardian", "Гардиан"),
    "Financial Times": ("Financial Times", "Файнэншл [Тт]аймс", "Файненшл [Тт]аймс", "FT"),
    "The New York Times": ("(?:The )?New York Times", "NYT", "Нью-Йорк [Тт]аймс"),
    "The Wall Street Journal": ("(?:The )?Wall Street Journal", "WSJ", "Уолл[- ]стрит [Дд]жорнал"),
    "The Washington Post": ("(?:The )?Washington Post", "Вашингтон [Пп]ост"),
    "The Times": ("The Times",),
    "The Telegraph": ("(?:The )?Telegraph",),
    "The Independent": ("The Independent",),
    "Daily Mail": ("Daily Mail",),
    "Politico": ("Politico",),
    "Axios": ("Axios",),
    "The Economist": ("(?:The )?Economist",),
    "Forbes": ("Forbes", "Форбс"),
    "Nikkei": ("Nikkei",),
    "Kyodo": ("Kyodo", "Киодо"),
    "Yonhap": ("Yonhap", "Ёнхап", "Йонхап"),
    "NHK": ("NHK",),
    "Le Monde": ("Le Monde",),
    "Der Spiegel": ("(?:Der )?Spiegel", "Шпигель"),
    "Fox News": ("Fox News",),
    "NBC": ("NBC(?: News)?",),
    "CBS": ("CBS(?: News)?",),
    "Sky News": ("Sky News",),
    "Радио Свобода": ("Радио Свобода", "Радио Свобода/Радио Свободная Европа", "RFE/RL"),
    "Азаттык": ("Азаттык", "Азаттық", "Azattyq"),
    "Kun.uz": ("Kun\\.uz",),
    "Газета.uz": ("Газета\\.uz", "Gazeta\\.uz"),
    "24.kg": ("24\\.kg",),
    "AKIpress": ("AKIpress", "АКИpress"),
    "Кабар": ("Кабар",),
    "Азия-Плюс": ("Азия-Плюс", "Asia-Plus"),
    "Trend": ("Trend",),
    "БелТА": ("БелТА",),
    "Укринформ": ("Укринформ", "Ukrinform"),
    "УНИАН": ("УНИАН",),
    "IRNA": ("IRNA", "ИРНА"),
}

# Kazakh editions and domestic outlets that would otherwise look like a foreign name.
_DOMESTIC = (
    "Sputnik (?:Казахстан|Kazakhstan|Қазақстан)", "Спутник Казахстан",
    "Интерфакс-Казахстан", "Interfax-Kazakhstan", "Forbes (?:Kazakhstan|Казахстан)",
    "Forbes\\.kz", "Первый канал Евразия", "МК (?:в Казахстане|Казахстан)",
    "Известия Казахстан", "РБК Казахстан", "Euronews Qazaq", "BBC News Қазақ", "Ведомости Казахстан",
)

_SUFFIX = r"(?:-?[а-яәғқңөұүһіa-z]{1,7})?"
_entries: list[tuple[str, str | None]] = [(p, None) for p in _DOMESTIC]
for _canon, _spellings in FOREIGN_OUTLETS.items():
    _entries.extend((p, _canon) for p in _spellings)
_entries.sort(key=lambda e: -len(e[0]))
_CANON: list[str | None] = [c for _, c in _entries]
_UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9"
_OUTLET_RE = re.compile(  # the look-ahead lets the engine skip most positions fast
    rf"(?=[{_UPPER}])(?<![\w.])(?:" + "|".join(f"({p})" for p, _ in _entries) + r")" + _SUFFIX + r"(?![\w])"
)

_CUES = [
    r"со ссылкой на", r"ссылаясь на", r"переда[её]т", r"передают", r"сообща(?:ет|ют)",
    r"сообщил[аио]?", r"пиш(?:ет|ут)", r"написал[аио]?", r"по данным", r"по информации",
    r"по сведениям", r"согласно", r"цитиру(?:ет|ют)", r"в интервью", r"в материале",
    r"в статье", r"в публикации", r"источник", r"информиру(?:ет|ют)", r"выяснил[аио]?",
    r"узнал[аио]?", r"опубликовал[аио]?", r"утвержда(?:ет|ют)", r"приводит", r"подсчитал[аио]?",
    r"по оценк[еа]м?", r"отмеча(?:ет|ют)", r"заявил[аи]?", r"рассказал[аи]?",
    r"хабарла(?:йды|ды|уынша)", r"хабарламасында", r"жаза(?:ды|ды)", r"жазды", r"жазуынша",
    r"мәліметінше", r"мәліметі(?:не)? бойынша", r"мәліметіне", r"дерегінше", r"деректер",
    r"ақпаратынша", r"ақпараты бойынша", r"сілтеме", r"келтіреді", r"мәлімдеді",
    r"habarla(?:ıdy|idy|dy|ýynsha|uınşa|uynsha)", r"jaza(?:dy)", r"jazdy",
    r"málimetinshe", r"mälimetinşe", r"malimetinshe", r"derekinshe", r"silteme",
    r"aqparatynsha", r"according to", r"report(?:s|ed|ing)?", r"said", r"told", r"cit(?:ed|ing)",
    r"wr(?:ote|ites)", r"по версии", r"журналист\w*", r"издани[еяю]", r"телеканал\w*",
    r"агентств[оау]", r"газет[аыеу]", r"агенттіг\w*", r"басылым\w*", r"телеарна\w*",
    r"agenttig\w*", r"basylym\w*",
]
_CUE_RE = re.compile("|".join(f"(?:{c})" for c in _CUES), re.IGNORECASE)
_PHOTO_RE = re.compile(r"(?:фото|сурет|photo|foto|©|кадр|видео|video|иллюстрац)\W*\w*\W*$",
                       re.IGNORECASE)
_SENT_BREAK = re.compile(r"[.!?\n]\s")
_WINDOW = 60


def _cue_near(text: str, start: int, end: int) -> str | None:
    """The attribution cue in the same sentence near text[start:end], if any."""
    before = text[max(0, start - _WINDOW):start]
    cut = list(_SENT_BREAK.finditer(before))
    if cut:
        before = before[cut[-1].end():]
    after = text[end:end + _WINDOW]
    m = _SENT_BREAK.search(after)
    if m:
        after = after[:m.start() + 1]
    if _PHOTO_RE.search(before):
        return None
    # datelines and «Reuters: …» titles
    if re.search(r"[(/]\s*$", before) and re.match(r"\s*[)/]", after):
        return "dateline"
    line_start = start == 0 or text[start - 1] == "\n"
    if line_start and after.startswith(":"):
        return "title prefix"
    cues = [m.group() for m in _CUE_RE.finditer(before)]
    if cues:
        return cues[-1]
    m = _CUE_RE.search(after)
    return m.group() if m else None


def find_foreign_wire(text: str) -> WireResult | None:
    """The first attribution of the text to a foreign outlet, or None."""
    if not text:
        return None
    return _find_foreign_wire(text)


@lru_cache(maxsize=8)
def _find_foreign_wire(text: str) -> WireResult | None:
    for m in _OUTLET_RE.finditer(text):
        canon = _CANON[(m.lastindex or 1) - 1]
        if canon is None:
            continue
        cue = _cue_near(text, m.start(), m.end())
        if cue is None:
            continue
        return WireResult(canon, m.start(), m.end(), m.group(), cue)
    return None


# ---------------------------------------------------------------------------------------------
# About Kazakhstan


class _MentionLike(Protocol):
    id: str
    start: int


_KZ_RE = re.compile(
    r"(?=[КкҚқKkQqРҚтТTtЕеОоEe])(?<!\w)(?:[Кк]азах\w*|[Ққ]азақ\w*|[Kk]azakh\w*|[Qq]azaq\w*|РК|ҚР|"
    r"тенге|теңге|[Tt]e[ńñn]ge|[Тт]о[кқ]аев\w*|Tokayev\w*|Toqaev\w*|[Ее]ліміз\w*|[Оо]тандық\w*|"
    r"[Ee]limiz\w*|[Oo]tandyq\w*|[Oo]tandyq\w*)(?!\w)"
)
_FOREIGN_RE = re.compile(
    rf"(?=[{_UPPER}])(?<!\w)(?:"
    r"Росси\w*|РФ|Ресей\w*|Reseı\w*|США|АҚШ|AQSh|Украин\w*|Китай\w*|Китая|КНР|Қытай\w*|"
    r"Qytaı\w*|Турци\w*|Түркия\w*|Герман\w*|Франци\w*|Fransi\w*|Британи\w*|Ұлыбритания\w*|"
    r"Израил\w*|Иран\w*|Япони\w*|Жапония\w*|Коре\w*|Индии|Үндістан\w*|Москв\w*|Мәскеу\w*|"
    r"Вашингтон\w*|Киев\w*|Пекин\w*|Бейжің\w*|Лондон\w*|Париж\w*|Parij\w*|Берлин\w*|Токио|"
    r"Путин\w*|Трамп\w*|Байден\w*|Зеленск\w*|Эрдоган\w*|Макрон\w*|Нетаньяху|Госдум\w*|Кремл\w*|"
    r"Белого дома|Белый дом|Евросоюз\w*|НАТО|Европ\w*|Еуропа\w*|Польш\w*|Итали\w*|Испани\w*|"
    r"Сири\w*|Газ\w* сектор\w*|Газа|Ирак\w*|Афганистан\w*|Пакистан\w*|Инди[яи]|Бразили\w*|"
    r"Канад\w*|Мексик\w*|Австрали\w*|Египт\w*|Грузи\w*|Армени\w*|Азербайджан\w*)(?!\w)"
)
_FOREIGN_ADJ_RE = re.compile(
    r"(?=[аркебянфутиАРКЕБЯНФУТИ])(?<!\w)(?:американск|российск|китайск|европейск|британск|"
    r"японск|немецк|французск|украинск|турецк|израильск|иранск|индийск|корейск|америкалық|"
    r"ресейлік|қытайлық|еуропалық|жапониялық|украиндық|түріктің)\w*",
    re.IGNORECASE,
)
_LEAD = 300


def _weight(pos: int, n: int) -> float:
    if pos < _LEAD:
        return 2.0
    if n > 800 and pos > 0.8 * n:
        return 0.3
    return 1.0


def about_kazakhstan(
    text: str,
    agencies: Sequence[_MentionLike],
    regions: Sequence[_MentionLike],
    language: str | None = None,
) -> tuple[bool, list[str]]:
    """Whether the item concerns Kazakhstan, with the evidence (see the module docstring)."""
    text = text or ""
    n = len(text)
    kz = 0.0
    evidence: list[str] = []
    seen: dict[str, int] = {}
    for m in list(agencies) + list(regions):
        kz += _weight(m.start, n)
        seen[m.id] = seen.get(m.id, 0) + 1
    for m in _KZ_RE.finditer(text):
        kz += _weight(m.start(), n)
        seen[m.group()] = seen.get(m.group(), 0) + 1
    foreign = 0.0
    fseen: dict[str, int] = {}
    for rx in (_FOREIGN_RE, _FOREIGN_ADJ_RE):
        for m in rx.finditer(text):
            foreign += _weight(m.start(), n)
            fseen[m.group()] = fseen.get(m.group(), 0) + 1
    wire = find_foreign_wire(text)
    if wire is not None:
        foreign += 1.0
        fseen[f"wire {wire.name}"] = 1
    if seen:
        evidence.append("Kazakh: " + ", ".join(
            f"{k}×{v}" if v > 1 else k for k, v in list(seen.items())[:8]))
    if fseen:
        evidence.append("foreign: " + ", ".join(
            f"{k}×{v}" if v > 1 else k for k, v in list(fseen.items())[:8]))
    if kz >= 3:
        verdict = True
    elif kz >= 1 and kz >= 0.5 * foreign:
        verdict = True
    elif foreign == 0:
        verdict = True  # nothing foreign: a domestic outlet's item is domestic by default
    else:
        verdict = False
    evidence.append(f"weights: Kazakh {kz:.1f} vs foreign {foreign:.1f} → "
                    f"{'about Kazakhstan' if verdict else 'not about Kazakhstan'}")
    return verdict, evidence
