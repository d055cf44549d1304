"""Sentence vectors (index/sentvec.py): one per sentence of each passage, and they point at
the sentence that answers a question asked in other words than the report's."""
from __future__ import annotations

import numpy as np

from muniqa.eval.gold import normalize
from muniqa.index.builder import passage_head
from muniqa.index.sentvec import sentence_texts

AGREEMENTS = normalize("заключено 14 соглашений")
QUESTION = "Сколько договоров о сотрудничестве подписал Томск с иностранными партнерами?"


def _passage(data, needle: str) -> int:
    return next(i for i, c in enumerate(data.chunks) if needle in normalize(c.text))


def test_every_sentence_of_a_passage_has_its_own_unit_vector(bundled):
    data = bundled.data
    for i, chunk in enumerate(data.chunks):
        group = data.sentences.group(i).astype(np.float32)
        head = passage_head(chunk, data.documents[chunk.doc_id])
        assert len(group) == len(sentence_texts(chunk.text, head)) >= 1
        assert np.allclose(np.linalg.norm(group, axis=1), 1.0, atol=1e-2)


def test_best_sentence_of_the_passage_is_the_one_that_answers(bundled):
    data = bundled.data
    i = _passage(data, AGREEMENTS)
    chunk = data.chunks[i]
    sentences = sentence_texts(chunk.text, passage_head(chunk, data.documents[chunk.doc_id]))
    assert len(sentences) > 1
    query = bundled.embedder.embed_query(QUESTION)
    best = int(np.argmax(data.sentences.group(i).astype(np.float32) @ query))
    assert AGREEMENTS in normalize(sentences[best]), sentences[best]


def test_paraphrased_question_finds_its_passage_by_best_sentence(bundled):
    hits = bundled.retriever().search(QUESTION, k=3, config="dense-sentence")
    assert any(AGREEMENTS in normalize(bundled.data.chunks[h.chunk].text) for h in hits)
