"""Sharded against unsharded search on one index, side by side in one run (printed, never asserted).

    python -m muniqa.eval.bench_shards INDEX_DIR [--into 2 --into 4] [--queries 200]
    python -m muniqa.eval.bench_shards --chunks 1000000        # a synthetic index first

The index is split into each number of shards in a temporary folder (``muniqa shard
--out``), each shard opened by its own worker process. For every configuration: warm query
latency (p50/p95/p99 of ``search``, k = 10, the default ranker; the query vectors are
computed once beforehand, so the figures are retrieval and ranking, the same embedding
cost coming on top of each), unfiltered and filtered (a city and years), the time to split
and to start the workers, and whether the top 10 of every bench question is the unsharded
one. ``--chunks N`` builds a synthetic index of N passages first (``eval.bench_scale``:
the bundled reports' real passages repeated with variation, written straight to disk).
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path


from muniqa.eval.bench import QUESTIONS, _percentiles
from muniqa.index.embedders import make_embedder
from muniqa.index.shard_split import split_index
from muniqa.index.store import read_manifest
from muniqa.qa.filters import Filters
from muniqa.qa.sharded import open_index, retriever_for

FILTER = Filters(cities=["Томск"], year_from=2015)


def _latency(retriever, vectors: dict, n: int, filters: Filters | None) -> dict:
    for q in QUESTIONS:                                   # warm: caches, page cache, workers
        retriever.search(q, k=10, filters=filters, query_vector=vectors[q])
    times = []
    for i in range(n):
        q = QUESTIONS[i % len(QUESTIONS)]
        started = time.perf_counter()
        retriever.search(q, k=10, filters=filters, query_vector=vectors[q])
        times.append(time.perf_counter() - started)
    return _percentiles(times)


def _tops(retriever, vectors: dict) -> list:
    return [[(h.chunk, round(h.score, 5)) for h in retriever.search(q, k=10, filters=f, query_vector=vectors[q])]
            for q in QUESTIONS for f in (None, FILTER)]


def measure(index_dir: Path, intos: list[int], n_queries: int, workdir: Path) -> dict:
    embedder = make_embedder((read_manifest(index_dir) or {}).get("embedder", {}).get("backend"))
    vectors = {q: embedder.embed_query(q) for q in QUESTIONS}
    started = time.perf_counter()
    whole = retriever_for(open_index(index_dir), embedder)
    out = {"chunks": len(whole.data.chunks), "dense_kind": whole.data.manifest.get("dense_kind"), "rows": []}
    out["rows"].append({"config": "unsharded", "open_s": round(time.perf_counter() - started, 2),
                        "retrieve": _latency(whole, vectors, n_queries, None),
                        "retrieve_filtered": _latency(whole, vectors, n_queries, FILTER)})
    reference = _tops(whole, vectors)
    del whole
    for n in intos:
        folder = workdir / f"shards-{n}"
        started = time.perf_counter()
        split_index(index_dir, n, folder)
        split_s = time.perf_counter() - started
        started = time.perf_counter()
        sharded = retriever_for(open_index(folder), embedder)
        open_s = time.perf_counter() - started
        row = {"config": f"{n} shards (processes)", "split_s": round(split_s, 1), "open_s": round(open_s, 2),
               "retrieve": _latency(sharded, vectors, n_queries, None),
               "retrieve_filtered": _latency(sharded, vectors, n_queries, FILTER),
               "same_top10": _tops(sharded, vectors) == reference}
        out["rows"].append(row)
        sharded.close()
        del sharded
        shutil.rmtree(folder, ignore_errors=True)
    return out


def table(result: dict) -> str:
    lines = [f"{result['chunks']:,} passages ({result['dense_kind']}); warm search, k=10, ms (p50 / p95 / p99)",
             f"{'':24} {'unfiltered':>22} {'filtered':>22} {'split s':>8} {'open s':>7} same top 10"]
    for r in result["rows"]:
        a, b = r["retrieve"], r["retrieve_filtered"]
        lines.append(f"{r['config']:24} {a['p50']:>6} / {a['p95']:>6} / {a['p99']:>6} "
                     f"{b['p50']:>6} / {b['p95']:>6} / {b['p99']:>6} {r.get('split_s', '–'):>8} "
                     f"{r['open_s']:>7} {r.get('same_top10', '–')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index", nargs="?", type=Path, help="an index folder (default: build --chunks)")
    ap.add_argument("--into", type=int, action="append", help="shard counts (default 2 and 4)")
    ap.add_argument("--chunks", type=int, default=1_000_000, help="synthetic passages when no INDEX is given")
    ap.add_argument("--base", type=Path, help="index whose passages the synthetic one repeats (default: "
                    "the bundled reports, indexed first)")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="muniqa-bench-shards-"))
    try:
        index_dir = args.index
        built = None
        if index_dir is None:
            from muniqa.eval.bench_scale import build
            from muniqa.qa import Muniqa
            base = args.base
            if base is None:
                base = workdir / "base"
                Muniqa(base, progress=False).index()
            index_dir = workdir / "synthetic"
            built = build(base, index_dir, args.chunks)
        result = measure(index_dir, args.into or [2, 4], args.queries, workdir)
        result["synthetic"] = built
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(table(result))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
