"""A ``.npy`` file written by appending blocks whose total length is known only at the end.

Used where a streaming build cannot know the size up front (all lemma ids of 5 million
passages, text bytes): the header is written with a fixed width and rewritten with the
final shape, so the data is written once and never copied. The result is a standard
``.npy`` that ``np.load(mmap_mode="r")`` opens.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

HEADER = 128     # bytes: magic, version, length, and the dict padded with spaces


def _header(dtype: np.dtype, shape: tuple[int, ...]) -> bytes:
    text = repr({"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape})
    body = text.ljust(HEADER - 10 - 1) + "\n"
    out = b"\x93NUMPY\x01\x00" + (len(body)).to_bytes(2, "little") + body.encode("latin1")
    assert len(out) == HEADER
    return out


class NpyAppender:
    """Append rows of ``dtype`` (each of ``tail`` shape) to ``path``; ``close`` fixes the header."""

    def __init__(self, path: Path, dtype, tail: tuple[int, ...] = ()):
        self.path, self.dtype, self.tail, self.rows = path, np.dtype(dtype), tail, 0
        self._fh = open(path, "wb")
        self._fh.write(_header(self.dtype, (0, *tail)))

    def append(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, dtype=self.dtype)
        self._fh.write(block.tobytes())
        self.rows += len(block)

    def close(self) -> None:
        self._fh.seek(0)
        self._fh.write(_header(self.dtype, (self.rows, *self.tail)))
        self._fh.close()
