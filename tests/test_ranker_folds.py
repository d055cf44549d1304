"""`muniqa eval` scores each realdocs question with a cross-validation model that never saw a
question on the same document: the figure then says how the ranking does on documents it
was not fitted on (the hidden check uses other real documents), not how well it remembers
one law's wording."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from muniqa.corpus.readers import read_file
from muniqa.eval.gold import load_gold, normalize
from muniqa.eval.shared_data import shared_path
from muniqa.qa import ranker

REALDOCS_GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold" / "realdocs.jsonl"


def test_realdocs_questions_on_one_document_share_their_fold():
    folder = shared_path("realdocs-dev")
    if folder is None:
        pytest.skip("shared/realdocs-dev not found")
    texts = {p.name: normalize(" ".join(line.text for line in read_file(p).lines)) for p in sorted(folder.glob("txt_*.txt"))}
    folds_by_doc: dict[str, set[int]] = defaultdict(set)
    for q in load_gold(REALDOCS_GOLD):
        if q.kind == "unanswerable":
            continue
        docs = [name for name, text in texts.items() if all(normalize(x) in text for x in q.quotes)]
        if len(docs) == 1:
            folds_by_doc[docs[0]].add(ranker.fold_of(q.question))
    assert len(folds_by_doc) >= 4, folds_by_doc
    assert all(len(f) == 1 for f in folds_by_doc.values()), folds_by_doc
    assert len(set().union(*folds_by_doc.values())) >= 2, "every document in one fold: no cross-validation"


def test_the_no_answer_threshold_was_calibrated_on_the_passages_served():
    """The confidence model and its threshold read the top passage's scores, which depend on how
    long a passage is: calibrated on another cut, "no confident answer" would hide more (or fewer)
    answers than ``--hide`` promises. ``train_ranker`` records the cut; it must be today's."""
    from dataclasses import asdict

    from muniqa.eval.train_ranker import FIT_CHUNKS
    from muniqa.index.chunk import ChunkerSettings
    weights = ranker.load_weights()[2]
    assert weights["chunks"] == asdict(ChunkerSettings()), \
        "passage length changed: refit with python -m muniqa.eval.train_ranker"
    assert weights["ranking_chunks"] == asdict(FIT_CHUNKS)
