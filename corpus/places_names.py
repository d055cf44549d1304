"""Russian word forms for the gazetteer: which Cyrillic alias is Russian, adjectives, back-transliteration.

GeoNames lists a city's alternate names without languages ("Томск", "Томськ", "Томскай",
"Томьскъ"), pycountry names Russian regions only in transliteration ("Tomskaya oblast'"),
and no source lists adjectives ("гомельский"). These rules turn what the data has into
Russian forms; every guess is checked against pymorphy3's dictionary (OpenCorpora), so a
rule can only pick among words Russian really has. Hand-written because no packaged
library does Russian toponym adjectives or reverse GOST/BGN transliteration.
"""
from __future__ import annotations

import itertools
from functools import lru_cache
import re
import unicodedata
from difflib import SequenceMatcher

from .morph import analyzer

RUSSIAN_WORD = re.compile(r"^[а-яё]+(?:[ -][а-яё]+)*$")
NON_RUSSIAN_HINTS = re.compile(r"ськ|цьк|зьк|ъ(?![еёюя])|^ъ|ь[аоуы]|ьи")
# Adjectives that are ordinary words first: "советский" is not the town Sovetsky, "центральный"
# is not Central. Only used to refuse place meaning for these common adjectives.
COMMON_ADJECTIVES = frozenset({
    "советский", "красный", "центральный", "федеральный", "северный", "южный", "восточный",
    "западный", "новый", "старый", "первомайский", "октябрьский", "заводской", "лесной",
    "речной", "морской", "горный", "полевой", "городской", "сельский", "районный", "областной",
    "краевой", "мирный", "светлый", "зеленый", "белый", "черный", "великий", "малый", "большой",
    "королевский", "княжеский", "горький", "пролетарский", "коммунистический", "ленинский",
    "кировский", "свободный", "солнечный", "славянский", "курганный", "радужный", "майский",
})
# Irregular adjectives: the stem changes or the adjective comes from another word. Regular ones
# ("томский", "китайский", "японский", "латвийский") are derived by rule and need no entry here.
IRREGULAR_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "беларусь": ("белорусский",),           # от "белорус", not *"беларуский"
    "белоруссия": ("белорусский",),
    "сша": ("американский",),               # abbreviation
    "америка": ("американский",),
    "германия": ("немецкий", "германский"),  # "немецкий" from "немец"
    "франция": ("французский",),            # -ция -> -цузский
    "италия": ("итальянский",),
    "армения": ("армянский",),
    "грузия": ("грузинский",),
    "молдова": ("молдавский",),
    "молдавия": ("молдавский",),
    "литва": ("литовский",),
    "венгрия": ("венгерский",),
    "швеция": ("шведский",),
    "чехия": ("чешский",),
    "словакия": ("словацкий",),
    "мексика": ("мексиканский",),
    "великобритания": ("британский", "английский"),
    "англия": ("английский",),
    "норвегия": ("норвежский",),
    "дания": ("датский",),
    "греция": ("греческий",),
    "финляндия": ("финский", "финляндский"),
    "таиланд": ("тайский", "таиландский"),
    "киргизия": ("киргизский", "кыргызский"),
    "кыргызстан": ("кыргызский", "киргизский"),
    "казахстан": ("казахстанский", "казахский"),
    "республика корея": ("южнокорейский", "корейский"),
    "южная корея": ("южнокорейский", "корейский"),
    "корея": ("корейский",),
    "кндр": ("северокорейский",),
    "россия": ("российский",),
    "рига": ("рижский",),                   # г -> ж
    "прага": ("пражский",),
    "гродно": ("гродненский",),
    "сочи": ("сочинский",),
    "москва": ("московский",),
    "тверь": ("тверской",),
    "санкт-петербург": ("петербургский", "санкт-петербургский"),
    "петербург": ("петербургский",),
    "нижний новгород": ("нижегородский",),
    "ярославль": ("ярославский",),
    "архангельск": ("архангельский",),
    "новгород": ("новгородский",),
}
_ADJ_SUFFIXES = ("ский", "ской", "ийский", "ьский", "инский", "енский", "анский", "янский",
                 "овский", "евский", "ецкий", "цкий")
_ALTERNATIONS = {"г": "ж", "к": "ч", "х": "ш"}
_LATIN = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
          "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
          "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
          "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
          "я": "ya"}


def norm(text: str) -> str:
    """The key form of a name: lowercase, ё→е, no stress marks, single spaces."""
    return " ".join(strip_accents(text).lower().replace("ё", "е").split())


def strip_accents(text: str) -> str:
    """Display form without stress marks ("Респу́блика" -> "Республика"), keeping й and ё."""
    out = unicodedata.normalize("NFD", text).replace("\u0301", "").replace("\u0300", "")
    return unicodedata.normalize("NFC", out)


def to_latin(word: str) -> str:
    return "".join(_LATIN.get(ch, ch) for ch in word.lower())


@lru_cache(maxsize=None)
def is_geox(word: str) -> bool:
    """pymorphy3's dictionary has ``word`` (nominative) as a place name (no guessing)."""
    return analyzer().word_is_known(word.lower()) and any("Geox" in p.tag and norm(p.normal_form) == norm(word) for p in analyzer().parse(word))


