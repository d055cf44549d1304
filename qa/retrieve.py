"""Hybrid retrieval: dense (e5) and BM25 on lemmas, each over the same passages, fused.

Systems are configurations (``RetrievalConfig``), not code paths: eval compares them
side by side on the same chunks. Fusion methods:
- ``rrf``: reciprocal rank fusion, sum of 1/(k + rank); needs no score calibration.
- ``convex``: alpha * dense + (1 - alpha) * bm25 after scaling each list to [0, 1]
  (min-max over its own candidates); keeps how much better the first hit is than the rest.
- ``learned`` (the default): a logistic model over both retrievers' scores, the best
  sentence's cosine and the share of the question's rare words a passage holds
  (``qa.ranker``); its score is the probability that the passage answers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from muniqa.index.lemmas import lemmas, raw_words
from muniqa.index.rowdot import row_dots
from muniqa.index.store import IndexData

from .filters import Filters
from . import answerable, noanswer_evidence, ranker, rerank, rerank_features
from .abbrev_groups import with_abbreviations
from .diversity import asks_for_cities, near_best, spread_cities
from .gazetteer import expand, with_cities


@dataclass(frozen=True)
class RetrievalConfig:
    name: str = "hybrid"
    dense: bool = True
    lexical: str | None = "lemma"      # "lemma", "raw" or None
    fusion: str = "learned"            # "learned", "convex" or "rrf"
    sentences: bool = False            # dense alone: score a passage by its best sentence
    alpha: float = 0.6                 # weight of dense in convex fusion
    rrf_k: int = 60
    gazetteer: bool = True
    candidates: int = 100              # per retriever, before fusion
    held_out: bool = False             # learned: score with the CV model that never saw the question
    diversity: bool = True             # learned: "which cities" questions show every city first
    rerank: bool = True                # learned: re-score the first passages by what they hold (qa.rerank)


SYSTEMS: dict[str, RetrievalConfig] = {
    "hybrid": RetrievalConfig(),
    "hybrid-convex": RetrievalConfig("hybrid-convex", fusion="convex"),
    "hybrid-rrf": RetrievalConfig("hybrid-rrf", fusion="rrf"),
    "dense": RetrievalConfig("dense", lexical=None),
    "dense-sentence": RetrievalConfig("dense-sentence", lexical=None, sentences=True),
    "bm25-lemma": RetrievalConfig("bm25-lemma", dense=False, gazetteer=False),
    "bm25-lemma-gaz": RetrievalConfig("bm25-lemma-gaz", dense=False),
    "bm25-raw": RetrievalConfig("bm25-raw", dense=False, lexical="raw", gazetteer=False),
}


def parse_system(spec: str) -> RetrievalConfig:
    """A named system, optionally with settings changed: ``hybrid:alpha=0.5,fusion=rrf``."""
    import dataclasses
    name, _, settings = spec.partition(":")
    if name not in SYSTEMS:
        raise ValueError(f"неизвестная система {name!r}: выберите из {', '.join(SYSTEMS)}")
    cfg = SYSTEMS[name]
    if not settings:
        return cfg
    types = {f.name: f.type for f in dataclasses.fields(RetrievalConfig)}
    changes: dict[str, object] = {"name": spec}
    for item in settings.split(","):
        key, _, value = item.partition("=")
        key = key.strip()
        if key not in types or key == "name":
            raise ValueError(f"система {spec!r}: неизвестная настройка {key!r}")
        kind = types[key] if isinstance(types[key], str) else types[key].__name__
        try:
            if "bool" in kind:
                changes[key] = value.strip().lower() in ("1", "true", "yes", "on")
            elif "float" in kind:
                changes[key] = float(value)
            elif "int" in kind:
                changes[key] = int(value)
            else:
                changes[key] = None if value.strip() in ("", "none") else value.strip()
        except ValueError:
            raise ValueError(f"система {spec!r}: настройке {key!r} нужно значение типа {kind}, а не {value!r}") from None
    return dataclasses.replace(cfg, **changes)


@dataclass
class Hit:
    chunk: int            # passage number in the index
    score: float          # fused score (what the ranking is by)
    dense: float | None   # cosine similarity, if the dense retriever saw it
    lexical: float | None # BM25 score, if the lexical retriever saw it
    logit: float | None = None  # learned: log-odds that it answers (qa.ranker.confidence)


def query_groups(question: str, gazetteer: bool = True) -> list[set[str]]:
    """Each content lemma of the question with the other names of the place it names."""
    return [{t, *(with_cities(t) if gazetteer else ())} for t in dict.fromkeys(lemmas(question))]


def query_lemmas(question: str, gazetteer: bool = True) -> list[str]:
    toks = list(dict.fromkeys(lemmas(question)))
    return expand(toks) if gazetteer else toks


def _scaled(values: dict[int, float]) -> dict[int, float]:
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    span = hi - lo
    return {i: (v - lo) / span if span > 0 else 1.0 for i, v in values.items()}


def fuse(dense: dict[int, float], lexical: dict[int, float], cfg: RetrievalConfig) -> dict[int, float]:
    """Fused score per passage; ``dense`` and ``lexical`` map passage -> score, best first."""
    if not lexical:
        return dict(dense)
    if not dense:
        return dict(lexical)
    if cfg.fusion == "rrf":
        out: dict[int, float] = {}
        for ranked in (dense, lexical):
            for rank, i in enumerate(ranked, start=1):
                out[i] = out.get(i, 0.0) + 1.0 / (cfg.rrf_k + rank)
        return out
    d, b = _scaled(dense), _scaled(lexical)
    return {i: cfg.alpha * d.get(i, 0.0) + (1 - cfg.alpha) * b.get(i, 0.0) for i in set(d) | set(b)}


class Retriever:
    def __init__(self, data: IndexData, embedder):
        self.data = data
        self.embedder = embedder
        self._raw_lexical = None

    def _raw(self):
        """BM25 on raw words, built on demand (an evaluation baseline, not stored)."""
        if self._raw_lexical is None:
            from muniqa.index.bm25 import LexicalIndex
            from muniqa.index.chunk import lexical_text
            toks = [raw_words(lexical_text(c, self.data.documents[c.doc_id])) for c in self.data.chunks]
            self._raw_lexical = LexicalIndex.build(toks)
        return self._raw_lexical

    def search(self, question: str, k: int = 10, filters: Filters | None = None,
               config: RetrievalConfig | str = "hybrid", query_vector: np.ndarray | None = None,
               select=None) -> list[Hit]:
        """The first ``k`` hits; ``select(chunks best first, k)``, when given, picks the
        positions to return instead (``qa.cards``: the parts of the first ``k`` cards)."""
        cfg = parse_system(config) if isinstance(config, str) else config
        mask = filters.mask(self.data) if filters else None
        if cfg.fusion == "learned" and cfg.dense and cfg.lexical == "lemma":
            vec = query_vector if query_vector is not None else self.embedder.embed_query(question)
            cand, x, dense, lexical, absolute = self.candidates(question, vec, mask, cfg)
            held = question if cfg.held_out else None
            logit = first = ranker.score(x, held)
            order = first_order = np.lexsort((cand, -logit))
            groups = with_abbreviations(question, query_groups(question, cfg.gazetteer), self.data.manifest)
            order, logit, evidence = self._second_look(question, groups, cand, order, logit, held, cfg, x)
            asked = self._question_evidence(question, groups, cand, order, logit, evidence)
            judged = logit                    # what the confidence model was fitted on
            if evidence and rerank.pairwise():
                head = first_order[:rerank.WINDOW]
                judged = rerank.answer_logits(first_order, first, np.array([evidence[int(j)] for j in head]), held)
                likeliest = int(head[np.argmax(judged[head])])
            if cfg.diversity and asks_for_cities(question):
                cities = [self.data.documents[self.data.chunks[int(i)].doc_id].meta.city for i in cand]
                order = spread_cities(order, cities, near_best(order, logit))
            order = order[:k] if select is None else order[select(cand[order].tolist(), k)]
            # does it answer at all? (only the passages shown are judged)
            missing = [int(j) for j in order if int(j) not in evidence]
            if missing:
                evidence.update(zip(missing, answerable.for_passages(question, groups, self.data, cand[missing])))
            holds = np.array([evidence[int(j)] for j in order], dtype=np.float32).reshape(
                len(order), len(answerable.EVIDENCE))
            sure = ranker.confidence(judged[order], absolute[order], held, holds, asked)
            if judged is not logit and len(order):    # answer found: does the window's likeliest answer?
                sure[0] = ranker.confidence(judged[[likeliest]], absolute[[likeliest]], held,
                                            np.array([evidence[likeliest]], np.float32), asked)[0]
            if len(absolute) and absolute[:, 2].max() <= 0:   # no word of the question in any passage
                sure = sure - ranker.UNKNOWN_WORDS_PENALTY
            prob = 1 / (1 + np.exp(-logit[order]))
            return [Hit(int(cand[j]), float(p), float(dense[j]), float(lexical[j]) or None, float(s))
                    for j, p, s in zip(order, prob, sure)]
        n = max(cfg.candidates, k)
        dense: dict[int, float] = {}
        lexical: dict[int, float] = {}
        if cfg.dense:
            vec = query_vector if query_vector is not None else self.embedder.embed_query(question)
            ids, sims = self.data.dense.search(vec, n, mask=mask)
            if cfg.sentences:     # rescore the passage candidates by their best sentence
                sims = self.data.sentences.best(vec, ids)
            dense = {int(i): float(s) for i, s in zip(ids, sims)}
        if cfg.lexical:
            if cfg.lexical == "raw":
                index, toks = self._raw(), list(dict.fromkeys(raw_words(question)))
            else:
                index, toks = self.data.lexical, query_lemmas(question, cfg.gazetteer)
            top_ids, top_scores = index.top(toks, n, mask)
            lexical = {int(i): float(s) for i, s in zip(top_ids, top_scores)}
        if cfg.sentences and not lexical:
            dense = dict(sorted(dense.items(), key=lambda kv: -kv[1]))
        fused = fuse(dense, lexical, cfg)
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        ranked = ranked[:k] if select is None else [ranked[j] for j in select([i for i, _ in ranked], k)]
        return [Hit(i, s, dense.get(i), lexical.get(i)) for i, s in ranked]

    def _second_look(self, question: str, groups: list[set[str]], cand: np.ndarray, order: np.ndarray,
                     logit: np.ndarray, held: str | None, cfg: RetrievalConfig, x: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, dict]:
        """The first passages re-scored by what they hold (``qa.rerank``); returns the order,
        the log-odds and each judged candidate position's ``answerable`` evidence."""
        if not cfg.rerank or not rerank.enabled() or not len(order):
            return order, logit, {}
        head = order[:rerank.WINDOW]
        rows = answerable.for_passages(question, groups, self.data, cand[head])
        extra = (rerank_features.window_features(self.data, groups, cand, head, x[:, ranker.FEATURES.index("cov")])
                 if rerank.uses_window_features() else None)
        order, logit, rows = rerank.reorder(order, logit, rows, held, extra)
        return order, logit, {int(j): r for j, r in zip(order[:rerank.WINDOW], rows)}

    def _question_evidence(self, question: str, groups: list[set[str]], cand: np.ndarray, order: np.ndarray,
                           logit: np.ndarray, evidence: dict) -> np.ndarray | None:
        """``qa.noanswer_evidence`` over the first passages, when the confidence model reads it."""
        head = order[:rerank.WINDOW]
        if not ranker.wants_question_evidence() or not len(head) or any(int(j) not in evidence for j in head):
            return None
        return noanswer_evidence.evidence(question, groups, self.data, cand[head], logit[head],
                                          np.array([evidence[int(j)] for j in head]))

    def candidates(self, question: str, vec: np.ndarray, mask: np.ndarray | None, cfg: RetrievalConfig
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Both retrievers' top lists merged: (passage ids, ranker features, cosine, BM25,
        absolute evidence for ``ranker.confidence``)."""
        data, n = self.data, cfg.candidates
        ids, sims = data.dense.search(vec, n, mask=mask)
        toks = query_lemmas(question, cfg.gazetteer)
        top_b, bm_top = data.lexical.top(toks, n, mask)
        cand = np.union1d(ids.astype(np.int64), top_b.astype(np.int64))
        dense = row_dots(data.vectors[cand], vec)
        best = data.sentences.best(vec, cand)
        held = [set(t) for t in data.token_lists(cand)]
        bm = data.lexical.scores_of(toks, cand, mask)      # exact, also for the dense candidates
        return rank_inputs(question, cfg, cand, dense, ids, best, bm, bm_top, held,
                           data.lexical.idf, len(data.chunks))


def rank_inputs(question: str, cfg: RetrievalConfig, cand: np.ndarray, dense: np.ndarray, dense_top: np.ndarray,
                best: np.ndarray, bm25: np.ndarray, bm25_top: np.ndarray, held: list[set[str]], idf, n_passages: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What ``Retriever.candidates`` returns, from each candidate's evidence (cosine, best
    sentence cosine, BM25, lemmas held), the dense top list's passages and BM25's top-list
    scores; shared by the sharded retriever, which gathers that evidence from its shards.
    The dense top list is scored by the exact cosines in ``dense``, in passage order, not by
    FAISS's (whose last bits depend on where a vector sits in the index, and which are
    approximate for quantised kinds)."""
    if len(cand) == 0:
        empty = np.zeros(0)
        return cand, np.zeros((0, len(ranker.FEATURES)), np.float32), empty, empty, np.zeros((0, 3))
    dense_top = dense[np.searchsorted(cand, np.sort(dense_top))]
    cover = ranker.coverage(query_groups(question, cfg.gazetteer), idf, n_passages, held)
    x = ranker.features(dense, dense_top, best, bm25, bm25_top, cover)
    return cand, x, dense, bm25, ranker.absolute(dense, best, cover)
