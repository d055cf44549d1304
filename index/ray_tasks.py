"""What a Ray worker runs for ``muniqa index --ray``: plain functions, no Ray imports.

``load_and_chunk`` reads one file (OCR included), cleans it, detects its metadata, cuts it
into passages, lemmatizes them and extracts its partnership mentions: the per-document work of the single-process path, done
by the same functions, so the index comes out the same. ``embed_batch`` embeds a batch of
texts with the embedder the driver names. Each worker process keeps the embedder (and the
chunker) it loaded, so a model is loaded once per process, not once per batch; Ray reuses
its worker processes across tasks. Plain tasks, not actors: Ray retries a task whose worker
died (``max_retries``) on any live worker, and schedules batches wherever a CPU is free.

Results cross the process boundary as tuples of picklable records: ``CorpusError`` itself
does not survive pickling (its constructor takes two arguments).
"""
from __future__ import annotations

import os

import numpy as np

from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import LoadJob, run_load

from .chunker import Chunker, ChunkerSettings
from .embedders import Embedder, make_embedder
from .lemmas import lemmas

_chunkers: dict[ChunkerSettings | None, Chunker] = {}
_embedders: dict[tuple[str, int], Embedder] = {}


def load_and_chunk(job: LoadJob, settings: ChunkerSettings | None) -> tuple:
    """``("doc", document, chunks, {lexical text: lemmas}, partnership mentions)`` or
    ``("error", path, problem)``."""
    from .builder import lexical_text    # the builder's own rule for what BM25 reads
    from .partners import extract

    item = run_load(job)
    if isinstance(item, CorpusError):
        return ("error", item.path, item.problem)
    chunker = _chunkers.get(settings) or _chunkers.setdefault(settings, Chunker(settings))
    chunks = chunker.chunk(item)
    texts = [lexical_text(c, item) for c in chunks]
    return ("doc", item, chunks, {t: lemmas(t) for t in texts}, extract(item))


def worker_embedder(name: str, threads: int = 1) -> Embedder:
    """The embedder ``name`` for this worker process, loaded once. ONNX Runtime gets
    ``threads`` threads: the cluster runs one task per CPU, so more would fight over cores."""
    key = (name, threads)
    if key not in _embedders:
        if name in ("onnx", "onnx-fp32"):
            from .embedders.onnx_backend import OnnxEmbedder
            _embedders[key] = OnnxEmbedder(quantize="fp32" if name == "onnx-fp32" else "int8", threads=threads)
        else:
            _embedders[key] = make_embedder(name)
    return _embedders[key]


def embed_batch(name: str, texts: list[str], threads: int = 1) -> tuple[str, int, np.ndarray, int]:
    """(model id, dim, vectors of ``texts`` as passages, pid of this worker)."""
    embedder = worker_embedder(name, threads)
    return embedder.model_id, embedder.dim, embedder.embed_passages(texts), os.getpid()
