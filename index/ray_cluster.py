"""Start or join the Ray cluster that ``muniqa index --ray`` spreads its work over.

Without an address muniqa starts a local cluster of ``workers`` CPUs (quiet, no dashboard)
and stops it afterwards; with one (``auto``, ``host:6379``, ``ray://host:10001``) it joins
that cluster and only disconnects. Ray is an optional extra (``pip install 'muniqa[ray]'``):
without it, one line says what to install.

Workers get muniqa's environment settings (limits, OCR switch, embedder; and, on a local
cluster, the data directory, so they share the driver's model and OCR caches). On a remote
cluster the files must be visible at the same path on every node (a shared folder).
"""
from __future__ import annotations

import logging
import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

INSTALL_HINT = "для --ray установите Ray: pip install 'muniqa[ray]'"
LOCAL_ONLY_ENV = ("MUNIQA_HOME", "MUNIQA_INDEX")   # paths of this machine
STORE_MB = 512   # object store of a local cluster: documents and vectors in flight, not the corpus


class RayRunError(RuntimeError):
    """The cluster failed in a way muniqa cannot work around; ``str()`` is one Russian line."""


@dataclass(frozen=True)
class Cluster:
    address: str          # "local" for a cluster muniqa started
    cpus: int             # CPUs the cluster offers: how many tasks run at once
    started: bool         # muniqa started it (and stops it)


def default_workers() -> int:
    """At least 3 (the issue's smallest cluster), or one per core on larger machines."""
    return max(3, os.cpu_count() or 1)


def worker_env(local: bool) -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k.startswith("MUNIQA_") and (local or k not in LOCAL_ONLY_ENV)}


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """A quick TCP connect to ``host:port`` (or ``ray://host:port``): ``ray.init`` would wait
    minutes for an address nobody answers at, printing C++ warnings meanwhile."""
    match = re.fullmatch(r"(?:ray://)?\[?([^\]/]+?)\]?:(\d{1,5})/?", address)
    if match is None:
        return                                 # "auto" and the like: Ray finds the address itself
    try:
        socket.create_connection((match.group(1), int(match.group(2))), timeout=timeout).close()
    except OSError as exc:
        raise RayRunError(f"нет связи с кластером Ray {address}: {exc.strerror or type(exc).__name__}"
                          f" (запущен ли он? ray start --head)") from None


@contextmanager
def ray_cluster(address: str | None = None, workers: int | None = None) -> Iterator[Cluster]:
    """A connected Ray session for the ``with`` block; ``RayRunError`` when none can be had."""
    try:
        import ray
    except ImportError:
        raise RayRunError(INSTALL_HINT) from None
    if ray.is_initialized():              # a caller (a test, a notebook) already joined one
        yield Cluster("existing", int(ray.cluster_resources().get("CPU", 1)), False)
        return
    local = not address
    options = dict(logging_level=logging.ERROR, log_to_driver=False, include_dashboard=False,
                   runtime_env={"env_vars": worker_env(local)})
    try:
        if local:
            workers = workers or default_workers()
            if workers < 1:
                raise RayRunError(f"--ray-workers должно быть не меньше 1, а не {workers}")
            ray.init(num_cpus=workers, object_store_memory=STORE_MB * 2**20, **options)
        else:
            check_reachable(address)
            options.pop("include_dashboard")   # a running cluster has its own settings
            ray.init(address=address, **options)
    except RayRunError:
        raise
    except Exception as exc:  # noqa: BLE001 - bad address, cluster down, version mismatch...
        where = "локальный кластер Ray не запустился" if local else f"нет связи с кластером Ray {address}"
        raise RayRunError(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
    try:
        cpus = int(ray.cluster_resources().get("CPU", 0))
        if cpus < 1:
            raise RayRunError(f"в кластере Ray {address or ''} нет ни одного CPU для задач".replace("  ", " "))
        yield Cluster(address or "local", cpus, local)
    finally:
        ray.shutdown()                     # stops a local cluster; only disconnects from a remote one
