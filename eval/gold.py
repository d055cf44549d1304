"""Gold questions (JSON Lines, see DESIGN.md) and the chunking-independent relevance rule.

A passage is relevant to a question when, after ``normalize`` (lowercase, ё→е, letters and
digits only), it contains one of the question's quotes, or when its document is listed in
``docs``. Gold sets therefore survive any change of chunk size or cleaning.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class GoldError(ValueError):
    """A gold file or question that cannot be used; the message names file and line."""


@dataclass
class GoldQuestion:
    id: str
    question: str
    kind: str = "fact"
    quotes: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)


def normalize(text: str) -> str:
    return "".join(ch for ch in text.lower().replace("ё", "е") if ch.isalnum())


def load_gold(path: str | Path) -> list[GoldQuestion]:
    path = Path(path)
    out: list[GoldQuestion] = []
    seen: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read: {exc.strerror or exc}") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise GoldError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not row.get("question") or not row.get("id"):
            raise GoldError(f"{path}:{n}: each line needs 'id' and 'question'")
        if row.get("kind", "fact") not in ("fact", "list"):
            raise GoldError(f"{path}:{n}: field 'kind' must be 'fact' or 'list'")
        if not row.get("quotes") and not row.get("docs"):
            raise GoldError(f"{path}:{n}: question {row['id']} has neither 'quotes' nor 'docs'")
        if row["id"] in seen:
            raise GoldError(f"{path}:{n}: duplicate id {row['id']}")
        seen.add(row["id"])
        out.append(GoldQuestion(str(row["id"]), row["question"], row.get("kind", "fact"),
                                list(row.get("quotes", [])), list(row.get("docs", []))))
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
