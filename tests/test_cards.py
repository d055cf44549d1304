"""Overlapping passages of one document are shown once: one card over their union span."""
from __future__ import annotations

import json

from muniqa.index.sentences import sentence_spans
from muniqa.qa.cards import card_parts, group_overlapping
from muniqa.qa.retrieve import Hit

from .conftest import run_cli

MONGOLIA = "Сотрудничает ли Томск с Монголией?"


def _sentences(p) -> list[tuple[str, str]]:
    return [(p.doc, " ".join(p.text[s:e].split())) for s, e in sentence_spans(p.text)
            if len(p.text[s:e].strip()) > 25]


def test_mongolia_question_repeats_no_sentence_and_a_merged_card_is_verbatim_and_cited_whole(bundled):
    answer = bundled.ask(MONGOLIA, k=10)
    assert len(answer.passages) == 10                     # filled back up to k after merging
    seen = [s for p in answer.passages for s in _sentences(p)]
    assert len(seen) == len(set(seen)), "a sentence is shown twice"
    data = bundled.data
    merged = [p for p in answer.passages if len(p.chunks) > 1]
    assert merged, "the neighbouring Tomsk-2011 passages should make one card"
    for p in answer.passages:
        doc = data.documents[p.doc]
        assert doc.text[p.start:p.end] == p.text          # verbatim from the source
        assert p.text[slice(*p.highlight_span)] == p.highlight
        parts = [data.chunks[c] for c in p.chunks]
        assert all(c.doc_id == p.doc and p.start <= c.start and c.end <= p.end for c in parts)
        assert p.line_start == min(c.line_start for c in parts)
        assert p.line_end == max(c.line_end for c in parts)
    card = merged[0]
    assert f"строки {card.line_start}–{card.line_end}" in card.citation
    assert [p.rank for p in answer.passages] == list(range(1, 11))


def test_groups_join_overlapping_passages_at_the_best_ones_place_and_keep_touching_ones_apart(bundled):
    data = bundled.data
    chunks = list(data.chunks)
    pairs = [i for i in range(len(chunks) - 1) if chunks[i].doc_id == chunks[i + 1].doc_id
             and chunks[i + 1].start < chunks[i].end]
    assert pairs, "the bundled reports are chunked with overlap"
    i = pairs[0]
    other = next(j for j, c in enumerate(chunks) if c.doc_id != chunks[i].doc_id)
    hits = [Hit(other, 0.9, None, None), Hit(i + 1, 0.8, None, None), Hit(i, 0.7, None, None)]
    assert [[h.chunk for h in g] for g in group_overlapping(data, hits)] == [[other], [i + 1, i]]
    bridge = next((j for j in range(len(chunks) - 2) if chunks[j].doc_id == chunks[j + 2].doc_id
                   and chunks[j + 1].start < chunks[j].end and chunks[j + 2].start < chunks[j + 1].end
                   and chunks[j + 2].start >= chunks[j].end), None)
    if bridge is not None:                         # the middle passage joins its two neighbours
        hits = [Hit(bridge, 0.9, None, None), Hit(bridge + 2, 0.8, None, None), Hit(bridge + 1, 0.7, None, None)]
        assert [[h.chunk for h in g] for g in group_overlapping(data, hits)] == [[bridge, bridge + 2, bridge + 1]]
        assert card_parts(data, [bridge, bridge + 2, bridge + 1, other], 2) == [0, 1, 2, 3]
    apart = next((j for j in range(len(chunks) - 1) if chunks[j].doc_id == chunks[j + 1].doc_id
                  and chunks[j + 1].start >= chunks[j].end), None)
    if apart is not None:
        hits = [Hit(apart, 0.9, None, None), Hit(apart + 1, 0.8, None, None)]
        assert len(group_overlapping(data, hits)) == 2


def test_ask_json_lists_the_passages_a_card_covers(bundled):
    out = run_cli("ask", MONGOLIA, "--json", "--index", str(bundled.index_dir))
    assert out.returncode == 0, out.stderr
    cards = json.loads(out.stdout)["passages"]
    assert all(isinstance(c["chunks"], list) and c["chunks"] for c in cards)
    assert any(len(c["chunks"]) > 1 for c in cards)
    texts = [(c["doc"], " ".join(c["text"][s:e].split())) for c in cards for s, e in sentence_spans(c["text"])
             if len(c["text"][s:e].strip()) > 25]
    assert len(texts) == len(set(texts))
