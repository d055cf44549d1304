"""muniqa eval: the gold format, the relevance rule and the metric names of DESIGN.md."""
from __future__ import annotations

import json

from muniqa.eval.gold import GoldQuestion, normalize, relevant_passages

from .conftest import run_cli


def test_relevance_ignores_case_yo_punctuation_and_line_breaks():
    q = GoldQuestion("x", "?", quotes=["Фестиваль ледовых  скульптур", "ёлка"])
    passages = [("a", normalize("…в Международном фестивале\nледовых скульптур")),
                ("b", normalize("ФЕСТИВАЛЬ ЛЕДОВЫХ СКУЛЬПТУР!")), ("c", normalize("Елка на площади"))]
    assert relevant_passages(q, passages) == {1: {0}, 2: {1}}


def test_eval_cli_scores_systems_and_reports_missing_quotes(bundled, tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "a", "kind": "fact", "question": "С каким белорусским городом Томск заключил соглашение о дружбе в 2024 году?",
         "quotes": ["соглашение о дружбе и сотрудничестве с Гомелем"], "docs": []},
        {"id": "b", "kind": "list", "question": "Какие города сотрудничают с белорусскими партнерами?",
         "quotes": ["Гомель (Республика Беларусь)", "Могилев (Республика Беларусь)"], "docs": []},
        {"id": "c", "kind": "fact", "question": "Где прошел фестиваль?", "quotes": ["этой фразы нет в отчетах"], "docs": []},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    res = run_cli("eval", str(gold), "--systems", "bm25-lemma,dense,hybrid", "--json",
                  "--report", str(tmp_path / "report"))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)["results"][0]
    assert set(out["systems"]) == {"bm25-lemma", "dense", "hybrid"}
    for metrics in out["systems"].values():
        assert {"success@1", "success@5", "success@10", "mrr@10", "ndcg@10", "coverage@10", "n"} <= set(metrics)
        assert metrics["n"] == 2                       # the question with a missing quote is not scored
        assert 0 <= metrics["mrr@10"] <= metrics["success@10"] <= 1
    assert out["systems"]["hybrid"]["success@10"] == 1.0
    assert "c: quote 'этой фразы нет в отчетах' is not in the corpus" in res.stderr
    assert (tmp_path / "report" / "report.md").read_text(encoding="utf-8").count("| a |") == 1


def test_bad_gold_line_is_a_one_line_error(muniqa_home, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "question": "?", "quotes": ["x"]}\nnot json\n', encoding="utf-8")
    res = run_cli("eval", str(gold))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "gold.jsonl:2: строка не в формате JSON" in res.stderr


def test_card_rank_counts_an_answer_merged_into_the_first_card_where_the_user_sees_it(bundled):
    """The passage next to the answer's shares its text: shown first, it makes one card with
    the answer's passage, so card_mrr@10 counts the answer at 1 while mrr@10 says 3."""
    from muniqa.eval.evaluate import card_reciprocal_rank
    from muniqa.qa.retrieve import Hit
    data = bundled.data
    chunks = list(data.chunks)
    i = next(i for i in range(len(chunks) - 1) if chunks[i].doc_id == chunks[i + 1].doc_id
             and chunks[i + 1].start < chunks[i].end)
    other = next(j for j, c in enumerate(chunks) if c.doc_id != chunks[i].doc_id)
    shown = [Hit(i, 0.9, None, None), Hit(other, 0.8, None, None), Hit(i + 1, 0.7, None, None)]
    assert card_reciprocal_rank(data, shown, {i + 1}) == 1.0
    assert card_reciprocal_rank(data, shown, {other}) == 0.5
    assert card_reciprocal_rank(data, shown[:2], {i + 1}) == 0.0
