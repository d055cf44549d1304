"""City diversity for "which cities ..." questions: every city with an answer shows first.

Asked «Какие города сотрудничают с белорусскими партнерами?», a user wants the cities;
ranked by score alone, the first results all come from the city whose report says the most
about it (Tomsk), and the other (Khabarovsk) falls below ``--k 3``. For such questions the
best passage of each city that has an answering one comes first (in score order), then the
rest as ranked. A city's passage takes part when it is among the first ten and its odds of
answering are within ``ODDS_RATIO`` of the best passage's: a city that is merely mentioned
somewhere further down does not jump ahead.
"""
from __future__ import annotations

import re

import numpy as np

ODDS_RATIO = 20.0
TOP = 10

_WHICH_CITIES = re.compile(r"\b(как(ие|их|им|ими)|кто\s+из|чьи)\s+(\w+\s+)?(город|муниципалитет|муниципальн)",
                           re.IGNORECASE)


def asks_for_cities(question: str) -> bool:
    """"Какие города…", "В каких городах…", "У каких муниципалитетов…"."""
    return bool(_WHICH_CITIES.search(question))


def near_best(order: np.ndarray, logit: np.ndarray) -> np.ndarray:
    """Per candidate position: among the first ``TOP`` and within ``ODDS_RATIO`` of the best."""
    ok = np.zeros(len(logit), dtype=bool)
    if len(order):
        top = order[:TOP]
        ok[top] = logit[top] >= logit[order[0]] - np.log(ODDS_RATIO)
    return ok


def spread_cities(order: np.ndarray, cities: list[str], answering: np.ndarray) -> np.ndarray:
    """``order`` (candidate positions, best first) with each city's best answering candidate
    moved to the front; ``cities[i]`` and ``answering[i]`` describe candidate position i."""
    firsts, seen = [], set()
    for j in order:
        if answering[j] and cities[j] not in seen:
            seen.add(cities[j])
            firsts.append(j)
    if len(firsts) < 2:
        return order
    chosen = set(firsts)
    return np.array(firsts + [j for j in order if j not in chosen], dtype=order.dtype)
