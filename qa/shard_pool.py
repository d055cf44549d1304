"""Long-lived workers, one per shard, each opening its shard once and answering by message.

Processes, not threads: BM25 scoring and the best-sentence products hold the GIL for much
of a query, so shards searched by threads would take turns. Each worker is a fresh
``python -m muniqa.qa.shard_worker`` (a fork of a process that already runs ONNX Runtime
and OpenMP threads can hang, and multiprocessing's spawn re-runs the caller's script when
it lacks a ``__main__`` guard) talking pickled messages over a socket pair through
``multiprocessing.connection``; a query sends every shard its request first and then
collects the replies, so the shards work at the same time. Workers exit when the
coordinator closes the socket, or dies.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import weakref
from multiprocessing.connection import Connection
from pathlib import Path

from muniqa.index.errors import IndexOpenError


class ShardPool:
    """``map(requests)`` -> one reply per shard, in shard order."""

    def __init__(self, shard_dirs: list[Path], names: list[str], index_dir: Path, threads: int = 1):
        self.names = names
        self._conns, self._procs = [], []
        self._lock = threading.Lock()
        try:
            for folder in shard_dirs:
                ours, theirs = socket.socketpair()
                proc = subprocess.Popen([sys.executable, "-m", "muniqa.qa.shard_worker", str(theirs.fileno()),
                                         str(folder), str(threads)], pass_fds=(theirs.fileno(),),
                                        stdin=subprocess.DEVNULL)
                theirs.close()
                self._conns.append(Connection(ours.detach()))
                self._procs.append(proc)
            for name, conn in zip(names, self._conns):
                status, value = self._receive(conn, name)
                if status != "ready":
                    raise IndexOpenError(f"шард {name} индекса в {index_dir} не открывается: {value}")
        except BaseException:
            self.close()
            raise
        self._finalizer = weakref.finalize(self, _stop, self._conns, self._procs)

    def _receive(self, conn, name: str):
        try:
            return conn.recv()
        except (EOFError, OSError):
            raise IndexOpenError(f"процесс шарда {name} завершился неожиданно") from None

    def map(self, requests: list[tuple]) -> list:
        with self._lock:
            for conn, request in zip(self._conns, requests):
                conn.send(request)
            replies = [self._receive(conn, name) for conn, name in zip(self._conns, self.names)]
        for name, (status, value) in zip(self.names, replies):
            if status != "ok":
                raise RuntimeError(f"шард {name}: {value}")
        return [value for _, value in replies]

    def close(self) -> None:
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is not None:
            finalizer()
        else:
            _stop(self._conns, self._procs)


def _stop(conns, procs) -> None:
    for conn in conns:
        try:
            conn.send(None)
            conn.close()
        except (OSError, ValueError, BrokenPipeError):
            pass
    for proc in procs:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
