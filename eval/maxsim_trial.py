"""Would e5's token vectors read a passage closer than its pooled vector? An out-of-fold
trial, as ``proximity_trial``, of late interaction (ColBERT's MaxSim, BERTScore's recall)
in the second stage.

The pooled cosine says a passage is about the question; a near miss is as much about it.
Each question token's best match among the passage's contextual token vectors says whether
*each part* of the question is said in the passage, in the passage's own context — a soft,
contextual version of the lemma coverage the second stage already reads. e5-small was never
trained for it (no reader model can be installed here), so this measures what the untrained
token space gives:

- ``ms_p``: the mean over the question's tokens (not its «query:» prefix, punctuation or
  interrogatives) of the best cosine with a token of the passage;
- ``ms_s``: the same against each sentence of the passage (embedded in the passage's context,
  the tokens split by sentence), the best sentence;
- ``ms_s_idf``: ``ms_s`` with each question token weighted by how rare its piece is among the
  candidates' pieces;
- ``ms_b``, ``ms_b_idf``: the same two against the passage's best sentence by its stored
  sentence vector, embedded alone: the one form cheap enough to compute when serving (ten
  short sentences per question rather than ten whole passages).

Token vectors come from ``eval.e5_torch`` (the served embedder's weights in torch), for the
first ``DEPTH`` passages of each question (the only ones a window can hold). Run:

    python -m muniqa.eval.maxsim_trial [--sets dev,...] [--cache FILE]
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from muniqa.index.embedders import make_embedder
from muniqa.index.lemmas import fold
from muniqa.index.sentences import sentence_spans
from muniqa.index.sentvec import sentence_texts

from .proximity_trial import columns_trial_main
from .query_vector_trial import INTERROGATIVE

FEATURES = ("ms_p", "ms_s", "ms_s_idf", "ms_b", "ms_b_idf")
_PUNCT = set("▁?!.,:;«»\"'()-–—")
_cache: dict[str, tuple[np.ndarray, list[str], np.ndarray]] = {}


@lru_cache(maxsize=1)
def _model():
    from .e5_torch import E5Torch
    torch.set_num_threads(2)
    m = E5Torch()
    m.eval()
    return m


@torch.no_grad()
def token_states(texts: list[str], prefix: str, unit: bool = True
                 ) -> list[tuple[np.ndarray, list[str], list[tuple[int, int]]]]:
    """Per text: its content tokens' vectors (last layer; no <s>, </s> or prefix; unit length
    unless ``unit`` is false), their pieces, and each token's character span in the text."""
    m = _model()
    tok = m.tok
    n_prefix = len(tok.encode(prefix.strip()))
    out = []
    for text in texts:
        ids = tok.encode(prefix + text)[:510]
        states = m.states(*m.pad([[tok.bos, *ids, tok.eos]]))[0, 1 + n_prefix:-1]
        vecs = (F.normalize(states, dim=-1) if unit else states).numpy()
        pieces = [m.pieces[i] for i in ids[n_prefix:]]
        out.append((vecs, pieces, _spans(text, pieces)))
    return out


