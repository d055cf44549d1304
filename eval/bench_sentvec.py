"""What sentence vectors cost at indexing time, and what embedding each distinct text once
(``embed_reuse``) and running windows side by side (onnx ``workers``) win back: the same
documents indexed several ways, side by side in one process, in interleaved rounds (the
machine's load drifts; interleaving shares the drift out).

    python -m muniqa.eval.bench_sentvec [--rounds 3] [PATH ...]     (default: bundled reports)

Ways (all write the same passage vectors; the last three the same sentence vectors too):
- ``passages only``: no sentence vectors (each passage keeps one empty row), the embedder
  as it was (one 2-thread run at a time): muniqa before sentence vectors, the issue's base;
- ``passages only, side by side``: the same with this branch's embedder;
- ``sentences apart``: every sentence embedded on its own with the heading in front, as
  before this branch (no reuse, one 2-thread run at a time);
- ``+ reuse``: each distinct text embedded once;
- ``+ reuse + side by side`` (the default now).

Prints, per way, the median seconds of a full index build (reading excluded: the documents
are read once before), tokens/s (passage tokens, as ``muniqa bench`` counts them), the
throughput relative to ``passages only``, the same for the embedding stage alone, the
texts embedded and reused, and the load average seen.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from muniqa.eval.bench_args import documents_and_rounds
from muniqa.index.builder import IndexBuilder
from muniqa.index.embedders import make_embedder


class _PassagesOnly(IndexBuilder):
    """Sentences not embedded: one zero row per passage keeps the index format."""

    def _embed_sentences(self, groups):
        return [np.zeros((1, self.embedder.dim), np.float32) for _ in groups]


WAYS = {  # name: (builder class, reuse, embedder workers)
    "passages only": (_PassagesOnly, False, 1),
    "passages only, side by side": (_PassagesOnly, False, 2),
    "sentences apart": (IndexBuilder, False, 1),
    "+ reuse": (IndexBuilder, True, 1),
    "+ reuse + side by side": (IndexBuilder, True, 2),
}


def _build(docs, embedder, way) -> tuple[float, float, int | None, int, int]:
    cls, reuse, workers = WAYS[way]
    folder = Path(tempfile.mkdtemp(prefix="muniqa-bench-sentvec-"))
    default_workers = getattr(embedder, "workers", 1)
    embedder.workers = workers
    try:
        builder = cls(folder, embedder, progress=False)
        builder.reuse_vectors = reuse
        started = time.perf_counter()
        report = builder.update(docs)
        seconds = time.perf_counter() - started
        r = builder.reuse
        return seconds, report.timings["embed"], (r.misses if r is not None else None), (r.hits if r is not None else 0), report.embedded_tokens
    finally:
        embedder.workers = default_workers
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    docs, rounds = documents_and_rounds(__doc__.split("\n\n")[0])
    embedder = make_embedder(None)
    seconds: dict[str, list[float]] = {w: [] for w in WAYS}
    embed: dict[str, list[float]] = {w: [] for w in WAYS}
    counts: dict[str, tuple[int, int]] = {}
    tokens, load = 0, []
    _build(docs[:1], embedder, "+ reuse + side by side")     # warm-up: sessions, dictionaries
    for r in range(rounds):
        ways = list(WAYS) if r % 2 == 0 else list(WAYS)[::-1]
        for way in ways:
            load.append(os.getloadavg()[0])
            s, e, embedded, reused, tokens = _build(docs, embedder, way)
            seconds[way].append(s)
            embed[way].append(e)
            counts[way] = (embedded, reused)
            print(f"round {r + 1} {way}: {s:.1f} s (embedding {e:.1f} s), load {load[-1]:.1f}", flush=True)
    base = float(np.median(seconds["passages only"]))
    base_embed = float(np.median(embed["passages only"]))
    out = {"documents": len(docs), "passage_tokens": tokens, "rounds": rounds,
           "load_avg_min_max": [round(min(load), 1), round(max(load), 1)], "cpus": os.cpu_count(),
           "ways": {w: {"median_s": round(float(np.median(s)), 2), "runs_s": [round(x, 1) for x in s],
                        "tokens_per_s": round(tokens / float(np.median(s)), 1),
                        "throughput_vs_passages_only": round(base / float(np.median(s)), 3),
                        "per_round_vs_passages_only": [round(b / x, 3) for b, x in zip(seconds["passages only"], s)],
                        "embed_stage_median_s": round(float(np.median(embed[w])), 2),
                        "embed_stage_vs_passages_only": round(base_embed / float(np.median(embed[w])), 3),
                        "texts_embedded_reused": list(counts[w])}
                    for w, s in seconds.items()}}
    side = float(np.median(seconds["passages only, side by side"]))
    out["default_vs_passages_only_side_by_side"] = round(
        side / float(np.median(seconds["+ reuse + side by side"])), 3)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
