"""What a passage of an act's end matter or of a table says only through its place in the
document, spelled out for the embedder and BM25 (``chunk.passage_text`` / ``lexical_text``).

- A signature block after the body («Министр Е.Н.Зиничев», ``corpus.signature``) is a passage
  of its own with the act's closing line (``passage_bounds`` are the chunker's cuts), indexed
  with the document's title and a phrase saying it is the head's signature, so «Кто подписал
  приказ Минспорта?» and «Кто руководит Госстроем?» reach words that name neither.
- A numbered subsection of a few label–value lines («1.8. Сроки исполнения работ» /
  «Окончание разработки – 15.11.08») has the document's title in front of its sentences.
- A table's rows are indexed with its caption, the short paragraphs right above the table
  («Имеющийся состав СЗИ в ИСПДн приведет в таблице № 1», «Таблица № 1»), which the rows
  themselves («1. | VipNet Client 4.3 | 1160») never repeat.

What is shown stays the verbatim ``chunk.text``.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from muniqa.corpus.signature import signature_spans

if TYPE_CHECKING:
    from muniqa.corpus.document import Document

    from .chunk import Chunk

SIGNATURE_LABEL = "Подпись руководителя: кто подписал документ, кто его руководитель"
SIGNATURE_WORDS = "Подпись: документ подписал руководитель, который руководит"   # the verbs of the questions, for BM25
_OPERATIVE = re.compile(r"(?:постановляет|постановляю|приказываю|ПРИКАЗЫВАЮ|ПОСТАНОВЛЯЕТ|ПОСТАНОВЛЯЮ|"
                        r"определил|ОПРЕДЕЛИЛ|решил|РЕШИЛ|предлагаю|обязываю)\s*:")
BODY_WORDS = 40            # a paragraph of prose this long: the body has begun
CLOSING_WORDS = 25         # «4. Контроль за исполнением настоящего приказа оставляю за собой.»
SHORT_SECTION_WORDS = 40   # a section body of a few label–value lines
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+\S")   # «1.8. Сроки …»: a subsection, not a chapter «II. …»
_NUMBERED_ROW = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")   # «9. Сотрудничество в области труда …»
CAPTION_WORDS = 30          # a caption is a line or two; a longer paragraph above is prose
CAPTION_PARAGRAPHS = 2      # «Перечень … приведен в таблице № 1» / «Таблица № 1»
HEADER_PARAGRAPHS = 6      # issuer, kind, place, date and number come before an act's title
HEADER_WORDS = 30
_LOOK_BACK = 20000          # characters searched above a table's chunk for its caption
_CELL = " | "


def passage_bounds(doc: Document) -> list[int]:
    """Where the chunker cuts ``doc`` into spans (each ends at one of them, the last at the
    text's end): at its section headings, and around every signature block, which takes with
    it the act's closing line right above it («Контроль за исполнением настоящего приказа
    оставляю за собой.»): it names what is signed, and a passage of three words alone is what
    the second stage learnt never answers (``rerank``: ``log_words``). A position line the
    cleaner took for a heading («Председатель Правительства» over «Российской Федерации
    Д.Медведев») does not cut a signature in two."""
    text = doc.text
    blocks = [(_closing_start(text, s), e) for s, e in end_signatures(text)]
    bounds = {off for off, _ in doc.headings if not any(s < off < e for s, e in blocks)}
    bounds |= {b for block in blocks for b in block}
    return sorted(b for b in bounds if 0 < b < len(text)) + [len(text)]


def end_signatures(text: str) -> list[tuple[int, int]]:
    """The signature blocks after the body's first paragraph of prose or its operative word
    («постановляет:», «приказываю:»): those of a title page
    («Губернатор Санкт-Петербурга А.Д. Беглов» over «ПЛАН МЕРОПРИЯТИЙ …», «УТВЕРЖДАЮ …») stay
    with the title they sign, which names what they signed."""
    body = re.search(rf"(?:^|\n\n)((?:\S+[ \t]+){{{BODY_WORDS - 1},}}\S+)", text)
    operative = _OPERATIVE.search(text)                # «… Правительство Российской Федерации постановляет:»
    start = min(body.start(1) if body else len(text), operative.start() if operative else len(text))
    return [(s, e) for s, e in signature_spans(text) if s > start]


def _closing_start(text: str, start: int) -> int:
    """Where the short paragraph right above a signature starts (``start`` when there is none)."""
    above = text.rfind("\n\n", 0, max(0, start - 2))
    para = text[above + 2 if above >= 0 else 0:start]
    if not para.strip() or len(para.split()) > CLOSING_WORDS or _CELL in para or "\n\n" in para.strip():
        return start
    return above + 2 if above >= 0 else 0


def is_signature(chunk: Chunk) -> bool:
    """A passage that ends in a signature block with at most its closing line above it."""
    text = chunk.text.strip()
    spans = signature_spans(text)
    if not spans or len(text[spans[-1][1]:].strip()) > 3:
        return False
    return len(text[:spans[-1][0]].split()) <= CLOSING_WORDS


def table_caption(chunk: Chunk, doc: Document) -> str:
    """The short paragraphs right above the table ``chunk`` belongs to ("" for prose, or when
    prose runs right up to the table)."""
    if _CELL not in chunk.text.split("\n", 1)[0]:
        return ""
    before = doc.text[max(0, chunk.start - _LOOK_BACK):chunk.start]
    paras = [p.strip() for p in re.split(r"\n\s*\n", before)]
    caption: list[str] = []
    for para in reversed(paras):
        if not para:
            continue
        if _CELL in para and not caption:
            continue                               # earlier rows of the same table
        if (_CELL in para or len(para.split()) > CAPTION_WORDS or len(caption) == CAPTION_PARAGRAPHS
                or _NUMBERED_ROW.match(para)):
            break                                  # a numbered paragraph is a section of its own, not a caption
        caption.insert(0, para.strip("\ufeff ").rstrip(" .:"))
    return ". ".join(c for c in caption if c and c != chunk.section)


def act_header(doc: Document) -> str:
    """The lines above an act's title: who issued it and what it is («МИНИСТЕРСТВО СПОРТА …»,
    «ПРИКАЗ», «31 октября 2019 г. № 626»); "" when the title is not among the first lines."""
    key = " ".join(doc.meta.title.replace("…", " ").split()[:4]).lower()
    if not key:
        return ""
    paras = [p.strip() for p in doc.text[:3000].split("\n\n")][:HEADER_PARAGRAPHS + 1]
    for i, para in enumerate(paras):
        if " ".join(para.split()).lower().startswith(key):
            words = " ".join(p.rstrip(" .") for p in paras[:i] if p).split()
            return " ".join(words[:HEADER_WORDS])
    return ""


def _signs(chunk: Chunk, doc: Document) -> bool:
    return is_signature(chunk) and any(s >= chunk.start and e <= chunk.end + 3 for s, e in end_signatures(doc.text))


def extra_head(chunk: Chunk, doc: Document, title: str, lexical: bool = False) -> list[str]:
    """What goes in front of the passage beside its title, city and section: for a signature
    ``title`` (the document's title, when the caller does not put it there already) and a
    label, and for BM25 (``lexical``) also the act's header («ПРИКАЗ», who issued it: in
    capitals it only blurred the passage's vector); for a table its caption."""
    if _signs(chunk, doc):
        if lexical:
            return [x for x in (act_header(doc), title, SIGNATURE_WORDS) if x]
        return [x for x in (title, SIGNATURE_LABEL) if x]
    caption = table_caption(chunk, doc)
    if caption:
        return [caption]
    return [title] if title and not lexical and is_short_section(chunk) else []


def is_short_section(chunk: Chunk) -> bool:
    """A whole numbered section of a few label–value lines («1.8. Сроки исполнения работ» /
    «Окончание разработки – 15.11.08»): its words say nothing of what is being developed, which
    every longer passage of the specification repeats, so BM25 and its sentences get the
    document's title too."""
    section = chunk.section.strip()
    if not section or not _NUMBERED.match(section) or not chunk.text.startswith(section[:40]):
        return False
    return 3 <= len(chunk.text.split()) - len(section.split()) <= SHORT_SECTION_WORDS
