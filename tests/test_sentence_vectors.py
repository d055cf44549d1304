"""Sentence vectors pooled from the passage's own model pass (index/sentvec.py): one per
sentence, and they point at the sentence that answers a question asked in other words."""
from __future__ import annotations

import numpy as np

from muniqa.eval.gold import normalize
from muniqa.index.builder import passage_text
from muniqa.index.sentvec import sentence_cuts

AGREEMENTS = normalize("заключено 14 соглашений")


def _passage(data, needle: str) -> int:
    return next(i for i, c in enumerate(data.chunks) if needle in normalize(c.text))


def test_every_sentence_of_a_passage_has_its_own_unit_vector(bundled):
    data = bundled.data
    for i, chunk in enumerate(data.chunks):
        text = passage_text(chunk, data.documents[chunk.doc_id])
        group = data.sentences.group(i).astype(np.float32)
        assert len(group) == len(sentence_cuts(text, len(chunk.text))) >= 1
        assert np.allclose(np.linalg.norm(group, axis=1), 1.0, atol=1e-2)


def test_best_sentence_of_the_passage_is_the_one_that_answers(bundled):
    data = bundled.data
    i = _passage(data, AGREEMENTS)
    chunk = data.chunks[i]
    text = passage_text(chunk, data.documents[chunk.doc_id])
    cuts = sentence_cuts(text, len(chunk.text))
    assert len(cuts) > 1
    query = bundled.embedder.embed_query("Сколько договоров о сотрудничестве подписал Томск с иностранными партнерами?")
    best = int(np.argmax(data.sentences.group(i).astype(np.float32) @ query))
    s, e = cuts[best]
    assert AGREEMENTS in normalize(text[s:e]), text[s:e]


def test_paraphrased_question_finds_its_passage_by_best_sentence(bundled):
    hits = bundled.retriever().search("Сколько договоров о сотрудничестве подписал Томск с иностранными партнерами?",
                                      k=3, config="dense-sentence")
    assert any(AGREEMENTS in normalize(bundled.data.chunks[h.chunk].text) for h in hits)


def test_passage_vector_of_the_pass_is_the_passage_embedding(bundled):
    """Queried by any backend, a passage vector must be what ``embed_passages`` gives."""
    data = bundled.data
    i = _passage(data, AGREEMENTS)
    chunk = data.chunks[i]
    alone = bundled.embedder.embed_passages([passage_text(chunk, data.documents[chunk.doc_id])])[0]
    assert float(alone @ data.vectors[i]) > 0.999
