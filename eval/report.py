"""Evaluation output for people and for other tools.

- a table in the terminal;
- ``report.md`` with a chart of the metrics per system, paired significance tests, the
  settings of every system, and per question: the rank of the first relevant passage for
  each system, the quotes found, and what a system returned where it missed (so a person
  can label a new question from what they see);
- TREC files (``qrels-*.trec``, ``run-*.trec``) that trec_eval, ir_measures or ranx read.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .evaluate import EvalResult
from .significance import compare_all

COLUMNS = ["success@1", "success@5", "success@10", "mrr@10", "card_mrr@10", "ndcg@10", "coverage@10",
           "false_answer", "hidden_answer", "n"]
DEFAULT = "hybrid"
CHART_METRICS = ["success@1", "success@5", "mrr@10", "ndcg@10", "coverage@10"]


def _cell(value) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def _columns(results: list[EvalResult]) -> list[str]:
    """COLUMNS, then any other metric a result has (the partners set's precision/recall)."""
    seen = [k for r in results for m in r.systems.values() for k in m]
    extra = [k for k in dict.fromkeys(seen) if k not in COLUMNS]
    return [c for c in COLUMNS if c in seen] + extra if extra else COLUMNS


def format_table(results: list[EvalResult]) -> str:
    columns = _columns(results)
    rows = [["gold", "system"] + columns]
    for res in results:
        for system, metrics in res.systems.items():
            rows.append([res.gold, system] + [_cell(metrics.get(c)) for c in columns])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)
    return table + _default_vs_parts(results)


def _default_vs_parts(results: list[EvalResult]) -> str:
    """The default against every other system: MRR@10 difference and paired p-value."""
    from .significance import paired_test
    lines = []
    for res in results:
        if DEFAULT not in res.per_query:
            continue
        mine = res.per_query[DEFAULT]["mrr@10"]
        for other, metrics in res.per_query.items():
            if other != DEFAULT:
                diff = mine.mean() - metrics["mrr@10"].mean()
                lines.append(f"{res.gold}: {DEFAULT} vs {other}: MRR@10 {diff:+.3f}, "
                             f"p = {paired_test(mine, metrics['mrr@10']):.4f}")
    return ("\n\npaired randomization test (MRR@10):\n" + "\n".join(lines)) if lines else ""


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_")[:80]


def _chart(res: EvalResult, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    systems = list(res.systems)
    metrics = [m for m in CHART_METRICS if any(m in res.systems[s] for s in systems)]
    width = 0.8 / max(len(systems), 1)
    fig, ax = plt.subplots(figsize=(1.6 + 1.5 * len(metrics), 3.6), dpi=110)
    x = np.arange(len(metrics))
    for i, s in enumerate(systems):
        vals = [res.systems[s].get(m, 0.0) for m in metrics]
        bars = ax.bar(x + i * width - 0.4 + width / 2, vals, width, label=s)
        ax.bar_label(bars, fmt="%.2f", fontsize=6, rotation=90, padding=2)
    ax.set_xticks(x, metrics)
    ax.set_ylim(0, 1.12)
    ax.set_title(f"{res.gold} (n={res.systems[systems[0]]['n']})", fontsize=9)
    ax.legend(fontsize=7, ncols=min(len(systems), 4), loc="lower center")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _write_trec(res: EvalResult, folder: Path) -> list[str]:
    written = []
    stem = _slug(Path(res.gold).stem if not res.gold.startswith("xquad:") else res.gold)
    for system, runs in res.runs.items():
        name = _slug(system)
        with open(folder / f"run-{stem}-{name}.trec", "w", encoding="utf-8") as fh:
            for qid, docs in runs.items():
                ranked = sorted(docs.items(), key=lambda kv: -kv[1])
                for rank, (doc, score) in enumerate(ranked, start=1):
                    fh.write(f"{qid} Q0 {doc} {rank} {score} {name}\n")
        with open(folder / f"qrels-{stem}-{name}.trec", "w", encoding="utf-8") as fh:
            for qid, docs in res.qrels[system].items():
                for doc, rel in docs.items():
                    fh.write(f"{qid} 0 {doc} {rel}\n")
        written.append(name)
    return written


def _p(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _section(res: EvalResult, folder: Path) -> list[str]:
    stem = _slug(Path(res.gold).stem if not res.gold.startswith("xquad:") else res.gold)
    lines = [f"## {res.gold}", ""]
    lines += [f"- **error**: {e}" for e in res.errors] + [f"- warning: {w}" for w in res.warnings]
    systems = list(res.per_question)
    if not systems:
        return lines + ["", "No question could be scored."]
    chart = f"chart-{stem}.png"
    _chart(res, folder / chart)
    lines += ["", f"![metrics per system]({chart})", "", "### Paired significance (Fisher randomization, 5,000 permutations)", "",
              "| system A | system B | metric | B − A | p |", "|---|---|---|---|---|"]
    for row in compare_all(res.per_query):
        mark = " *" if row["p"] < 0.05 else ""
        lines.append(f"| {row['a']} | {row['b']} | {row['metric']} | {row['diff']:+.3f} | {_p(row['p'])}{mark} |")
    lines += ["", "`*`: p < 0.05. A difference without it may be noise.", "",
              "### Per question: rank of the first relevant passage", "",
              "| id | question | " + " | ".join(systems) + " | quotes found (first system) |",
              "|" + "---|" * (len(systems) + 3)]
    for rows in zip(*(res.per_question[s] for s in systems)):
        ranks = [str(r.first_relevant) if r.first_relevant else "**miss**" for r in rows]
        q = next(g for g in res.questions if g.id == rows[0].id)
        found = f"{len(rows[0].quotes_found)}/{len(q.quotes)}" if q.quotes else "–"
        lines.append(f"| {rows[0].id} | {rows[0].question} | " + " | ".join(ranks) + f" | {found} |")
    for system in systems:
        misses = [r for r in res.per_question[system] if not r.first_relevant]
        lines += ["", f"### {system}: {len(misses)} missed", ""]
        for r in misses[:50]:
            lines.append(f"- **{r.id}** {r.question}")
            for doc, score, text in r.top[:3]:
                lines.append(f"  - {doc} ({score}): {text[:200].replace(chr(10), ' ')}…")
    return lines


def write_report(results: list[EvalResult], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    columns = _columns(results)
    lines = ["# muniqa evaluation", "", "| gold | system | " + " | ".join(columns) + " |",
             "|" + "---|" * (len(columns) + 2)]
    for res in results:
        for system, metrics in res.systems.items():
            lines.append(f"| {res.gold} | {system} | " + " | ".join(_cell(metrics.get(c)) for c in columns) + " |")
    lines.append("")
    settings = {}
    for res in results:
        lines += _section(res, folder) + [""]
        _write_trec(res, folder)
        settings.update(res.settings)
    lines += ["## Settings", "", "```json", json.dumps(settings, ensure_ascii=False, indent=1), "```", "",
              "TREC files beside this report: `run-<gold>-<system>.trec` and `qrels-<gold>-<system>.trec` "
              "(passage ids are per index, so each system has its qrels)."]
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
