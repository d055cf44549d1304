"""The thesaurus relates the words users ask with to the words documents use."""
import pytest

pytest.importorskip("wiki_ru_wordnet", reason="muniqa[thesaurus] is not installed")

from muniqa.eval.synonym_features import sentence_gain  # noqa: E402
from muniqa.eval.synonyms import synonyms  # noqa: E402
from muniqa.index.lemmas import lemmas  # noqa: E402
from muniqa.qa.retrieve import query_groups  # noqa: E402


def test_thesaurus_relates_verbs_nouns_and_folds_yo():
    assert {"возглавлять", "управлять"} <= synonyms("руководить")
    assert "контракт" in synonyms("договор")
    assert "договоренность" in synonyms("соглашение")     # ё folded as index.lemmas does
    assert "руководить" not in synonyms("руководить")
    assert synonyms("несуществующееслово") == frozenset()


def _gain(question: str, text: str) -> float:
    groups = query_groups(question, False)
    return sentence_gain(groups, [1.0] * len(groups), text)


def test_a_synonym_in_the_passage_counts_only_where_the_word_itself_is_missing():
    asked = "Кто руководит Госстроем?"
    assert _gain(asked, "Председатель Госстроя возглавляет комитет и отвечает за строительство.") > 0
    assert _gain(asked, "Председатель Госстроя руководит комитетом и отвечает за строительство.") == 0
    assert _gain(asked, "Председатель Госстроя подписывает приказы о строительстве.") == 0
    assert _gain("По какому договору поставляется газ?", "Газ поставляется по контракту с поставщиком.") > 0
    assert "руководить" in lemmas(asked)
