"""Recall of the approximate FAISS kinds against exact search, on the largest pool of REAL vectors at hand.

``eval/quantised.py`` measures MRR on each gold set's own index, a few hundred passages:
there IVF has its floor of 64 cells and probes 32 of them, half the collection, so it can
hardly lose anything. At 5 million passages ``index.dense`` builds 4,096 cells and still
probes 32, 1/128 of them. No real corpus of millions exists here, so this pools every real
passage and sentence vector of the evaluation indexes (the bundled reports, realdocs,
XQuAD-ru paragraphs and sentences; duplicates dropped), searches it with the real query
vectors of the gold questions, and prints as JSON, per kind and number of probes:

- ``recall@10``: the share of exact search's top 10 in the kind's top 10;
- ``recall10@100``: the share of exact search's top 10 in the kind's top 100, the dense
  candidates the hybrid ranker rescores with exact cosines (``RetrievalConfig.candidates``).

IVF is built as ``DenseIndex.build`` builds it (cells from the pool size) and searched with
probes from 32 down to fewer, so that cells/probes reaches the 5M index's 128.
``python -m muniqa.eval.quantised_recall [GOLD ...]`` (the gold sets' indexes must be built:
``python -m muniqa.eval.quantised`` builds and keeps them under the data dir).
"""
from __future__ import annotations

import json
import sys
import time

import faiss
import numpy as np

from muniqa.index.dense import IVF_PROBES, DenseIndex, _ivf_cells

from .quantised import DEFAULT_GOLD
from .systems import parse_spec

POOL_GOLD = (*DEFAULT_GOLD, "xquad:sentence")
FIVE_MILLION_RATIO = _ivf_cells(5_000_000) / IVF_PROBES      # 4096 / 32 = 128


def _index_and_questions(gold: str):
    from .evaluate import open_eval_index, xquad_corpus
    from .gold import gold_corpus, load_gold
    if gold.startswith("xquad:"):
        _, questions = xquad_corpus(gold.split(":", 1)[1])
        corpus = [gold]
    else:
        questions, corpus = load_gold(gold), gold_corpus(gold) or []
    return open_eval_index(corpus, None, parse_spec("dense").chunker, progress=False), questions


def pool(golds=POOL_GOLD) -> tuple[np.ndarray, np.ndarray, dict]:
    """(database vectors, query vectors, where they came from), all real, rows unique."""
    parts, questions, sources, embedder = [], {}, {}, None
    for gold in golds:
        m, qs = _index_and_questions(gold)
        data = m.data
        passages = np.asarray(data.vectors, np.float32)
        sentences = np.asarray(data.sentences.vectors, np.float32)
        parts += [passages, sentences]
        sources[gold] = {"passages": len(passages), "sentences": len(sentences), "questions": len(qs)}
        questions.update({q.question: None for q in qs})
        embedder = embedder or m.embedder
    base = np.concatenate(parts)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    _, first = np.unique(np.round(base, 3), axis=0, return_index=True)    # the same text in two indexes
    base = np.ascontiguousarray(base[np.sort(first)])
    queries = np.stack([embedder.embed_query(q) for q in questions]).astype(np.float32)
    return base, queries, sources


def _overlap(exact: np.ndarray, approx: np.ndarray) -> float:
    return float(np.mean([len(set(e) & set(a)) / len(e) for e, a in zip(exact, approx)]))


def measure(base: np.ndarray, queries: np.ndarray, probes=(32, 16, 8, 4, 2, 1)) -> dict:
    dim = base.shape[1]
    exact = DenseIndex.build(base, dim, "flat").index.search(queries, 10)[1]
    cells = _ivf_cells(len(base))
    out = {"vectors": len(base), "queries": len(queries), "ivf_cells": cells, "rows": []}
    kinds = [("sq8", DenseIndex.build(base, dim, "sq8").index, [None])]
    started = time.perf_counter()
    ivf = DenseIndex.build(base, dim, "ivf-sq8").index
    out["ivf_build_s"] = round(time.perf_counter() - started, 1)
    kinds.append(("ivf-sq8", ivf, [p for p in probes if p <= cells]))
    for name, index, sweep in kinds:
        for p in sweep:
            if p is not None:
                faiss.extract_index_ivf(index).nprobe = p
            top100 = index.search(queries, 100)[1]
            out["rows"].append({"kind": name, "probes": p, "cells/probes": round(cells / p, 1) if p else None,
                                "recall@10": round(_overlap(exact, top100[:, :10]), 4),
                                "recall10@100": round(_overlap(exact, top100), 4)})
    return out


if __name__ == "__main__":
    base, queries, sources = pool(tuple(sys.argv[1:]) or POOL_GOLD)
    print(json.dumps({"sources": sources, "5M cells/probes": FIVE_MILLION_RATIO, **measure(base, queries)},
                     ensure_ascii=False), flush=True)
