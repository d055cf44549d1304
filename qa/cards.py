"""One card per stretch of a document: overlapping passages shown together are merged.

Passages are cut with overlap (``ChunkerSettings``: 200 words, 30 shared with the next), so
two neighbours of one document often rank together and a result list would show their
shared sentences twice («Сотрудничает ли Томск с Монголией?» had the same sentence at ranks
1 and 2). Shown results are therefore grouped: passages of one document whose character
spans overlap (directly or through a chain) become one card covering the union of their
spans. Its text is taken from the document's text by that span, so it stays verbatim; its
citation covers every part (first to last page, line or paragraph); it takes the place, the
score, the highlighted sentence and the ``answers`` verdict of its best part. Passages that
merely touch (a section boundary, where passages do not overlap) share no text and stay apart.

Only what is shown changes: retrieval, the ranking and ``muniqa eval`` still see passages.
"""
from __future__ import annotations

from dataclasses import replace

from muniqa.index.store import IndexData

from .citations import paragraphs
from .highlight import term_spans
from .passages import Passage, make_passages
from .retrieve import Hit


def _overlap_groups(data: IndexData, chunks: list[int], k: int | None = None) -> list[list[int]]:
    """Positions in ``chunks`` (passage numbers, best first) grouped into cards: passages of
    one document whose spans overlap, directly or through a chain; cards in order of their
    best part, each best first. With ``k``, a passage that would start a card after the
    first ``k`` is left out (and the scan stops ``3 * k`` passages down: parts that far are rare)."""
    groups: list[list[int]] = []
    spans: list[tuple[str, int, int]] = []          # per card: document, union start and end
    for pos, chunk in enumerate(chunks):
        c = data.chunks[chunk]
        joined = [g for g, (doc, s, e) in enumerate(spans) if doc == c.doc_id and c.start < e and s < c.end]
        if not joined:
            if k is not None and len(groups) >= k:
                if pos >= 3 * k:
                    break
                continue
            groups.append([pos])
            spans.append((c.doc_id, c.start, c.end))
            continue
        first = joined[0]                            # the best card it touches: keep its place
        for g in reversed(joined[1:]):               # a passage bridging two cards joins them
            groups[first] += groups.pop(g)
            doc, s, e = spans.pop(g)
            spans[first] = (doc, min(s, spans[first][1]), max(e, spans[first][2]))
        groups[first].append(pos)
        doc, s, e = spans[first]
        spans[first] = (doc, min(s, c.start), max(e, c.end))
    return groups


def group_overlapping(data: IndexData, hits: list[Hit]) -> list[list[Hit]]:
    """``hits`` grouped: each group's hits overlap in one document, groups in order of their
    best hit, each group best first."""
    return [[hits[p] for p in group] for group in _overlap_groups(data, [h.chunk for h in hits])]


def merge_card(data: IndexData, best: Passage, parts: list[int], query_lemmas: set[str]) -> Passage:
    """One card for ``best`` and the overlapping passages numbered ``parts`` (``best``'s
    own number among them) of its document."""
    if len(parts) == 1:
        return best
    doc = data.documents[best.doc]
    in_order = sorted(parts, key=lambda i: (data.chunks[i].start, data.chunks[i].end))
    chunks = [data.chunks[i] for i in in_order]
    start, end = min(c.start for c in chunks), max(c.end for c in chunks)
    text = doc.text[start:end]
    shift = best.start - start
    hs, he = best.highlight_span
    pages = [c.page for c in chunks if c.page] + [c.page_end for c in chunks if c.page_end]
    line_start, line_end = min(c.line_start for c in chunks), max(c.line_end for c in chunks)
    sections = list(dict.fromkeys(c.section for c in chunks if c.section))
    return replace(
        best, text=text, start=start, end=end, highlight_span=(hs + shift, he + shift),
        terms=term_spans(text, query_lemmas), section="; ".join(sections),
        page=min(pages) if pages else None,
        page_end=max(pages) if pages and max(pages) != min(pages) else None,
        line_start=line_start, line_end=line_end,
        ocr=any(c.ocr for c in chunks), table_header=chunks[0].table_header, chunks=in_order,
        **{"paragraph_start": None, "paragraph_end": None, **paragraphs(doc.unit, line_start, line_end)})


def card_parts(data: IndexData, chunks: list[int], k: int) -> list[int]:
    """Positions in ``chunks`` (passage numbers, best first) of the parts of the first ``k``
    cards: what ``Retriever.search(select=...)`` returns, so merging costs no second search."""
    return sorted(p for group in _overlap_groups(data, chunks, k) for p in group)


def shown_cards(search, data: IndexData, k: int, query_lemmas: set[str], query_vector=None) -> list[Passage]:
    """Up to ``k`` cards from ``search(k, select)`` (``Retriever.search`` with ``select``);
    only each card's best part is made a ``Passage`` (highlight, terms): the others lend
    their spans and citations."""
    hits = search(k, lambda chunks, n: card_parts(data, chunks, n))
    groups = group_overlapping(data, hits)[:k]
    bests = make_passages(data, [group[0] for group in groups], query_lemmas, query_vector)
    return [replace(merge_card(data, best, [h.chunk for h in group], query_lemmas), rank=rank)
            for rank, (best, group) in enumerate(zip(bests, groups), start=1)]
