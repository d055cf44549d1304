"""Cosines of many vectors with one, computed the same way whatever rows come along.

``matrix @ vector`` goes to BLAS gemv, whose blocking changes the last bits of a row's
result with the number and position of the rows: a shard scoring its 80 candidates and the
whole index scoring all 200 then disagree by ~1e-7, enough to swap two near-equal passages
(copies of one text) and break "sharded = unsharded". ``einsum`` sums each row on its own.
"""
from __future__ import annotations

import numpy as np


def row_dots(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return np.einsum("ij,j->i", np.asarray(matrix, dtype=np.float32), np.asarray(vector, dtype=np.float32))
