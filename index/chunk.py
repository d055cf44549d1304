"""What a passage is, apart from how passages are cut.

Kept out of ``chunker`` so that opening and searching an index (``store``, ``format3``, the
CLI's ``ask``) does not import langchain-text-splitters, which only cutting needs and which
costs most of a second at start (pydantic, langchain-core).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from muniqa.corpus.document import Document


@dataclass(frozen=True)
class ChunkerSettings:
    chunk_size: int = 120      # words
    chunk_overlap: int = 20    # words


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


def passage_text(chunk: Chunk, doc: Document) -> str:
    """What is embedded and BM25-indexed: the passage with its city and section heading,
    so a passage about Mogilev in Khabarovsk's report still says it is Khabarovsk's."""
    head = passage_head(chunk, doc)
    return f"{head}.\n{chunk.text}" if head else chunk.text
