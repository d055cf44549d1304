"""``muniqa bench --chunks N``: a synthetic index of N passages written straight to disk in
format 3, then opened and searched by a FRESH process whose peak memory is the figure.

Embedding millions of passages on two cores takes days, so the corpus is SYNTHETIC: the
real passages of the bundled reports repeated with variation (each copy's lemmas get 3
extra lemmas drawn from the real vocabulary; its vector is the real embedding plus Gaussian
noise, renormalised), 100 passages per document, documents spread over 10 cities and 15
years. To fit a shared disk, each synthetic passage keeps ONE sentence vector (its source's
first sentence plus noise) where a real passage keeps one per sentence, and the copies of a
passage share the bytes of its text (``texts_spans.npy`` points several passages at one
text). Everything is written block by block (``format3.VersionWriter``), so building 5
million passages never holds 5 million Python objects.

Run as ``python -m muniqa.eval.bench_scale build BASE_INDEX OUT N`` and
``python -m muniqa.eval.bench_scale serve OUT [EMBEDDER] [--compare]``; each prints one JSON
line, with ``ru_maxrss`` of its own process. ``--compare`` adds BM25's exhaustive scoring
against its pruned top list (``index/bm25_topk.py``), timed interleaved query by query in
the same process so that the ratio holds on a loaded machine, and checks they agree.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from muniqa.corpus.document import Document, Metadata
from muniqa.index.dense import APPROXIMATE_FROM

PER_DOC = 100
BLOCK = 100_000
CITIES = ["Томск", "Хабаровск", "Омск", "Иркутск", "Казань", "Пермь", "Самара", "Тверь", "Орел", "Курск"]
N_QUERIES = 200
NOISE = 0.03
POOL = 1 << 15
TRAIN_PER_CELL = 10     # k-means sample per cell (synthetic vectors: 71 noisy blobs anyway)


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM). Not ``ru_maxrss``: Linux carries that over
    ``exec`` from the parent, so a child of a 550 MB bench reported 550 MB before opening."""
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _documents(n_docs: int):
    for d in range(n_docs):
        meta = Metadata(title=f"synthetic {d}", cities=[CITIES[d % len(CITIES)]], year=2010 + d % 15)
        yield Document(f"s{d}", "synthetic", "", "", meta, [(0, 1)], [])


def _gather(flat: np.ndarray, offsets: np.ndarray, src: np.ndarray, extra: np.ndarray):
    """Token ids of passages ``src`` (base lists) with ``extra`` ids appended to each."""
    starts, lens = offsets[src], offsets[src + 1] - offsets[src]
    out_len = lens + extra.shape[1]
    out_off = np.concatenate([[0], np.cumsum(out_len)])
    out = np.empty(int(out_off[-1]), dtype=np.int32)
    total = int(lens.sum())
    within = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    out[np.repeat(out_off[:-1], lens) + within] = flat[np.repeat(starts, lens) + within]
    out[(out_off[:-1] + lens)[:, None] + np.arange(extra.shape[1])] = extra
    return out, out_len


def _noise(rng, pool: np.ndarray, n: int):
    """Gaussian noise (sd ``NOISE``) per row as the sum of two random rows of a pool of
    standard normals: as random as fresh draws for this purpose (2^30 pairs) and several
    times cheaper than drawing 2 billion normals for 5 million passages. Returns the noise
    and the two pool rows of each (``_dense`` uses them)."""
    i, j = rng.integers(0, len(pool), n), rng.integers(0, len(pool), n)
    out = pool[i]
    out += pool[j]
    out *= NOISE / np.sqrt(2)
    return out, i, j


def _dense(vectors: np.ndarray, base_vec: np.ndarray, pool: np.ndarray, parts: np.ndarray):
    """The ``ivf-sq8`` FAISS index of the synthetic vectors, as ``DenseIndex.build`` makes it,
    but with each vector's cell computed from how it was made: a vector is (base + noise),
    normalised, so its inner product with a centroid is <base, c> + <noise, c>, and both are
    tables (71 bases, 32,768 pool rows) times the centroids. FAISS's own assignment is a
    scan of all 4,096 cells per vector, 1.6e13 flops at 5 million: over an hour on two
    shared cores. Given the centroids, the cells and 8-bit codes are exactly FAISS's (checked
    on 5,000 vectors); k-means is trained on 10 points per cell instead of 30 to save time."""
    import faiss

    from muniqa.index.dense import IVF_PROBES, DenseIndex, _ivf_cells
    n, dim = vectors.shape
    cells = _ivf_cells(n)
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, cells, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    rows = np.sort(np.random.default_rng(1).choice(n, min(n, TRAIN_PER_CELL * cells), replace=False))
    index.train(np.ascontiguousarray(vectors[rows], dtype=np.float32))
    centroids = quantizer.reconstruct_n(0, cells)
    on_base, on_pool = base_vec @ centroids.T, pool @ centroids.T
    scale = np.float32(NOISE / np.sqrt(2))
    for a in range(0, n, 20_000):
        src, i, j = parts[a:a + 20_000].T
        cell = np.argmax(on_base[src] + scale * (on_pool[i] + on_pool[j]), axis=1).astype(np.int64)
        x = np.ascontiguousarray(vectors[a:a + 20_000], dtype=np.float32)
        index.add_core(len(x), faiss.swig_ptr(x), None, faiss.swig_ptr(cell))
    index.nprobe = IVF_PROBES
    return DenseIndex(index, "ivf-sq8")


