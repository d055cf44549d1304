"""``muniqa shard``: split an index into shards searched in parallel (see ``index.shard_split``).

Registered onto the main group by ``register``; same conventions as the other commands.
"""
from __future__ import annotations

from pathlib import Path

import click


def register(main: click.Group) -> None:
    from muniqa.cli import _fail_cleanly, _say, index_option

    @main.command("shard", short_help="Разбить индекс на шарды, которые ищутся параллельно.")
    @click.option("--into", "into", required=True, type=click.IntRange(1, 256),
                  help="Сколько шардов (документы не делятся; шарды выравниваются по числу фрагментов).")
    @click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
                  help="Записать разбитый индекс в другую папку (по умолчанию — новой версией той же).")
    @index_option
    @_fail_cleanly
    def shard(into: int, out_dir: Path | None, index_dir: Path | None) -> None:
        """Разбить индекс на INTO шардов по документам.

        Поиск по разбитому индексу (muniqa ask, приложение, Python API) даёт те же фрагменты,
        в том же порядке и с теми же оценками, что и неразбитый: каждый шард хранит оценки
        BM25 и ячейки FAISS всего индекса. Каждый шард открывается своим процессом.
        Запись атомарна: при сбое остаётся прежний индекс.
        """
        from muniqa.index.datadir import default_index_dir
        from muniqa.index.lock import writer_lock
        from muniqa.index.shard_split import split_index
        source = index_dir or default_index_dir()
        target = out_dir or source
        with writer_lock(target, _say):
            version = split_index(source, into, target, say=_say)
        _say(f"готово: {into} шард(ов) в {version}")
