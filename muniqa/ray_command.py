"""``muniqa index --ray [ADDRESS]``: the cluster around one index run, errors as one line.

``--ray`` takes an optional value, so ``muniqa index --ray ~/reports`` would read the folder
as an address: a value that is not an address (``auto``, ``host:port``, ``ray://…``) but
names a file or folder is taken as a PATH and the cluster is a local one.
"""
from __future__ import annotations

import re
from pathlib import Path

import click

from muniqa.index.ray_cluster import RayRunError, ray_cluster

_ADDRESS = re.compile(r"^(auto|local|ray://\S+|[\w.-]+:\d{1,5})$")


def split_address(value: str, paths: list[Path]) -> tuple[str | None, list[Path]]:
    """(the cluster address or None for a local cluster, the paths to index)."""
    if value == "local":
        return None, paths
    if _ADDRESS.match(value) and not Path(value).exists():
        return value, paths
    if Path(value).exists():
        return None, [Path(value), *paths]
    raise click.ClickException(f"--ray {value}: это не адрес кластера Ray (auto, host:6379, "
                               f"ray://host:10001) и не файл или папка")


def index_on_ray(m, paths: list[Path], value: str, workers: int | None, say, **options):
    """``m.index(...)`` with reading and embedding on a Ray cluster started or joined here."""
    address, paths = split_address(value, paths)
    if address and workers:
        say("--ray-workers задаёт размер только локального кластера; у готового кластера свои CPU")
    try:
        with ray_cluster(address, workers) as cluster:
            say(f"кластер Ray: {'локальный' if cluster.started else cluster.address}, CPU для задач: {cluster.cpus}")
            return m.index(paths or None, on_message=say, cluster=cluster, **options)
    except RayRunError as exc:
        raise click.ClickException(str(exc)) from None
