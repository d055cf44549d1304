"""HTML for the evidence cards and the document reader.

Every piece of document text goes through ``html.escape`` (via ``qa.highlight.mark``)
before any tag of ours is put around it: a report that contains ``<script>`` or markup
shows it as text. Attribute values are escaped with quotes. Nothing here needs a browser.
"""
from __future__ import annotations

import dataclasses
import html
from pathlib import PurePath

from muniqa.corpus.document import Document
from muniqa.index.lemmas import word_spans
from muniqa.qa.citations import where_label as cite_where
from muniqa.qa.citations import years_text
from muniqa.qa.highlight import mark
from muniqa.qa.passages import Passage

from .answer import answer_html

SNIPPET_CONTEXT = 260      # characters of context shown around the best sentence
READER_WINDOW = 60_000     # characters of a document shown around a passage


def public_source(source: str) -> str:
    """A source as the page may show it: relative to the data folder (``uploads/x.txt``),
    else the file name. Absolute server paths stay on the server (exports, tooltips)."""
    if not source:
        return ""
    from muniqa.index.datadir import data_dir
    try:
        return PurePath(source).relative_to(data_dir().resolve()).as_posix()
    except ValueError:
        pass
    try:
        return PurePath(source).relative_to(data_dir()).as_posix()
    except ValueError:
        return PurePath(source).name


def public_citation(p: Passage) -> str:
    """``Passage.citation`` with the file named by ``public_source``."""
    return p.citation.replace(f"файл {p.source}", f"файл {public_source(p.source)}") if p.source else p.citation


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def plural(n: int, one: str, few: str, many: str) -> str:
    """"1 документ", "3 документа", "5 документов"."""
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{n} {word}"


def docs_and_passages(documents: int, passages: int) -> str:
    return (f'{plural(documents, "документ", "документа", "документов")}, '
            f'{plural(passages, "фрагмент", "фрагмента", "фрагментов")}')


def where_html(city: str, year: int | None, year_end: int | None) -> str:
    """"<b>Томск</b> · 2024" with only the known parts (shared formatter ``qa.citations``)."""
    city_html = f"<b>{esc(city)}</b>" if city else ""
    return " · ".join(x for x in (city_html, esc(years_text(year, year_end))) if x)


def years_label(year: int | None, year_end: int | None) -> str:
    return years_text(year, year_end) or "год не указан"


def where_label(p: Passage) -> str:
    return p.where


def marked(text: str, best: tuple[int, int] | None, terms: list[tuple[int, int]]) -> str:
    """``text`` escaped, the best sentence in <mark class="best">, query words in <b class="term">."""
    def region(a: int, b: int) -> str:
        inner = [(max(s, a) - a, min(e, b) - a) for s, e in terms if s < b and e > a]
        return mark(text[a:b], inner, '<b class="term">', "</b>", esc)

    if not best or best[0] >= best[1]:
        return region(0, len(text))
    hs, he = max(0, best[0]), min(len(text), best[1])
    return f'{region(0, hs)}<mark class="best">{region(hs, he)}</mark>{region(he, len(text))}'


def snippet_bounds(text: str, best: tuple[int, int], context: int = SNIPPET_CONTEXT) -> tuple[int, int]:
    """A window around the best sentence that starts and ends at white space."""
    if len(text) <= 2 * context + (best[1] - best[0]):
        return 0, len(text)
    a, b = max(0, best[0] - context), min(len(text), best[1] + context)
    if a > 0:
        cut = text.find(" ", a)
        a = cut + 1 if 0 <= cut < best[0] else best[0]
    if b < len(text):
        cut = text.rfind(" ", best[1], b)
        b = cut if cut > best[1] else best[1]
    return a, b


