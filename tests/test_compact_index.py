"""Index format 3: memory-mapped columns that open lazily and answer exactly as format 2 did,
format-2 indexes converted without re-embedding, BM25 written from token ids with bm25s's
own scores, and the streaming synthetic build of ``muniqa bench --chunks``."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from muniqa.index.bm25 import LexicalIndex
from muniqa.index.bm25_build import write_bm25
from muniqa.index.chunk import lexical_text
from muniqa.index.dense import DenseIndex
from muniqa.index.lemmas import fold, lemmas
from muniqa.index.legacy import load_v2
from muniqa.index.store import IndexOpenError, live_version, load_index
from muniqa.qa.filters import Filters
from muniqa.qa.retrieve import Retriever, query_lemmas

from .conftest import run_cli

QUESTIONS = ["фестиваль ледовых скульптур", "Какие города сотрудничают с белорусскими партнерами?",
             "туристский информационный центр", "побратимские связи с Японией"]
FILTERS = [None, Filters(cities=["Томск"]), Filters(year_from=2024), Filters(exclude_cities=["Хабаровск"]),
           Filters(cities=["Хабар"], year_to=2023), Filters(topic="туризм")]


def _as_format2(index_dir) -> None:
    """Turn the live format-3 version into what format 2 wrote: chunks.jsonl with tokens,
    no columns (the rest of the files are the same in both formats)."""
    version = live_version(index_dir)
    data = load_index(index_dir)
    with open(version / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for chunk, toks in zip(data.chunks, data.tokens):
            fh.write(json.dumps({**chunk.to_dict(), "tokens": toks}, ensure_ascii=False) + "\n")
    for name in ("chunks.npy", "chunk_doc.npy", "texts.npy", "texts_spans.npy", "strings.npy",
                 "strings_spans.npy", "tokens.npy", "token_offsets.npy", "vocab.npy", "vocab_spans.npy",
                 "document_offsets.npy", "document_meta.json"):
        (version / name).unlink()
    manifest = json.loads((version / "manifest.json").read_text())
    (version / "manifest.json").write_text(json.dumps({**manifest, "format": 2}))


def test_format3_opens_lazily_and_holds_the_verbatim_passages(bundled):
    data = load_index(bundled.index_dir)
    assert data.manifest["format"] == 3 and not (data.path / "chunks.jsonl").exists()
    Retriever(data, bundled.embedder).search("туризм", filters=Filters(cities=["Томск"], year_from=2020))
    assert len(data.documents._cache) == 0          # opening and searching read no document text
    for i in range(len(data.chunks)):
        c = data.chunks[i]
        doc = data.documents[c.doc_id]
        assert c.text == doc.text[c.start:c.end]
        assert data.tokens[i] == lemmas(lexical_text(c, doc))
    assert [c.doc_id for c in data.chunks] == [data.doc_ids[d] for d in data.chunk_doc]
    assert data.chunks.find(c.doc_id, c.start, c.end) == len(data.chunks) - 1


def test_numpy_filter_mask_keeps_the_rules_of_accepts(bundled):
    data = bundled.data
    known = {fold(c) for d in data.documents.values() for c in d.meta.cities}
    for f in FILTERS[1:] + [Filters(doc_ids=[data.doc_ids[0]])]:
        ok = [f.accepts(d.doc_id, d.meta, known) for d in data.documents.values()]
        assert f.mask(data).tolist() == [ok[d] for d in data.chunk_doc], f


def test_format2_index_is_converted_without_reembedding_and_answers_the_same(bundled, index_copy):
    before = load_index(index_copy)
    _as_format2(index_copy)
    old_version = live_version(index_copy)
    legacy = load_v2(old_version, json.loads((old_version / "manifest.json").read_text()))
    after = load_index(index_copy)                    # converts, then opens format 3
    assert after.manifest["format"] == 3 and after.path != old_version
    assert np.array_equal(np.asarray(after.vectors), legacy.vectors)
    assert (after.path / "partners.jsonl").read_bytes() == (old_version / "partners.jsonl").read_bytes()
    new, old = Retriever(after, bundled.embedder), Retriever(legacy, bundled.embedder)
    for q in QUESTIONS:
        vec = bundled.embedder.embed_query(q)
        for f in FILTERS:
            for system in ("hybrid", "dense", "bm25-lemma"):
                got = [(h.chunk, round(h.score, 6)) for h in new.search(q, filters=f, config=system, query_vector=vec)]
                want = [(h.chunk, round(h.score, 6)) for h in old.search(q, filters=f, config=system, query_vector=vec)]
                assert got == want, (q, f, system)
    assert [c for c in after.chunks] == [c for c in before.chunks]


def test_damaged_format2_index_says_how_to_rebuild_in_one_line(index_copy):
    _as_format2(index_copy)
    (live_version(index_copy) / "chunks.jsonl").write_text("{not json\n")
    with pytest.raises(IndexOpenError, match="формате 2.*rebuild"):
        load_index(index_copy)
    res = run_cli("ask", "туризм", "--index", str(index_copy))
    assert res.returncode == 1 and "Traceback" not in res.stderr and "формате 2" in res.stderr


def test_bm25_from_token_ids_scores_exactly_as_bm25s(bundled, tmp_path):
    data = bundled.data
    token_lists = [data.tokens[i] for i in range(len(data.chunks))] + [[]]     # and an all-stop-word passage
    vocab = list(dict.fromkeys(t for toks in token_lists for t in toks))
    ids = np.array([vocab.index(t) for toks in token_lists for t in toks], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in token_lists])])
    write_bm25(tmp_path / "bm25", ids, offsets, vocab, len(vocab))
    ours = LexicalIndex.load(tmp_path / "bm25", len(token_lists))
    theirs = LexicalIndex.build(token_lists)
    queries = [query_lemmas(q) for q in QUESTIONS] + [[t] for t in vocab[::7]]
    for q in queries:
        a = ours.scores(q)
        b = np.asarray(theirs._model.get_scores(q) if any(t in theirs._model.vocab_dict for t in q)
                       else np.zeros(len(token_lists)), dtype=np.float32)
        assert np.array_equal(a, b), q
    assert ours.idf(vocab[3]) == pytest.approx(theirs.idf(vocab[3]))


def test_quantised_vectors_find_the_same_neighbours_as_exact_search(bundled):
    """Real sentence vectors of the bundled reports as the corpus, passage vectors as queries."""
    data = bundled.data
    corpus = np.asarray(data.sentences.vectors, dtype=np.float32)
    corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
    exact, sq8 = DenseIndex.build(corpus, corpus.shape[1], "flat"), DenseIndex.build(corpus, corpus.shape[1], "sq8")
    overlap = [len(set(exact.search(q, 10)[0]) & set(sq8.search(q, 10)[0])) / 10 for q in np.asarray(data.vectors)]
    assert np.mean(overlap) >= 0.9


def test_streaming_synthetic_build_opens_and_filters(bundled, tmp_path):
    from muniqa.eval.bench_scale import PER_DOC, build
    figures = build(bundled.index_dir, tmp_path / "synthetic", 2500)
    data = load_index(tmp_path / "synthetic")
    assert figures["chunks"] == len(data.chunks) == len(data.vectors) == len(data.sentences) == 2500
    assert len(data.documents) == 25 and data.chunk_doc[PER_DOC] == 1
    base = bundled.data
    texts = {base.chunks[i].text: base.tokens[i] for i in range(len(base.chunks))}
    for i in (0, 1234, 2499):
        toks = data.tokens[i]
        assert toks[:-3] == texts[data.chunks[i].text] and len(toks) == len(texts[data.chunks[i].text]) + 3
    hits = Retriever(data, bundled.embedder).search("фестиваль", filters=Filters(cities=["Томск"], year_from=2015))
    assert hits and all(data.documents[data.chunks[h.chunk].doc_id].meta.cities == ["Томск"] for h in hits)
    shutil.rmtree(tmp_path / "synthetic")


def test_city_match_counts_from_postings_count_the_passages_holding_half_the_words(bundled):
    """The search page's per-city counts, now numpy over BM25 postings, against a direct
    count over every passage's lemma set (what the page counted before format 3)."""
    import math

    from muniqa.qa.gazetteer import related
    from muniqa.ui.search import match_counts
    from muniqa.ui.state import SearchState
    data = bundled.data
    for st in (SearchState("фестиваль ледовых скульптур"), SearchState("сотрудничество с Китаем", year_from=2024),
               SearchState("туристский информационный центр Томска")):
        concepts = []
        for lem in dict.fromkeys(lemmas(st.question)):
            if not any(lem in c for c in concepts):
                concepts.append({lem, *related(lem)})
        need = max(1, math.ceil(len(concepts) / 2))
        mask = st.filters(with_cities=False).mask(data)
        want: dict[str, int] = {}
        for i in range(len(data.chunks)):
            if (mask is None or mask[i]) and sum(bool(c & set(data.tokens[i])) for c in concepts) >= need:
                for city in data.documents[data.chunks[i].doc_id].meta.cities or ["город не указан"]:
                    want[city] = want.get(city, 0) + 1
        assert match_counts(data, st) == want and want, st.question
