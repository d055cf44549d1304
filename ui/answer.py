"""The answer panel: cited passages grouped by city, with the places they name.

When the question asks about a place ("белорусскими партнерами"), each city's line lists
the place names its passages give next to that place, taken verbatim:
"г. Гомель (Республика Беларусь)" gives "Гомель"; in a sentence that mentions the place
without such a parenthesis, the settlement names pymorphy3 knows (Geox) are taken
("с городом Гомель", "МО «Город Гродно»"). The report's own city is never a partner.
Otherwise each line shows the best sentence of the city's top passage. Nothing shown is
generated: every name and excerpt is a substring of a passage.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from muniqa.corpus.morph import analyzer
from muniqa.index.lemmas import lemma, lemmas, word_spans
from muniqa.index.sentences import sentence_spans
from muniqa.qa.gazetteer import related
from muniqa.qa.passages import Passage
from muniqa.qa.retrieve import query_lemmas

NO_CITY = "город не указан"
CONNECTORS = {"г.", "г", "район", "района", "города", "город", "область", "области", "округ", "края", "край"}
_TOKEN = re.compile(r"\S+")
_LIST_SEP = re.compile(r",|\s+и\s+")
# countries and macro-regions: what a partner city is in, never a partner city itself
NOT_PARTNERS = {
    "китай", "кнр", "корея", "кндр", "япония", "сша", "америка", "казахстан", "латвия", "литва",
    "эстония", "польша", "армения", "германия", "фрг", "франция", "италия", "испания", "монголия",
    "вьетнам", "узбекистан", "киргизия", "кыргызстан", "таджикистан", "азербайджан", "грузия",
    "молдова", "молдавия", "индия", "тайвань", "малайзия", "таиланд", "сингапур", "турция",
    "израиль", "финляндия", "швеция", "норвегия", "чехия", "сербия", "болгария", "канада",
    "великобритания", "англия", "австралия", "россия", "рф", "беларусь", "белоруссия", "рб",
    "республика", "федерация", "российский", "сибирь", "дальний", "восток", "европа", "азия"}
_EDGE = "«»\"'“”„.,;:!?()"


def place_lemmas(question: str) -> set[str]:
    """Query lemmas naming a place, with every other name of it (gazetteer)."""
    named = [lem for lem in query_lemmas(question, False) if related(lem)]
    return {x for lem in named for x in (lem, *related(lem))}


def own_lemmas(city: str) -> set[str]:
    out = set(lemmas(city, drop_stopwords=False))
    for lem in list(out):
        out.update(related(lem))
    return out


def _is_place(word: str) -> bool:
    word = word.strip(_EDGE)
    if not word or not word[0].isupper():
        return False
    parses = analyzer().parse(word.lower())
    return bool(parses) and "Geox" in parses[0].tag


def _is_nominative(word: str) -> bool:
    parses = analyzer().parse(word.strip(_EDGE).lower())
    return bool(parses) and "nomn" in parses[0].tag


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _EDGE + " \n":
        s += 1
    while e > s and text[e - 1] in _EDGE + " \n":
        e -= 1
    return s, e


def _name_in(text: str, s: int, e: int, whole: bool) -> tuple[int, int] | None:
    """The place name ending at ``e``: up to 4 capitalized words ("район", "г." may sit
    between them); with ``whole``, only if the name is all of ``text[s:e]``."""
    tokens = [(s + m.start(), s + m.end()) for m in _TOKEN.finditer(text[s:e])]
    for n in range(min(4, len(tokens)), 0, -1):
        if whole and n != len(tokens):
            continue
        words = [text[a:b] for a, b in tokens[-n:]]
        if words[0].strip(_EDGE)[:1].isupper() and \
                all(w.strip(_EDGE)[:1].isupper() or w.lower() in CONNECTORS for w in words):
            return _trim(text, tokens[-n][0], tokens[-1][1])
    return None


def _before_parenthesis(text: str, sent_start: int, pos: int) -> list[tuple[int, int]]:
    """Names given the place in the parenthesis around ``pos``: in "Шаньтоу, Хэган и
    Вэйхай (КНР)" all three; in "г. Монро (США), г. Минск (Белоруссия)" only Минск."""
    opened = text.rfind("(", sent_start, pos)
    if opened < 0 or text.find(")", opened, pos) >= 0:
        return []
    start = max([text.rfind(c, sent_start, opened) for c in "):;"] + [sent_start - 1]) + 1
    seps = list(_LIST_SEP.finditer(text, start, opened))
    items = list(zip([start] + [m.end() for m in seps], [m.start() for m in seps] + [opened]))
    out: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(reversed(items)):
        span = _name_in(text, a, b, whole=i > 0)
        if span is None:
            break
        out.insert(0, span)
    return out


