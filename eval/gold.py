"""Gold questions (JSON Lines, see DESIGN.md) and the chunking-independent relevance rule.

A passage is relevant to a question when, after ``normalize`` (lowercase, ё→е, letters and
digits only), it contains one of the question's quotes, or when its document is listed in
``docs``. Gold sets therefore survive any change of chunk size or cleaning.

Kinds: ``fact`` and ``list`` have an answer in the corpus; ``unanswerable`` questions have
none (empty ``quotes`` and ``docs``): they are not scored by the ranking metrics and exist to
measure whether the system admits it has no answer.

A gold file may start with a header line without ``question``, e.g.
``{"corpus": "shared:realdocs-dev"}``: the corpus the questions were written on, used when
``muniqa eval`` gets no ``--corpus``. ``shared:NAME`` is ``NAME`` in the shared folder
(see ``shared_data.py``); ``bundled`` is the bundled reports; other values are paths
relative to the gold file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


KINDS = ("fact", "list", "unanswerable")


class GoldError(ValueError):
    """A gold file or question that cannot be used; the message names file and line."""


@dataclass
class GoldQuestion:
    id: str
    question: str
    kind: str = "fact"
    quotes: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)    # the question's form: count, precedent, ...

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def normalize(text: str) -> str:
    return "".join(ch for ch in text.lower().replace("ё", "е") if ch.isalnum())


def _rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, parsed object) for every non-blank line."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: файл не читается: {exc.strerror or exc}") from None
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except ValueError as exc:
            raise GoldError(f"{path}:{n}: строка не в формате JSON ({exc.msg})") from None
    return rows


def _is_header(n_row: int, row: object) -> bool:
    return n_row == 0 and isinstance(row, dict) and "question" not in row and "corpus" in row


def gold_corpus(path: str | Path) -> list[str] | None:
    """The corpus named in the file's header line, resolved to paths; None when there is none."""
    path = Path(path)
    rows = _rows(path)
    if not rows or not _is_header(0, rows[0][1]):
        return None
    name = rows[0][1]["corpus"]
    if not isinstance(name, str) or not name.strip():
        raise GoldError(f"{path}:{rows[0][0]}: поле 'corpus' должно быть непустой строкой")
    if name == "bundled":
        return []
    if name.startswith("shared:"):
        from .shared_data import shared_path
        parts = [p for p in name.split(":", 1)[1].split("/") if p]
        found = shared_path(*parts) if parts else None
        if found is None:
            raise GoldError(f"{path}: корпус {name!r} не найден: положите папку shared рядом с "
                            "репозиторием или задайте MUNIQA_SHARED")
        return [str(found)]
    target = (path.parent / name).resolve()
    if not target.exists():
        raise GoldError(f"{path}: корпус {name!r} не найден ({target})")
    return [str(target)]


def load_gold(path: str | Path) -> list[GoldQuestion]:
    path = Path(path)
    out: list[GoldQuestion] = []
    seen: set[str] = set()
    for i, (n, row) in enumerate(_rows(path)):
        if _is_header(i, row):
            continue
        if not isinstance(row, dict) or not row.get("question") or not row.get("id"):
            raise GoldError(f"{path}:{n}: в каждой строке нужны поля 'id' и 'question'")
        kind = row.get("kind", "fact")
        if kind not in KINDS:
            raise GoldError(f"{path}:{n}: поле 'kind' — одно из: {', '.join(KINDS)}")
        if kind == "unanswerable":
            if row.get("quotes") or row.get("docs"):
                raise GoldError(f"{path}:{n}: у вопроса без ответа {row['id']} поля 'quotes' и 'docs' должны быть пустыми")
        elif not row.get("quotes") and not row.get("docs"):
            raise GoldError(f"{path}:{n}: у вопроса {row['id']} нет ни 'quotes', ни 'docs'")
        if not all(isinstance(row.get(f, []), list) for f in ("quotes", "docs", "tags")):
            raise GoldError(f"{path}:{n}: поля 'quotes', 'docs' и 'tags' должны быть списками")
        if row["id"] in seen:
            raise GoldError(f"{path}:{n}: повторный id {row['id']}")
        seen.add(row["id"])
        out.append(GoldQuestion(str(row["id"]), row["question"], row.get("kind", "fact"),
                                list(row.get("quotes", [])), list(row.get("docs", [])),
                                [str(t) for t in row.get("tags", [])]))
    return out


def relevant_passages(q: GoldQuestion, passages: list[tuple[str, str]]) -> dict[int, set[int]]:
    """For each passage index (given as (doc_id, normalized text)), which quotes it holds.

    Passages of a listed document count as holding quote -1.
    """
    quotes = [normalize(x) for x in q.quotes]
    docs = set(q.docs)
    out: dict[int, set[int]] = {}
    for i, (doc_id, norm) in enumerate(passages):
        found = {j for j, quote in enumerate(quotes) if quote and quote in norm}
        if doc_id in docs:
            found.add(-1)
        if found:
            out[i] = found
    return out
