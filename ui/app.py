"""The Gradio app: ask, filter, read the evidence, find precedents, add documents.

``launch(m)`` serves it (the ``muniqa serve`` command); ``build_app(m)`` returns the
``gr.Blocks`` for tests. The page is in Russian; it loads nothing from the internet
(analytics off, system fonts). Layout and wiring live here, behaviour in ``handlers``.
"""
from __future__ import annotations

import os
import sys
import threading

from muniqa.corpus.loader import bundled_reports_dir, iter_documents
from muniqa.index.datadir import data_dir

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_TEMP_DIR", str(data_dir() / "tmp"))   # uploads land inside the data dir

import gradio as gr  # noqa: E402 - the environment above must be set first

from .documents import MAX_UPLOAD_MB, pending_corrections, supported_suffixes  # noqa: E402
from .compare_tab import COMPARE_CSS, compare_tab  # noqa: E402
from .handlers import ANY, Handlers, exports_dir  # noqa: E402
from .map_svg import MAP_CSS  # noqa: E402
from .map_tab import map_tab  # noqa: E402
from .jobs import Writer  # noqa: E402
from .render import examples_html, reader_placeholder, results_html  # noqa: E402
from .state import DEFAULT_K, MAX_K  # noqa: E402
from .gradio_ru import upload_guard_js  # noqa: E402
from .style import CSS, READER_JS, RESULTS_JS, URL_JS, download_js, theme  # noqa: E402

BELARUS = "Какие города сотрудничают с белорусскими партнерами?"
EXAMPLES = [
    BELARUS,
    "Какие соглашения о сотрудничестве заключены с китайскими городами?",
    "Как развивается въездной туризм?",
    "Какие мероприятия проводились с городами-побратимами?",
    "Как администрация работает со СМИ и социальными сетями?",
]
DOCS_JS = RESULTS_JS   # the documents table uses the same data-action buttons


def _echo(msg: str) -> None:
    print(f"muniqa: {msg}", file=sys.stderr, flush=True)


