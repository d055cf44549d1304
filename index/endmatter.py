"""What a passage of an act's end matter or of a table says only through its place in the
document, spelled out for the embedder and BM25 (``chunk.passage_text`` / ``lexical_text``).

- A signature block («Министр Е.Н.Зиничев», ``corpus.signature``) is a passage of its own
  (``endmatter_bounds`` are passage boundaries), and it is indexed with the document's title
  and a phrase saying it is the signature of the head, so «Кто подписал приказ Минспорта?» and
  «Кто руководит Госстроем?» reach three words that name neither the order nor signing.
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
CAPTION_WORDS = 30          # a caption is a line or two; a longer paragraph above is prose
CAPTION_PARAGRAPHS = 2      # «Перечень … приведен в таблице № 1» / «Таблица № 1»
HEADER_PARAGRAPHS = 6      # issuer, kind, place, date and number come before an act's title
HEADER_WORDS = 30
_LOOK_BACK = 20000          # characters searched above a table's chunk for its caption
_CELL = " | "


def endmatter_bounds(text: str) -> list[int]:
    """Offsets where a passage must start or end: around every signature block."""
    return sorted({b for s, e in signature_spans(text) for b in (s, e) if 0 < b < len(text)})


def is_signature(chunk: Chunk) -> bool:
    text = chunk.text.strip()
    spans = signature_spans(text)
    return len(spans) == 1 and spans[0][0] == 0 and len(text[spans[0][1]:].strip()) <= 3


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
        if _CELL in para or len(para.split()) > CAPTION_WORDS or len(caption) == CAPTION_PARAGRAPHS:
            break
        caption.insert(0, para.rstrip(" .:"))
    return ". ".join(c for c in caption if c != chunk.section)


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


def extra_head(chunk: Chunk, doc: Document, title: str, lexical: bool = False) -> list[str]:
    """What goes in front of the passage beside its title, city and section: for a signature
    ``title`` (the document's title, when the caller does not put it there already) and a
    label, and for BM25 (``lexical``) also the act's header («ПРИКАЗ», who issued it: in
    capitals it only blurred the passage's vector); for a table its caption."""
    if is_signature(chunk):
        if lexical:
            return [x for x in (act_header(doc), title, SIGNATURE_WORDS) if x]
        return [x for x in (title, SIGNATURE_LABEL) if x]
    caption = table_caption(chunk, doc)
    return [caption] if caption else []
