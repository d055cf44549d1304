"""Sentence vectors beside passage vectors: dense scoring at sentence level.

A 200-word passage vector blurs the one sentence that answers with the nine that do not; asked
in other words than the report's, e5 then ranks a passage by its topic, not by its answer.
Each passage also keeps one vector per sentence (with the passage's city and section in
front, as the passage has), and the ranker scores a candidate by its best sentence
(max-sim) as well as by the whole passage: MRR@10 on the paraphrased dev2 set 0.784 with
passage vectors alone, 0.820 by best sentence (see README, Quality).

Stored as ``sentences.npy`` (float16: half the memory, the same ranking) and
``sentence_offsets.npy`` (passage i owns rows ``offsets[i]:offsets[i+1]``). Only the
candidates of a query are scored, so the cost per query does not grow with the index.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .rowdot import row_dots
from .sentences import sentence_spans

MIN_CHARS = 12   # shorter pieces ("1.", "- ") say nothing; the passage vector covers them


def kept_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a passage that get a vector of their own: those long enough to say
    something."""
    return [(s, e) for s, e in sentence_spans(text) if len(text[s:e].strip()) >= MIN_CHARS]


def sentence_texts(text: str, head: str) -> list[str]:
    """What is embedded for each sentence of a passage: ``head`` (city, section), then the
    sentence. A passage with no sentence long enough still gets one row (itself)."""
    pieces = [text[s:e].strip() for s, e in kept_spans(text)] or [text.strip() or text]
    return [f"{head}.\n{p}" if head else p for p in pieces]


class SentenceVectors:
    """Rows of sentence vectors grouped by passage."""

    def __init__(self, vectors: np.ndarray, offsets: np.ndarray):
        self.vectors = vectors
        self.offsets = offsets

    @classmethod
    def empty(cls, dim: int) -> "SentenceVectors":
        return cls(np.zeros((0, dim), np.float16), np.zeros(1, np.int64))

    @classmethod
    def from_groups(cls, groups: list[np.ndarray], dim: int) -> "SentenceVectors":
        """One array of sentence vectors per passage, in passage order."""
        sizes = np.array([len(g) for g in groups], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        vectors = np.vstack(groups).astype(np.float16) if groups else np.zeros((0, dim), np.float16)
        return cls(vectors, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def group(self, passage: int) -> np.ndarray:
        return self.vectors[self.offsets[passage]:self.offsets[passage + 1]]

    def take(self, passages: list[int] | np.ndarray) -> list[np.ndarray]:
        """The groups of ``passages`` (to carry unchanged documents into a new version)."""
        return [self.group(int(i)) for i in passages]

    def best(self, query: np.ndarray, passages: np.ndarray) -> np.ndarray:
        """Cosine of each passage's best-matching sentence with ``query``."""
        if len(passages) == 0:
            return np.zeros(0, np.float32)
        starts, ends = np.asarray(self.offsets[passages]), np.asarray(self.offsets[passages + 1])
        rows = np.concatenate([self.vectors[s:e] for s, e in zip(starts.tolist(), ends.tolist())])
        sims = row_dots(rows, query)           # the same bits whichever passages come along
        return np.maximum.reduceat(sims, np.concatenate([[0], np.cumsum(ends - starts)[:-1]]))

    def save(self, folder: Path) -> None:
        np.save(folder / "sentences.npy", self.vectors.astype(np.float16))
        np.save(folder / "sentence_offsets.npy", self.offsets.astype(np.int64))

    @classmethod
    def load(cls, folder: Path) -> "SentenceVectors":
        return cls(np.load(folder / "sentences.npy", mmap_mode="r"),
                   np.load(folder / "sentence_offsets.npy", mmap_mode="r"))