@lru_cache(maxsize=None)
def is_common_word(word: str) -> bool:
    """``word`` is also an ordinary word or a personal name ("мир", "орел", "того", "королев").

    Only dictionary words count: pymorphy3's guesses for unknown words ("гомель") are not evidence.
    """
    if not analyzer().word_is_known(word.lower()):
        return False
    key = norm(word)
    for parse in analyzer().parse(word.lower()):
        tag = parse.tag
        if "Geox" in tag or tag.POS is None or "UNKN" in tag or "LATN" in tag or "Abbr" in tag:
            continue
        if norm(parse.normal_form) == key:     # keys are lemmas: only a word with this lemma competes
            return True
    return False


def russian_display_name(aliases: list[str], latin_name: str) -> tuple[str, list[str]]:
    """Pick the Russian name among GeoNames' Cyrillic aliases; also return all Russian-looking ones.

    Aliases with letters Russian lacks (і ї є ў ґ ђ ј љ њ ћ џ, Kazakh ә ғ қ ...) are dropped by
    the alphabet test; Ukrainian/Bulgarian spellings made of Russian letters ("Томськ",
    "Москъва") by NON_RUSSIAN_HINTS. Among the rest a name pymorphy3 knows as a place wins,
    then the one closest to the Latin name, with ё where spellings differ only by it.
    """
    russian = [a for a in aliases if RUSSIAN_WORD.match(a.lower()) and not NON_RUSSIAN_HINTS.search(a.lower())]
    if not russian:
        return "", []
    latin = latin_name.lower()

    def score(alias: str) -> tuple[float, ...]:
        words = alias.split()
        geox = all(is_geox(w) or w[0].islower() for w in words) and any(is_geox(w) for w in words)
        return (float(geox), float(alias[:1].isupper()),
                SequenceMatcher(None, to_latin(alias), latin).ratio(), -len(alias), alias.count("ё"))

    return max(russian, key=score), russian


def _stems(name: str) -> list[str]:
    """Stems to try, most regular first: whole name, minus its ending, minus -ия/-стан, г/к/х alternation."""
    stems = [name]
    if name[-1] in "аяоеиыуьй":
        stems.append(name[:-1])
    if name.endswith(("ия", "ея", "ья")):
        stems.append(name[:-2])
    if name.endswith("стан"):
        stems.append(name[:-4])
    stems += [s[:-1] + _ALTERNATIONS[s[-1]] for s in list(stems) if s and s[-1] in _ALTERNATIONS]
    return [s for s in dict.fromkeys(stems) if len(s) >= 2]


@lru_cache(maxsize=None)
def is_adjective(word: str) -> bool:
    """A dictionary adjective in its lemma form (so rule output that Russian lacks is dropped)."""
    return analyzer().word_is_known(word) and any(p.tag.POS == "ADJF" and norm(p.normal_form) == word for p in analyzer().parse(word))


def derive_adjectives(name: str) -> tuple[str, ...]:
    """Adjective lemmas of a one- or hyphen-word place name: "гомель" -> ("гомельский",).

    Irregular forms come from IRREGULAR_ADJECTIVES; otherwise stems x suffixes, kept only when
    pymorphy3 knows the result as an adjective and it is not a common word; the first such
    in order of regularity wins (so "китай" gives "китайский", not also "китаевский").
    """
    key = norm(name)
    if key in IRREGULAR_ADJECTIVES:
        return IRREGULAR_ADJECTIVES[key]
    if " " in key or len(key) < 3:
        return ()
    candidates = [key + "ий"] if key.endswith(("ск", "цк")) else []
    candidates += [stem + suf for stem in _stems(key) for suf in _ADJ_SUFFIXES]
    for candidate in dict.fromkeys(candidates):
        if candidate not in COMMON_ADJECTIVES and is_adjective(candidate):
            return (candidate,)                # the most regular derivation Russian has
    return ()


# Reverse transliteration of pycountry's RU-* names (BGN/PCGN-like); ambiguous letters branch
# and pymorphy3 decides which spelling is a Russian word.
_MULTI = (("shch", ["щ"]), ("iya", ["ия"]), ("kh", ["х"]), ("ts", ["ц", "тс"]), ("ch", ["ч"]), ("sh", ["ш"]),
          ("zh", ["ж"]), ("yu", ["ю"]), ("ya", ["я"]), ("ye", ["е", "ье"]), ("yy", ["ый"]),
          ("iy", ["ий"]), ("'", ["ь"]))
_SINGLE = {"a": ["а"], "b": ["б"], "v": ["в"], "g": ["г"], "d": ["д"], "e": ["е", "э"], "z": ["з"],
           "i": ["и"], "y": ["ы", "й"], "k": ["к"], "l": ["л"], "m": ["м"], "n": ["н"], "o": ["о"],
           "p": ["п"], "r": ["р"], "s": ["с"], "t": ["т"], "u": ["у"], "f": ["ф"], "h": ["х"]}


def _cyrillic_options(word: str) -> list[str]:
    parts: list[list[str]] = []
    i, low = 0, word.lower()
    while i < len(low):
        for latin, cyr in _MULTI:
            if low.startswith(latin, i):
                parts.append(cyr)
                i += len(latin)
                break
        else:
            parts.append(_SINGLE.get(low[i], [low[i]]))
            i += 1
    options = ["".join(p) for p in itertools.islice(itertools.product(*parts), 256)]
    return options


def cyrillic_word(word: str) -> str:
    """Best Cyrillic spelling of one transliterated word: a dictionary word if any spelling is one."""
    if "-" in word:
        return "-".join(cyrillic_word(w) for w in word.split("-"))
    options = _cyrillic_options(word)
    known = [o for o in options if analyzer().word_is_known(o)]
    best = known[0] if known else options[0]
    return best.capitalize() if word[:1].isupper() else best
