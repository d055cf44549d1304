"""The page's look (CSS, system fonts only: nothing is fetched from the internet) and the
small scripts that make cards clickable and keep the URL in step with the search."""
from __future__ import annotations

FONTS = ["Segoe UI", "Roboto", "Helvetica Neue", "Arial", "Liberation Sans", "DejaVu Sans", "sans-serif"]
MONO = ["Consolas", "Liberation Mono", "DejaVu Sans Mono", "monospace"]


def theme():
    import gradio as gr
    return gr.themes.Default(primary_hue="blue", neutral_hue="slate", radius_size="sm",
                             font=FONTS, font_mono=MONO)


CSS = """
.gradio-container { max-width: 1320px !important; overflow: visible !important; }
#mq-header h1 { font-size: 1.45rem; margin: 0; color: #1f3a5f; }
#mq-header .mq-sub { color: #5b6b7f; font-size: .92rem; }
.mq-banner { margin-top: .4rem; padding: .5rem .8rem; border-radius: 6px; background: #eef4fb;
  border: 1px solid #c9dcf2; font-size: .92rem; }
.mq-banner.mq-error { background: #fdecec; border-color: #f1b5b5; }
.mq-bar { height: 6px; background: #dbe6f3; border-radius: 3px; margin-top: .35rem; overflow: hidden; }
.mq-bar > span { display: block; height: 100%; background: #2f6db5; }
.mq-examples { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: -.2rem 0 .2rem; }
.mq-chip-btn { border: 1px solid #c9d6e6; background: #f4f7fb; color: #1f3a5f; border-radius: 14px;
  padding: .2rem .75rem; font-size: .86rem; cursor: pointer; }
.mq-chip-btn:hover { background: #e3ecf7; border-color: #8fa8c6; }
.mq-answer { background: #f4f8fd; border: 1px solid #c9dcf2; border-left: 4px solid #2f6db5;
  border-radius: 6px; padding: .7rem 1rem .6rem; margin-bottom: .8rem; }
.mq-answer h3 { margin: 0 0 .35rem; font-size: 1.02rem; color: #1f3a5f; }
.mq-lines { margin: 0; padding-left: 1.1rem; }
.mq-lines li { margin: .2rem 0; line-height: 1.5; }
.mq-city { font-weight: 600; }
a.mq-ref { text-decoration: none; color: #2f6db5; font-weight: 600; padding: 0 !important; margin: 0 0 0 2px; }
.mq-ref:hover { text-decoration: underline; }
.mq-more { margin-top: .35rem; font-size: .9rem; color: #44546a; }
.mq-note, .mq-muted { color: #6b7a8c; font-size: .84rem; }
.mq-note { margin-top: .4rem; }
.mq-quote { color: #2b3a4d; font-style: italic; }
.mq-summary { color: #44546a; font-size: .9rem; margin: .2rem 0 .3rem; display: flex; align-items: center; gap: .5rem; }
.mq-summary .mq-btn { margin-left: auto; }
.mq-export-label { padding: .5rem 0 0; }
.mq-side { position: sticky; top: 8px; align-self: flex-start; }
.mq-hidden { display: none !important; }
#mq-upload .file-size, #mq-upload td.file-size, #mq-upload .file-preview td:nth-child(2) { display: none !important; }
#mq-upload button .wrap { font-size: 0 !important; }                 /* Gradio's English drop text */
#mq-upload button .wrap > * { display: none !important; }
#mq-upload button .wrap::after { content: "Перетащите файлы сюда или нажмите, чтобы выбрать";
  font-size: .95rem; color: #44546a; }
@media (max-width: 640px) {            /* a phone: the results first, the filters after them */
  .mq-search-row { flex-direction: column !important; }
  .mq-search-row > .mq-main { order: 1; }
  .mq-search-row > .mq-side { order: 2; position: static; }
}
.mq-counts { font-size: .88rem; color: #44546a; margin-bottom: .6rem; }
.mq-chip { display: inline-block; background: #eef1f5; border: 1px solid transparent; border-radius: 10px;
  padding: 1px 8px; margin: 0 3px 3px 0; cursor: pointer; font-size: .86rem; color: #2b3a4d; }
.mq-chip:hover { border-color: #8fa8c6; }
.mq-card { border: 1px solid #d9e0e8; border-radius: 6px; padding: .7rem .9rem; margin-bottom: .7rem;
  background: #fff; scroll-margin-top: 12px; transition: box-shadow .3s; }
.mq-card.flash { box-shadow: 0 0 0 3px #f2c94c; }
.mq-card.mq-sub { background: #fbfcfd; margin: .5rem 0 .5rem 0; }
.mq-card header { display: flex; gap: .6rem; align-items: baseline; }
.mq-n { font-weight: 700; color: #2f6db5; }
.mq-where { flex: 1; color: #2b3a4d; }
.mq-topic { color: #6b7a8c; }
.mq-score { color: #8a97a6; font-size: .8rem; }
.mq-title { font-weight: 600; margin: .15rem 0 .1rem; color: #1f2d3d; }
.mq-cite { font-size: .84rem; color: #5b6b7f; }
.mq-file { font-family: Consolas, "Liberation Mono", monospace; font-size: .8rem; color: #6b7a8c; }
.mq-text { white-space: pre-wrap; line-height: 1.55; margin-top: .45rem; color: #1f2d3d; }
.mq-text mark.best, .mq-doc mark.best { background: #fff1b8; color: inherit; padding: 0 1px; }
b.term { font-weight: 700; color: #12335c; border-bottom: 2px solid #7fb0e6; }
.mq-full summary { cursor: pointer; color: #2f6db5; font-size: .85rem; margin-top: .3rem; }
.mq-actions { display: flex; flex-wrap: wrap; gap: .4rem; margin-top: .55rem; }
.mq-btn { border: 1px solid #b9c7d8; background: #f6f8fb; color: #1f3a5f; border-radius: 4px;
  padding: .22rem .6rem; font-size: .84rem; cursor: pointer; }
.mq-btn:hover { background: #e8eef6; border-color: #8fa8c6; }
.mq-btn.mq-quiet { border-color: transparent; background: transparent; color: #5b6b7f; }
.mq-similar { margin-top: .6rem; border-top: 1px dashed #c9d3de; padding-top: .4rem; }
.mq-similar h4 { margin: .1rem 0 .3rem; font-size: .95rem; color: #1f3a5f; }
.mq-empty { color: #5b6b7f; padding: 1.2rem; border: 1px dashed #c9d3de; border-radius: 6px; }
.mq-reader-head { position: sticky; top: 0; background: #fff; padding-bottom: .4rem;
  border-bottom: 1px solid #e1e6ec; margin-bottom: .5rem; }
.mq-doc { white-space: pre-wrap; line-height: 1.6; max-height: 72vh; overflow: auto; padding-right: .6rem;
  color: #1f2d3d; }
.mq-doc mark.passage { background: #e3eefa; color: inherit; }
.mq-warn { color: #8a5a00; font-size: .85rem; margin-top: .2rem; }
.mq-docs { width: 100%; border-collapse: collapse; font-size: .9rem; border: none !important; }
.mq-docs th { text-align: left; color: #5b6b7f; font-weight: 600; border: none !important;
  border-bottom: 2px solid #d9e0e8 !important; padding: .3rem .5rem !important; background: none !important; }
.mq-docs td { border: none !important; border-bottom: 1px solid #e6eaef !important; padding: .45rem .5rem !important;
  vertical-align: top; background: none !important; }
.mq-docs tr, .mq-docs thead, .mq-docs tbody { border: none !important; }
.mq-docs .num { text-align: right; }
.mq-row-actions { white-space: nowrap; text-align: right; }
.mq-row-actions .mq-btn { margin-left: .3rem; }
.mq-tag { font-size: .75rem; background: #e7f5ea; color: #276738; border-radius: 8px; padding: 1px 6px; }
.mq-status ul { margin: .2rem 0 0 1rem; padding: 0; }
.mq-status .bad { color: #a12b2b; }
"""

