"""``muniqa bench``: speed and memory, printed as figures (never asserted in tests).

1. Index build on the bundled reports, split into reading (+cleaning), chunking,
   lemmatizing, embedding and writing; peak RSS; size on disk per passage.
2. Query latency, warm and in-process (p50/p95/p99), with and without filters, and end to
   end through the CLI (a new process per question: model load included).
3. Scale (``--chunks N``): a SYNTHETIC index of N passages (the real passages of the
   bundled reports repeated with variation, vectors = real embeddings plus noise; see
   ``bench_scale``) written to disk in format 3 by one process, then opened by a fresh
   process that reports open time, its peak RSS and warm latencies (retrieval components,
   the learned-ranker search, the cited answer; filtered and unfiltered). The output says
   ``synthetic``.
4. Embedding throughput of the default embedder on real text for a fixed time budget.
"""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from muniqa.qa.api import Muniqa
from muniqa.qa.filters import Filters
from muniqa.qa.retrieve import Retriever

QUESTIONS = [
    "Какие города сотрудничают с белорусскими партнерами?", "фестиваль ледовых скульптур",
    "Сколько пресс-релизов опубликовали на портале мэрии?", "туристский информационный центр",
    "дорожная карта сотрудничества Санкт-Петербурга и Томской области", "побратимские связи с Японией",
    "молодежные обмены со школьниками Китая", "информационные кампании в социальных сетях",
    "участие в международных конференциях", "экскурсии для туристов по городу",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {"p50": round(float(np.percentile(ms, 50)), 2), "p95": round(float(np.percentile(ms, 95)), 2),
            "p99": round(float(np.percentile(ms, 99)), 2)}


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_build(workdir: Path, embedder: str | None) -> tuple[dict, Muniqa]:
    m = Muniqa(workdir / "index", embedder=embedder, progress=False)
    report = m.index()
    version = m.data.path
    t = report.timings
    total = sum(t.values())
    chunks = report.chunks
    return {
        "documents": report.documents, "chunks": chunks, "seconds": round(total, 2),
        "stages_s": {k: round(v, 3) for k, v in t.items()},
        "documents_per_s": round(report.documents / total, 2), "chunks_per_s": round(chunks / total, 2),
        "index_tokens_per_s": round(report.embedded_tokens / total, 1),
        "embed_tokens_per_s": round(report.embedded_tokens / max(t.get("embed", 0), 1e-9), 1),
        "bytes_on_disk_per_chunk": int(_dir_size(version) / max(chunks, 1)),
    }, m


def _latencies(retriever: Retriever, embedder, n: int, filters: Filters | None) -> dict[str, float]:
    times = []
    for i in range(n):
        q = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        retriever.search(q, k=10, filters=filters)
        times.append(time.perf_counter() - started)
    return _percentiles(times)


def bench_queries(m: Muniqa, n: int = 200) -> dict:
    retriever = m.retriever()
    for q in QUESTIONS:          # warm up: model, caches
        m.ask(q)
    answer_times = []
    for i in range(n):
        started = time.perf_counter()
        m.ask(QUESTIONS[i % len(QUESTIONS)], k=10)
        answer_times.append(time.perf_counter() - started)
    return {"retrieve": _latencies(retriever, m.embedder, n, None),
            "retrieve_filtered": _latencies(retriever, m.embedder, n, Filters(cities=["Томск"], year_from=2024)),
            "answer_with_highlights": _percentiles(answer_times)}


def bench_cli(m: Muniqa, runs: int = 5) -> dict:
    """``muniqa ask`` as a new process each time (interpreter, imports and model load included)."""
    out = {}
    for label, extra in (("plain", []), ("filtered", ["--city", "Томск", "--year", "2024"])):
        times = []
        for i in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "muniqa", "ask", QUESTIONS[i % len(QUESTIONS)], "--json",
                            "--index", str(m.index_dir), *extra], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        out[label] = _percentiles(times)
    return out


def bench_scale(m: Muniqa, n_chunks: int, workdir: Path) -> dict:
    """A synthetic index of ``n_chunks`` passages built by one process and served by a fresh
    one (``bench_scale``): the memory figure is what searching costs, not building; the
    index is deleted afterwards."""
    folder = workdir / f"scale-{n_chunks}"
    try:
        built = _subprocess_json("build", str(m.index_dir), str(folder), str(n_chunks))
        served = _subprocess_json("serve", str(folder), m.embedder.backend)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {**served, **built, "synthetic": True, "build_peak_rss_mb": built["build_peak_rss_mb"],
            "peak_rss_mb": served["peak_rss_mb"], "retrieve": served["search"],
            "retrieve_filtered": served["search_filtered"]}


def _subprocess_json(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "muniqa.eval.bench_scale", *args], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_embed(m: Muniqa, seconds: float = 20.0) -> dict:
    texts = [c.text for c in m.data.chunks]
    tokens, started, done = 0, time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        batch = texts[done % len(texts):done % len(texts) + 16]
        m.embedder.embed_passages(batch)
        tokens += sum(m.embedder.count_tokens(t) for t in batch)
        done += len(batch)
    elapsed = time.perf_counter() - started
    return {"embedder": m.embedder.backend, "passages": done, "tokens_per_s": round(tokens / elapsed, 1)}


def run(scales: list[int], embedder: str | None = None, embed_seconds: float = 20.0) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="muniqa-bench-"))
    try:
        build, m = bench_build(workdir, embedder)
        out = {"build": build, "query": bench_queries(m), "cli": bench_cli(m),
               "embed": bench_embed(m, embed_seconds), "scale": []}
        for n in scales:
            out["scale"].append(bench_scale(m, n, workdir))
        out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    largest = out["scale"][-1] if out["scale"] else None
    latency = largest["retrieve"] if largest else out["query"]["retrieve"]
    out.update({"query_p50_ms": latency["p50"], "query_p95_ms": latency["p95"], "query_p99_ms": latency["p99"],
                "index_tokens_per_s": build["index_tokens_per_s"], "embed_tokens_per_s": out["embed"]["tokens_per_s"],
                "chunks": largest["chunks"] if largest else build["chunks"],
                "index_kind": largest["index_kind"] if largest else "flat"})
    return out
