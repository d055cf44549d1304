"""``muniqa partners`` and ``muniqa compare``: registered onto the main group by ``register``.

Same conventions as the other commands: ``--index`` (or $MUNIQA_INDEX), ``--json`` with
English keys, one-line errors, the bundled reports indexed on first use.
"""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import click


def _open(index_dir: Path | None):
    from muniqa.cli import _open as open_index, _say
    m = open_index(index_dir, None)
    if not m.exists():
        _say(f"строится индекс встроенных отчётов в {m.index_dir} (первый запуск)…")
        _say(m.index(on_message=_say).summary())
    return m


def register(main: click.Group) -> None:
    from muniqa.cli import _fail_cleanly, index_option

    @main.command("partners")
    @click.option("--city", default=None, help="Только этот город (например, Томск).")
    @click.option("--country", default=None, help="Страна партнёра: Беларусь, КНР, белорусские…")
    @click.option("--relation", default=None,
                  help="sister_city, agreement, draft_agreement, event, delegation, exchange, business, other.")
    @click.option("--year", default=None, type=int, help="Год, указанный в отчёте.")
    @click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
    @click.option("--csv", "as_csv", is_flag=True, help="Вывести CSV (по строке на цитату).")
    @index_option
    @_fail_cleanly
    def partners_cmd(city, country, relation, year, as_json, as_csv, index_dir):
        """Зарубежные партнёры городов по проиндексированным отчётам, каждый с цитатой."""
        from muniqa.index.partners_model import RELATION_LABELS
        from muniqa.qa.partners import PartnerFilter, partnerships, to_csv
        if as_json and as_csv:
            raise click.ClickException("выберите одно: --json или --csv")
        f = PartnerFilter(city, country, relation, year)
        rows = partnerships(_open(index_dir).data, f)
        if as_json:
            click.echo(json.dumps({"partners": [r.to_dict() for r in rows]}, ensure_ascii=False, indent=1))
            return
        if as_csv:
            sys.stdout.write(to_csv(rows))
            return
        if not rows:
            click.echo("Партнёрств не найдено (проверьте фильтры).")
            return
        city_now = None
        for r in rows:
            if r.city != city_now:
                city_now = r.city
                click.echo(click.style(r.city, bold=True))
            cites = "; ".join(f"{c.doc_id}, строки {c.lines[0]}–{c.lines[1]}" for c in r.citations)
            click.echo(f"  {r.partner} ({r.country}) — {RELATION_LABELS[r.relation]}, {r.year or 'год не указан'}"
                       f"  [{cites}]")
            click.echo(textwrap.fill("» " + " ".join(r.citations[0].quote.split()), 100,
                                     initial_indent="      ", subsequent_indent="        "))

    @main.command("compare")
    @click.argument("question")
    @click.option("--by", type=click.Choice(["year", "doc"]), default="year", show_default=True,
                  help="Столбцы: годы или документы.")
    @click.option("--city", "cities", multiple=True, help="Только эти города (можно несколько раз).")
    @click.option("--json", "as_json", is_flag=True, help="Вывести JSON.")
    @click.option("--csv", "as_csv", is_flag=True, help="Вывести CSV.")
    @click.option("--markdown", "as_md", is_flag=True, help="Вывести таблицу Markdown.")
    @index_option
    @_fail_cleanly
    def compare_cmd(question, by, cities, as_json, as_csv, as_md, index_dir):
        """Один вопрос по городам и годам: в каждой клетке — лучшее предложение с цитатой или «нет данных»."""
        from muniqa.qa.compare import NO_DATA, column_title, compare, to_csv, to_markdown
        if sum([as_json, as_csv, as_md]) > 1:
            raise click.ClickException("выберите одно: --json, --csv или --markdown")
        c = compare(_open(index_dir), question, by=by, cities=list(cities))
        if as_json:
            click.echo(json.dumps(c.to_dict(), ensure_ascii=False, indent=1))
        elif as_csv:
            sys.stdout.write(to_csv(c))
        elif as_md:
            sys.stdout.write(to_markdown(c))
        elif not c.cities:
            click.echo("Нет документов (проверьте --city).")
        else:
            for city in c.cities:
                click.echo(click.style(city, bold=True))
                for col in c.columns:
                    cell = c.cell(city, col)
                    head = f"  {column_title(c, col)}: "
                    if cell is None:
                        click.echo(head + NO_DATA)
                        continue
                    click.echo(head + cell.passage.citation)
                    click.echo(textwrap.fill("» " + " ".join(cell.sentence.split()), 100,
                                             initial_indent="      ", subsequent_indent="        "))
