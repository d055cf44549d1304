"""One shard's side of a sharded search: what the coordinator needs, computed where the data is.

A worker opens its shard once and answers requests. For the default (learned) system it
returns, in one reply, the shard's own top list of each retriever and, for every passage
of the shard that could be a candidate of the whole index (the union of both lists), the
evidence the ranker needs: cosine, best sentence cosine, BM25 score and which of the
query's lemmas it holds. Since each retriever's global top n is made of shards' top n
lists, the coordinator has everything it needs after one round trip per shard.

Passage numbers in requests and replies are the shard's own (``0..len(shard)-1``).
"""
from __future__ import annotations

import numpy as np

from muniqa.index.rowdot import row_dots
from muniqa.index.store import IndexData


def candidates(data: IndexData, vec: np.ndarray, toks: list[str], wanted: set[str], n: int,
               mask: np.ndarray | None) -> dict:
    """The shard's evidence for one question (see module docstring)."""
    ids, sims = data.dense.search(vec, n, mask=mask)
    top_b, bm_top = data.lexical.top(toks, n, mask)
    cand = np.union1d(ids.astype(np.int64), top_b.astype(np.int64))
    return {"dense_ids": ids.astype(np.int64), "dense_sims": sims, "bm_ids": top_b.astype(np.int64),
            "bm_top": bm_top, "cand": cand, "cosine": row_dots(data.vectors[cand], vec),
            "best": data.sentences.best(vec, cand), "bm25": data.lexical.scores_of(toks, cand, mask),
            "held": [set(t) & wanted for t in data.token_lists(cand)]}


HANDLERS = {"candidates": candidates}


def handle(data: IndexData, request: tuple) -> object:
    kind, args = request
    return HANDLERS[kind](data, *args)


def serve(conn, shard_dir: str, threads: int = 1) -> None:
    """Process entry point: open the shard, say "ready" (or the one-line error), then answer
    requests until the coordinator closes the pipe or sends None."""
    import faiss
    faiss.omp_set_num_threads(threads)     # one process per shard shares the cores already
    from pathlib import Path
    from muniqa.index.store import load_index
    try:
        data = load_index(Path(shard_dir))
    except Exception as exc:  # noqa: BLE001 - reported to the coordinator as one line
        conn.send(("error", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
        return
    conn.send(("ready", len(data.chunks)))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):        # the coordinator is gone
            return
        if request is None:
            return
        try:
            conn.send(("ok", handle(data, request)))
        except Exception as exc:  # noqa: BLE001
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


if __name__ == "__main__":
    import sys
    from multiprocessing.connection import Connection
    serve(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
