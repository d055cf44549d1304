"""Would thesaurus synonyms help the ranking? An out-of-fold trial of
``eval.synonym_features`` in each stage of the default, against today's ``qa/ranker.json``.

    python -m muniqa.eval.synonym_trial [--sets dev,...] [--cache FILE]

The same harness as ``eval.proximity_trial`` (its folds, refits and scoring): per question
the candidates and first-stage features as ``train_ranker`` collects them, ``syn_gain`` of
every candidate, and ``syn_sent_gain`` of the first ``DEPTH`` of the current out-of-fold
order (the only ones a window can hold). Prints MRR@10 per set with the change, paired
randomization p and questions up / down.
"""
from __future__ import annotations

import argparse
import pickle
from pathlib import Path

import numpy as np

from muniqa.qa import retrieve
from . import synonyms as synonyms_module
from .synonyms import synonyms

from . import synonym_features as syn
from .proximity_trial import SETS, gathered, print_variants, score
from .proximity_trial import gather as gather_with

_query_lemmas = retrieve.query_lemmas

VARIANTS = {
    "baseline (ranker.json)": (None, None),
    "2nd: syn_gain": (None, ["syn_gain"]),
    "2nd: syn_sent_gain": (None, ["syn_sent_gain"]),
    "2nd: both": (None, list(syn.FEATURES)),
    "1st: syn_gain": (["syn_gain"], None),
    "1st: syn_gain, 2nd: both": (["syn_gain"], list(syn.FEATURES)),
}
# --expand: BM25's query also holds every synonym of the question's lemmas (full weight:
# ``index.bm25`` has no per-word weights), against the unexpanded baseline of --against
EXPANDED = {
    "expanded BM25, ranker.json weights": (None, None),
    "expanded BM25, 1st stage refitted": (["zero"], None),
    "expanded BM25, 1st refitted, 2nd: both": (["zero"], list(syn.FEATURES)),
}


def _expanded_query_lemmas(question: str, gazetteer: bool = True) -> list[str]:
    toks = _query_lemmas(question, gazetteer)
    return list(dict.fromkeys(toks + [s for t in toks for s in sorted(synonyms(t))]))


class _Weighted(list):
    """The question's lemmas, carrying its synonyms for BM25 at ``weight`` each."""
    synonyms: list[str] = []
    weight = 1.0


def _weighted_query_lemmas(question: str, gazetteer: bool = True) -> list[str]:
    out = _Weighted(_query_lemmas(question, gazetteer))
    out.synonyms = [s for s in dict.fromkeys(s for t in out for s in sorted(synonyms(t))) if s not in out]
    return out


def _weigh_bm25(weight: float) -> None:
    """BM25 with the synonyms of a ``_Weighted`` query at ``weight`` of a question word:
    score(question) + weight · score(synonyms), top list scored exhaustively (trial only)."""
    from muniqa.index.bm25 import LexicalIndex as BM25Index
    from muniqa.index.topn import top_positive
    _Weighted.weight = weight
    top, scores_of = BM25Index.top, BM25Index.scores_of

    def weighted_top(self, q, n, mask=None, pruned=None, way=None):
        if not isinstance(q, _Weighted) or not q.synonyms or self._model is None:
            return top(self, q, n, mask, pruned, way)
        sc = self.scores(list(q), mask) + np.float32(weight) * self.scores(q.synonyms, mask)
        ids = top_positive(sc, n, mask).astype(np.int64)
        return ids, sc[ids]

    def weighted_scores_of(self, q, rows, mask=None):
        out = scores_of(self, list(q), rows, mask)
        if isinstance(q, _Weighted) and q.synonyms:
            out = out + np.float32(weight) * scores_of(self, q.synonyms, rows, mask)
        return out
    BM25Index.top, BM25Index.scores_of = weighted_top, weighted_scores_of


def synonym_columns(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """``syn.FEATURES`` of every candidate: the passage's gain for all, its best sentence's
    for the first ``DEPTH`` (the only ones a window can hold)."""
    px = np.zeros((len(cand), 2), np.float32)
    px[:, 0] = syn.passage_gain(groups, idf, data.token_lists(cand))
    for j in head.tolist():
        px[j, 1] = syn.sentence_gain(groups, idf, data.chunks[int(cand[j])].text)
    return px


def gather(sets: list[str]) -> list[dict]:
    """``proximity_trial.gather`` with the synonym features, and how often they are not 0."""
    out = gather_with(sets, synonym_columns, syn.FEATURES)
    for gold in sets:
        got = [r for r in out if r["set"] == gold]
        print(f"{gold}: a synonym adds to the passage in "
              f"{np.mean([(r['px'][:, 0] > 0).mean() for r in got]):.1%} of candidates, to the best sentence of "
              f"{np.mean([(r['px'][r['order'][:10], 1] > 0).mean() for r in got]):.1%} of the first ten", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--cache", help="pickle of the gathered questions: written once, read after")
    ap.add_argument("--expand", action="store_true", help="synonyms as extra BM25 query words")
    ap.add_argument("--against", help="with --expand: the unexpanded run's --cache, the baseline")
    ap.add_argument("--weight", type=float, default=1.0, help="with --expand: a synonym's BM25 weight")
    ap.add_argument("--max-synset", type=int, default=0, help="only synsets of at most this many lemmas")
    args = ap.parse_args()
    synonyms_module.MAX_SYNSET = args.max_synset
    if args.expand and args.weight != 1.0:
        retrieve.query_lemmas = _weighted_query_lemmas
        _weigh_bm25(args.weight)
    elif args.expand:
        retrieve.query_lemmas = _expanded_query_lemmas
    rows = gathered(args.cache, args.sets, gather)
    for r in rows:
        if "zero" not in r["px_names"]:
            r["px"] = np.column_stack([r["px"], np.zeros(len(r["cand"]), np.float32)])
            r["px_names"] = (*r["px_names"], "zero")
    base = None
    if args.against:
        base = score(pickle.loads(Path(args.against).read_bytes()), None, None)
        print("unexpanded baseline (ranker.json): " + "; ".join(f"{s} {v.mean():.4f} (n={len(v)})" for s, v in base.items()))
        assert all(len(base[s]) == len(v) for s, v in score(rows, None, None).items()), "question lists differ"
    print_variants(rows, EXPANDED if args.expand else VARIANTS, base)

if __name__ == "__main__":
    main()