def _inside_parens(text: str, sent_start: int, pos: int) -> bool:
    opened = text.rfind("(", sent_start, pos)
    return opened >= 0 and text.find(")", opened, pos) < 0


def place_names(p: Passage, places: set[str]) -> list[tuple[int, int]]:
    """Spans of ``p.text`` naming places that a sentence ties to one of ``places``."""
    own = own_lemmas(p.city)
    asked = places - own
    if not asked:
        return []
    text = p.text
    words = list(word_spans(text))
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        sent = [(ws, we, lem) for ws, we, lem in words if s <= ws < e]
        hits = [ws for ws, _, lem in sent if lem in asked]
        in_parens = [h for h in hits if _inside_parens(text, s, h)]
        if in_parens:          # "Могилев (Республика Беларусь)"
            found = [span for h in in_parens for span in _before_parenthesis(text, s, h)]
        elif hits:             # "с Республикой Беларусь ... с городом Гомель"
            found = [(ws, we) for ws, we, lem in sent
                     if not _inside_parens(text, s, ws) and _is_place(text[ws:we])]
        else:
            continue
        for a, b in found:
            keys = set(_key(text[a:b]).split())
            if (a, b) not in out and not keys <= NOT_PARTNERS | places | own:
                out.append((a, b))
    return out


@dataclass
class CityLine:
    city: str
    names: list[str] = field(default_factory=list)   # verbatim, one form per place
    ranks: list[int] = field(default_factory=list)   # passages that name the asked place
    other: list[int] = field(default_factory=list)   # the city's other passages
    excerpt: str = ""                                 # best sentence of its top passage


def _key(name: str) -> str:
    return " ".join(lemma(w) for w in re.findall(r"[^\W_]+", name))


def city_lines(question: str, passages: list[Passage]) -> tuple[list[CityLine], bool]:
    """One line per city in order of its best passage; True when the question names a place."""
    places = place_lemmas(question)
    lines: dict[str, CityLine] = {}
    forms: dict[str, dict[str, list[str]]] = {}
    for p in passages:
        city = p.city or NO_CITY
        line = lines.setdefault(city, CityLine(city, excerpt=p.highlight))
        found = forms.setdefault(city, {})
        mentions = places and any(lemma(p.text[s:e]) in places - own_lemmas(p.city) for s, e in p.terms)
        if mentions:
            line.ranks.append(p.rank)
            for s, e in place_names(p, places):
                found.setdefault(_key(p.text[s:e]), []).append(p.text[s:e])
        else:
            line.other.append(p.rank)
    for city, line in lines.items():
        for variants in forms[city].values():
            nominative = [v for v in variants if _is_nominative(v.split()[0])]
            line.names.append((nominative or variants)[0])
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
    answering = [p for p in passages if p.answers]
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
            names = ", ".join(esc(n) for n in line.names) if line.names else \
                f'<span class="mq-muted">{esc(_short(line.excerpt, 120))}</span>'
            items.append(f"<li>{city} — {names} {_refs(line.ranks)}</li>")
            if line.other:
                rest.append(f"{esc(line.city)} {_refs(line.other)}")
        elif asks_place:
            rest.append(f"{esc(line.city)} {_refs(line.other)}")
        else:
            items.append(f'<li>{city} {_refs(line.other)} — '
                         f'<span class="mq-quote">{esc(_short(line.excerpt))}</span></li>')
    body = f'<ul class="mq-lines">{"".join(items)}</ul>'
    more = f'<div class="mq-more">Другие фрагменты: {"; ".join(rest)}</div>' if rest else ""
    note = ("Названия мест — дословно из фрагментов рядом с упоминанием места из вопроса."
            if asks_place else "Цитаты — лучшие предложения первых фрагментов каждого города.")
    return (f'<section class="mq-answer"><h3>Ответ по городам</h3>{body}{more}'
            f'<div class="mq-note">{note} Номер в скобках ведёт к карточке.</div></section>')
