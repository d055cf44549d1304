"""Does this passage answer the question, or is it only about the same thing?

Retrieval scores (cosine, BM25, the share of the question's rare words) measure aboutness.
A near miss — «Сколько гостиниц в Хабаровске?» asked of a report on Khabarovsk's tourism,
«Сотрудничает ли Томск с Монголией?» asked of Tomsk's report on foreign partners — finds a
passage that is very much about the question and still does not answer it. What such a
passage lacks is checkable without a reader model:

- the question's **focus**: places (through the gazetteer: a country also counts when one of
  its cities is named), proper names (capitalised or all-caps words, Latin names, words in
  «quotes»), numbers such as «№ 21» and years. A passage about Tomsk's partners that never
  names Mongolia or a Mongolian city cannot say whether Tomsk works with Mongolia. The
  passage's document counts too: a report's own city and years need not be repeated in
  every passage.
- the **asked type**: «сколько …», «какой объём …» need a number in a sentence that holds
  the question's words; «когда», «в каком году» a date; «кто» a person or an organisation.
- how much of the question's rare vocabulary (idf mass) the best **sentence** holds, not
  just the passage, and the best sentence that also holds the asked type.

``evidence`` turns these into numbers per passage (``EVIDENCE``); the confidence model
(``qa.ranker.confidence``, fitted by ``muniqa.eval.train_ranker``) weighs them beside the
ranking score, and ``qa.rerank`` re-orders the first ten passages by them.

Hand-written rules rather than natasha's NER: on a question NER took 80–170 ms a call (plus
5 s to load) on the shared machine, over the whole latency budget, and found no name in the
questions that capitalisation, the gazetteer and pymorphy3's name tags do not (it missed
«Управление» in quotes). The rules are about how Russian writes names and quantities, not
about any gold question.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from muniqa.corpus import places
from muniqa.corpus.morph import analyzer, is_known_word
from muniqa.index.lemmas import fold, lemma, lemmas
from muniqa.index.sentences import sentence_spans

from .question_focus import ACRONYM as _ACRONYM, QUOTED as _QUOTED, WORD as _WORD, YEAR as _YEAR
from .question_focus import Focus, focus, grammemes as _grammemes

EVIDENCE = ("focus_missing", "year_missing", "sent_cov", "typed_cov", "type_missing", "unknown_share",
            "violations")

_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|"
                   r"октябр|ноябр|декабр)\w*|(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)", re.I)
_INITIALS = re.compile(r"\b[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.\s?)?[А-ЯЁ][а-яё]+|\b[А-ЯЁ][а-яё]+\s[А-ЯЁ]\.\s?[А-ЯЁ]\.")

# «когда» asked of a law is answered by a time span or a condition, not only by a date
_WHEN = re.compile(r"\b(?:через|в\s+течение|не\s+позднее|не\s+ранее|в\s+случа[ея]|если|после|срок\w*|"
                   r"ежегодно|ежемесячно|еженедельно|раз\s+в)\b", re.I)
_NUMBER_WORDS = frozenset("""ноль один два три четыре пять шесть семь восемь девять десять одиннадцать двенадцать
 тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать девятнадцать двадцать тридцать сорок
 пятьдесят шестьдесят семьдесят восемьдесят девяносто сто двести триста четыреста пятьсот шестьсот семьсот
 восемьсот девятьсот тысяча миллион миллиард десяток дюжина сотня половина треть четверть оба полтора
 двое трое четверо пятеро шестеро""".split())
_PERSON_TAGS = {"Name", "Surn", "Patr"}
_BODIES = frozenset("""администрация комитет департамент министерство управление служба агентство комиссия
 совет правительство суд прокуратура инспекция надзор орган оператор министр руководитель председатель
 директор губернатор мэр глава начальник заместитель секретарь уполномоченный""".split())
_HONORIFIC = re.compile(r"\b(?:г-н\w*|г-ж\w*|господин\w*|госпож\w*|мистер\w*)\s+[А-ЯЁA-Z]", re.I)
# a count answered by naming the items: «(ТОГУ, ХГУЭП, ДВГУПС)», «на русском, английском и японском»
_ENUMERATION = re.compile(r"[^,;.]+,[^,;.]+(?:,|\sи\s)[^,;.]+")



def name_held(names: frozenset[str], tokens: set[str]) -> bool:
    """A name is held when one of its lemmas is (all words of a two-word name), or (foreign
    names pymorphy3 inflects oddly: «Пучоне») a token starting with all but its last two letters."""
    for n in names:
        if n in tokens or (" " in n and all(p in tokens for p in n.split())):
            return True
    if len(names) > 3:          # a country with its cities: the gazetteer's lemmas are exact
        return False
    stems = [n[:max(4, len(n) - 2)] for n in names if " " not in n and len(n) >= 5]
    return any(t.startswith(s) for s in stems for t in tokens)


# not a quantity: a list item («3. В рамках…»), a document or clause number («№ 21»,
# «пункт 8.6», «1.2.3»), a date («12.05.2024», «1 января»)
_NOT_QUANTITY = re.compile(
    r"(?:^|[;:]\s*)\d+[.)]\s|№\s*[\d.-]+|\b\d+(?:\.\d+){2,}|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|"
    r"\b\d{1,2}\s+(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*|"
    r"\b(?:пункт\w*|п\.|стать\w*|ст\.|глав\w*|раздел\w*|приложени\w*|част\w*|ч\.)\s*\d+(?:\.\d+)*", re.I)
_BARE_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)(?!\s*(?:человек|чел|руб|тыс|млн|ед|шт|%))")
_MONEY = re.compile(r"руб|₽|\$|€|долл|евро|юан|копе", re.I)
_MONEY_WORDS = frozenset("стоить стоимость цена бюджет финансирование сумма деньга зарплата оплата получать "
                         "тратить потратить выделить затрата расход плата".split())
_BIG = frozenset({"тысяча", "миллион", "миллиард"})


def _quantities(text: str, words: list[str]) -> list[int]:
    """Positions in ``words`` (the sentence's words, folded) of the numbers stating a quantity."""
    masked = _BARE_YEAR.sub(lambda m: " " * len(m.group()), _NOT_QUANTITY.sub(lambda m: " " * len(m.group()), text))
    digits = set(re.findall(r"\d+", masked))
    out = []
    for i, w in enumerate(words):
        if w[:1].isdecimal():                    # «14», «164-й»; not a raised «¹» (a footnote mark)
            if re.match(r"\d+", w).group() in digits:
                out.append(i)
        elif _numeral(w):
            out.append(i)
    return out


@lru_cache(maxsize=100_000)
def _numeral(word: str) -> bool:
    """«три», «тысяч», «пятеро»: a number written as a word."""
    return lemma(word) in _NUMBER_WORDS or "NUMR" in analyzer().parse(word)[0].tag



def _has_person_or_org(text: str, own: set[str]) -> bool:
    """A name (initials, a first name or surname, an organisation), an acronym or a «quoted»
    name that is not one of the question's own words."""
    if _INITIALS.search(text) or _HONORIFIC.search(text):
        return True
    if any(lem in _BODIES and lem not in own for lem in lemmas(text)):
        return True
    if any(not set(lemmas(m.group(1))) <= own for m in _QUOTED.finditer(text)):
        return True
    for m in _WORD.finditer(text):
        w = m.group()
        if m.start() == 0 or not w[:1].isupper() or lemma(w) in own:
            continue
        if _ACRONYM.match(w) and not places.lookup(lemma(w), capitalised=True):
            return True
        if _grammemes(w) & _PERSON_TAGS:
            return True
        if not _known(w.lower()) and not places.lookup(lemma(w), capitalised=True):
            return True                         # a foreign name: «Лю Цзян»
    return False


@lru_cache(maxsize=100_000)
def _known(word: str) -> bool:
    return is_known_word(word)


def _has_type(f: Focus, text: str, words: list[str], own: set[str], numbers: list[int]) -> bool:
    if f.asks == "number":
        if not numbers:
            return False
        if own & _MONEY_WORDS:       # «сколько стоит»: an amount of money
            return bool(_MONEY.search(text)) or any(lemma(w) in _BIG for w in words)
        return True
    if f.asks == "year":
        return bool(_YEAR.search(text))
    if f.asks == "date":
        return bool(_DATE.search(text) or _WHEN.search(text))
    if f.asks == "person":
        return _has_person_or_org(text, own)
    return True


def _near_target(f: Focus, text: str, words: list[str], stoks: frozenset[str], own: set[str],
                 numbers: list[int], window: int = 5) -> bool:
    """The asked type within ``window`` words of the noun asked about: a number next to
    «гостиниц», a name next to «мэр»."""
    wanted = {f.target, *f.target.split("-")}
    if wanted.isdisjoint(stoks):
        return False
    at = [i for i, w in enumerate(words) if wanted & {lemma(w), *lemma(w).split("-")}]
    if not at:
        return False
    if f.asks == "number":
        return any(abs(i - j) <= window for i in at for j in numbers) or any(
            _ENUMERATION.search(_window(text, i, window + 3)) for i in at)
    return any(_has_person_or_org(_window(text, i, window + 3), own) for i in at)   # «мэра С. В. Сидоренко»


def _window(text: str, i: int, window: int) -> str:
    """The text of words ``i - window`` .. ``i + window`` (original case kept)."""
    spans = [m.span() for m in _WORD.finditer(text)]
    lo, hi = spans[max(0, i - window)][0], spans[min(len(spans), i + window + 1) - 1][1]
    return " " + text[lo:hi]


@lru_cache(maxsize=8192)
def analysed_sentences(text: str) -> tuple[tuple[str, list[str], frozenset[str], list[int]], ...]:
    """A passage's sentences: (text, folded words, lemmas, positions of quantities); cached,
    since the same passages come back for many questions."""
    out = []
    for s, e in sentence_spans(text) or [(0, len(text))]:
        sent = text[s:e]
        words = [fold(w) for w in _WORD.findall(sent)]
        out.append((sent, words, frozenset(lemmas(sent)), _quantities(sent, words)))
    return tuple(out)


def evidence(question: str, groups: list[set[str]], idf, n_passages: int, texts: list[str],
             heads: list[str], meta: list[tuple[str, int | None, int | None]]) -> np.ndarray:
    """One row per passage, columns as ``EVIDENCE``.

    ``groups``: the question's content lemmas, each with its place's other names (as for
    ``ranker.coverage``); ``texts``: the passages; ``heads``: what every sentence of a
    passage inherits (its city and section heading); ``meta``: the document's title, first
    and last year.
    """
    f = focus(question)
    rarest = float(np.log(1 + max(n_passages, 1)))
    weights = [max(idf(t) for t in g) or rarest for g in groups]
    total = sum(weights) or 1.0
    own = set(lemmas(question, drop_stopwords=False))
    rows = []
    for text, head, (title, y0, y1) in zip(texts, heads, meta):
        head_toks = set(lemmas(f"{head} {title}"))
        sentences = analysed_sentences(text)
        toks = head_toks.union(*(t for _, _, t, _ in sentences))
        missing = sum(not name_held(names, toks) for names in f.entities)
        years_here = {int(y) for y in _YEAR.findall(text)}
        if y0:
            years_here.update(range(y0, (y1 or y0) + 1))
        sent_cov = typed_cov = 0.0
        absent = sum(w for g, w in zip(groups, weights) if not any(idf(t) for t in g)) / total
        for sent, words, stoks, numbers in sentences:
            have = stoks | head_toks
            cov = sum(w for g, w in zip(groups, weights) if not g.isdisjoint(have)) / total
            sent_cov = max(sent_cov, cov)
            close = bool(f.target) and _near_target(f, sent, words, stoks, own, numbers)
            if cov > typed_cov and (close or _has_type(f, sent, words, own, numbers)):
                typed_cov = cov
        year_missing = float(bool(f.years) and not set(f.years) & years_here)
        type_missing = float(bool(f.asks) and typed_cov == 0.0)
        rows.append((missing / len(f.entities) if f.entities else 0.0, year_missing, sent_cov, typed_cov,
                     type_missing, absent, float(missing > 0) + year_missing + type_missing))
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), len(EVIDENCE))


def for_passages(question: str, groups: list[set[str]], data, ids) -> np.ndarray:
    """``evidence`` for passages ``ids`` of an index (``IndexData``)."""
    from muniqa.index.chunk import evidence_head      # the head, and a signature's or a table's
    chunks = [data.chunks[int(i)] for i in ids]
    docs = [data.documents[c.doc_id] for c in chunks]
    return evidence(question, groups, data.lexical.idf, len(data.chunks), [c.text for c in chunks],
                    [evidence_head(c, d) for c, d in zip(chunks, docs)],
                    [(d.meta.title or "", d.meta.year, d.meta.year_end) for d in docs])
