"""What the passage text of ``index.chunk`` (version 7: the document's short title in front of
each embedded passage, a table's header row in front of its later passages) costs at indexing
time against version 1 (city and section only): the same documents built
both ways, side by side in one process, in interleaved rounds (the machine's load drifts;
interleaving shares the drift out).

    python -m muniqa.eval.bench_passage_text [--rounds 3] [PATH ...]   (default: bundled reports)

Prints, per way, the median seconds of a full index build (reading excluded: the documents
are read once before, with today's reader), the embedding stage alone, the tokens embedded
(passages and sentences, each distinct text once, as the builder embeds them), and the
throughput of version 7 relative to version 1.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

from muniqa.eval.bench_args import documents_and_rounds
from muniqa.index import builder as builder_module
from muniqa.index.builder import IndexBuilder
from muniqa.index.chunk import passage_head
from muniqa.index.embedders import make_embedder
from muniqa.index.sentvec import sentence_texts


def texts_v1(chunk, doc) -> tuple[str, list[str]]:
    """Version 1's texts: city and section in front of the passage and of each sentence."""
    head = passage_head(chunk, doc)
    return (f"{head}.\n{chunk.text}" if head else chunk.text), sentence_texts(chunk.text, head)


WAYS = {"version 1 (city, section)": texts_v1, "version 7 (+ title, table header)": builder_module.texts_of}


def _tokens(docs, embedder, texts_of) -> int:
    """Tokens of the distinct texts a build embeds (the builder embeds each distinct text once)."""
    chunker = builder_module.Chunker()
    seen: set[str] = set()
    for doc in docs:
        for chunk in chunker.chunk(doc):
            passage, sentences = texts_of(chunk, doc)
            seen.update([passage, *sentences])
    return sum(embedder.count_tokens(t) for t in seen)


def _build(docs, embedder, texts_of) -> tuple[float, float]:
    folder = Path(tempfile.mkdtemp(prefix="muniqa-bench-passage-text-"))
    try:
        with mock.patch.object(builder_module, "texts_of", texts_of):
            started = time.perf_counter()
            report = IndexBuilder(folder, embedder, progress=False).update(docs)
            return time.perf_counter() - started, report.timings["embed"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    docs, rounds = documents_and_rounds(__doc__.split("\n\n")[0])
    embedder = make_embedder(None)
    seconds: dict[str, list[float]] = {w: [] for w in WAYS}
    embed: dict[str, list[float]] = {w: [] for w in WAYS}
    load = []
    _build(docs[:1], embedder, builder_module.texts_of)          # warm-up: sessions, dictionaries
    for r in range(rounds):
        for way in (list(WAYS) if r % 2 == 0 else list(WAYS)[::-1]):
            load.append(os.getloadavg()[0])
            s, e = _build(docs, embedder, WAYS[way])
            seconds[way].append(s)
            embed[way].append(e)
            print(f"round {r + 1} {way}: {s:.1f} s (embedding {e:.1f} s), load {load[-1]:.1f}", flush=True)
    v1, v7 = list(WAYS)
    out = {"documents": len(docs), "rounds": rounds, "cpus": os.cpu_count(),
           "load_avg_min_max": [round(min(load), 1), round(max(load), 1)],
           "ways": {w: {"median_s": round(float(np.median(seconds[w])), 2),
                        "runs_s": [round(x, 1) for x in seconds[w]],
                        "embed_stage_median_s": round(float(np.median(embed[w])), 2),
                        "tokens_embedded": _tokens(docs, embedder, WAYS[w])} for w in WAYS}}
    out["throughput_v7_vs_v1"] = round(float(np.median(seconds[v1])) / float(np.median(seconds[v7])), 3)
    out["per_round_v7_vs_v1"] = [round(a / b, 3) for a, b in zip(seconds[v1], seconds[v7])]
    out["embed_stage_v7_vs_v1"] = round(float(np.median(embed[v1])) / float(np.median(embed[v7])), 3)
    out["tokens_v7_vs_v1"] = round(out["ways"][v7]["tokens_embedded"] / out["ways"][v1]["tokens_embedded"], 3)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