def _spans(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Approximate character span of each piece in ``text`` (pieces are found in order; one
    the normalisation changed keeps the position of the one before)."""
    low, pos, spans = text.lower(), 0, []
    for p in pieces:
        core = p.replace("▁", "").lower()
        at = low.find(core, pos) if core else -1
        if at < 0 or at - pos > 40:
            spans.append((pos, pos))
        else:
            spans.append((at, at + len(core)))
            pos = at + len(core)
    return spans


def question_tokens(question: str) -> tuple[np.ndarray, list[str]]:
    """The question's token vectors and pieces that carry what it asks about: no punctuation,
    no interrogative word («Сколько», «Какие»: every passage lacks those)."""
    vecs, pieces, spans = token_states([question], "query: ")[0]
    words = {(m.start(), m.end()): fold(m.group()) for m in re.finditer(r"\w+", question)}
    keep = []
    for k, (p, (s, e)) in enumerate(zip(pieces, spans)):
        if set(p) <= _PUNCT:
            continue
        word = next((w for (a, b), w in words.items() if a <= s < b), "")
        if word in INTERROGATIVE:
            continue
        keep.append(k)
    if not keep:
        keep = list(range(len(pieces)))
    return vecs[keep], [pieces[k] for k in keep]


def passage_tokens(text: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The passage's token vectors (in its own context), pieces and each token's sentence
    number; cached by text (a passage comes back for many questions)."""
    hit = _cache.get(text)
    if hit is None:
        vecs, pieces, spans = token_states([text], "passage: ")[0]
        bounds = sentence_spans(text) or [(0, len(text))]
        sent = np.array([next((j for j, (a, b) in enumerate(bounds) if s < b), len(bounds) - 1)
                         for s, _ in spans], dtype=np.int32)
        hit = _cache[text] = (vecs.astype(np.float16), pieces, sent)
    return hit


@lru_cache(maxsize=200_000)
def _alone(sentence: str) -> tuple[np.ndarray, tuple[str, ...]]:
    vecs, pieces, _ = token_states([sentence], "passage: ")[0]
    return vecs, tuple(pieces)


def best_sentence(data, passage: int, query: np.ndarray) -> str:
    """The passage's sentence whose stored vector is closest to the question's."""
    texts = sentence_texts(data.chunks[passage].text, "")
    return texts[int(np.argmax(data.sentences.group(passage).astype(np.float32) @ query))]


def token_recall(q: np.ndarray, vecs: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """How well the text with token vectors ``vecs`` says each question token ``q``: the mean of
    each one's best cosine there, plain and weighted by ``weights`` (summing to 1)."""
    best = (q @ vecs.astype(np.float32).T).max(1)
    return float(best.mean()), float(best @ weights)


def maxsim_columns(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """``FEATURES`` of the candidates in ``head`` (zeros for the others)."""
    q, q_pieces = question_tokens(question)
    query = make_embedder().embed_query(question)
    out = np.zeros((len(cand), len(FEATURES)), np.float32)
    passages = [passage_tokens(data.chunks[int(cand[j])].text) for j in head]
    df: dict[str, int] = {}
    for _, pieces, _ in passages:
        for p in set(pieces):
            df[p] = df.get(p, 0) + 1
    w = np.array([math.log(1 + len(passages) / (1 + df.get(p, 0))) + 0.1 for p in q_pieces], np.float32)
    w /= w.sum()
    for j, (vecs, _, sent) in zip(head, passages):
        if not len(vecs):
            continue
        sims = q @ vecs.astype(np.float32).T                  # question tokens × passage tokens
        out[j, 0] = sims.max(1).mean()
        best = best_w = -1.0
        for s in np.unique(sent):
            m = sims[:, sent == s].max(1)
            best, best_w = max(best, float(m.mean())), max(best_w, float(m @ w))
        out[j, 1], out[j, 2] = best, best_w
        vecs, _ = _alone(best_sentence(data, int(cand[j]), query))
        if len(vecs):
            out[j, 3], out[j, 4] = token_recall(q, vecs, w)
    return out


VARIANTS = {
    "baseline (ranker.json)": (None, None),
    "2nd: ms_p": (None, ["ms_p"]),
    "2nd: ms_s": (None, ["ms_s"]),
    "2nd: ms_s_idf": (None, ["ms_s_idf"]),
    "2nd: ms_p, ms_s": (None, ["ms_p", "ms_s"]),
    "2nd: all three": (None, ["ms_p", "ms_s", "ms_s_idf"]),
    "2nd: ms_b": (None, ["ms_b"]),
    "2nd: ms_b_idf": (None, ["ms_b_idf"]),
    "2nd: ms_b, ms_b_idf": (None, ["ms_b", "ms_b_idf"]),
}


def main() -> None:
    columns_trial_main(__doc__, maxsim_columns, FEATURES, VARIANTS)


if __name__ == "__main__":
    main()
