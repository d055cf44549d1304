"""Run several retrieval systems on the same passages and gold questions; score them with ranx.

Metric names follow DESIGN.md: success@k is ranx's hit_rate@k (a relevant passage in the
top k), plus mrr@10, ndcg@10, and coverage@10 for list questions (share of quotes found
in the top 10, which ranx has no notion of).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from corpus.document import Document, Metadata
from index.chunker import ChunkerSettings
from index.datadir import data_dir
from qa.api import Muniqa
from qa.retrieve import parse_system

from .gold import GoldQuestion, load_gold, normalize, relevant_passages

RANX_METRICS = {"success@1": "hit_rate@1", "success@5": "hit_rate@5", "success@10": "hit_rate@10",
                "mrr@10": "mrr@10", "ndcg@10": "ndcg@10"}
DEFAULT_SYSTEMS = ["bm25-lemma", "dense", "hybrid"]


@dataclass
class QuestionResult:
    id: str
    question: str
    first_relevant: int | None          # rank of the first relevant passage (1-based)
    quotes_found: list[str]             # quotes present in the top 10
    top: list[tuple[str, float]]        # (doc id, score) of the top passages


@dataclass
class EvalResult:
    gold: str
    systems: dict[str, dict[str, float]] = field(default_factory=dict)
    per_question: dict[str, list[QuestionResult]] = field(default_factory=dict)
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
    key = hashlib.sha256(repr((sorted(corpus), embedder, chunker)).encode()).hexdigest()[:16]
    m = Muniqa(data_dir() / "eval" / key, embedder=embedder, progress=progress, chunker=chunker)
    if corpus and corpus[0].startswith("xquad:"):
        from index.builder import IndexBuilder
        docs, _ = xquad_corpus(corpus[0].split(":", 1)[1])
        IndexBuilder(m.index_dir, m.embedder, chunker or ChunkerSettings(400, 0), progress).update(docs)
    else:
        m.index([Path(p) for p in corpus] if corpus else None)
    return m


def evaluate(gold_questions: list[GoldQuestion], m: Muniqa, systems: list[str], gold_name: str,
             k: int = 10) -> EvalResult:
    import warnings

    from ranx import Qrels, Run, evaluate as ranx_evaluate
    logging.getLogger("ranx").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message=".*unsafe cast.*")
    data = m.data
    passages = [(c.doc_id, normalize(c.text)) for c in data.chunks]
    corpus_norm = {d.doc_id: normalize(d.text) for d in data.documents.values()}
    result = EvalResult(gold_name)
    qrels: dict[str, dict[str, int]] = {}
    relevant: dict[str, dict[int, set[int]]] = {}
    questions: list[GoldQuestion] = []
    for q in gold_questions:
        missing = [x for x in q.quotes if not any(normalize(x) in t for t in corpus_norm.values())]
        if missing or any(d not in data.documents for d in q.docs):
            what = f"quote {missing[0]!r}" if missing else f"doc {[d for d in q.docs if d not in data.documents][0]!r}"
            result.errors.append(f"{gold_name}: {q.id}: {what} is not in the corpus")
            continue
        rel = relevant_passages(q, passages)
        split = [x for j, x in enumerate(q.quotes) if not any(j in s for s in rel.values())]
        if split:
            result.warnings.append(f"{gold_name}: {q.id}: quote {split[0]!r} spans two passages")
        if not rel:
            result.warnings.append(f"{gold_name}: {q.id}: no single passage holds a quote; scored as a miss")
        questions.append(q)
        relevant[q.id] = rel
        qrels[q.id] = {str(i): 1 for i in rel} or {"none": 1}
    if not questions:
        return result
    vectors = {}
    if any(parse_system(s).dense for s in systems):   # one query embedding per question, shared
        vectors = {q.id: m.embedder.embed_query(q.question) for q in questions}
    for system in systems:
        runs: dict[str, dict[str, float]] = {}
        rows: list[QuestionResult] = []
        for q in questions:
            hits = m.retriever().search(q.question, k=k, config=system, query_vector=vectors.get(q.id))
            runs[q.id] = {str(h.chunk): float(k - r) for r, h in enumerate(hits)} or {"-1": 0.0}
            rel = relevant[q.id]
            first = next((r + 1 for r, h in enumerate(hits) if h.chunk in rel), None)
            found = sorted({j for h in hits[:10] for j in rel.get(h.chunk, ()) if j >= 0})
            rows.append(QuestionResult(q.id, q.question, first, [q.quotes[j] for j in found],
                                       [(data.chunks[h.chunk].doc_id, round(h.score, 4)) for h in hits]))
        scores = ranx_evaluate(Qrels(qrels), Run(runs), list(RANX_METRICS.values()), make_comparable=True)
        metrics = {name: round(float(scores[r]), 4) for name, r in RANX_METRICS.items()}
        lists = [(q, row) for q, row in zip(questions, rows) if q.kind == "list" and q.quotes]
        if lists:
            metrics["coverage@10"] = round(sum(len(r.quotes_found) / len(q.quotes) for q, r in lists) / len(lists), 4)
        metrics["n"] = len(questions)
        result.systems[system] = metrics
        result.per_question[system] = rows
    return result


def evaluate_gold_file(gold: str, corpus: list[str], systems: list[str], embedder: str | None = None,
                       chunker: ChunkerSettings | None = None, progress: bool = True) -> EvalResult:
    """``gold`` is a JSON Lines path, or ``xquad:sentence`` / ``xquad:passage``."""
    if gold.startswith("xquad:"):
        _, questions = xquad_corpus(gold.split(":", 1)[1])
        m = open_eval_index([gold], embedder, chunker, progress)
    else:
        questions = load_gold(gold)
        m = open_eval_index(corpus, embedder, chunker, progress)
    return evaluate(questions, m, systems, gold)
