"""Would the first stage gain from how much of the question one sentence holds? An
out-of-fold trial, as ``proximity_trial``, of the best sentence's share of the question's
idf mass (exact lemmas, and with ``rerank_features``' shared stems) over every candidate:
today only the second stage reads it, for its ten passages. The fresh sets
(``proximity_trial.FRESH``) are scored, never fitted on.

    python -m muniqa.eval.sentence_cover_trial [--sets dev,...] [--cache FILE]

Measured (README «Quality», seventh session): not kept, no set moved significantly.
"""
from __future__ import annotations

import numpy as np

from muniqa.qa.rerank_features import _cover, _pieces

from .proximity_trial import columns_trial_main

FEATURES = ("sent_cov", "sent_cov_stem", "sent_cov_gap")
VARIANTS = {
    "baseline (ranker.json)": (None, None),
    "1st: sentence coverage": (["sent_cov"], None),
    "1st: sentence coverage, below the best": (["sent_cov", "sent_cov_gap"], None),
    "1st: sentence coverage with stems": (["sent_cov_stem"], None),
    "1st: both": (["sent_cov", "sent_cov_stem"], None),
}


def sentence_cover_columns(groups, idf, data, cand, head, question: str = "") -> np.ndarray:
    """``FEATURES`` of every candidate (``idf``: each group's weight)."""
    total = sum(idf) or 1.0
    out = np.zeros((len(cand), len(FEATURES)), np.float32)
    for j, ident in enumerate(cand.tolist()):
        pieces = _pieces(data.chunks[ident].text)
        out[j, 0] = max(_cover(groups, idf, p, False) for p in pieces) / total
        out[j, 1] = max(_cover(groups, idf, p, True) for p in pieces) / total
    out[:, 2] = out[:, 0] - out[:, 0].max()
    return out


def main() -> None:
    columns_trial_main(__doc__, sentence_cover_columns, FEATURES, VARIANTS)


if __name__ == "__main__":
    main()
