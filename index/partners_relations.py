"""What kind of tie a sentence states, from the lemmas of its words, and the year it gives.

Hand-written cue lists rather than a trained classifier: there are eight relation types
and a few hundred labelled sentences at most, the cues are the words reports use for
each ("побратим", "соглашение", "делегация", "фестиваль"), and a rule that fires says
why it fired. A sentence states one main relation, the most specific one present
(draft agreement > agreement > delegation > event > exchange > business > other), and
may call the partner a sister city besides ("фестиваль между городами-побратимами":
sister_city and event). Only sentences with a cue make a partnership: a list of an
organisation's members names places but ties none of them to the city.
"""
from __future__ import annotations

import re

from muniqa.index.lemmas import WORD, lemma

# single lemmas that signal a relation
CUES: dict[str, frozenset[str]] = {
    "sister_city": frozenset({"побратим", "побратимский"}),
    "agreement": frozenset({"соглашение", "договор", "меморандум", "протокол"}),
    "delegation": frozenset({"делегация", "визит", "поездка", "посетить", "посещение", "переговоры",
                             "переговор"}),
    "event": frozenset({"фестиваль", "выставка", "конкурс", "соревнование", "турнир", "форум",
                        "конференция", "семинар", "заседание", "пленарный", "саммит", "мероприятие",
                        "лагерь", "праздник", "чемпионат", "концерт"}),
    "exchange": frozenset({"обмен", "опыт", "мастер-класс", "школьник", "учащийся", "сверстник", "школа",
                           "обучение", "стажировка", "студент"}),
    "business": frozenset({"компания", "предприятие", "бизнес", "инвестиция", "инвестор", "торговля",
                           "экспорт", "импорт", "поставка", "подвижной", "предприниматель"}),
    "other": frozenset({"сотрудничество", "сотрудничать", "партнер", "партнерский", "дружественный",
                        "дружба", "взаимодействие", "отношение", "связь"}),
}
_DRAFT = re.compile(r"проект\w*\s+соглашени|запланирован\w*\s+подписани|подписани\w*\s+[^.;]{0,40}запланирован|"
                    r"предварительн\w+\s+договоренност", re.I)
_SISTER_EXCEPT = re.compile(r"помимо\s+\w*\s*(город\w*-)?побратим", re.I)
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?![\d.])(?:\s*(?:г\.|год|гг))?")


_ANY_CUE = re.compile("|".join(sorted({re.escape(c[:max(3, min(5, len(c) - 1))]) for cues in CUES.values()
                                        for c in cues}, key=len, reverse=True)), re.I)


def _lemmas(sentence: str) -> set[str]:
    out = set()
    for m in WORD.finditer(sentence):
        out.add(lemma(m.group()))
    for part in re.findall(r"[А-Яа-яЁё]+-[А-Яа-яЁё]+", sentence):
        low = part.lower()
        out.add(low)
        out.update(lemma(p) for p in low.split("-"))
    return out


def relations(sentence: str) -> list[str]:
    """The relation types ``sentence`` states, most specific first ([] if none)."""
    if not _ANY_CUE.search(sentence):          # most sentences: no cue stem, no lemmatizing
        return []
    lem = _lemmas(sentence)
    found: list[str] = []
    if _SISTER_EXCEPT.search(sentence):
        lem.discard("побратим")
    if lem & CUES["sister_city"]:
        found.append("sister_city")
    if _DRAFT.search(sentence):
        return found + ["draft_agreement"]
    for rel in ("agreement", "delegation", "event", "exchange", "business"):
        if lem & CUES[rel]:
            return found + [rel]
    if found or lem & CUES["other"]:
        return found or ["other"]
    return []


def stated_year(sentence: str) -> int | None:
    """The first year the sentence states (not part of a date such as 01.01.2025)."""
    m = _YEAR.search(sentence)
    return int(m.group(1)) if m else None
