"""Knowing when it does not know: does a passage answer, did anything answer at all?

The default ranker's score is a log-odds that a passage answers the question. Below a
threshold calibrated on out-of-fold scores of the gold sets (``muniqa.eval.train_ranker``:
the highest one at which no municipal gold set hides 2% of its real answers: a point under
the 3% goal, which the threshold overshot on questions it was not calibrated on), a passage
is a nearby fragment, not an answer; when the best passage is below it, the question has no
confident answer (questions the reports do not cover); a question none of whose words any
passage holds («xyzzy qwerty») never has one. Systems without that score (dense or BM25
alone, RRF, convex) are not judged: their passages count as answers.
"""
from __future__ import annotations

from . import ranker


def answers(logit: float | None) -> bool:
    return logit is None or logit >= ranker.no_answer_logit()
