"""BM25's pruned top list (MaxScore, ``index/bm25_topk.py``) against exhaustive scoring:
the same passages, the same float32 scores bit for bit, the same order of ties, filters
respected; on the real bundled index and on random matrices full of ties."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from muniqa.index import bm25 as bm25_module
from muniqa.index.bm25 import LexicalIndex
from muniqa.index.bm25_build import MAX_IMPACT
from muniqa.index.bm25_topk import Scratch, max_impacts, scores_at, top_k
from muniqa.index.store import load_index
from muniqa.index.topn import top_positive
from muniqa.qa.filters import Filters
from muniqa.qa.retrieve import Retriever, query_lemmas

GOLD = Path(__file__).parents[1] / "eval" / "gold"
WAYS = (None, "accumulate", "maxscore")


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], what) -> None:
    assert np.array_equal(a[0], b[0]), what
    assert a[1].dtype == b[1].dtype == np.float32, what
    assert np.array_equal(a[1].view(np.uint32), b[1].view(np.uint32)), what


@pytest.fixture(scope="module")
def questions() -> list[str]:
    out = []
    for name in ("dev.jsonl", "dev2.jsonl", "partners.jsonl"):
        for line in (GOLD / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if isinstance(row, dict) and row.get("question"):      # partners.jsonl opens with a header
                out.append(row["question"])
    return out


def test_pruned_top_list_is_the_exhaustive_one_on_the_bundled_index(bundled, questions):
    data = bundled.data
    lex = data.lexical
    assert lex.bounds is not None, "a freshly written index has each word's highest score"
    rng = np.random.default_rng(3)
    masks = [None, Filters(cities=["Томск"]).mask(data), Filters(year_from=2022).mask(data),
             rng.random(len(data.chunks)) < 0.1]
    assert all(m is None or 0 < m.sum() < len(m) for m in masks)
    checked = 0
    for q in questions[::2]:
        toks = query_lemmas(q)
        for mask in masks:
            for n in (1, 10, 100):
                exhaustive = lex.top(toks, n, mask, pruned=False)
                for way in WAYS:
                    _same(lex.top(toks, n, mask, pruned=True, way=way), exhaustive, (q, n, way))
                checked += len(exhaustive[0])
            every = lex.scores(toks, mask)
            rows = np.arange(len(data.chunks))
            assert np.array_equal(lex.scores_of(toks, rows, mask).view(np.uint32), every.view(np.uint32)), q
    assert checked > 5_000


def test_search_finds_the_same_passages_with_pruning(bundled, questions, monkeypatch):
    data = bundled.data
    retriever = Retriever(data, bundled.embedder)
    tomsk = Filters(cities=["Томск"])
    picked = questions[::20]
    vectors = {q: bundled.embedder.embed_query(q) for q in picked}

    def run():
        return [[(h.chunk, h.score, h.lexical) for h in retriever.search(q, k=10, filters=f, query_vector=vectors[q],
                                                                        config=system)]
                for q in picked for f in (None, tomsk) for system in ("hybrid", "bm25-lemma")]

    monkeypatch.setattr(bm25_module, "PRUNE_FROM", 10**12)
    assert not data.lexical.prunes()
    before = run()
    monkeypatch.setattr(bm25_module, "PRUNE_FROM", 0)
    assert data.lexical.prunes()
    assert run() == before


def test_an_index_written_before_the_bounds_gives_the_same_list_without_error(bundled, index_copy, monkeypatch):
    monkeypatch.setattr(bm25_module, "PRUNE_FROM", 0)
    removed = list(index_copy.rglob(MAX_IMPACT))
    assert removed
    for path in removed:
        path.unlink()
    old = load_index(index_copy)
    assert old.lexical.bounds is None and old.lexical.prunes()
    toks = query_lemmas("фестиваль ледовых скульптур в Томске")
    _same(old.lexical.top(toks, 50), bundled.data.lexical.top(toks, 50, pruned=True), "no bounds")


def _random_csc(rng, n_docs: int, n_words: int):
    """Postings of random sizes (some empty, some nearly every passage) whose scores come from
    a handful of values, so that many passages tie, plus a few words with arbitrary floats."""
    indptr, indices, data = [0], [], []
    levels = np.array([0.25, 0.5, 1.0, 1.5, 3.0], np.float32)
    for w in range(n_words):
        df = int(rng.choice([0, 1, 5, 50, n_docs // 3, n_docs - 1]))
        rows = np.sort(rng.choice(n_docs, df, replace=False)).astype(np.int32)
        vals = rng.choice(levels, df) if w % 4 else rng.random(df).astype(np.float32) * 2 + 0.01
        indices.append(rows)
        data.append(vals.astype(np.float32))
        indptr.append(indptr[-1] + df)
    return np.array(indptr, np.int64), np.concatenate(indices), np.concatenate(data)


def test_pruned_top_list_on_random_matrices_with_many_ties():
    rng = np.random.default_rng(7)
    scratch = Scratch(3000)
    for _ in range(6):
        n_docs, n_words = int(rng.integers(50, 3000)), 30
        scratch.n_docs, scratch.arrays = n_docs, None
        indptr, indices, data = _random_csc(rng, n_docs, n_words)
        bounds = max_impacts(data, indptr)
        for _ in range(60):
            words = rng.integers(0, n_words, int(rng.integers(1, 9)))      # repeats allowed
            starts, ends = indptr[words], indptr[words + 1]
            mask = None if rng.random() < 0.4 else rng.random(n_docs) < rng.choice([0.02, 0.3, 0.9])
            every = np.zeros(n_docs, np.float32)
            for a, b in zip(starts, ends):                                 # as LexicalIndex.scores
                every[indices[a:b]] += data[a:b]
            if mask is not None:
                every *= mask.astype(np.float32)
            for k in (1, 7, 100, n_docs + 5):
                ids = top_positive(every, k, mask)
                for way in WAYS:
                    got = top_k(indices, data, starts, ends, bounds[words], k, mask, scratch, way)
                    _same(got, (ids, every[ids]), (words, k, way))
            assert not scratch.arrays[0].any(), "the scratch array is left all zeros"
            rows = rng.integers(0, n_docs, 40)
            found = scores_at(indices, data, starts, ends, rows)
            if mask is not None:
                found *= mask[rows].astype(np.float32)
            assert np.array_equal(found.view(np.uint32), every[rows].view(np.uint32))


def test_a_shard_keeps_the_bounds_and_prunes_to_the_same_list(bundled, tmp_path):
    from muniqa.index.shard_split import slice_lexical
    data = bundled.data
    rows = np.arange(0, len(data.chunks), 3)
    slice_lexical(data.lexical, rows).save(tmp_path / "bm25")
    shard = LexicalIndex.load(tmp_path / "bm25", len(rows))
    assert shard.bounds is not None
    for q in ("побратимские связи с Японией", "туристский информационный центр Томска"):
        toks = query_lemmas(q)
        _same(shard.top(toks, 20, pruned=True, way="maxscore"), shard.top(toks, 20, pruned=False), q)
