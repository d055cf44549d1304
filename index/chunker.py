"""Split a cleaned document into passages that never cut a sentence and know their section.

Sentences come from razdel (a Russian sentence splitter that knows "г.", "т.д." and
initials); langchain-text-splitters merges them into chunks of at most ``chunk_size``
words with ``chunk_overlap`` words of overlap. Only a sentence longer than a whole chunk
is cut, at clause and word boundaries. Chunks never cross a section heading, so each
chunk carries the heading it sits under. A table (consecutive " | " rows, see tables.py) is
chunked by whole rows apart from the prose around it; when it needs several chunks, each
later one carries the table's header row in ``table_header``, so a value is never shown
without the names of its columns. A chunk cites the range of pages it spans.
"""
from __future__ import annotations

import re

from langchain_text_splitters import RecursiveCharacterTextSplitter, TextSplitter

from muniqa.corpus.document import Document

from .endmatter import passage_bounds
from .chunk import Chunk, ChunkerSettings  # noqa: F401  (re-exported: the records live apart)
from .lemmas import count_words
from .sentences import sentence_spans
from .tables import row_chunks, split_tables


class _SentenceMerger(TextSplitter):
    """langchain's merging (size limit, overlap) applied to our sentence units."""

    def split_text(self, text: str) -> list[str]:  # pragma: no cover - we call merge directly
        raise NotImplementedError

    def merge(self, units: list[str]) -> list[str]:
        return self._merge_splits(units, separator="")


class Chunker:
    def __init__(self, settings: ChunkerSettings | None = None):
        self.settings = settings or ChunkerSettings()
        size, overlap = self.settings.chunk_size, self.settings.chunk_overlap
        self._merger = _SentenceMerger(chunk_size=size, chunk_overlap=overlap,
                                       length_function=count_words, strip_whitespace=False)
        self._long = RecursiveCharacterTextSplitter(
            chunk_size=size, chunk_overlap=0, length_function=count_words,
            separators=["\n", "; ", ", ", " "], keep_separator="end", strip_whitespace=False)

    def units(self, text: str) -> list[str]:
        """Sentences (with their trailing white space); concatenated they give ``text`` back."""
        spans = sentence_spans(text)
        out: list[str] = []
        for i, (start, _) in enumerate(spans):
            start = 0 if i == 0 else start
            end = spans[i + 1][0] if i + 1 < len(spans) else len(text)
            out.extend(self._split_long(text[start:end]))
        return [u for u in out if u]

    def _split_long(self, sentence: str) -> list[str]:
        if count_words(sentence) <= self.settings.chunk_size:
            return [sentence]
        return self._long.split_text(sentence)

    def chunk(self, doc: Document) -> list[Chunk]:
        bounds = passage_bounds(doc)           # section headings; a signature block: its own passage
        chunks: list[Chunk] = []
        start = 0
        for end in bounds:
            chunks.extend(self._chunk_span(doc, start, end))
            start = end
        return chunks

    def _chunk_span(self, doc: Document, span_start: int, span_end: int) -> list[Chunk]:
        section = doc.section_at(span_start)
        out: list[Chunk] = []
        for start, end, is_table in split_tables(doc.text, span_start, span_end):
            if is_table:
                size = self.settings.chunk_size
                for s, e, header in row_chunks(doc.text, start, end, size, count_words):
                    if count_words(doc.text[s:e]) <= size:
                        out.append(self._make(doc, s, e, section, header))
                        continue
                    head = header or doc.text[s:e].split("\n\n", 1)[0]   # rows longer than a chunk
                    for i, c in enumerate(self._chunk_prose(doc, s, e, section)):
                        c.table_header = header if i == 0 else head
                        out.append(c)
            else:
                out.extend(self._chunk_prose(doc, start, end, section))
        return out

    @staticmethod
    def _make(doc: Document, s: int, e: int, section: str, header: str = "") -> Chunk:
        page, page_end = doc.page_at(s), doc.page_at(e - 1)
        return Chunk(doc.doc_id, s, e, doc.text[s:e], section, doc.line_at(s), doc.line_at(e - 1),
                     page, page_end if page_end != page else None, doc.is_ocr(page, page_end), header)

    def _chunk_prose(self, doc: Document, span_start: int, span_end: int, section: str) -> list[Chunk]:
        text = doc.text[span_start:span_end]
        out: list[Chunk] = []
        cursor = 0
        for piece in self._merger.merge(self.units(text)):
            piece = piece.strip()
            if not piece or not re.search(r"\w", piece):
                continue
            at = text.find(piece, cursor)
            if at < 0:                       # cannot happen: pieces are slices of text
                raise AssertionError(f"chunk not found in {doc.doc_id}")
            cursor = at + 1
            s, e = span_start + at, span_start + at + len(piece)
            out.append(self._make(doc, s, e, section))
        return out