def build(base_dir: Path, out_dir: Path, n: int, seed: int = 0) -> dict:
    from muniqa.index.columns import CHUNK_DTYPE, chunk_record
    from muniqa.index.format3 import VersionWriter
    from muniqa.index.store import load_index, write_version_with
    started = time.perf_counter()
    base = load_index(base_dir)
    nb, dim = len(base.chunks), base.vectors.shape[1]
    base_tokens = [base.tokens[i] for i in range(nb)]
    vocab = sorted({t for toks in base_tokens for t in toks})
    word = {w: i for i, w in enumerate(vocab)}
    flat = np.array([word[t] for toks in base_tokens for t in toks], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in base_tokens])]).astype(np.int64)
    base_vec = np.asarray(base.vectors, dtype=np.float32)
    first_sentence = np.asarray(base.sentences.vectors, np.float32)[np.asarray(base.sentences.offsets)[:-1]]
    rng = np.random.default_rng(seed)
    pool = rng.standard_normal((POOL, dim), dtype=np.float32)
    parts = np.zeros((n, 3), dtype=np.int64)      # source passage, noise pool rows of each vector
    timings = {}

    def fill(folder: Path) -> str:
        w = VersionWriter(folder, n, dim)
        w.documents(_documents((n + PER_DOC - 1) // PER_DOC))
        chunks = [base.chunks[i] for i in range(nb)]
        spans = []
        for c in chunks:
            blob = c.text.encode("utf-8")
            at = w.add_text_bytes(blob)
            spans.append((at, at + len(blob)))
        spans = np.array(spans, dtype=np.int64)
        rows = np.array([chunk_record(c, w.string_id) for c in chunks], dtype=CHUNK_DTYPE)
        for a in range(0, n, BLOCK):
            b = min(n, a + BLOCK)
            src = rng.integers(0, nb, b - a)
            w.add_rows(rows[src], (np.arange(a, b) // PER_DOC).astype(np.int32), spans[src])
            ids, lens = _gather(flat, offsets, src, rng.integers(0, len(vocab), (b - a, 3)).astype(np.int32))
            w.add_token_ids(ids, lens)
            noise, i, j = _noise(rng, pool, b - a)
            vec = base_vec[src] + noise
            parts[a:b] = np.stack([src, i, j], axis=1)
            w.add_vectors(vec / np.linalg.norm(vec, axis=1, keepdims=True))
            sent = first_sentence[src] + _noise(rng, pool, b - a)[0]
            w.add_sentences(sent / np.linalg.norm(sent, axis=1, keepdims=True), np.ones(b - a, np.int64))
        timings["columns_s"] = round(time.perf_counter() - started, 1)
        dense = _dense(np.load(folder / "vectors.npy", mmap_mode="r"), base_vec, pool, parts) \
            if n >= APPROXIMATE_FROM else None
        timings["faiss_s"] = round(time.perf_counter() - started - timings["columns_s"], 1)
        kind = w.finish(dim, vocab=vocab, dense=dense)
        timings["bm25_s"] = round(time.perf_counter() - started - timings["columns_s"] - timings["faiss_s"], 1)
        return kind

    manifest = {"embedder": base.manifest["embedder"], "chunker": base.manifest.get("chunker"),
                "passage_text": base.manifest.get("passage_text"),
                "documents": [], "synthetic": True}
    version = write_version_with(out_dir, manifest, fill, n)
    size = sum(p.stat().st_size for p in version.rglob("*") if p.is_file())
    return {"chunks": n, "build_s": round(time.perf_counter() - started, 1), **timings,
            "build_peak_rss_mb": peak_rss_mb(), "disk_gb": round(size / 1e9, 2),
            "bytes_per_chunk": int(size / n)}


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {p: round(float(np.percentile(ms, int(p[1:]))), 2) for p in ("p50", "p95", "p99")}


def _compare(data, retriever, vectors: dict, filters) -> dict:
    """Exhaustive vs pruned BM25 (``LexicalIndex.pruning``), each query run both ways in turn
    (which goes first alternates), plus whether both ways gave the same top lists."""
    from muniqa.eval.bench import QUESTIONS
    from muniqa.qa.retrieve import query_lemmas
    lex = data.lexical
    same = True
    for q in QUESTIONS:
        for mask in (None, filters.mask(data)):
            a = lex.top(query_lemmas(q), 100, mask, pruned=False)
            b = lex.top(query_lemmas(q), 100, mask, pruned=True)
            same &= bool(np.array_equal(a[0], b[0]) and np.array_equal(a[1].view(np.uint32), b[1].view(np.uint32)))
    runs = {"bm25_top100": lambda q: lex.top(query_lemmas(q), 100),
            "bm25_top100_filtered": lambda q: lex.top(query_lemmas(q), 100, filters.mask(data)),
            "search": lambda q: retriever.search(q, k=10, query_vector=vectors[q]),
            "search_filtered": lambda q: retriever.search(q, k=10, filters=filters, query_vector=vectors[q])}
    out = {"same_top_lists": same}
    n = N_QUERIES if len(data.chunks) < 2_000_000 else N_QUERIES // 2
    for name, run in runs.items():
        times = {"exhaustive": [], "pruned": []}
        for i in range(len(QUESTIONS) + n):
            q = QUESTIONS[i % len(QUESTIONS)]
            for way in (("exhaustive", "pruned") if i % 2 else ("pruned", "exhaustive")):
                lex.pruning = way == "pruned"
                t0 = time.perf_counter()
                run(q)
                if i >= len(QUESTIONS):          # the first round warms both ways
                    times[way].append(time.perf_counter() - t0)
        out[name] = {way: _percentiles(t) for way, t in times.items()}
    lex.pruning = None
    return out


def serve(index_dir: Path, embedder_name: str | None = None, compare: bool = False) -> dict:
    """Open the index, then time warm queries; memory is this process's peak."""
    from muniqa.eval.bench import QUESTIONS
    from muniqa.index.embedders import make_embedder
    from muniqa.index.store import load_index
    from muniqa.qa.filters import Filters
    from muniqa.qa.passages import make_passages
    from muniqa.qa.retrieve import Retriever, query_lemmas
    rss_start = peak_rss_mb()
    started = time.perf_counter()
    data = load_index(index_dir)
    open_s = time.perf_counter() - started
    rss_open = peak_rss_mb()
    embedder = make_embedder(embedder_name or data.manifest["embedder"].get("backend"))
    retriever = Retriever(data, embedder)
    vectors = {q: embedder.embed_query(q) for q in QUESTIONS}
    tomsk = Filters(cities=["Томск"], year_from=2015)

    def timed(run) -> dict:
        for q in QUESTIONS:                      # warm: caches, pages of the postings
            run(q)
        times = []
        for i in range(N_QUERIES if len(data.chunks) < 2_000_000 else N_QUERIES // 2):   # 5M: time-boxed
            q = QUESTIONS[i % len(QUESTIONS)]
            t0 = time.perf_counter()
            run(q)
            times.append(time.perf_counter() - t0)
        return _percentiles(times)

    def answer(q, f=None):
        vec = embedder.embed_query(q)
        hits = retriever.search(q, k=10, filters=f, query_vector=vec)
        return make_passages(data, hits, set(query_lemmas(q)), vec)

    out = {"chunks": len(data.chunks), "index_kind": data.dense.kind, "open_s": round(open_s, 3),
           "bm25_pruned": data.lexical.prunes(),
           "rss_before_open_mb": rss_start, "rss_after_open_mb": rss_open,
           "dense_only": timed(lambda q: data.dense.search(vectors[q], 100)),
           "bm25_only": timed(lambda q: data.lexical.scores(query_lemmas(q))),
           "search": timed(lambda q: retriever.search(q, k=10, query_vector=vectors[q])),
           "search_filtered": timed(lambda q: retriever.search(q, k=10, filters=tomsk, query_vector=vectors[q])),
           "answer": timed(answer),
           "answer_filtered": timed(lambda q: answer(q, tomsk))}
    hits = retriever.search(QUESTIONS[0], k=10, filters=tomsk, query_vector=vectors[QUESTIONS[0]])
    out["filtered_hits_ok"] = all(data.documents[data.chunks[h.chunk].doc_id].meta.cities == ["Томск"]
                                  and data.documents[data.chunks[h.chunk].doc_id].meta.year >= 2015 for h in hits)
    if compare:
        out["exhaustive_vs_pruned"] = _compare(data, retriever, vectors, tomsk)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "build":
        figures = build(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    else:
        args = [a for a in sys.argv[3:] if a != "--compare"]
        figures = serve(Path(sys.argv[2]), args[0] if args else None, "--compare" in sys.argv[3:])
    print(json.dumps(figures, ensure_ascii=False))
