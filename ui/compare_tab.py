"""The «Сравнение» tab: one question, a row per city, a column per year or document.

Each cell is the best answering sentence of that city's report, verbatim, with its
citation, or «нет данных» (``qa.compare`` decides); the table exports to CSV and Markdown.
"""
from __future__ import annotations

import html
import time
import uuid

import gradio as gr

from muniqa.qa.compare import NO_DATA, Comparison, column_title, compare, to_csv, to_markdown

from .handlers import exports_dir

EXAMPLE = "Как города продвигают въездной туризм?"
esc = html.escape

COMPARE_CSS = """
.mq-cmp { border-collapse: collapse; width: 100%; font-size: 14px; table-layout: fixed; }
.mq-cmp th, .mq-cmp td { border: 1px solid #d0d7de; padding: 6px 8px; vertical-align: top; text-align: left; }
.mq-cmp th { background: #f4f6f8; }
.mq-cmp td.none { color: #8a8f95; font-style: italic; }
.mq-cmp .mq-cite { display: block; overflow-wrap: anywhere; margin-top: 4px; font-size: 12px; color: #57606a; }
"""


def table_html(c: Comparison) -> str:
    if not c.cities:
        return '<div class="mq-muted">Нет документов для сравнения.</div>'
    head = "".join(f"<th>{esc(column_title(c, col))}</th>" for col in c.columns)
    body = []
    for city in c.cities:
        cells = []
        for col in c.columns:
            cell = c.cell(city, col)
            if cell is None:
                cells.append(f'<td class="none">{NO_DATA}</td>')
            else:
                cells.append(f'<td><span class="mq-answer-text">{esc(" ".join(cell.sentence.split()))}</span>'
                             f'<span class="mq-cite">{esc(cell.passage.citation)}</span></td>')
        body.append(f"<tr><th>{esc(city)}</th>{''.join(cells)}</tr>")
    return (f'<div class="mq-cmp-q" data-question="{esc(c.question)}">Вопрос: <b>{esc(c.question)}</b></div>'
            f'<table class="mq-cmp"><thead><tr><th>Город</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


class CompareView:
    def __init__(self, m):
        self.m = m

    def run(self, question: str, by: str) -> tuple:
        """(table html, csv download, markdown download)."""
        off = gr.update(value=None, interactive=False)
        question = (question or "").strip()
        if not question:
            return '<div class="mq-muted">Напишите вопрос, например: «' + EXAMPLE + '»</div>', off, off
        if not self.m.exists():
            return '<div class="mq-muted">Индекс ещё строится…</div>', off, off
        c = compare(self.m, question, by=by)
        folder = exports_dir() / f"compare-{uuid.uuid4().hex[:8]}"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        csv_path, md_path = folder / f"compare-{stamp}.csv", folder / f"compare-{stamp}.md"
        csv_path.write_text(to_csv(c), encoding="utf-8-sig")
        md_path.write_text(to_markdown(c), encoding="utf-8")
        return (table_html(c), gr.update(value=str(csv_path), interactive=True),
                gr.update(value=str(md_path), interactive=True))


def compare_tab(m) -> gr.Tab:
    view = CompareView(m)
    with gr.Tab("Сравнение", id="compare") as tab:
        gr.Markdown("Один вопрос по всем городам и годам: в клетке — лучшее предложение отчёта с точной "
                    "ссылкой или «нет данных».")
        with gr.Row(equal_height=True):
            question = gr.Textbox(show_label=False, scale=8, placeholder=EXAMPLE, value=EXAMPLE,
                                  elem_id="mq-cmp-question")
            by = gr.Radio([("по годам", "year"), ("по документам", "doc")], value="year", show_label=False,
                          scale=2, elem_id="mq-cmp-by")
            go = gr.Button("Сравнить", variant="primary", scale=0, min_width=140, elem_id="mq-cmp-go")
        with gr.Row():
            csv = gr.DownloadButton("CSV", size="sm", interactive=False, elem_id="mq-cmp-csv")
            md = gr.DownloadButton("Markdown", size="sm", interactive=False, elem_id="mq-cmp-md")
        table = gr.HTML("", elem_id="mq-cmp", padding=False)
    for event in (go.click, question.submit, by.input):
        event(view.run, [question, by], [table, csv, md], concurrency_limit=None, show_progress="minimal")
    return tab
