"""Run several retrieval systems on the same gold questions; score them with ranx.

Metric names follow DESIGN.md: success@k is ranx's hit_rate@k (a relevant passage in the
top k), plus mrr@10, ndcg@10, coverage@10 for list questions (share of quotes found in the
top 10, which ranx has no notion of), and card_mrr@10: the same ranking as the app shows
it, overlapping passages of one document merged into one card (``qa.cards``), so a hit on
the passage next to the answer's, which shares its text, counts where the user sees it.
Systems that share index settings share one index, so their differences come from
retrieval alone.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from muniqa.corpus.document import Document, Metadata
from muniqa.index.chunker import ChunkerSettings
from muniqa.index.datadir import data_dir
from muniqa.qa.api import Muniqa
from muniqa.qa.cards import card_parts, group_overlapping
from muniqa.qa.confidence import answers

from .gold import GoldQuestion, gold_corpus, load_gold, normalize, relevant_passages
from .systems import SystemSpec, parse_spec

RANX_METRICS = {"success@1": "hit_rate@1", "success@5": "hit_rate@5", "success@10": "hit_rate@10",
                "mrr@10": "mrr@10", "ndcg@10": "ndcg@10"}
DEFAULT_SYSTEMS = ["bm25-lemma", "dense", "hybrid"]


@dataclass
class QuestionResult:
    id: str
    question: str
    first_relevant: int | None          # rank of the first relevant passage (1-based)
    quotes_found: list[str]             # quotes present in the top 10
    top: list[tuple[str, float, str]]   # (doc id, score, passage text) of the top passages


@dataclass
class EvalResult:
    gold: str
    systems: dict[str, dict[str, float]] = field(default_factory=dict)        # means
    per_query: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # system -> metric -> scores
    per_question: dict[str, list[QuestionResult]] = field(default_factory=dict)
    runs: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)   # TREC-ready
    qrels: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)    # per system
    settings: dict[str, dict] = field(default_factory=dict)
    questions: list[GoldQuestion] = field(default_factory=list)
    unanswerable: list[GoldQuestion] = field(default_factory=list)   # not scored by ranking metrics
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def xquad_corpus(task: str) -> tuple[list[Document], list[GoldQuestion]]:
    """XQuAD-ru as documents (one per paragraph or sentence) and gold questions by doc id."""
    from .xquad import load_xquad
    data = load_xquad(task=task)
    docs = [Document(doc_id=i, source=f"xquad.ru.json#{i}", sha256=hashlib.sha256(t.encode()).hexdigest(),
                     text=t, meta=Metadata(title=i), line_map=[(0, 1)], headings=[])
            for i, t in data.corpus]
    gold = [GoldQuestion(qid, q, "fact", [], sorted(rel)) for qid, q, rel in data.queries]
    return docs, gold


def open_eval_index(corpus: list[str], embedder: str | None, chunker: ChunkerSettings | None,
                    progress: bool = True) -> Muniqa:
    """An index of ``corpus`` kept under the data dir, updated incrementally between runs."""
    from muniqa.index.embedders import default_embedder_name
    embedder = embedder or default_embedder_name()
    if corpus and corpus[0].startswith("xquad:"):
        chunker = chunker or ChunkerSettings(400, 0)     # one passage per paragraph / sentence
    from muniqa.index.chunk import PASSAGE_TEXT_VERSION     # another text: another index, the old one kept
    key = hashlib.sha256(repr((sorted(corpus), embedder, chunker, PASSAGE_TEXT_VERSION)).encode()).hexdigest()[:16]
    m = Muniqa(data_dir() / "eval" / key, embedder=embedder, progress=progress, chunker=chunker)
    from muniqa.index.legacy import LEGACY_FORMAT
    from muniqa.index.store import FORMAT_VERSION, read_manifest
    stale = (read_manifest(m.index_dir) or {}).get("format", FORMAT_VERSION) not in (FORMAT_VERSION, LEGACY_FORMAT)
    if corpus and corpus[0].startswith("xquad:"):
        from muniqa.index.builder import IndexBuilder
        docs, _ = xquad_corpus(corpus[0].split(":", 1)[1])
        IndexBuilder(m.index_dir, m.embedder, chunker, progress).update(docs, rebuild=stale)
    else:
        m.index([Path(p) for p in corpus] if corpus else None, rebuild=stale)
    return m


def _check_questions(result: EvalResult, questions: list[GoldQuestion], m: Muniqa) -> list[GoldQuestion]:
    """Questions whose quotes or docs are not in the corpus are errors, not misses."""
    corpus_norm = [normalize(d.text) for d in m.data.documents.values()]
    usable = []
    for q in questions:
        missing = [x for x in q.quotes if not any(normalize(x) in t for t in corpus_norm)]
        unknown = [d for d in q.docs if d not in m.data.documents]
        if missing or unknown:
            what = f"quote {missing[0]!r}" if missing else f"doc {unknown[0]!r}"
            result.errors.append(f"{result.gold}: {q.id}: {what} is not in the corpus")
        else:
            usable.append(q)
    return usable


def card_reciprocal_rank(data, shown: list, relevant) -> float:
    """1 / the rank of the first of the first 10 cards (``shown``'s overlapping passages of
    one document merged, as the app shows them) that holds a relevant passage; 0 if none."""
    cards = group_overlapping(data, shown)[:10]
    return next((1.0 / (c + 1) for c, card in enumerate(cards) if any(h.chunk in relevant for h in card)), 0.0)


def _score_system(result: EvalResult, spec: SystemSpec, questions: list[GoldQuestion], m: Muniqa,
                  vectors: dict[str, np.ndarray], k: int, warn: bool) -> None:
    from ranx import Qrels, Run, evaluate as ranx_evaluate
    data = m.data
    passages = [(c.doc_id, normalize(c.text)) for c in data.chunks]
    qrels, runs, rows = {}, {}, []
    cfg = spec.retrieval
    if cfg.fusion == "learned" and not cfg.held_out:
        cfg = dataclasses.replace(cfg, held_out=True)
    judged = cfg.fusion == "learned" and cfg.dense and cfg.lexical == "lemma"
    hidden = 0
    card_rr = []
    for q in questions:
        rel = relevant_passages(q, passages)
        if not rel and warn:
            result.warnings.append(f"{result.gold}: {q.id}: no single passage holds a quote; scored as a miss")
        # the parts of the first k cards: the first k passages, then deeper parts of those cards
        shown = m.retriever().search(q.question, k=k, config=cfg, query_vector=vectors.get(q.id),
                                     select=lambda chunks, n: card_parts(data, chunks, n))
        hits = shown[:k]
        card_rr.append(card_reciprocal_rank(data, shown, rel))
        hidden += bool(judged and hits and not answers(hits[0].logit))
        qrels[q.id] = {str(i): 1 for i in rel} or {"none": 1}
        runs[q.id] = {str(h.chunk): float(k - r) for r, h in enumerate(hits)} or {"-1": 0.0}
        first = next((r + 1 for r, h in enumerate(hits) if h.chunk in rel), None)
        found = sorted({j for h in hits[:10] for j in rel.get(h.chunk, ()) if j >= 0})
        rows.append(QuestionResult(q.id, q.question, first, [q.quotes[j] for j in found],
                                   [(data.chunks[h.chunk].doc_id, round(h.score, 4), data.chunks[h.chunk].text)
                                    for h in hits]))
    per_query = {}
    for name, metric in RANX_METRICS.items():
        scores = ranx_evaluate(Qrels(qrels), Run(runs), metric, return_mean=False, make_comparable=True)
        per_query[name] = np.asarray(scores, dtype=float)
    per_query["card_mrr@10"] = np.asarray(card_rr, dtype=float)
    lists = [(q, r) for q, r in zip(questions, rows) if q.kind == "list" and q.quotes]
    means = {name: round(float(v.mean()), 4) for name, v in per_query.items()}
    if lists:
        cov = np.array([len(r.quotes_found) / len(q.quotes) for q, r in lists])
        means["coverage@10"] = round(float(cov.mean()), 4)
    if judged:
        false = sum(bool(h) and answers(h[0].logit) for h in
                    (m.retriever().search(q.question, k=1, config=cfg) for q in result.unanswerable))
        means["hidden_answer"] = round(hidden / len(questions), 4)
        if result.unanswerable:
            means["false_answer"] = round(false / len(result.unanswerable), 4)
    means["n"] = len(questions)
    result.systems[spec.label] = means
    result.per_query[spec.label] = per_query
    result.per_question[spec.label] = rows
    result.runs[spec.label], result.qrels[spec.label] = runs, qrels


def evaluate(gold_questions: list[GoldQuestion], indexes: dict[tuple, Muniqa], specs: list[SystemSpec],
             gold_name: str, k: int = 10) -> EvalResult:
    logging.getLogger("ranx").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*unsafe cast.*")
    result = EvalResult(gold_name)
    first = indexes[specs[0].index_key]
    result.unanswerable = [q for q in gold_questions if not q.answerable]
    questions = _check_questions(result, [q for q in gold_questions if q.answerable], first)
    result.questions = questions
    if not questions:
        return result
    vectors: dict[tuple, dict[str, np.ndarray]] = {}
    for spec in specs:
        result.settings.setdefault(spec.label, spec.settings())
        m = indexes[spec.index_key]
        if spec.retrieval.dense and spec.index_key not in vectors:   # one query embedding per question
            vectors[spec.index_key] = {q.id: m.embedder.embed_query(q.question) for q in questions}
        warn = not any(s.index_key == spec.index_key for s in specs[:specs.index(spec)])
        _score_system(result, spec, questions, m, vectors.get(spec.index_key, {}), k, warn)
    return result


def evaluate_gold_file(gold: str, corpus: list[str], systems: list[str | SystemSpec],
                       embedder: str | None = None, progress: bool = True) -> EvalResult:
    """``gold`` is a JSON Lines path, or ``xquad:sentence`` / ``xquad:passage``."""
    from .partners_eval import evaluate_partners_file, is_partners_gold
    if is_partners_gold(gold):          # partnerships, not questions: precision/recall of pairs
        return evaluate_partners_file(gold, corpus, embedder, progress)
    specs = [s if isinstance(s, SystemSpec) else parse_spec(s) for s in systems]
    if gold.startswith("xquad:"):
        _, questions = xquad_corpus(gold.split(":", 1)[1])
        corpus = [gold]
    else:
        questions = load_gold(gold)
        if not corpus:
            corpus = gold_corpus(gold) or []
    indexes = {}
    for spec in specs:
        if spec.index_key not in indexes:
            indexes[spec.index_key] = open_eval_index(corpus, spec.embedder or embedder, spec.chunker, progress)
    return evaluate(questions, indexes, specs, gold)
