"""Would sentence vectors that read their passage help? A trial of late chunking: each
sentence's vector as the mean of its tokens' last-layer states *within the whole embedded
passage*, instead of the sentence (with the passage's head) embedded alone.

A sentence such as «Данные соглашения охватывают сферы экономики…» says nothing on its own;
inside its passage e5's attention has read which agreements it means. Late chunking gets
that context into every sentence vector at no cost per question (and one passage pass
instead of one per sentence when indexing).

The trial rewrites ``sentences.npy`` of every index under ``HOME/eval`` in place, so run it
on a copy of an eval home, then refit and evaluate against it as usual:

    cp -a $MUNIQA_HOME /tmp/late-home
    python -m muniqa.eval.late_chunk_trial /tmp/late-home [--mix]
    MUNIQA_HOME=/tmp/late-home python -m muniqa.eval.train_ranker   # then muniqa eval …

``--mix``: the mean of the late vector and the stored one. Token states come from
``eval.e5_torch`` (the served weights); a sentence whose tokens the passage's window cut off
keeps its stored vector. Measured (README «Quality», tenth session): not kept.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from muniqa.index.chunk import passage_text
from muniqa.index.sentvec import kept_spans
from muniqa.index.store import live_version, load_index

from .maxsim_trial import token_states


def late_vectors(passage: str, text: str, stored: np.ndarray, mix: bool) -> tuple[np.ndarray, int]:
    """The sentence vectors of ``text`` (the passage as shown; ``passage``: as embedded, with
    its head), in ``sentvec.sentence_texts``' order, and how many were rewritten."""
    out = stored.copy()
    spans = kept_spans(text)
    at = passage.rfind(text)
    if len(spans) != len(stored) or at < 0:          # a passage embedded whole as its one row
        return out, 0
    states, _, token_spans = token_states([passage], "passage: ", unit=False)[0]
    starts = np.array([a for a, _ in token_spans])
    done = 0
    for k, (s, e) in enumerate(spans):
        inside = (starts >= at + s) & (starts < at + e)
        if inside.any():
            v = states[inside].mean(0)
            v /= np.linalg.norm(v) + 1e-9
            if mix:
                v = v + stored[k]
                v /= np.linalg.norm(v) + 1e-9
            out[k], done = v, done + 1
    return out, done


def rewrite(index_dir: Path, mix: bool) -> None:
    data = load_index(index_dir)
    version = live_version(index_dir)
    stored = np.load(version / "sentences.npy").astype(np.float32)
    offsets = np.load(version / "sentence_offsets.npy")
    new, done = stored.copy(), 0
    for i, chunk in enumerate(data.chunks):
        a, b = int(offsets[i]), int(offsets[i + 1])
        new[a:b], n = late_vectors(passage_text(chunk, data.documents[chunk.doc_id]), chunk.text, stored[a:b], mix)
        done += n
    np.save(version / "sentences.npy", new.astype(np.float16))
    print(f"{index_dir.name}: {len(data.chunks)} passages, {done} of {len(stored)} sentence vectors rewritten",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("home", type=Path, help="a copy of an eval home (MUNIQA_HOME): its indexes are rewritten")
    ap.add_argument("--mix", action="store_true", help="average the late vector with the stored one")
    args = ap.parse_args()
    for index_dir in sorted((args.home / "eval").iterdir()):
        if (index_dir / "CURRENT").exists():
            rewrite(index_dir, args.mix)


if __name__ == "__main__":
    main()
