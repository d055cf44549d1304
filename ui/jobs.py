"""Index writes in the background: one writer at a time, searches never wait for it.

A ``Writer`` runs jobs (the first build, an upload, a metadata correction) one after the
other on a daemon thread. The index builder takes the index's inter-process writer lock
(so a ``muniqa index`` run at the same time waits or is waited for, and neither loses
documents), writes a new version and swaps it in atomically, and ``Muniqa`` reloads when
the live version changes, so a search that runs meanwhile sees the index before or after
the job, never half of it. Each job reports progress (passages embedded of all) and can be
cancelled between embedding batches; a cancelled job writes nothing.
"""
from __future__ import annotations

import itertools
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from muniqa.corpus.document import Document
from muniqa.corpus.errors import CorpusError
from muniqa.index.builder import IndexBuilder, UpdateReport
from muniqa.index.errors import Cancelled, IndexWriteError


@dataclass
class Job:
    label: str
    id: int = 0
    state: str = "queued"            # queued, running, done, failed, cancelled
    stage: str = "в очереди"
    done: int = 0
    total: int = 0
    report: UpdateReport | None = None
    error: str = ""
    messages: list[str] = field(default_factory=list)
    started: float = 0.0
    finished_at: float = 0.0
    cancel_requested: bool = False
    _event: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed", "cancelled")

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    def say(self, msg: str) -> None:
        self.messages.append(msg)
        if msg.startswith("Индекс занят"):
            self.stage = "ожидание: индекс занят другой записью"

    def progress(self, done: int, total: int) -> None:
        self.stage = "векторизация фрагментов"
        self.done, self.total = done, total

    def cancel(self) -> None:
        """Stop at the next embedding batch (or before it starts); nothing is written."""
        self.cancel_requested = True
        if self.state == "queued":
            self.stage = "отменяется"


class Writer:
    """Runs index-writing jobs one at a time on a background thread."""

    def __init__(self, m, echo: Callable[[str], None] | None = None):
        self.m = m
        self.lock = threading.Lock()     # one writer at a time, whoever starts it
        self.echo = echo or (lambda msg: None)
        self._queue: queue.Queue = queue.Queue()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self.jobs: list[Job] = []

    @property
    def busy(self) -> bool:
        return any(not j.finished for j in self.jobs)

    def current(self) -> Job | None:
        return next((j for j in self.jobs if not j.finished), None)

    def find(self, job_id: int) -> Job | None:
        return next((j for j in self.jobs if j.id == job_id), None)

    def submit(self, label: str, documents: Callable[[], Iterable[Document | CorpusError]],
               remove: Iterable[str] = (), readd: Iterable[str] = ()) -> Job:
        """Queue an update of the index with ``documents()`` (called on the writer thread);
        ``readd``: files the user gave explicitly (they come back even if removed earlier)."""
        job = Job(label=label, id=next(self._ids))
        self.jobs = [j for j in self.jobs if not j.finished or time.time() - j.finished_at < 3600] + [job]
        self._queue.put((job, documents, list(remove), list(readd)))
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="muniqa-writer", daemon=True)
            self._thread.start()
        return job

    def _loop(self) -> None:
        while True:
            job, documents, remove, readd = self._queue.get()
            with self.lock:
                self._run(job, documents, remove, readd)
            job._event.set()

    def _run(self, job: Job, documents, remove: list[str], readd: list[str]) -> None:
        job.state, job.started, job.stage = "running", time.time(), "чтение файлов"
        self.echo(f"{job.label}…")
        try:
            if job.cancel_requested:
                raise Cancelled("отменено до начала")
            builder = IndexBuilder(self.m.index_dir, self.m.embedder, self.m.chunker,
                                   progress=self.m.progress, on_message=job.say, on_progress=job.progress,
                                   should_stop=lambda: job.cancel_requested)
            job.report = builder.update(documents(), remove=remove, readd=readd)
            job.done = job.total
            job.state, job.stage = "done", "готово"
            self.echo(f"{job.label}: {job.report.summary()}")
            for err in job.report.failed:
                self.echo(f"  ошибка: {err}")
        except Cancelled:
            job.state, job.stage = "cancelled", "отменено"
            self.echo(f"{job.label}: отменено, индекс прежний")
        except (IndexWriteError, OSError) as exc:
            job.state, job.stage = "failed", "ошибка"
            job.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.echo(f"{job.label}: ошибка: {job.error}")
        except Exception as exc:  # noqa: BLE001 - a failed job must not kill the writer thread
            job.state, job.stage = "failed", "ошибка"
            job.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            self.echo(f"{job.label}: ошибка: {job.error}\n{traceback.format_exc()}")
        finally:
            job.finished_at = time.time()
