"""What a question is about and what it asks for, read from its wording.

The focus of «Сотрудничает ли Томск с Монголией?» is two places (Монголия standing for every
Mongolian city too, through the gazetteer); of «Какой штраф за воспрепятствование проверке
Роскомнадзора?» a proper name; of «Что изменилось в 2023 году?» a year. What it asks for
comes from the question word: «сколько…», «какой объём…» a number, «в каком году» a year,
«когда» a date, «кто» a person or a body. ``qa.answerable`` checks a passage against this.
Names are found by capitalisation (not the first word, unless pymorphy3 tags it as a name),
all-caps and Latin words, «quoted» words, and places by the gazetteer, also two- and
three-word ones («Соединённых Штатах»); see ``qa.answerable`` for why not natasha's NER.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from muniqa.corpus import places
from muniqa.corpus.morph import analyzer
from muniqa.index.lemmas import STOPWORDS, fold, lemma

from .gazetteer import related, with_cities

WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
QUOTED = re.compile(r"[«\"“]([^»\"”]{1,80})[»\"”]")
YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)(?!-?х\b)")     # «1990-х» is a decade
ACRONYM = re.compile(r"^[А-ЯЁA-Z]{2,}$")

# What a question asks for, from its wording (general Russian question forms).
_ASKS_NUMBER = re.compile(r"\b(?:сколько|скольк\w+|какое\s+количество|какое\s+число|каков\w*\s+(?:количество|число|"
                          r"численность|объ[её]м|сумма|стоимость|цена|размер|доля|процент|бюджет)|"
                          r"как\w*\s+(?:объ[её]м|сумм\w*|стоимост\w*|цен\w*|размер\w*|дол\w*|процент\w*|бюджет\w*|"
                          r"численност\w*|количеств\w*|турпоток\w*)|на\s+каком\s+месте|численность|"
                          r"во\s+сколько)\b", re.I)
_ASKS_YEAR = re.compile(r"\b(?:в|с|до|к)\s+каком\w*\s+году|\b(?:с|до)\s+какого\s+года\b", re.I)
_ASKS_DATE = re.compile(r"\b(?:когда|какого\s+числа|в\s+какие\s+сроки|до\s+какого\s+(?:числа|срока)|"
                        r"в\s+какой\s+день)\b", re.I)
_ASKS_PERSON = re.compile(r"^\s*(?:а\s+)?(?:кто|кем|кому|кого|чь[яеий]|как\s+зовут)\b", re.I)


@dataclass(frozen=True)
class Focus:
    """What a question is about and what it asks for."""
    entities: tuple[frozenset[str], ...]   # each: lemmas any of which names it
    years: tuple[int, ...]
    asks: str                              # "number" | "year" | "date" | "person" | ""
    target: str = ""                       # «сколько гостиниц», «кто был мэром»: the noun asked about


def _is_capitalised_name(word: str, first: bool) -> bool:
    if ACRONYM.match(word) or re.search(r"[A-Za-z]", word):
        return True
    if not word[:1].isupper():
        return False
    if not first:
        return True
    return bool(grammemes(word) & {"Geox", "Name", "Surn", "Orgn"})


def _place_names(lem: str, capitalised: bool) -> frozenset[str] | None:
    if not places.lookup(lem, capitalised=capitalised):
        return None
    return frozenset({lem, *related(lem), *with_cities(lem)})


def _nominative(word: str) -> str:
    parsed = analyzer().parse(word)[0]
    form = parsed.inflect({"nomn"})
    return fold(form.word if form else word)


def _multiword_places(words: list[str]) -> dict[int, tuple[int, frozenset[str]]]:
    """Places named by two or three words («Соединённых Штатах», «Республике Корея»):
    start index -> (number of words, the place's names)."""
    found: dict[int, tuple[int, frozenset[str]]] = {}
    i = 0
    while i < len(words):
        for n in (3, 2):
            part = words[i:i + n]
            if len(part) < n or not part[-1][:1].isupper():
                continue
            keys = {" ".join(lemma(w) for w in part), " ".join(_nominative(w) for w in part)}
            hit = next((k for k in keys if places.lookup(k, capitalised=True)), None)
            if hit:
                found[i] = (n, frozenset({hit, *related(hit), *with_cities(hit)}))
                break
        i += found[i][0] if i in found else 1
    return found


@lru_cache(maxsize=4096)
def focus(question: str) -> Focus:
    """The named things a question is about (places, names, numbers), its years, and what
    it asks for."""
    entities: list[frozenset[str]] = []
    quoted = {m.start(1) + i for m in QUOTED.finditer(question) for i in range(len(m.group(1)))}
    matches = list(WORD.finditer(question))
    multi = _multiword_places([m.group() for m in matches])
    skip_to = 0
    for i, m in enumerate(matches):
        if i < skip_to:
            continue
        if i in multi:
            entities.append(multi[i][1])
            skip_to = i + multi[i][0]
            continue
        word = m.group()
        first = i == 0 or bool(re.search(r"[.?!]\s*$", question[matches[i - 1].end():m.start()]))
        lem = lemma(word)
        if lem.isdigit():                            # «16¹»'s «¹» is the lemma «1»
            if not YEAR.fullmatch(lem):
                entities.append(frozenset({lem}))
            continue
        cap = word[:1].isupper() and not first
        names = _place_names(lem, cap)
        if names is None and "-" in word and word[:1].isupper():    # «Улан-Удэ»: the parts
            parts = [p for p in word.split("-") if len(p) > 2]
            if parts:
                entities.append(frozenset({lem, *(lemma(p) for p in parts)}))
                continue
        if names is not None:
            entities.append(names)
        elif (_is_capitalised_name(word, first) or m.start() in quoted) and lem not in STOPWORDS and len(lem) > 1:
            entities.append(frozenset({lem, fold(word)}))
    asks = next((kind for kind, rx in (("number", _ASKS_NUMBER), ("year", _ASKS_YEAR), ("date", _ASKS_DATE),
                                         ("person", _ASKS_PERSON)) if rx.search(question)), "")
    years = tuple(int(y) for y in YEAR.findall(question))
    target = _target(question, asks, {n for e in entities for n in e})
    return Focus(tuple(dict.fromkeys(entities)), years, asks, target)


def _target(question: str, asks: str, names: set[str]) -> str:
    """The noun the question asks about: «сколько гостиниц» -> «гостиница», «кто был мэром»
    -> «мэр»; a verb ends the search for a count («сколько стоит»), not for a person."""
    rx = {"number": _ASKS_NUMBER, "person": _ASKS_PERSON}.get(asks)
    if rx is None:
        return ""
    for w in WORD.findall(question[rx.search(question).end():])[:3]:
        parsed = analyzer().parse(w)[0]
        name = fold(parsed.normal_form)
        if "NOUN" in parsed.tag and name not in _VAGUE and name not in names:
            return name
        if asks == "number" and {"VERB", "INFN", "PRTF", "PRTS"} & set(parsed.tag.grammemes):
            return ""
    return ""


_VAGUE = frozenset("раз год день штука единица процент время".split())


@lru_cache(maxsize=100_000)
def grammemes(word: str) -> frozenset[str]:
    return frozenset(str(t) for t in analyzer().parse(word)[0].tag.grammemes)
