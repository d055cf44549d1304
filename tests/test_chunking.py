"""Passages: sentence-preserving, sized in words, under their section heading."""
from __future__ import annotations

from muniqa.corpus.loader import bundled_reports_dir, iter_documents
from muniqa.index.chunker import Chunker, ChunkerSettings
from muniqa.index.lemmas import count_words
from muniqa.index.sentences import sentence_spans
from muniqa.qa.gazetteer import expand
from muniqa.qa.retrieve import query_lemmas


def _docs():
    return [d for d in iter_documents([bundled_reports_dir()])]


def test_chunks_never_cut_a_sentence_that_fits():
    chunker = Chunker(ChunkerSettings(chunk_size=60, chunk_overlap=10))
    for doc in _docs():
        starts = {s for s, _ in sentence_spans(doc.text)}
        ends = {e for _, e in sentence_spans(doc.text)}
        long = [(s, e) for s, e in sentence_spans(doc.text) if count_words(doc.text[s:e]) > 60]
        for c in chunker.chunk(doc):
            assert doc.text[c.start:c.end] == c.text
            inside_long = any(s <= c.start < e or s < c.end <= e for s, e in long)
            if not inside_long:
                assert c.start in starts, (doc.doc_id, c.text[:60])
                assert c.end in ends, (doc.doc_id, c.text[-60:])


def test_chunk_size_is_respected_in_words():
    chunker = Chunker(ChunkerSettings(chunk_size=80, chunk_overlap=0))
    for doc in _docs():
        sizes = [count_words(c.text) for c in chunker.chunk(doc)]
        assert max(sizes) <= 80 + 5   # a lone over-long clause may spill slightly


def test_chunks_carry_their_section_heading_and_do_not_cross_it():
    doc = next(d for d in _docs() if d.doc_id == "khabarovsk-2021-international-tourism")
    chunks = Chunker().chunk(doc)
    tourism = doc.text.index("Развитие туризма")
    assert any(c.section == "Развитие туризма" for c in chunks)
    assert not any(c.start < tourism < c.end - len("Развитие туризма") for c in chunks)
    assert all(c.section == "Развитие туризма" for c in chunks if c.start >= tourism)


def test_gazetteer_joins_adjectives_and_official_names():
    assert {"беларусь", "белоруссия"} <= set(query_lemmas("белорусскими партнерами"))
    assert "кнр" in expand(["китайский"]) and "китай" in expand(["кнр"])
    assert set(query_lemmas("белорусскими", gazetteer=False)) == {"белорусский"}
