"""Would fine-tuning the embedder on gold questions help on documents it never saw?

Every ranking feature tried since the fifth session has saturated (README «Quality»): what
is left is telling an answering passage from its neighbour, which takes a model that reads
the question against the passage. None ships in a package these machines can install, so
this probe asks the cheaper question first: does e5-small itself, fine-tuned on the
questions of some gold sets, retrieve better on *other* sets, over documents absent from its
training? It trains ``eval.e5_torch.E5Torch`` (a torch mirror of the served embedder) with
the usual contrastive loss — each question against its passage, the other passages of the
batch and one hard negative among the base model's first three wrong passages — then
compares dense-only MRR@10 before and after on the test sets, with a paired randomization
test. Nothing it trains is saved or served.

    python -m muniqa.eval.finetune_probe --train xquad:passage,eval/gold/dev.jsonl,eval/gold/dev2.jsonl \\
        --test eval/gold/realdocs.jsonl,eval/gold/realdocs2.jsonl,eval/gold/dev3.jsonl

``--cloze`` trains on a set's passages instead of its questions (``cloze_triples``).

Measured (README «Quality», eighth session): not a reliable gain; see there.
"""
from __future__ import annotations

import argparse
import math
import random
from functools import lru_cache

import numpy as np

from .evaluate import open_eval_index, xquad_corpus
from .gold import gold_corpus, load_gold, normalize, relevant_passages
from .significance import paired_test
from .train_ranker import FIT_CHUNKS, corpus_cut

BATCH, LR, TEMPERATURE = 16, 2e-5, 0.02
QUERY_TOKENS, PASSAGE_TOKENS = 64, 256       # training cuts; scoring reads up to 510


@lru_cache(maxsize=None)
def gold_set(name: str) -> tuple[tuple[str, ...], tuple[tuple[str, frozenset[int]], ...]]:
    """(the embedded text of every passage of the set's index, (question, its relevant
    passages) for each answerable question whose quote one passage holds)."""
    from muniqa.index.chunk import passage_text
    if name.startswith("xquad:"):
        _, questions = xquad_corpus(name.split(":", 1)[1])
        corpus = [name]
    else:
        questions, corpus = load_gold(name), gold_corpus(name) or []
    data = open_eval_index(corpus, None, corpus_cut(name, FIT_CHUNKS), progress=False).data   # as its figures were measured
    passages = [(c.doc_id, normalize(c.text)) for c in data.chunks]
    asked = [(q.question, frozenset(relevant_passages(q, passages))) for q in questions if q.kind != "unanswerable"]
    texts = tuple(passage_text(c, data.documents[c.doc_id]) for c in data.chunks)
    return texts, tuple((q, rel) for q, rel in asked if rel)


def first_ten(model, name: str, vectors: dict) -> list[tuple[str, frozenset[int], list[int]]]:
    """Each question of ``name`` with its relevant passages and the model's first ten by
    cosine (the passage vectors kept in ``vectors`` by (model, set): embedded once)."""
    texts, asked = gold_set(name)
    key = (id(model), name)
    if key not in vectors:
        vectors[key] = model.embed(list(texts), "passage: ")
    queries = model.embed([q for q, _ in asked], "query: ")
    return [(q, rel, np.argsort(-(vectors[key] @ v))[:10].tolist()) for (q, rel), v in zip(asked, queries)]


def reciprocal_ranks(model, name: str, vectors: dict) -> np.ndarray:
    """Dense-only reciprocal rank at 10 of each question of ``name``."""
    return np.array([next((1.0 / (r + 1) for r, p in enumerate(top) if p in rel), 0.0)
                     for _, rel, top in first_ten(model, name, vectors)])


def triples(model, names: list[str], vectors: dict, rng: random.Random) -> list[tuple[str, str, str]]:
    """(question, a relevant passage, one of the model's first three non-relevant ones)."""
    out = []
    for name in names:
        texts, _ = gold_set(name)
        for q, rel, top in first_ten(model, name, vectors):
            negatives = [p for p in top if p not in rel]
            if negatives:
                out.append((q, texts[min(rel)], texts[rng.choice(negatives[:3])]))
    return out


def cloze_triples(names: list[str], rng: random.Random, per_set: int = 1500) -> list[tuple[str, str, str]]:
    """Inverse-cloze pairs from the sets' passages alone, no questions (Lee et al., 2019): a
    sentence of a passage as the query, the passage without it as its match, the next or
    previous passage as the hard negative. What a user's own corpus could teach the embedder."""
    from muniqa.index.sentences import sentence_spans
    out = []
    for name in names:
        texts, _ = gold_set(name)
        for i in rng.sample(range(len(texts)), min(per_set, len(texts))):
            spans = [(a, b) for a, b in sentence_spans(texts[i]) if len(texts[i][a:b].split()) >= 6]
            if len(spans) < 3 or len(texts) < 2:
                continue
            a, b = rng.choice(spans)
            neighbour = i + 1 if i + 1 < len(texts) and (i == 0 or rng.random() < 0.5) else i - 1
            out.append((texts[i][a:b].strip(), (texts[i][:a] + texts[i][b:]).strip(), texts[neighbour]))
    return out


def fine_tune(model, data: list[tuple[str, str, str]], epochs: float, rng: random.Random, log=print) -> None:
    import torch
    import torch.nn.functional as F
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.01)
    per_epoch = math.ceil(len(data) / BATCH)
    steps = max(1, int(per_epoch * epochs))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: min(1.0, (k + 1) / warm) * max(0.0, 1 - k / steps))
    model.train()
    for k in range(steps):
        if k % per_epoch == 0:
            rng.shuffle(data)
        b = data[(k % per_epoch) * BATCH:(k % per_epoch + 1) * BATCH]
        q = model(*model.batch([t[0] for t in b], "query: ", QUERY_TOKENS))
        p = model(*model.batch([t[1] for t in b] + [t[2] for t in b], "passage: ", PASSAGE_TOKENS))
        loss = F.cross_entropy(q @ p.T / TEMPERATURE, torch.arange(len(b)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if k % 10 == 0:
            log(f"step {k}/{steps}: loss {loss.item():.3f}")


def main() -> None:
    import torch
    from .e5_torch import E5Torch
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", default="", help="comma-separated gold sets to fine-tune on, by their questions")
    ap.add_argument("--cloze", default="", help="comma-separated gold sets to fine-tune on by their passages alone")
    ap.add_argument("--test", required=True, help="comma-separated gold sets to score, before and after")
    ap.add_argument("--epochs", type=float, default=1.0)
    args = ap.parse_args()
    torch.manual_seed(0)
    rng = random.Random(0)
    train, test = [s for s in args.train.split(",") if s], [s for s in args.test.split(",") if s]
    cloze = [s for s in args.cloze.split(",") if s]
    vectors: dict = {}
    base = E5Torch()
    before = {s: reciprocal_ranks(base, s, vectors) for s in test}
    data = triples(base, train, vectors, rng) + cloze_triples(cloze, rng)
    print(f"{len(data)} training pairs from {', '.join(train + cloze)}", flush=True)
    model = E5Torch()
    fine_tune(model, data, args.epochs, rng, log=lambda m: print(m, flush=True))
    for s in test:
        a, b = before[s], reciprocal_ranks(model, s, vectors)
        print(f"{s}: dense MRR@10 {a.mean():.4f} -> {b.mean():.4f} ({b.mean() - a.mean():+.4f}, "
              f"p={paired_test(a, b):.3f}, {int((b > a).sum())} up / {int((b < a).sum())} down)", flush=True)


if __name__ == "__main__":
    main()
