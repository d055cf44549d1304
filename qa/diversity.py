"""City diversity for "which cities ..." questions: every city with an answer shows first.

Asked «Какие города сотрудничают с белорусскими партнерами?», a user wants the cities;
ranked by score alone, the first results all come from the city whose report says the most
about it (Tomsk), and the other (Khabarovsk) falls below ``--k 3``. For such questions the
best passage of each city that has an answering one comes first (in score order), then the
rest as ranked.
"""
from __future__ import annotations

import re

import numpy as np

_WHICH_CITIES = re.compile(r"\b(как(ие|их|им|ими)|кто\s+из|чьи)\s+(\w+\s+)?(город|муниципалитет|муниципальн)",
                           re.IGNORECASE)
_OTHER_CITIES = re.compile(r"\b(в\s+)?други[ехм]\s+(город|муниципалитет)|\bопыт\s+город", re.IGNORECASE)


def asks_for_cities(question: str) -> bool:
    """"Какие города…", "В каких городах…", "У каких муниципалитетов…", "опыт других городов"."""
    return bool(_WHICH_CITIES.search(question) or _OTHER_CITIES.search(question))


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