# Card buttons: "goto" and "copy" stay in the page; the others go to the server.
RESULTS_JS = """
element.addEventListener('click', (ev) => {
  const a = ev.target.closest('[data-action]');
  if (!a || !element.contains(a)) return;
  ev.preventDefault();
  const act = a.dataset.action;
  if (act === 'goto') {
    const card = element.querySelector('#' + CSS.escape(a.dataset.target || ''));
    if (card) {
      card.scrollIntoView({behavior: 'smooth', block: 'start'});
      card.classList.add('flash'); setTimeout(() => card.classList.remove('flash'), 1600);
    }
    return;
  }
  if (act === 'copy' || act === 'link') {
    const text = act === 'link' ? location.href : (a.dataset.text || '');
    (navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject()).then(
      () => { a.textContent = 'Скопировано'; }, () => { a.textContent = 'Не удалось скопировать'; });
    return;
  }
  trigger('click', {action: act, key: a.dataset.key || ''});
});
"""

READER_JS = """
const show = () => setTimeout(() => {
  const t = element.querySelector('#mq-target');
  if (t && t.offsetParent !== null) t.scrollIntoView({block: 'center'});
}, 60);
show();
watch('value', show);
new IntersectionObserver((e) => { if (e.some(x => x.isIntersecting)) show(); }).observe(element);
"""

# The query string comes from Python (ui.state.to_query); this only puts it in the address bar.
URL_JS = """
(qs) => {
  const url = location.pathname + (qs ? '?' + qs : '');
  if (url !== location.pathname + location.search) history.replaceState(null, '', url);
  return [];
}
"""


def download_js(elem_id: str) -> str:
    """After the export file is made, click its hidden download button (one click for the user)."""
    return (f"() => setTimeout(() => {{ const b = document.querySelector("
            f"'button#{elem_id}, #{elem_id} button, #{elem_id} a'); if (b) b.click(); }}, 250)")
