"""Would word order and proximity help the ranking? An out-of-fold trial of
``eval.proximity_features`` in each stage of the default, against today's ``qa/ranker.json``.

    python -m muniqa.eval.proximity_trial [--sets dev,...] [--cache FILE]

Per question of every set: the candidates and first-stage features as ``train_ranker``
collects them, the proximity features of every candidate, and ``qa.answerable``'s evidence
and ``qa.rerank_features`` of the first ``DEPTH`` passages of the current out-of-fold
first-stage order. Then, refitted on the folds of ``train_ranker`` (``ranker.fold_of``: the
real documents folded by document; ``NOT_FOR_RANKING`` never fitted on), each variant is
scored out-of-fold end to end: a second-stage variant adds
the features to the window model; a first-stage variant adds them to the first stage over
all candidates, whose new windows are then re-ordered by a second stage refitted on them.
Both stages are fitted and scored on the passages the ranking is fitted on (``train_ranker.
FIT_CHUNKS``, 120 words): the baseline row reproduces the first pass of ``train_ranker``.
Prints MRR@10 per set with the change, paired randomization p and questions up / down. Collecting takes minutes (the
proximity of each of ~200 candidates per question in Python); ``--cache`` keeps it.
"""
from __future__ import annotations

import argparse
import math
import pickle
from pathlib import Path

import numpy as np

from muniqa.qa import ranker, rerank

from . import proximity_features as prox
from .ranker_fit import fit_first_stage, fit_rerank, mrr_at_10
from .significance import paired_test
from .train_ranker import FIT_CHUNKS, NOT_FOR_RANKING, collect

SETS = ["eval/gold/dev.jsonl", "eval/gold/dev2.jsonl", "eval/gold/realdocs.jsonl", "xquad:sentence", "xquad:passage"]
FRESH = ["eval/gold/dev3.jsonl", "eval/gold/realdocs2.jsonl"]   # written after the features were chosen
DEPTH = 30          # passages with evidence: a first-stage variant's windows come from these
COV, B_MM = ranker.FEATURES.index("cov"), ranker.FEATURES.index("b_mm")
P = {name: i for i, name in enumerate(prox.FEATURES)}

# name -> (first-stage extra columns, second-stage extra columns); each from one question's row
VARIANTS = {
    "baseline (ranker.json)": (None, None),
    "2nd: pair_adj": (None, ["pair_adj"]),
    "2nd: pair_adj, pair_near": (None, ["pair_adj", "pair_near"]),
    "2nd: span": (None, ["span"]),
    "2nd: phrase": (None, ["phrase"]),
    "2nd: all four": (None, list(prox.FEATURES)),
    "1st: span": (["span"], None),
    "1st: span, span x BM25": (["span", "span_x_bm25"], None),
    "1st: all four": (list(prox.FEATURES), None),
}


