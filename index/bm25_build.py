"""Write a BM25 index in bm25s's saved format straight from token-id arrays, block by block.

Why hand-written: ``bm25s.BM25.index`` needs every passage as a Python list of strings and
builds its matrix through Python loops and dicts per passage; at 5 million passages that is
tens of gigabytes of objects. The scores themselves are simple (bm25s's default "lucene"
variant: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf part = tf / (k1 (1 - b + b |d| / avgdl)
+ tf)), so here they are computed with numpy over the int32 token ids already stored for
the index (``tokens.npy``), in two passes over blocks of passages (document frequencies and
lengths, then scores written into memory-mapped CSC arrays). The arithmetic follows bm25s
step by step (float32 idf, float64 tf part, float32 result), so the scores are bm25s's own:
``tests/test_compact_index.py`` checks them against ``bm25s.BM25.index`` on real passages.
The folder is then read by ``bm25s.BM25.load(mmap=True)``; beside bm25s's files it holds
``max_impact.npy``, each word's highest score in any passage, which ``bm25_topk`` needs to
skip passages that cannot reach the top list.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

K1, B = 1.5, 0.75          # bm25s's defaults
BLOCK = 200_000            # passages per block: bounded memory at any corpus size
MAX_IMPACT = "max_impact.npy"   # per word: its highest score (an upper bound for pruning)


def _blocks(n: int):
    for a in range(0, n, BLOCK):
        yield a, min(n, a + BLOCK)


def _pairs(ids: np.ndarray, offsets: np.ndarray, a: int, b: int, empty_id: int, n_vocab: int):
    """Unique (passage, token) pairs of passages a..b with their term frequencies, sorted by
    token then passage; an empty passage gets ``empty_id`` (a token no query has)."""
    lo, hi = int(offsets[a]), int(offsets[b])
    toks = np.asarray(ids[lo:hi], dtype=np.int64)
    lengths = np.diff(np.asarray(offsets[a:b + 1], dtype=np.int64))
    rows = np.repeat(np.arange(a, b, dtype=np.int64), lengths)
    empty = np.flatnonzero(lengths == 0) + a
    if len(empty):
        rows = np.concatenate([rows, empty])
        toks = np.concatenate([toks, np.full(len(empty), empty_id, np.int64)])
    keys = toks * (b - a) + (rows - a)
    if (n_vocab + 1) * (b - a) < 2**31:
        keys = keys.astype(np.int32)          # sorting int32 is about twice as fast
    uniq, tf = np.unique(keys, return_counts=True)
    uniq = uniq.astype(np.int64)
    return uniq // (b - a), uniq % (b - a) + a, tf, np.maximum(lengths, 1)


def write_bm25(folder: Path, ids: np.ndarray, offsets: np.ndarray, vocab: list[str] | None,
               n_vocab: int) -> None:
    """``ids``/``offsets``: every passage's token ids (``offsets`` has n+1 entries);
    ``vocab``: the words of ids 0..n_vocab-1 (None: the caller writes vocab.index.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(offsets) - 1
    lengths = np.maximum(np.diff(np.asarray(offsets, dtype=np.int64)), 1)
    empty_id = n_vocab                          # "\u2400": the row of an all-stop-word passage
    has_empty = bool((np.diff(np.asarray(offsets, dtype=np.int64)) == 0).any())
    vocab_size = n_vocab + 1 if has_empty else n_vocab
    df = np.zeros(vocab_size, dtype=np.int64)
    for a, b in _blocks(n):                     # pass 1: document frequencies
        tok, _, _, _ = _pairs(ids, offsets, a, b, empty_id, n_vocab)
        df += np.bincount(tok, minlength=vocab_size)
    avg = np.float64(lengths.mean()) if n else np.float64(1.0)
    idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) if d else 0.0 for d in df.tolist()],
                   dtype=np.float32)
    indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
    total = int(indptr[-1])
    data = np.lib.format.open_memmap(folder / "data.csc.index.npy", "w+", np.float32, (total,))
    indices = np.lib.format.open_memmap(folder / "indices.csc.index.npy", "w+", np.int32, (total,))
    cursor = indptr[:-1].copy()
    bounds = np.zeros(vocab_size, dtype=np.float32)
    for a, b in _blocks(n):                     # pass 2: scores, column by column (token)
        tok, row, tf, _ = _pairs(ids, offsets, a, b, empty_id, n_vocab)
        l_d = lengths[row]
        tfc = tf.astype(np.float32).astype(np.float64) / (K1 * ((1 - B) + B * l_d / avg) + tf)
        scores = (idf[tok].astype(np.float64) * tfc).astype(np.float32)
        starts = np.concatenate([[0], np.flatnonzero(np.diff(tok)) + 1])
        counts = np.diff(np.concatenate([starts, [len(tok)]]))
        first = tok[starts]
        rank = np.arange(len(tok)) - np.repeat(starts, counts)
        where = np.repeat(cursor[first], counts) + rank
        data[where] = scores
        bounds[first] = np.maximum(bounds[first], np.maximum.reduceat(scores, starts))
        indices[where] = row.astype(np.int32)
        cursor[first] += counts
    data.flush()
    indices.flush()
    del data, indices
    np.save(folder / "indptr.csc.index.npy", indptr)
    np.save(folder / MAX_IMPACT, bounds)
    if vocab is not None:
        words = {w: i for i, w in enumerate(vocab[:n_vocab])}
        if has_empty:
            words["\u2400"] = empty_id
        words[""] = vocab_size                  # bm25s adds the empty token last
        (folder / "vocab.index.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    params = {"k1": K1, "b": B, "delta": 0.5, "method": "lucene", "idf_method": "lucene",
              "dtype": "float32", "int_dtype": "int32", "num_docs": n, "version": "muniqa", "backend": "numpy"}
    (folder / "params.index.json").write_text(json.dumps(params, indent=4), encoding="utf-8")
