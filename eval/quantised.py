"""MRR@10 of the quantised FAISS kinds against exact search, on REAL vectors and gold sets.

Large indexes use ``ivf-sq8`` (``index.dense``); this measures what the quantisation and the
inverted lists cost in ranking: each gold set's evaluation index (the same one ``muniqa
eval`` builds) is searched with its FAISS index rebuilt as each kind from the stored
vectors, for dense-only retrieval and the learned hybrid ranker. Printed as JSON:
``python -m muniqa.eval.quantised [GOLD ...]`` (default: the bundled gold sets and
XQuAD-ru passages).
"""
from __future__ import annotations

import functools
import json
import sys

import numpy as np

from muniqa.index.dense import DenseIndex

from .evaluate import evaluate, open_eval_index, xquad_corpus
from .gold import gold_corpus, load_gold
from .systems import parse_spec

KINDS = ("flat", "sq8", "ivf-sq8")
SYSTEMS = ("dense", "hybrid")
DEFAULT_GOLD = ("eval/gold/dev.jsonl", "eval/gold/dev2.jsonl", "eval/gold/realdocs.jsonl", "xquad:passage")


def _fresh_cosine(m, sample: int = 8) -> float:
    """Lowest cosine between stored and freshly embedded vectors of a few passages: an index
    kept under the data dir (or copied from another one to save hours of embedding) must hold
    this embedder's vectors of these texts."""
    from muniqa.index.chunk import passage_text      # what the builder embeds: the text with its heading
    data = m.data
    rows = np.random.default_rng(0).choice(len(data.chunks), min(sample, len(data.chunks)), replace=False)
    chunks = [data.chunks[int(i)] for i in rows]
    fresh = m.embedder.embed_passages([passage_text(c, data.documents[c.doc_id]) for c in chunks])
    stored = np.asarray([data.vectors[int(i)] for i in rows], np.float32)
    return round(float(np.min(np.sum(fresh * stored, axis=1))), 4)


def measure(gold: str, kinds=KINDS, systems=SYSTEMS) -> dict:
    """{system: {kind: MRR@10}} plus the loss of each kind against ``flat``."""
    specs = [parse_spec(s) for s in systems]
    if gold.startswith("xquad:"):
        _, questions = xquad_corpus(gold.split(":", 1)[1])
        corpus = [gold]
    else:
        questions, corpus = load_gold(gold), gold_corpus(gold) or []
    m = open_eval_index(corpus, None, specs[0].chunker, progress=False)
    m.embedder.embed_query = functools.lru_cache(maxsize=None)(m.embedder.embed_query)   # once, not per kind
    data = m.data
    vectors = np.asarray(data.vectors, dtype=np.float32)
    out: dict = {"gold": gold, "passages": len(vectors), "stored_vs_fresh_cosine": _fresh_cosine(m), "mrr@10": {}}
    for kind in kinds:
        data.dense = DenseIndex.build(vectors, vectors.shape[1], kind)
        result = evaluate(questions, {specs[0].index_key: m}, specs, gold)
        for spec in specs:
            out["mrr@10"].setdefault(spec.label, {})[kind] = result.systems[spec.label]["mrr@10"]
        out["questions"] = len(result.questions)
    out["loss_vs_flat"] = {s: {k: round(v["flat"] - v[k], 4) for k in kinds} for s, v in out["mrr@10"].items()}
    return out


if __name__ == "__main__":
    for g in sys.argv[1:] or DEFAULT_GOLD:
        print(json.dumps(measure(g), ensure_ascii=False), flush=True)
