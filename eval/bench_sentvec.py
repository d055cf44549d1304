"""What sentence vectors cost at indexing time: the same documents indexed three ways, side
by side in one process, in interleaved rounds (the machine's load drifts; interleaving
shares the drift out).

    python -m muniqa.eval.bench_sentvec [--rounds 3] [PATH ...]     (default: bundled reports)

- ``passages only``: no sentence vectors (each passage's one row is its passage vector),
  i.e. muniqa before sentence vectors;
- ``sentences embedded apart``: every sentence embedded again on its own with the heading
  in front (muniqa until this benchmark; also what backends without token states do);
- ``one pass`` (the default): sentence vectors pooled from the passage's own model pass.

Prints, per way, the median seconds of a full index build (reading excluded: the documents
are read once before), tokens/s (passage tokens, as ``muniqa bench`` counts them), the
throughput relative to ``passages only``, the same for the embedding stage alone, and the
load average seen.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from muniqa.corpus.loader import bundled_reports_dir, iter_documents
from muniqa.index import sentvec
from muniqa.index.builder import IndexBuilder
from muniqa.index.embedders import make_embedder


class _Apart:
    """The embedder without token states: sentences are embedded one by one."""

    def __init__(self, inner):
        self.inner = inner
        self.backend, self.model_id, self.dim = inner.backend, inner.model_id, inner.dim

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def _passages_only(embedder, texts, bodies):
    vectors = embedder.embed_passages(texts)
    return vectors, [v[None, :] for v in vectors]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    paths = [Path(p) for p in args.paths] or [bundled_reports_dir()]
    docs = [d for d in iter_documents(paths) if not isinstance(d, Exception)]
    embedder = make_embedder(None)
    original = sentvec.embed_with_sentences
    ways = {"passages only": (embedder, _passages_only),
            "sentences embedded apart": (_Apart(embedder), original),
            "one pass": (embedder, original)}
    seconds: dict[str, list[float]] = {w: [] for w in ways}
    embed: dict[str, list[float]] = {w: [] for w in ways}
    tokens, load = 0, []
    import muniqa.index.builder as builder
    for _ in range(args.rounds):
        for way, (emb, fn) in ways.items():
            folder = Path(tempfile.mkdtemp(prefix="muniqa-bench-sentvec-"))
            builder.embed_with_sentences = fn
            load.append(os.getloadavg()[0])
            try:
                started = time.perf_counter()
                report = IndexBuilder(folder, emb, progress=False).update(docs)
                seconds[way].append(time.perf_counter() - started)
                tokens = report.embedded_tokens
                embed[way].append(report.timings["embed"])
            finally:
                builder.embed_with_sentences = original
                shutil.rmtree(folder, ignore_errors=True)
    base = float(np.median(seconds["passages only"]))
    base_embed = float(np.median(embed["passages only"]))
    out = {"documents": len(docs), "passage_tokens": tokens, "rounds": args.rounds,
           "load_avg_min_max": [round(min(load), 1), round(max(load), 1)], "cpus": os.cpu_count(),
           "ways": {w: {"median_s": round(float(np.median(s)), 2), "runs_s": [round(x, 1) for x in s],
                        "tokens_per_s": round(tokens / float(np.median(s)), 1),
                        "throughput_vs_passages_only": round(base / float(np.median(s)), 3),
                        "embed_stage_median_s": round(float(np.median(embed[w])), 2),
                        "embed_stage_vs_passages_only": round(base_embed / float(np.median(embed[w])), 3)}
                    for w, s in seconds.items()}}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
