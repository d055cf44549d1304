"""The proximity measures of ``eval.proximity_features`` (the trial README «Word order and
proximity» reports) measure what they claim, on real lemmas: a passage where the question's
words stand together in its order scores above one holding the same words scattered."""
from muniqa.eval.proximity_features import FEATURES, features
from muniqa.index.lemmas import lemmas
from muniqa.qa.retrieve import query_groups

QUESTION = "Кто отвечает за защиту персональных данных сотрудников?"
TOGETHER = "Ответственным за организацию защиты персональных данных сотрудников назначается начальник отдела."
SCATTERED = ("Сотрудников отдела знакомят с регламентом под роспись. Защита помещений обеспечивается охраной. "
             "Персональный состав комиссии утверждается приказом, а данные журнала хранятся три года.")
REVERSED = "Данные персональные сотрудников подлежат защите; за это отвечает отдел."


def _rows(*texts: str):
    groups = query_groups(QUESTION, gazetteer=False)
    return dict(zip(texts, features(groups, [1.0] * len(groups), [lemmas(t) for t in texts])))


def test_words_together_and_in_order_score_above_scattered_ones():
    rows = _rows(TOGETHER, SCATTERED)
    together, scattered = ({n: float(v) for n, v in zip(FEATURES, rows[t])} for t in (TOGETHER, SCATTERED))
    # both hold the question's content words (bag-of-words coverage cannot tell them apart)...
    assert set(lemmas(SCATTERED)) >= {"защита", "персональный", "сотрудник"}
    # ...but only one holds «защиты персональных данных сотрудников» as a phrase
    assert together["pair_adj"] > 0.5 and scattered["pair_adj"] == 0.0
    assert together["phrase"] >= 0.6 and scattered["phrase"] == 0.0
    assert together["span"] > scattered["span"]
    assert all(0.0 <= v <= 1.0 for v in (*together.values(), *scattered.values()))


def test_order_counts_for_adjacent_pairs_not_for_the_window():
    rows = _rows(TOGETHER, REVERSED)
    adj, near = FEATURES.index("pair_adj"), FEATURES.index("pair_near")
    assert rows[REVERSED][adj] == 0.0 < rows[TOGETHER][adj]   # «персональные сотрудников ... защите»: other order
    assert rows[REVERSED][near] >= 0.5                         # the same pairs, still close together
