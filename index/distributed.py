"""``muniqa index --ray``: the per-document work and the embedding run as Ray tasks.

The builder stays the one place that decides what an update means (unchanged documents
reused, duplicates, removals, the passage limit, the manifest, the atomic swap under the
writer lock); ``RayEncoder`` is its ``encoder`` hook and only changes WHERE the expensive
work runs:

- ``documents()`` reads, OCRs, cleans, describes, chunks, lemmatizes and extracts the
  partnerships of every file as one task per file (``ray_tasks.load_and_chunk``) and hands
  the documents to the builder in the order of the files, not of completion, so the
  manifest is the single-process one;
- ``chunks()`` / ``lemmas()`` / ``partner_rows()`` give the builder what those tasks
  computed (recomputed here only for a document the tasks did not see);
- ``embed()`` embeds passages and sentences in batches of tasks across the cluster and puts
  each vector back in its row.

A task whose worker dies is retried by Ray (``RETRIES`` times) on any live worker, so a
killed worker loses nothing. A file that keeps killing workers, or whose task fails, is
reported like any bad file (one line naming it). Anything else the cluster does wrong is
``RayRunError``, one line, raised before anything is written: the previous index stays live.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from muniqa.corpus.document import Document
from muniqa.corpus.errors import CorpusError
from muniqa.corpus.loader import LoadJob, plan_loads, unique_id

from . import partners_store, ray_tasks
from .chunker import Chunk, ChunkerSettings
from .embedders import Embedder
from .lemmas import lemmas
from .ray_cluster import Cluster, RayRunError

RETRIES = 3            # Ray's retries of a task whose worker process died
EMBED_BATCH = 32       # texts per embedding task: ~1 s of work, so a lost task costs little


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1][:300] if text else type(exc).__name__


class RayEncoder:
    """The builder's encoder hook, backed by a Ray cluster (see the module docstring)."""

    def __init__(self, cluster: Cluster, embedder: Embedder, settings: ChunkerSettings | None = None,
                 progress: bool = True, threads: int = 1):
        import ray

        self.ray = ray
        self.cluster = cluster
        self.embedder = embedder
        self.settings = settings
        self.progress = progress
        self.threads = threads
        self.window = max(4, 2 * cluster.cpus)      # tasks in flight: every CPU busy, memory bounded
        self._load = ray.remote(max_retries=RETRIES)(ray_tasks.load_and_chunk)
        self._embed = ray.remote(max_retries=RETRIES)(ray_tasks.embed_batch)
        self._chunks: dict[tuple[str, str], list[Chunk]] = {}
        self._lemmas: dict[str, list[str]] = {}
        self._mentions: dict[tuple[str, str], list] = {}
        self.workers_seen: set[int] = set()          # worker pids that embedded (for benchmarks)

    # ---- reading, chunking, lemmatizing: one task per file ---------------------------
    def documents(self, paths: list[Path], overrides: dict[str, str] | None = None,
                  max_mb: float | None = None,
                  corrections: dict[str, dict[str, str]] | None = None) -> Iterator[Document | CorpusError]:
        """As ``loader.iter_documents``, in the same order, with the work done on the cluster."""
        jobs = list(plan_loads(paths, overrides, max_mb, corrections))
        seen: set[str] = set()
        for item in self._ordered(jobs):
            yield item if isinstance(item, CorpusError) else unique_id(item, seen)

    def _ordered(self, jobs: list[LoadJob | CorpusError]) -> Iterator[Document | CorpusError]:
        ray = self.ray
        running: dict = {}              # ObjectRef -> job number
        done: dict[int, Document | CorpusError] = {}
        submitted = given = 0
        settings_ref = ray.put(self.settings)
        with tqdm(total=len(jobs), desc="чтение файлов (Ray)", unit="файл", file=sys.stderr,
                  disable=not self.progress, leave=False) as bar:
            try:
                while given < len(jobs):
                    while submitted < len(jobs) and len(running) < self.window:
                        job = jobs[submitted]
                        if isinstance(job, CorpusError):
                            done[submitted] = job
                            bar.update(1)
                        else:
                            running[self._load.remote(job, settings_ref)] = submitted
                        submitted += 1
                    if given in done:
                        yield done.pop(given)
                        given += 1
                        continue
                    ready, _ = ray.wait(list(running), num_returns=1)
                    for ref in ready:
                        number = running.pop(ref)
                        done[number] = self._received(ref, jobs[number])
                        bar.update(1)
            finally:
                for ref in running:             # cancelled or failed: stop the rest
                    ray.cancel(ref, force=True)

    def _received(self, ref, job: LoadJob) -> Document | CorpusError:
        exc_types = self.ray.exceptions
        try:
            result = self.ray.get(ref)
        except (exc_types.WorkerCrashedError, exc_types.OutOfMemoryError) as exc:
            return CorpusError(job.path, f"процесс Ray, читавший файл, падал {RETRIES + 1} раза подряд "
                                         f"({type(exc).__name__}); файл пропущен")
        except exc_types.RayTaskError as exc:
            return CorpusError(job.path, f"не удалось прочитать на узле Ray: {_first_line(exc)}")
        except exc_types.RayError as exc:
            raise RayRunError(f"кластер Ray не смог прочитать {job.path}: {type(exc).__name__}: "
                              f"{_first_line(exc)}; индекс прежний") from None
        if result[0] == "error":
            return CorpusError(result[1], result[2])
        _, doc, chunks, passage_lemmas, mentions = result
        self._chunks[(doc.source, doc.sha256)] = chunks
        self._mentions[(doc.source, doc.sha256)] = mentions
        self._lemmas.update(passage_lemmas)
        return doc

    # ---- the builder's hooks ------------------------------------------------------------
    def chunks(self, doc: Document) -> list[Chunk] | None:
        """The passages a task cut from ``doc`` (under its final id), or None if none did."""
        got = self._chunks.get((doc.source, doc.sha256))
        return None if got is None else [replace(c, doc_id=doc.doc_id) for c in got]

    def partner_rows(self, documents: list[Document]) -> dict[str, tuple[str, list]]:
        """``partners_store`` rows (doc id -> (key, mentions)) the tasks extracted, under the
        documents' final ids; the store extracts here only what is missing."""
        rows = {}
        for doc in documents:
            found = self._mentions.get((doc.source, doc.sha256))
            if found is not None:
                rows[doc.doc_id] = (partners_store.row_key(doc), [replace(m, doc_id=doc.doc_id) for m in found])
        return rows

    def lemmas(self, texts: list[str]) -> list[list[str]]:
        return [self._lemmas[t] if t in self._lemmas else lemmas(t) for t in texts]

    def embed(self, texts: list[str], desc: str, on_progress: Callable[[int, int], None],
              check_stop: Callable[[], None]) -> np.ndarray:
        """Vectors of ``texts`` (as passages), row for row, embedded across the cluster."""
        ray = self.ray
        out = np.empty((len(texts), self.embedder.dim), dtype=np.float32)
        starts = list(range(0, len(texts), EMBED_BATCH))
        running: dict = {}              # ObjectRef -> first row
        finished = submitted = 0
        on_progress(0, len(texts))
        with tqdm(total=len(texts), desc=f"{desc} (Ray)", unit="фрагм.", file=sys.stderr,
                  disable=not self.progress, leave=False) as bar:
            try:
                while submitted < len(starts) or running:
                    check_stop()
                    while submitted < len(starts) and len(running) < self.window:
                        a = starts[submitted]
                        ref = self._embed.remote(self.embedder.backend, texts[a:a + EMBED_BATCH], self.threads)
                        running[ref] = a
                        submitted += 1
                    ready, _ = ray.wait(list(running), num_returns=1)
                    for ref in ready:
                        a = running.pop(ref)
                        vectors = self._vectors(ref)
                        out[a:a + len(vectors)] = vectors
                        finished += len(vectors)
                        bar.update(len(vectors))
                        on_progress(finished, len(texts))
            finally:
                for ref in running:
                    ray.cancel(ref, force=True)
        return out

    def _vectors(self, ref) -> np.ndarray:
        try:
            model_id, dim, vectors, pid = self.ray.get(ref)
        except self.ray.exceptions.RayError as exc:
            raise RayRunError(f"векторизация на кластере Ray не удалась: {type(exc).__name__}: "
                              f"{_first_line(exc)}; индекс прежний") from None
        if (model_id, dim) != (self.embedder.model_id, self.embedder.dim):
            raise RayRunError(f"узел Ray векторизует моделью {model_id} ({dim} изм.), а индекс — "
                              f"{self.embedder.model_id} ({self.embedder.dim} изм.); индекс прежний")
        self.workers_seen.add(pid)
        return vectors

