"""Would other vectors of the question help the ranking? An out-of-fold trial, as
``proximity_trial``, of three ways to ask the embedder the question again:

- **prf** (pseudo-relevance feedback, Rocchio): the question's vector moved towards the mean
  of its three best candidates by cosine, then every candidate's cosine with it. It reads
  what the first hits share (the document's terms) into the question.
- **sym**: the question embedded as a passage («passage: …»), as e5 embeds its sentences: a
  paraphrase of the answer sentence should lie close to it.
- **core**: the question without its interrogative words («Сколько», «Какие», «Можно ли»),
  embedded as a query and as a passage: closer to the statement that answers it.

Each gives the candidate's cosine as ``d_z`` and ``d_gap`` do (z-scored among the
candidates, and its distance below the best), and for ``sym`` / ``core`` also its best
sentence's. The fresh sets (``proximity_trial.FRESH``: dev3, realdocs2, written after these
were chosen) are scored but never fitted on. Run:

    python -m muniqa.eval.query_vector_trial [--sets dev,...] [--cache FILE]

Measured (README «Quality», seventh session): nothing kept; the best, ``sym``'s sentence in
the second stage, gained a little on every older set and lost on both fresh ones.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from muniqa.index.lemmas import fold, lemma
from muniqa.index.rowdot import row_dots

from .proximity_trial import columns_trial_main


INTERROGATIVE = frozenset("сколько какой каков кто что где когда куда откуда почему зачем как ли можно чей "
                          "который насколько".split())
PRF_DEPTH, PRF_WEIGHT = 3, 0.5
FEATURES = ("prf_z", "prf_gap", "sym_z", "sym_gap", "sym_s_z", "core_z", "core_gap", "core_s_z",
            "corep_z", "corep_gap", "corep_s_z")


@lru_cache(maxsize=1)
def _embedder():
    from muniqa.index.embedders import make_embedder
    return make_embedder()


def core(question: str) -> str:
    """The question without its interrogative words and its question mark."""
    words = [w for w in question.rstrip(" ?").split() if lemma(fold(w.strip("«»\",.:;!"))) not in INTERROGATIVE]
    return " ".join(words) or question


def _z_gap(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (x - x.mean()) / (x.std() + 1e-6), x - x.max()


def query_vector_columns(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """``FEATURES`` of every candidate."""
    emb = _embedder()
    vecs = data.vectors[cand]
    q = emb.embed_query(question)
    dense = row_dots(vecs, q)
    top = np.argsort(-dense)[:PRF_DEPTH]
    prf = q + PRF_WEIGHT * vecs[top].mean(axis=0)
    prf /= np.linalg.norm(prf) + 1e-9
    cols = [*_z_gap(row_dots(vecs, prf.astype(np.float32)))]
    stripped = core(question)
    for v in (emb.embed_passages([question])[0], emb.embed_query(stripped), emb.embed_passages([stripped])[0]):
        cols += [*_z_gap(row_dots(vecs, v)), _z_gap(data.sentences.best(v, cand))[0]]
    return np.column_stack(cols).astype(np.float32)


VARIANTS = {
    "baseline (ranker.json)": (None, None),
    "1st: prf": (["prf_z", "prf_gap"], None),
    "1st: sym": (["sym_z", "sym_gap", "sym_s_z"], None),
    "1st: core": (["core_z", "core_gap", "core_s_z"], None),
    "1st: core as passage": (["corep_z", "corep_gap", "corep_s_z"], None),
    "1st: sym z + core z": (["sym_z", "core_z"], None),
    "2nd: prf z": (None, ["prf_z"]),
    "2nd: sym z, sym sentence": (None, ["sym_z", "sym_s_z"]),
    "2nd: core z, core sentence": (None, ["core_z", "core_s_z"]),
}


def main() -> None:
    columns_trial_main(__doc__, query_vector_columns, FEATURES, VARIANTS)


if __name__ == "__main__":
    main()