def proximity_columns(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """``prox.FEATURES`` of every candidate."""
    return prox.features(groups, idf, data.token_lists(cand))


def gather(sets: list[str], columns=proximity_columns, names: tuple[str, ...] = prox.FEATURES) -> list[dict]:
    """The answerable questions of ``sets`` with everything the variants are fitted on;
    ``columns(groups, idf, data, cand, head, question)`` gives the trial's features (``names``) of every
    candidate (``head``: the first ``DEPTH`` of the out-of-fold order, the only ones a window
    can hold), kept as ``px``."""
    _, _, weights = ranker.load_weights()
    folds = [(np.asarray(m["coef"]), float(m["intercept"])) for m in weights["folds"]]
    out = []
    for gold in sets:
        for r in collect(gold, FIT_CHUNKS):       # refitted, so on the ranking's own cut
            if not r["answerable"] or not len(r["cand"]):
                continue
            data, groups, cand = r["window"].args
            fold = ranker.hash_fold(r["group"], len(folds)) if r["group"] else ranker.fold_of(r["question"], len(folds))
            logit = r["x"] @ folds[fold][0] + folds[fold][1]
            order = np.lexsort((cand, -logit))
            head = order[:DEPTH]
            rarest = math.log(1 + max(len(data.chunks), 1))
            idf = [max(data.lexical.idf(t) for t in g) or rarest for g in groups]
            out.append({"set": gold, "fold": fold, "y": r["y"], "x": r["x"], "cand": cand, "order": order,
                        "ev": r["holds"](cand[head]), "nf": r["window"](head, r["x"][:, COV]),
                        "docs": np.asarray(data.chunk_doc)[cand],
                        "px": columns(groups, idf, data, cand, head, r["question"]), "px_names": names})
        print(f"{gold}: {sum(r['set'] == gold for r in out)} answerable questions", flush=True)
    return out


def gathered(cache: str | None, sets: str, gather_rows=gather) -> list[dict]:
    """The rows of ``gather_rows`` over the comma-separated ``sets``, read from the pickle
    ``cache`` when it exists, else gathered and written there."""
    if cache and Path(cache).exists():
        return pickle.loads(Path(cache).read_bytes())
    rows = gather_rows([s for s in sets.split(",") if s])
    if cache:
        Path(cache).write_bytes(pickle.dumps(rows))
    return rows


def print_variants(rows: list[dict], variants: dict, base: dict | None = None) -> None:
    """Each variant's MRR@10 per set, against ``base`` (else the first variant): the change,
    paired randomization p, questions up / down."""
    for name, (first, second) in variants.items():
        res = score(rows, first, second)
        base = base or res
        print(name + ": " + "; ".join(
            f"{s.split('/')[-1].removesuffix('.jsonl')} {res[s].mean():.4f}"
            + ("" if res is base else f" ({res[s].mean() - base[s].mean():+.4f}, p={paired_test(base[s], res[s]):.3f}, "
               f"{int((res[s] > base[s]).sum())} up / {int((res[s] < base[s]).sum())} down)")
            for s in base), flush=True)


def _columns(r: dict, names: list[str] | None) -> np.ndarray:
    at = {n: i for i, n in enumerate(r["px_names"])} if "px_names" in r else P   # another trial's columns
    cols = [r["px"][:, at[n]] if n in at else r["px"][:, P["span"]] * r["x"][:, B_MM] for n in names or ()]
    return np.column_stack(cols) if cols else np.zeros((len(r["cand"]), 0), np.float32)


def _window(r: dict, logit: np.ndarray, second: list[str] | None) -> dict:
    """The question's window under a first-stage ``logit``: its order, evidence and the
    window features (the document counts recomputed for the new window)."""
    order = np.lexsort((r["cand"], -logit))
    at = {int(j): k for k, j in enumerate(r["order"][:DEPTH])}
    head = [int(j) for j in order if int(j) in at][:rerank.WINDOW]   # (beyond DEPTH: next one)
    order = np.array(head + [int(j) for j in order if int(j) not in set(head)], dtype=np.int64)
    rows = [at[j] for j in head]
    nf = r["nf"][rows].copy()
    docs = r["docs"][head]
    seen: set[int] = set()
    for k, doc in enumerate(docs.tolist()):
        nf[k, 3], nf[k, 4] = (docs == doc).sum() / len(docs), float(doc not in seen)
        seen.add(doc)
    extra = _columns(r, second)[head]
    return {"set": r["set"], "fold": r["fold"], "y": r["y"], "order": order, "logit": logit,
            "ev": r["ev"][rows], "nf": np.column_stack([nf, extra])}


def score(rows: list[dict], first: list[str] | None, second: list[str] | None, c: float = 0.1,
          fit_second=lambda windows: fit_rerank(windows, 1.0)) -> dict:
    """Out-of-fold reciprocal ranks per set of one variant, both stages refitted (the second
    by ``fit_second(windows)``: (coefficients, intercept))."""
    folds = range(1 + max(r["fold"] for r in rows))
    fitted = [r for r in rows if r["set"] not in NOT_FOR_RANKING]
    x = {id(r): np.column_stack([r["x"], _columns(r, first)]) for r in rows}
    if first:
        models = [fit_first_stage([dict(r, x=x[id(r)]) for r in fitted if r["fold"] != f], c) for f in folds]
        logits = [x[id(r)] @ np.asarray(models[r["fold"]][0]) + models[r["fold"]][1] for r in rows]
    else:                                   # today's first stage, exactly as ranker.json scores it
        _, _, weights = ranker.load_weights()
        logits = [r["x"] @ np.asarray(weights["folds"][r["fold"]]["coef"]) + weights["folds"][r["fold"]]["intercept"]
                  for r in rows]
    windows = [_window(r, lg, second) for r, lg in zip(rows, logits)]
    train = [w for w in windows if w["set"] not in NOT_FOR_RANKING]
    models = [fit_second([w for w in train if w["fold"] != f]) for f in folds]
    out: dict[str, list[float]] = {}
    for w in windows:
        coef, b = models[w["fold"]]
        order, _, _ = rerank.reorder_with((np.asarray(coef, np.float32), float(b)), w["order"], w["logit"],
                                          w["ev"], w["nf"])
        out.setdefault(w["set"], []).append(mrr_at_10(w["y"][order]))
    return {s: np.array(v) for s, v in out.items()}


def trial_main(doc: str, gather_rows, variants: dict, sets: list[str], held_out: list[str] = ()) -> None:
    """A trial's command line: ``--sets`` (default ``sets``) and ``--cache``; the sets in
    ``held_out`` are scored, never fitted on."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(sets))
    ap.add_argument("--cache", help="pickle of the gathered questions: written once, read after")
    args = ap.parse_args()
    NOT_FOR_RANKING.update(held_out)
    print_variants(gathered(args.cache, args.sets, gather_rows), variants)


def columns_trial_main(doc: str, columns, names: tuple[str, ...], variants: dict) -> None:
    """``trial_main`` for a trial of the features ``names`` that ``columns`` computes (as
    ``gather``'s), over ``SETS`` and ``FRESH``, the fresh sets scored, never fitted on."""
    trial_main(doc, lambda sets: gather(sets, columns, names), variants, SETS + FRESH, held_out=FRESH)


def main() -> None:
    trial_main(__doc__, gather, VARIANTS, SETS)

if __name__ == "__main__":
    main()