def build_app(m, writer: Writer | None = None) -> gr.Blocks:
    """The app over ``m``. ``writer`` runs index updates (one is made if not given)."""
    h = Handlers(m, writer or Writer(m, echo=_echo))
    with gr.Blocks(title="muniqa — поиск по муниципальным отчётам", analytics_enabled=False,
                   delete_cache=(3600, 3600)) as demo:   # exported files leave Gradio's cache after an hour
        view = gr.State(None)
        header = gr.HTML(h.header(with_counts=False), elem_id="mq-header-box")   # filled on load
        timer = gr.Timer(1.0, active=False)
        with gr.Tabs(selected="search") as tabs:
            with gr.Tab("Поиск", id="search"):
                with gr.Row(equal_height=True):
                    question = gr.Textbox(show_label=False, scale=8, max_length=500, autofocus=True,
                                          placeholder="Вопрос об отчётах, например: " + BELARUS,
                                          elem_id="mq-question")
                    ask = gr.Button("Найти", variant="primary", scale=0, min_width=140, elem_id="mq-ask")
                examples = gr.HTML(examples_html(EXAMPLES), js_on_load=RESULTS_JS, elem_id="mq-examples",
                                   padding=False)
                with gr.Row(elem_classes="mq-search-row"):
                    with gr.Column(scale=1, min_width=250, elem_classes="mq-side"):
                        with gr.Group():
                            cities = gr.Dropdown(label="Города", multiselect=True, choices=[], value=[],
                                                 allow_custom_value=True, elem_id="mq-cities",
                                                 info="число — фрагменты со словами вопроса во всём индексе")
                            with gr.Row():
                                year_from = gr.Dropdown(label="С года", choices=[ANY], value="", min_width=100,
                                                        allow_custom_value=True, elem_id="mq-year-from")
                                year_to = gr.Dropdown(label="До года", choices=[ANY], value="", min_width=100,
                                                      allow_custom_value=True, elem_id="mq-year-to")
                            topic = gr.Dropdown(label="Тема", choices=[("все темы", "")], value="",
                                                elem_id="mq-topic")
                            k = gr.Slider(3, MAX_K, value=DEFAULT_K, step=1, label="Сколько фрагментов",
                                          elem_id="mq-k")
                        reset = gr.Button("Сбросить фильтры", size="sm")
                        gr.HTML('<div class="mq-muted mq-export-label">Экспорт результатов '
                                'с полными ссылками:</div>', padding=False)
                        with gr.Row():
                            # files are made on a click, not on every search (see Handlers.export)
                            csv_btn = gr.Button("CSV", size="sm", interactive=False, elem_id="mq-csv")
                            md_btn = gr.Button("Markdown", size="sm", interactive=False, elem_id="mq-md")
                        csv_file = gr.DownloadButton("CSV", elem_id="mq-csv-file", elem_classes="mq-hidden")
                        md_file = gr.DownloadButton("Markdown", elem_id="mq-md-file", elem_classes="mq-hidden")
                    with gr.Column(scale=4, elem_classes="mq-main"):
                        results = gr.HTML(results_html("", [], {}, {}, 0), js_on_load=RESULTS_JS,
                                          elem_id="mq-results", padding=False)
            with gr.Tab("Документ", id="reader"):
                back = gr.Button("← К результатам", size="sm", scale=0)
                reader = gr.HTML(reader_placeholder(), js_on_load=READER_JS, elem_id="mq-reader")
            map_tab(m)                  # «Карта партнёрств» (ui/map_tab.py)
            compare_tab(m)              # «Сравнение» (ui/compare_tab.py)
            with gr.Tab("Документы", id="docs"):
                docs_table = gr.HTML("", js_on_load=DOCS_JS, elem_id="mq-docs")
                with gr.Row():
                    with gr.Column():
                        gr.Markdown("### Исправить метаданные\nГород, годы и тема определяются по тексту; "
                                    "если ошиблись — исправьте. Документ будет переиндексирован, "
                                    "исправление сохранится.")
                        edit_doc = gr.Dropdown(label="Документ", choices=[], elem_id="mq-edit-doc")
                        edit_title = gr.Textbox(label="Название")
                        with gr.Row():
                            edit_city = gr.Textbox(label="Город (несколько — через точку с запятой)")
                            edit_topic = gr.Textbox(label="Тема")
                        with gr.Row():
                            edit_year = gr.Textbox(label="Год", max_length=4)
                            edit_year_end = gr.Textbox(label="Год окончания (если период)", max_length=4)
                        save = gr.Button("Сохранить исправление", variant="primary")
                        edit_status = gr.HTML("", elem_id="mq-edit-status")
                    with gr.Column():
                        kinds = ", ".join(supported_suffixes())
                        gr.Markdown(f"### Добавить документы\nФайлы {kinds}, до {MAX_UPLOAD_MB} МБ каждый. "
                                    "После индексации они сразу доступны в поиске.")
                        # no file_types: a wrong file reaches the server and gets a message in Russian
                        files = gr.File(label="Файлы", file_count="multiple", elem_id="mq-upload")
                        with gr.Row():
                            up_city = gr.Textbox(label="Город (если не указан в тексте)")
                            up_year = gr.Textbox(label="Год", max_length=4)
                            up_topic = gr.Textbox(label="Тема")
                        with gr.Row():
                            upload = gr.Button("Загрузить и проиндексировать", variant="primary",
                                               elem_id="mq-upload-btn", scale=3)
                            cancel = gr.Button("Отменить", elem_id="mq-cancel-btn", scale=1)
                        upload_status = gr.HTML("", elem_id="mq-upload-status")
                        upload_job = gr.State(None)
        url_query = gr.Textbox(visible="hidden", elem_id="mq-url")

        filters = [cities, year_from, year_to, topic]
        search_in = [question, *filters, k]
        search_out = [results, view, cities, csv_btn, md_btn, url_query]
        refresh_out = [upload_status, docs_table, edit_doc, *filters, header]

        def wire(event, **kw):
            event(h.search, search_in, search_out, concurrency_limit=None, show_progress="minimal", **kw) \
                .then(None, [url_query], None, js=URL_JS)

        wire(question.submit)
        wire(ask.click)
        for f in (cities, year_from, year_to, topic):
            wire(f.input)
        wire(k.release)
        examples.click(h.example, search_in, [question, *search_out], concurrency_limit=None,
                       show_progress="minimal").then(None, [url_query], None, js=URL_JS)
        reset.click(lambda: ([], "", "", "", DEFAULT_K), None, [*filters, k], queue=False).then(
            h.search, search_in, search_out, concurrency_limit=None).then(None, [url_query], None, js=URL_JS)

        results.click(h.on_results_click, [view], [results, view, reader, tabs, csv_btn, md_btn, cities, url_query],
                      concurrency_limit=None, show_progress="minimal").then(None, [url_query], None, js=URL_JS)
        back.click(lambda: gr.Tabs(selected="search"), None, tabs, queue=False)
        docs_table.click(h.on_docs_click, None, [tabs, reader, edit_doc, edit_title, edit_city,
                                                   edit_year, edit_year_end, edit_topic])
        edit_doc.input(h.edit_fields, [edit_doc], [edit_title, edit_city, edit_year, edit_year_end, edit_topic])
        save.click(h.save_correction, [edit_doc, edit_title, edit_city, edit_year, edit_year_end, edit_topic],
                   [edit_status, docs_table, edit_doc, *filters, header], concurrency_limit=4)
        upload.click(h.upload, [files, up_city, up_year, up_topic], [*refresh_out, upload_job], concurrency_limit=4)
        cancel.click(h.cancel_upload, [upload_job], [upload_status], queue=False)
        for button, target, fmt in ((csv_btn, csv_file, "csv"), (md_btn, md_file, "md")):
            button.click(lambda v, fmt=fmt: h.export(v, fmt), [view], [target], concurrency_limit=4,
                         show_progress="hidden").then(None, None, None, js=download_js(target.elem_id))
        timer.tick(h.tick, search_in, [header, timer, docs_table, edit_doc, year_from, year_to, topic,
                                       results, view, cities, csv_btn, md_btn, url_query], show_progress="hidden")
        demo.load(h.on_load, None, [question, cities, year_from, year_to, topic, k, results, view,
                                    csv_btn, md_btn, header, timer, docs_table, edit_doc],
                  concurrency_limit=None)
    return demo


