"""One card per stretch of a document: overlapping passages shown together are merged.

Passages are cut with overlap (``ChunkerSettings``: 120 words, 20 shared with the next), so
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
from .passages import Passage
from .retrieve import Hit


def group_overlapping(data: IndexData, hits: list[Hit]) -> list[list[Hit]]:
    """``hits`` grouped: each group's hits overlap in one document, groups in order of their
    best hit, each group best first."""
    groups: list[list[Hit]] = []
    spans: list[tuple[str, int, int]] = []          # per group: document, union start and end
    for hit in hits:
        c = data.chunks[hit.chunk]
        joined = [g for g, (doc, s, e) in enumerate(spans) if doc == c.doc_id and c.start < e and s < c.end]
        if not joined:
            groups.append([hit])
            spans.append((c.doc_id, c.start, c.end))
            continue
        first = joined[0]                            # the best group it touches: keep its place
        for g in reversed(joined[1:]):               # a hit bridging two groups joins them
            groups[first] += groups.pop(g)
            doc, s, e = spans.pop(g)
            spans[first] = (doc, min(s, spans[first][1]), max(e, spans[first][2]))
        groups[first].append(hit)
        doc, s, e = spans[first]
        spans[first] = (doc, min(s, c.start), max(e, c.end))
    return groups


def merge_card(data: IndexData, parts: list[Passage], query_lemmas: set[str]) -> Passage:
    """One card for the overlapping passages ``parts`` (best first) of one document."""
    best = parts[0]
    if len(parts) == 1:
        return best
    doc = data.documents[best.doc]
    in_order = sorted(parts, key=lambda p: (p.start, p.end))
    start, end = min(p.start for p in parts), max(p.end for p in parts)
    text = doc.text[start:end]
    shift = best.start - start
    hs, he = best.highlight_span
    pages = [p.page for p in parts if p.page] + [p.page_end for p in parts if p.page_end]
    line_start, line_end = min(p.line_start for p in parts), max(p.line_end for p in parts)
    sections = list(dict.fromkeys(p.section for p in in_order if p.section))
    return replace(
        best, text=text, start=start, end=end, highlight_span=(hs + shift, he + shift),
        terms=term_spans(text, query_lemmas), section="; ".join(sections),
        page=min(pages) if pages else None,
        page_end=max(pages) if pages and max(pages) != min(pages) else None,
        line_start=line_start, line_end=line_end, paragraph_start=None, paragraph_end=None,
        ocr=any(p.ocr for p in parts), table_header=in_order[0].table_header,
        chunks=[p.chunk for p in in_order],
        **paragraphs(doc.unit, line_start, line_end))


def cards(data: IndexData, groups: list[list[Hit]], passages: dict[int, Passage],
          query_lemmas: set[str]) -> list[Passage]:
    """The cards of ``groups`` ranked 1, 2, … (``passages``: the passage of each hit's chunk)."""
    return [replace(merge_card(data, [passages[h.chunk] for h in group], query_lemmas), rank=rank)
            for rank, group in enumerate(groups, start=1)]


def card_parts(data: IndexData, chunks: list[int], k: int) -> list[int]:
    """Positions in ``chunks`` (passage numbers, best first) of the parts of the first ``k``
    cards: what ``Retriever.search(select=...)`` returns, so merging costs no second search."""
    firsts: list[tuple[str, int, int]] = []          # per card: document and union span
    keep: list[int] = []
    for pos, chunk in enumerate(chunks):
        c = data.chunks[chunk]
        joined = [g for g, (doc, s, e) in enumerate(firsts) if doc == c.doc_id and c.start < e and s < c.end]
        if joined:                                   # a part; one bridging two cards joins them
            doc, s, e = c.doc_id, c.start, c.end
            for g in reversed(joined):
                _, gs, ge = firsts.pop(g)
                s, e = min(s, gs), max(e, ge)
            firsts.insert(joined[0], (doc, s, e))
            keep.append(pos)
        elif len(firsts) < k:
            firsts.append((c.doc_id, c.start, c.end))
            keep.append(pos)
        elif pos >= 3 * k:                            # k cards made; parts that far down are rare
            break
    return keep


def shown_cards(search, data: IndexData, k: int, query_lemmas: set[str], query_vector=None) -> list[Passage]:
    """Up to ``k`` cards from ``search(k, select)`` (``Retriever.search`` with ``select``)."""
    from .passages import make_passages

    hits = search(k, lambda chunks, n: card_parts(data, chunks, n))
    groups = group_overlapping(data, hits)[:k]
    wanted = [h for group in groups for h in group]
    made = make_passages(data, wanted, query_lemmas, query_vector)
    return cards(data, groups, {h.chunk: p for h, p in zip(wanted, made)}, query_lemmas)
