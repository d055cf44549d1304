"""The answer panel: cited passages grouped by city, with the places they name.

When the question asks about a place ("белорусскими партнерами"), each city's line lists
the partners its passages name in that place, found by the same extraction as
``muniqa partners`` and the map (``index.partners``): places only (no rivers, forums or
organisations), in the nominative ("Харбином" -> "Харбин"), each with the relation types
its sentences state and the numbers of the passages that state them. The report's own
city is never a partner. Otherwise each line shows the best sentence of the city's top
passage. Every excerpt is a substring of a passage; every name is a place a passage names.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from functools import lru_cache

from muniqa.index.lemmas import fold, lemma, lemmas
from muniqa.index.partners import extract_text
from muniqa.index.partners_model import RELATION_LABELS, RELATIONS, Mention
from muniqa.qa.gazetteer import related
from muniqa.qa.passages import Passage
from muniqa.qa.retrieve import query_lemmas

NO_CITY = "город не указан"
def place_lemmas(question: str) -> set[str]:
    """Query lemmas naming a place, with every other name of it (gazetteer)."""
    return {lem for lem in query_lemmas(question) if related(lem)}


def own_lemmas(city: str) -> set[str]:
    out = set(lemmas(city, drop_stopwords=False))
    for lem in list(out):
        out.update(related(lem))
    return out


@dataclass
class PartnerName:
    name: str                                         # nominative, from the gazetteer
    relations: list[str] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)    # passages that name it


@dataclass
class CityLine:
    city: str
    ranks: list[int] = field(default_factory=list)   # passages that name the asked place
    other: list[int] = field(default_factory=list)   # the city's other passages
    excerpt: str = ""                                 # best sentence of its top passage
    partners: list[PartnerName] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.partners]


@lru_cache(maxsize=2048)
def _mentions(text: str, city: str) -> tuple[Mention, ...]:
    return tuple(extract_text(text, city))


def partners_in(p: Passage, places: set[str]) -> list[Mention]:
    """Partners of the passage's city that the passage names in one of ``places`` (lemmas
    of the asked place and its other names), cities and districts only."""
    own = own_lemmas(p.city)
    out = []
    for m in _mentions(p.text, p.city or NO_CITY):
        keys = {lemma(w) for w in re.findall(r"[^\W_]+", f"{m.country} {m.partner}")} | {fold(m.country)}
        if m.kind != "country" and keys & places and not {fold(m.partner), lemma(m.partner)} & own:
            out.append(m)
    return out


def city_lines(question: str, passages: list[Passage]) -> tuple[list[CityLine], bool]:
    """One line per city in order of its best passage; True when the question names a place."""
    places = place_lemmas(question)
    lines: dict[str, CityLine] = {}
    found: dict[str, dict[str, PartnerName]] = {}
    for p in passages:
        city = p.city or NO_CITY
        line = lines.setdefault(city, CityLine(city, excerpt=p.highlight))
        names = found.setdefault(city, {})
        mentions = places and any(lemma(p.text[s:e]) in places - own_lemmas(p.city) for s, e in p.terms)
        if mentions:
            line.ranks.append(p.rank)
            for m in partners_in(p, places):
                entry = names.setdefault(m.partner, PartnerName(m.partner))
                if m.relation not in entry.relations:
                    entry.relations.append(m.relation)
                if p.rank not in entry.ranks:
                    entry.ranks.append(p.rank)
        else:
            line.other.append(p.rank)
    order = {r: i for i, r in enumerate(RELATIONS)}
    for city, line in lines.items():
        line.partners = list(found[city].values())
        for entry in line.partners:
            entry.relations.sort(key=order.get)
    if not any(line.ranks for line in lines.values()):      # the place asked is the reports' own
        for line in lines.values():
            line.other = sorted(line.ranks + line.other)
            line.ranks = []
        return list(lines.values()), False
    return list(lines.values()), True


def _refs(ranks: list[int]) -> str:
    return "".join(f'<a class="mq-ref" href="#card-{r}" data-action="goto" data-target="card-{r}">[{r}]</a>'
                   for r in ranks)


def _short(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def answer_html(question: str, passages: list[Passage]) -> str:
    """The panel above the cards: who does what, by city, each claim linked to its card.
    Only passages that score like an answer are quoted (place names next to the asked place
    are evidence in any passage); when none answers, the panel says so."""
    if not passages:
        return ""
    places = place_lemmas(question)
    # a passage naming a partner in the place asked about answers a "who works with" question,
    # whatever the confidence model says of its wording
    answering = [p for p in passages if p.answers or (places and partners_in(p, places))]
    if not answering:
        from muniqa.qa.api import NO_ANSWER
        return (f'<section class="mq-answer mq-no-answer"><h3>{html.escape(NO_ANSWER)}</h3>'
                '<div class="mq-note">Ни один фрагмент не похож на ответ на этот вопрос; '
                'ниже — самые близкие по смыслу.</div></section>')
    lines, asks_place = city_lines(question, passages)
    if not asks_place:
        lines, _ = city_lines(question, answering)
    esc = html.escape
    items, rest = [], []
    for line in lines:
        city = f'<span class="mq-city">{esc(line.city)}</span>'
        if asks_place and line.ranks:
            if line.partners:
                names = ", ".join(
                    f'<span class="mq-partner-name">{esc(e.name)}</span> '
                    f'<span class="mq-muted">({esc(", ".join(RELATION_LABELS[r] for r in e.relations))})</span>'
                    f'{_refs(e.ranks)}' for e in line.partners)
                items.append(f"<li>{city} — {names}</li>")
            else:
                items.append(f'<li>{city} — <span class="mq-muted">{esc(_short(line.excerpt, 120))}</span> '
                             f'{_refs(line.ranks)}</li>')
            if line.other:
                rest.append(f"{esc(line.city)} {_refs(line.other)}")
        elif asks_place:
            rest.append(f"{esc(line.city)} {_refs(line.other)}")
        else:
            items.append(f'<li>{city} {_refs(line.other)} — '
                         f'<span class="mq-quote">{esc(_short(line.excerpt))}</span></li>')
    body = f'<ul class="mq-lines">{"".join(items)}</ul>'
    more = f'<div class="mq-more">Другие фрагменты: {"; ".join(rest)}</div>' if rest else ""
    note = ("Партнёры — места, которые фрагменты называют рядом с местом из вопроса (в скобках — вид связи)."
            if asks_place else "Цитаты — лучшие предложения первых фрагментов каждого города.")
    return (f'<section class="mq-answer"><h3>Ответ по городам</h3>{body}{more}'
            f'<div class="mq-note">{note} Номер в скобках ведёт к карточке.</div></section>')