def serve(demo: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, prevent_thread_lock: bool = False,
          quiet: bool = False):
    """Start the server (blocking unless ``prevent_thread_lock``)."""
    exports_dir().mkdir(parents=True, exist_ok=True)
    return demo.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, prevent_thread_lock=prevent_thread_lock, quiet=quiet,
        theme=theme(), css=CSS + MAP_CSS + COMPARE_CSS, head=upload_guard_js(MAX_UPLOAD_MB),
        allowed_paths=[str(exports_dir())],
        max_file_size=f"{MAX_UPLOAD_MB}mb", footer_links=[], show_error=True, inbrowser=False, share=False)


def start_background_work(m, writer: Writer) -> None:
    """Build the index of the bundled reports on first start; re-apply saved corrections."""
    if not m.exists():
        _echo(f"в {m.index_dir} нет индекса: строю его из встроенных отчётов (первый запуск)…")
        writer.submit("Построение индекса встроенных отчётов",
                      lambda: iter_documents([bundled_reports_dir()]))
        return
    def warm_and_correct() -> None:
        """Load the index and the embedder after the page is up (a second start used to load
        them before serving, which made it slower than the first), then re-apply corrections."""
        try:
            m.retriever()
            m.embedder.embed_query("прогрев")
            pending = pending_corrections(m.data.documents)
        except Exception as exc:  # noqa: BLE001 - the page shows the problem on the first search
            _echo(f"индекс не загружен: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
            return
        if pending:
            writer.submit("Применение сохранённых исправлений метаданных", lambda: pending)
    threading.Thread(target=warm_and_correct, name="muniqa-warm", daemon=True).start()


def launch(m, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the app over ``m`` at http://host:port (blocks). The page opens at once; on a
    first start the index is built in the background, with progress here and in the page."""
    writer = Writer(m, echo=_echo)
    start_background_work(m, writer)
    demo = build_app(m, writer)
    _echo(f"откройте http://{host}:{port} в браузере (Ctrl+C — остановить)")
    serve(demo, host, port)
