"""Each distinct text embedded once per index update: the vector of an exact input string is
reused wherever that string comes back.

Why: a passage's sentences are embedded apart with the heading (city, section) in front,
so the same input string recurs: sentences in the 20-word overlap of neighbouring passages,
boilerplate repeated across passages and documents, one-sentence passages whose sentence
text is the passage text itself, and, in an incremental update, every sentence of a
changed document that did not change. On the bundled reports 12% of the embedding runs are
repeats, on the real documents 12% (README, Speed).

Reuse is exact only for an embedder whose vector of a text does not depend on the texts
embedded beside it: the default int8 ONNX embedder runs one window per run, so it holds
(tests/test_embed_reuse.py checks a build with and without reuse bit for bit). Old vectors
from the previous index version are reused only when the same backend wrote them.
Sentence vectors are stored as float16: a stored sentence vector may stand for a sentence,
never for a passage (passage vectors are float32).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


class VectorReuse:
    """Vectors by exact input string; ``exact`` ones (float32) may stand for passages too."""

    def __init__(self, dim: int):
        self.dim = dim
        self._exact: dict[str, np.ndarray] = {}
        self._rounded: dict[str, np.ndarray] = {}     # float16-stored sentence vectors
        self.hits = 0
        self.misses = 0

    def remember(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Record vectors (float32 rows are exact; float16 rows are stored sentence vectors)."""
        into = self._exact if vectors.dtype == np.float32 else self._rounded
        for text, vec in zip(texts, vectors):
            into.setdefault(text, vec)

    def embed(self, texts: Sequence[str], embed: Callable[[list[str]], np.ndarray],
              exact: bool) -> np.ndarray:
        """Vectors of ``texts`` (float32), calling ``embed`` once on the distinct texts not
        known yet, in first-seen order. ``exact``: only float32 vectors may be reused (passages)."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            known = self._exact.get(text)
            if known is None and not exact:
                known = self._rounded.get(text)
            if known is not None:
                out[i] = known
                self.hits += 1
            else:
                missing.setdefault(text, []).append(i)
        self.hits += sum(len(rows) - 1 for rows in missing.values())
        self.misses += len(missing)
        if missing:
            new = list(missing)
            vectors = np.asarray(embed(new), dtype=np.float32)
            for text, vec in zip(new, vectors):
                out[missing[text]] = vec
            self.remember(new, vectors)
        return out


def seed_replaced(reuse: VectorReuse, old, doc_ids: list[str], texts_of: Callable) -> None:
    """Offer ``reuse`` the old vectors of documents being replaced, by the exact texts they were
    embedded from (``texts_of(chunk, doc)``: passage text, sentence texts; passage rows float32, sentence rows
    float16); a passage whose sentences no
    longer split into as many rows as were stored is skipped."""
    numbers = {i: d for i, d in enumerate(old.documents) if d in set(doc_ids)}
    if not numbers:
        return
    rows = np.flatnonzero(np.isin(np.asarray(old.chunk_doc), list(numbers))).tolist()
    texts, sent_texts, sent_rows = [], [], []
    for row in rows:
        chunk = old.chunks[row]
        doc = old.documents[numbers[int(old.chunk_doc[row])]]
        passage, pieces = texts_of(chunk, doc)
        texts.append(passage)
        group = old.sentences.group(row)
        if len(pieces) == len(group):
            sent_texts += pieces
            sent_rows.append(np.asarray(group, dtype=np.float16))
    reuse.remember(texts, np.asarray(old.vectors[rows], dtype=np.float32))
    if sent_rows:
        reuse.remember(sent_texts, np.vstack(sent_rows))
