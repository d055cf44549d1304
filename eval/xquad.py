"""XQuAD-ru as two retrieval tasks, to compare embedders on public Russian data.

- ``passage``: the corpus is the 240 paragraphs; a question's relevant document is the
  paragraph it was asked on (nearly saturated, MRR@10 ~0.94 for e5-small).
- ``sentence``: the corpus is every sentence of every paragraph (split with razdel); a
  question's relevant sentence is the one holding its answer's ``answer_start``. Harder,
  so it tells embedders apart (e5-small: MRR@10 ~0.81).

The dataset (CC BY-SA 4.0) is not bundled; see its README.md for where it comes from.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from muniqa.eval.shared_data import shared_path


@dataclass
class XquadTask:
    """A retrieval task: documents to index and questions with their relevant ids."""

    corpus: list[tuple[str, str]]  # (doc id, text)
    queries: list[tuple[str, str, set[str]]]  # (question id, question, relevant doc ids)


def default_xquad_path() -> Path:
    """``MUNIQA_XQUAD`` if set, else ``datasets/xquad-ru/xquad.ru.json`` in the shared folder."""
    env = os.environ.get("MUNIQA_XQUAD")
    if env:
        return Path(env)
    path = shared_path("datasets", "xquad-ru", "xquad.ru.json")
    if path is None:
        raise FileNotFoundError("xquad.ru.json не найден: укажите путь в MUNIQA_XQUAD "
                                "или папку shared/ в MUNIQA_SHARED")
    return path


def load_xquad(path: str | Path | None = None, task: str = "sentence") -> XquadTask:
    """Build the ``passage`` or ``sentence`` task from ``xquad.ru.json``."""
    if task not in ("passage", "sentence"):
        raise ValueError(f"неизвестная задача XQuAD {task!r}: passage или sentence")
    path = Path(path) if path else default_xquad_path()
    with open(path, encoding="utf-8-sig") as f:
        data = json.load(f)["data"]
    corpus: list[tuple[str, str]] = []
    queries: list[tuple[str, str, set[str]]] = []
    n_par = 0
    for article in data:
        for par in article["paragraphs"]:
            pid, context = f"p{n_par}", par["context"]
            n_par += 1
            if task == "passage":
                corpus.append((pid, _clean(context)))
                queries += [(qa["id"], qa["question"], {pid}) for qa in par["qas"]]
                continue
            spans = _sentences(context)
            corpus += [(f"{pid}-s{j}", _clean(context[a:b])) for j, (a, b) in enumerate(spans)]
            for qa in par["qas"]:
                rel = {f"{pid}-s{_sentence_at(spans, a['answer_start'])}" for a in qa["answers"]}
                queries.append((qa["id"], qa["question"], rel))
    return XquadTask(corpus, queries)


def _clean(text: str) -> str:
    """Some contexts start with a stray byte-order mark; offsets are kept, the text is not."""
    return text.replace("\ufeff", "").strip()


def _sentences(context: str) -> list[tuple[int, int]]:
    from razdel import sentenize

    return [(s.start, s.stop) for s in sentenize(context)]


def _sentence_at(spans: list[tuple[int, int]], offset: int) -> int:
    """Index of the sentence holding ``offset`` (the one before, if it falls in a gap)."""
    best = 0
    for j, (start, _stop) in enumerate(spans):
        if start <= offset:
            best = j
    return best
