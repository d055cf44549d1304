"""Evaluation output for people: a table in the terminal, a Markdown report with diagnostics."""
from __future__ import annotations

from pathlib import Path

from .evaluate import EvalResult

COLUMNS = ["success@1", "success@5", "success@10", "mrr@10", "ndcg@10", "coverage@10", "n"]


def _cell(value) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def format_table(results: list[EvalResult]) -> str:
    rows = [["gold", "system"] + COLUMNS]
    for res in results:
        for system, metrics in res.systems.items():
            rows.append([res.gold, system] + [_cell(metrics.get(c)) for c in COLUMNS])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)


def _markdown_table(results: list[EvalResult]) -> list[str]:
    out = ["| gold | system | " + " | ".join(COLUMNS) + " |", "|" + "---|" * (len(COLUMNS) + 2)]
    for res in results:
        for system, metrics in res.systems.items():
            out.append(f"| {res.gold} | {system} | " + " | ".join(_cell(metrics.get(c)) for c in COLUMNS) + " |")
    return out


def write_report(results: list[EvalResult], folder: Path) -> Path:
    """report.md: the metrics table, errors, and per question the rank of the first
    relevant passage for every system, with what a system returned where it missed."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["# muniqa evaluation", "", *_markdown_table(results), ""]
    for res in results:
        lines += [f"## {res.gold}", ""]
        lines += [f"- error: {e}" for e in res.errors] + [f"- warning: {w}" for w in res.warnings]
        systems = list(res.per_question)
        if not systems:
            continue
        lines += ["", "| id | question | " + " | ".join(systems) + " |", "|" + "---|" * (len(systems) + 2)]
        for rows in zip(*(res.per_question[s] for s in systems)):
            ranks = [str(r.first_relevant) if r.first_relevant else "miss" for r in rows]
            lines.append(f"| {rows[0].id} | {rows[0].question} | " + " | ".join(ranks) + " |")
        for system in systems:
            misses = [r for r in res.per_question[system] if not r.first_relevant]
            lines += ["", f"### {system}: {len(misses)} missed", ""]
            for r in misses:
                top = ", ".join(f"{doc} ({score})" for doc, score in r.top[:3])
                lines.append(f"- {r.id} {r.question} — returned instead: {top}")
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
