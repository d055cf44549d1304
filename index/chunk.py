"""What a passage is, apart from how passages are cut.

Kept out of ``chunker`` so that opening and searching an index (``store``, ``format3``, the
CLI's ``ask``) does not import langchain-text-splitters, which only cutting needs and which
costs most of a second at start (pydantic, langchain-core).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from .endmatter import extra_head
from .tables import looks_like_header

if TYPE_CHECKING:
    from muniqa.corpus.document import Document

# What ``passage_text`` puts in front of a passage; an index written under another version is
# re-embedded on its next update (``builder``), and read as it is before.
# 1 (no field in the manifest): city and section. 7: the document's short title in front (not
# in what BM25 reads, ``lexical_text``), and a table's header row in front of its later passages.
# 8: a signature block is a passage of its own, indexed (BM25 too) with the document's title and
# a label; a table's passages carry its caption (``endmatter``).
PASSAGE_TEXT_VERSION = 8
TITLE_WORDS = 20        # a title past its first 20 words is its subject at length (detect_title cuts at 160 characters)


@dataclass(frozen=True)
class ChunkerSettings:
    """How long a passage is. 200 words (30 shared with the next) rather than the first 120 (20):
    a wrong first passage was most often the answer's neighbour in the same law or report, and a
    longer one holds the context the question is asked about. Measured with the ranking fitted
    on 120-word passages (``eval.train_ranker.FIT_CHUNKS``): realdocs2 0.758 → 0.840 (p = 0.001),
    dev3 0.849 → 0.867, no gold set lower (README «Quality»)."""
    chunk_size: int = 200      # words
    chunk_overlap: int = 30    # words


@dataclass
class Chunk:
    """A passage: ``text`` is exactly ``document.text[start:end]``."""
    doc_id: str
    start: int
    end: int
    text: str
    section: str
    line_start: int
    line_end: int
    page: int | None = None
    page_end: int | None = None
    ocr: bool = False                # from pages read by OCR
    table_header: str = ""           # header row of the table a continuation chunk belongs to

    def to_dict(self) -> dict:
        return asdict(self)


def passage_head(chunk: Chunk, doc: Document) -> str:
    return ". ".join(x for x in (doc.meta.city, chunk.section) if x)


def sentence_head(chunk: Chunk, doc: Document) -> str:
    """What goes in front of each sentence embedded apart (``sentvec``): the head, and for a
    signature or a table what ``endmatter`` adds, so «Министр В.Л.Мутко» alone is not the
    best sentence of a passage that says whose signature it is."""
    return ". ".join(x for x in (passage_head(chunk, doc), *extra_head(chunk, doc, short_title(doc))) if x)


def evidence_head(chunk: Chunk, doc: Document) -> str:
    """What the second stage (``qa.answerable``) counts as held by every sentence of the
    passage: the head, and what BM25 reads in front of a signature or a table (its words:
    «подписал», «руководит», the act's kind and issuer; the caption)."""
    return ". ".join(x for x in (passage_head(chunk, doc), *extra_head(chunk, doc, "", lexical=True)) if x)


def short_title(doc: Document) -> str:
    """The document's title cut to its first words, or "" when it says nothing the head does
    not: a file name or id standing in for a title, a table row taken for one, or a city's
    report titled «Томск: международная деятельность…», whose city the head names and whose
    topic the other cities' reports share (embedded, it blurred their passages: README,
    Quality)."""
    title = " ".join(doc.meta.title.replace("…", " ").split())
    if (not title or title == doc.doc_id or doc.meta.provenance.get("title") == "filename"
            or " | " in title or any(title.startswith(city) for city in doc.meta.cities if city)):
        return ""
    return " ".join(title.split()[:TITLE_WORDS]).rstrip(" .,;:")


def passage_text(chunk: Chunk, doc: Document) -> str:
    """What is embedded: the passage with its document's short title, city and section heading
    (and, for a table's later passage, the header row naming its columns), so a passage about
    Mogilev in Khabarovsk's report still says it is Khabarovsk's, and one of five similar
    personal-data orders says whose order it is («Минспорт», «МЧС»). What is shown stays
    ``chunk.text``."""
    return _headed(chunk, doc, short_title(doc), lexical=False)


def lexical_text(chunk: Chunk, doc: Document) -> str:
    """What BM25 reads: the same without the title. The title's words in every passage of a
    document took BM25's first place from the passage that really is about them («Кто
    подписал план сотрудничества…»: README, Quality), while in the passage vector they tell
    the documents apart."""
    return _headed(chunk, doc, "", lexical=True)


def _headed(chunk: Chunk, doc: Document, title: str, lexical: bool) -> str:
    header = chunk.table_header if looks_like_header(chunk.table_header) else ""
    extra = extra_head(chunk, doc, short_title(doc) if lexical else "", lexical)    # signature, table caption
    head = ". ".join(x for x in (title, passage_head(chunk, doc), *extra, header) if x)
    return f"{head}.\n{chunk.text}" if head else chunk.text
