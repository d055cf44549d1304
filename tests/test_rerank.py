"""The second look at the first passages (``qa.rerank``): real bundled index, real weights."""
from __future__ import annotations

import numpy as np

from muniqa.eval.gold import normalize
from muniqa.qa import answerable, rerank
from muniqa.qa.retrieve import query_groups


def test_only_the_window_is_reordered_and_nothing_below_outscores_it(bundled):
    """The real evidence of the real first passages of a question; the passages below the
    window keep their order and never score above the window's last."""
    data, question = bundled.data, "Сколько городов-побратимов у Томска?"
    ids = np.arange(min(len(data.chunks), 25))
    order = ids[::-1].copy()                       # some first-stage order
    logit = np.linspace(3.0, -3.0, len(ids)).astype(np.float32)[np.argsort(order)]
    ev = answerable.for_passages(question, query_groups(question), data, ids[order[:rerank.WINDOW]])
    new_order, new_logit, new_ev = rerank.reorder(order, logit, ev)
    w = rerank.WINDOW
    assert sorted(new_order[:w].tolist()) == sorted(order[:w].tolist())
    assert new_order[w:].tolist() == order[w:].tolist()
    assert np.all(np.diff(new_logit[new_order[:w]]) <= 0)
    assert new_logit[new_order[w:]].max() < new_logit[new_order[:w]].min()
    assert new_ev.shape == ev.shape


def test_the_second_look_puts_the_passage_about_the_asked_year_first(bundled):
    """«…на 2025 год?»: the first stage leads with a passage about Tomsk's information policy
    that never names 2025; the second stage sees the year missing there and puts the plans
    for 2025 first."""
    question = "Какие задачи в информационной политике мэрия Томска ставит на 2025 год?"
    plans = normalize("Усиление присутствия в социальных сетях")
    retriever = bundled.retriever()
    first = retriever.search(question, 10, config="hybrid:rerank=false")
    second = retriever.search(question, 10, config="hybrid")
    text = lambda hit: normalize(bundled.data.chunks[hit.chunk].text)
    assert plans not in text(first[0]) and any(plans in text(h) for h in first[:3])
    assert plans in text(second[0])
    assert {h.chunk for h in first} == {h.chunk for h in second}      # only re-ordered