def _shift(spans: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    return [(s - a, e - a) for s, e in spans if s >= a and e <= b]


def citation_line(p: Passage) -> str:
    section = f' · раздел «{esc(p.section)}»' if p.section else ""
    name = PurePath(p.source).name if p.source else p.doc
    return (f'<div class="mq-cite">{section.removeprefix(" · ")}'
            f'{" · " if section else ""}{esc(where_label(p))} · '
            f'<span class="mq-file" title="{esc(public_source(p.source))}">{esc(name)}</span></div>')


def table_header_html(p: Passage) -> str:
    """The header row of the table a passage continues: the names of its columns."""
    if not p.table_header:
        return ""
    return f'<div class="mq-cite mq-table-head">шапка таблицы: {esc(p.table_header)}</div>'


def card_html(p: Passage, label: str, key: str, anchor: str, similar: str = "",
              actions: bool = True) -> str:
    """One piece of evidence: what it says, where it is, and what to do with it."""
    hs, he = p.highlight_span
    a, b = snippet_bounds(p.text, (hs, he))
    snippet = marked(p.text[a:b], (hs - a, he - a), _shift(p.terms, a, b))
    more = ""
    if (a, b) != (0, len(p.text)):
        snippet = ("… " if a else "") + snippet + (" …" if b < len(p.text) else "")
        more = (f'<details class="mq-full"><summary>Весь фрагмент</summary>'
                f'<div class="mq-text">{marked(p.text, (hs, he), p.terms)}</div></details>')
    topic = (" · " if p.city or p.year else "") + f'<span class="mq-topic">{esc(p.topic)}</span>' if p.topic else ""
    cite_text = f"{p.highlight}\n— {public_citation(p)}"
    buttons = ""
    if actions:
        buttons = (
            f'<div class="mq-actions">'
            f'<button class="mq-btn" data-action="open" data-key="{esc(key)}">Открыть в документе</button>'
            f'<button class="mq-btn" data-action="similar" data-key="{esc(key)}">'
            f'Похожие практики в других городах</button>'
            f'<button class="mq-btn mq-quiet" data-action="copy" data-text="{esc(cite_text)}">'
            f'Копировать цитату</button></div>')
    return (f'<article class="mq-card" id="{esc(anchor)}" data-doc="{esc(p.doc)}">'
            f'<header><span class="mq-n">{esc(label)}</span>'
            f'<span class="mq-where">{where_html(p.city, p.year, p.year_end)}{topic}</span>'
            f'<span class="mq-score" title="оценка релевантности">{p.score:.2f}</span></header>'
            f'<div class="mq-title">{esc(p.title)}</div>{citation_line(p)}{table_header_html(p)}'
            f'<div class="mq-text">{snippet}</div>{more}{buttons}{similar}</article>')


def similar_html(source: Passage, found: list[Passage] | str, rank: int) -> str:
    """Precedents under a card: the same practice in other cities' reports."""
    if isinstance(found, str):
        body = f'<p class="mq-muted">{esc(found)}</p>'
    elif not found:
        body = '<p class="mq-muted">В отчётах других городов похожих фрагментов не найдено.</p>'
    else:
        # no word highlights: every word of a whole passage is a "query word" here
        body = "".join(card_html(dataclasses.replace(p, terms=[]), f"{rank}.{i}", f"s:{rank}:{i}", f"card-{rank}-{i}", actions=False)
                       .replace('<article class="mq-card"', '<article class="mq-card mq-sub"', 1)
                       .replace("</article>", _open_button(f"s:{rank}:{i}") + "</article>", 1)
                       for i, p in enumerate(found, start=1))
    return (f'<section class="mq-similar"><h4>Похожие практики в других городах '
            f'<span class="mq-muted">(для [{rank}], {esc(source.city)})</span></h4>{body}</section>')


def _open_button(key: str) -> str:
    return (f'<div class="mq-actions"><button class="mq-btn" data-action="open" data-key="{esc(key)}">'
            f'Открыть в документе</button></div>')


def counts_html(counts: dict[str, int], passages: list[Passage] = ()) -> str:
    """Per city: passages among the cards / passages in the whole index holding at least half
    of the question's words. Both numbers are shown, and said in words, because the cards are
    only the best k: «Хабаровск 0 из 11» means "11 more passages, click to see them"."""
    if not counts:
        return ""
    shown: dict[str, int] = {}
    for p in passages:
        shown[p.city or "город не указан"] = shown.get(p.city or "город не указан", 0) + 1
    chips = "".join(f'<button class="mq-chip" data-action="city" data-key="{esc(c)}" '
                    f'title="показать только {esc(c)}">{esc(c)} <b>{min(shown.get(c, 0), n)}</b> из {n}</button>'
                    for c, n in counts.items())
    return (f'<div class="mq-counts">Совпадения по городам (в карточках из всех фрагментов, где есть '
            f'не меньше половины слов вопроса, без фильтра по городу; нажмите город, чтобы увидеть его): '
            f'{chips}</div>')


def results_html(question: str, passages: list[Passage], similar: dict[int, list[Passage] | str],
                 counts: dict[str, int], seconds: float, filters_text: str = "") -> str:
    """The whole results column: answer by city, match counts, then the evidence cards."""
    if not question:
        return ('<div class="mq-empty">Задайте вопрос о муниципальных отчётах — например, '
                'выберите один из примеров выше. Ответ собирается из дословных фрагментов '
                'отчётов со ссылками на документ, раздел и строки.</div>')
    head = (f'<div class="mq-summary" data-question="{esc(question)}"><span>Найдено фрагментов: '
            f'<b>{len(passages)}</b>{" · " + esc(filters_text) if filters_text else ""} · {seconds:.2f} с</span>'
            f'<button class="mq-btn mq-quiet" data-action="link" title="ссылка с вопросом и фильтрами">'
            f'Скопировать ссылку на поиск</button></div>')
    if not passages:
        return (head + counts_html(counts, passages) + '<div class="mq-empty">Ничего не найдено. '
                'Попробуйте снять фильтры или переформулировать вопрос.</div>')
    cards = "".join(card_html(p, f"[{p.rank}]", str(p.rank), f"card-{p.rank}",
                              similar_html(p, similar[p.rank], p.rank) if p.rank in similar else "")
                    for p in passages)
    return (f'{answer_html(question, passages)}{head}{counts_html(counts, passages)}'
            f'<div class="mq-cards">{cards}</div>')


def reader_html(doc: Document, start: int, end: int, question_lemmas: set[str] | None = None,
                best: tuple[int, int] | None = None, note: str = "", window: int = READER_WINDOW) -> str:
    """The document around ``text[start:end]``: that passage marked (and scrolled to by the
    page's script), its best sentence and the query's words highlighted."""
    text = doc.text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    a, b = max(0, start - window), min(len(text), end + window)
    if a > 0:
        a = text.rfind("\n", 0, a) + 1
    if b < len(text):
        nl = text.find("\n", b)
        b = nl if nl >= 0 else len(text)
    ql = question_lemmas or set()
    passage = text[start:end]
    terms = [(s, e) for s, e, lem in word_spans(passage) if lem in ql]
    best_rel = (best[0], best[1]) if best else None
    body = (f'{esc(text[a:start])}<mark class="passage" id="mq-target">'
            f'{marked(passage, best_rel, terms)}</mark>{esc(text[end:b])}')
    if a > 0:
        body = f'<p class="mq-muted">… начало документа пропущено …</p>{body}'
    if b < len(text):
        body += '<p class="mq-muted">… окончание документа пропущено …</p>'
    m = doc.meta
    first, last = doc.line_at(start), doc.line_at(max(start, end - 1))
    page, page_end = doc.page_at(start), doc.page_at(max(start, end - 1))
    if doc.unit == "paragraph":
        where = cite_where(None, None, first, last, first, last)
    else:
        lines = cite_where(None, None, first, last)
        where = f"{cite_where(page, page_end, first, last, ocr=doc.is_ocr(page, page_end))}, {lines}" \
            if page else lines
    note_html = f'<div class="mq-warn">{esc(note)}</div>' if note else ""
    return (f'<div class="mq-reader"><div class="mq-reader-head"><div class="mq-title">{esc(m.title)}</div>'
            f'<div class="mq-cite">{" · ".join(x for x in (where_html(m.city, m.year, m.year_end), esc(m.topic)) if x)}'
            f'{" · " if m.city or m.year or m.topic else ""}'
            f'фрагмент: {esc(where)} · <span class="mq-file" title="{esc(public_source(doc.source))}">'
            f'{esc(PurePath(doc.source).name)}</span></div>{note_html}</div>'
            f'<div class="mq-doc">{body}</div></div>')


def examples_html(questions: list[str]) -> str:
    chips = "".join(f'<button class="mq-chip-btn" data-action="example" data-key="{esc(q)}">{esc(q)}</button>'
                    for q in questions)
    return f'<div class="mq-examples"><span class="mq-muted">Примеры:</span>{chips}</div>'


def reader_placeholder() -> str:
    return ('<div class="mq-empty">Здесь откроется документ: нажмите «Открыть в документе» '
            'на карточке результата или в списке документов.</div>')
