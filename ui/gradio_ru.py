"""Gradio's own words on this page in Russian, whatever the browser's language.

Gradio picks the language of its widgets («Drop File Here», «Click to Upload») from the
browser, and its custom translations (``gr.I18n``) cannot replace its own keys (Gradio 6
loads its tables after them). So the page does it itself: the drop zone's text is replaced
by CSS (``style.CSS``), the file sizes in the upload list are hidden, the API link is off,
and the upload size limit is checked here, before Gradio sees the file, with a Russian
message instead of Gradio's English pop-up.
"""
from __future__ import annotations

def upload_guard_js(max_mb: float) -> str:
    """Refuse files over the upload limit in the page, in Russian, before Gradio uploads them
    (Gradio's own check shows an English pop-up)."""
    limit = int(max_mb * 2**20)
    return f"""<script>
(() => {{
  const LIMIT = {limit};
  function tooBig(files) {{
    return Array.from(files || []).filter(f => f.size > LIMIT).map(f => f.name);
  }}
  function refuse(names, event, input) {{
    event.stopImmediatePropagation(); event.preventDefault();
    if (input) input.value = "";
    const box = document.querySelector("#mq-upload-status");
    const text = "Файл больше {max_mb:g} МБ, его нельзя загрузить: " + names.join(", ");
    if (box) box.innerHTML = '<div class="mq-status bad"></div>', box.firstChild.textContent = text;
    else alert(text);
  }}
  window.addEventListener("change", (e) => {{
    const t = e.target;
    if (t && t.type === "file" && t.closest && t.closest("#mq-upload")) {{
      const names = tooBig(t.files); if (names.length) refuse(names, e, t);
    }}
  }}, true);
  window.addEventListener("drop", (e) => {{
    const t = e.target;
    if (t && t.closest && t.closest("#mq-upload")) {{
      const names = tooBig(e.dataTransfer && e.dataTransfer.files); if (names.length) refuse(names, e, null);
    }}
  }}, true);
}})();
</script>"""
