"""One writer at a time per index directory, across processes.

Two writers that both read version N and both write N+1 lose one writer's documents. So a
writer takes an exclusive ``flock`` on ``<index dir>/.lock`` before it reads the live
manifest and keeps it until the new version is swapped in; a second writer (another
``muniqa index``, the app's upload) waits, says so, and then reads the version the first
one wrote, so it merges instead of overwriting. ``flock`` (not a lock *file* that exists
or not) because the kernel drops it when its process dies: a killed writer never leaves
the index locked. The holder writes its PID into the file for the waiting message.
"""
from __future__ import annotations

import errno
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import IndexWriteError, describe_os_error

LOCK_NAME = ".lock"
_held = threading.local()          # index dirs this thread already holds (re-entrant use)


def _holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
    except OSError:
        return "?"


@contextmanager
def writer_lock(index_dir: Path, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's writer lock; waits (saying so once) while another process holds it."""
    key = str(Path(index_dir).resolve())
    held = getattr(_held, "dirs", None)
    if held is None:
        held = _held.dirs = set()
    if key in held:                       # nested use in one thread: already ours
        yield
        return
    path = Path(index_dir) / LOCK_NAME
    try:
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexWriteError(describe_os_error(exc, path, Path(index_dir))) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise IndexWriteError(describe_os_error(exc, path, Path(index_dir))) from None
            (say or (lambda m: None))(f"Индекс занят другой записью (PID {_holder(fd)}); жду…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError:
            pass                          # the PID is only for the message; a full disk is fine
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def is_locked(index_dir: Path) -> bool:
    """True while some writer holds the lock (used before cleaning up leftovers)."""
    path = Path(index_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)
