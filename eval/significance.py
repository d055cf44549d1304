"""Is a difference between two systems real? Paired tests over the same questions.

Fisher's randomization test (Smucker et al., CIKM 2007: the recommended test for IR) and
the paired t-test, both from ranx, on per-question scores. Systems evaluated on different
chunkings are still paired by question, since relevance is defined by quotes.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np

TEST_METRICS = ("mrr@10", "success@5")


def paired_test(a: np.ndarray, b: np.ndarray, test: str = "fisher", n_permutations: int = 5000) -> float:
    """Two-sided p-value that systems with per-question scores ``a`` and ``b`` are the same."""
    if len(a) < 2 or np.allclose(a, b):
        return 1.0
    if test == "student":
        from ranx.statistical_tests import paired_student_t_test
        p, _ = paired_student_t_test(a, b)
        return float(p)
    from ranx.statistical_tests.fisher_randomization_test import fisher_randomization_test
    p, _ = fisher_randomization_test(a.astype(np.float64), b.astype(np.float64), n_permutations, 0.05, 42)
    return float(p)


def compare_all(per_query: dict[str, dict[str, np.ndarray]], test: str = "fisher",
                metrics: tuple[str, ...] = TEST_METRICS) -> list[dict]:
    """Every pair of systems: mean difference and p-value per metric."""
    rows = []
    for a, b in combinations(per_query, 2):
        for metric in metrics:
            x, y = per_query[a][metric], per_query[b][metric]
            rows.append({"a": a, "b": b, "metric": metric, "diff": round(float(y.mean() - x.mean()), 4),
                         "p": round(paired_test(x, y, test), 4)})
    return rows
