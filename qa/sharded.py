"""Search over shards, identical to the unsharded index (see ``index.shard_split``).

``ShardedIndexData`` looks like ``IndexData`` to the rest of muniqa: passages keep the
numbers they had in the unsharded index, and a passage's text, citation, tokens and vectors
are read from the shard that holds it; idf comes from the whole corpus's document
frequencies. ``ShardedRetriever`` is ``Retriever`` with one method replaced: the default
system's candidates come from one round trip to the shard workers (``shard_pool``), merged
into the global top lists; features, ranker, confidence and city diversity are
``Retriever``'s own code. Other systems (evaluation baselines) search the shards in this
process through ``dense`` and ``lexical`` below, in the same numbering.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from muniqa.index.doctable import DocumentCatalog
from muniqa.index.errors import IndexOpenError, repair_hint
from muniqa.index.shard_split import SHARD_OF_FILE, SHARDS_FILE, TERMS_FILE, sharded_version
from muniqa.index.store import IndexData, load_index

from .retrieve import Retriever, query_groups, query_lemmas, rank_inputs
from .topn import best_first
from .shard_pool import ShardPool


class _Rows:
    """``chunks`` or ``tokens`` of the whole index, read from the shard holding each row."""

    def __init__(self, owner: "ShardedIndexData", field: str):
        self.owner, self.field = owner, field

    def __len__(self) -> int:
        return len(self.owner.shard_of)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        s, local = self.owner.locate(int(i))
        return getattr(self.owner.shards[s], self.field)[local]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def find(self, doc_id: str, start: int, end: int) -> int | None:
        """The number of a document's passage by its offsets (``ChunkTable.find``)."""
        for s, shard in enumerate(self.owner.shards):
            if doc_id in shard.documents:
                rows = getattr(shard, self.field)
                local = rows.find(doc_id, start, end) if hasattr(rows, "find") else next(
                    (i for i, c in enumerate(rows) if (c.doc_id, c.start, c.end) == (doc_id, start, end)), None)
                return None if local is None else int(self.owner.rows[s][local])
        return None


class _Vectors:
    def __init__(self, owner: "ShardedIndexData"):
        self.owner = owner

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.owner.shard_of), self.owner.shards[0].vectors.shape[1]

    def __len__(self) -> int:
        return len(self.owner.shard_of)

    def __getitem__(self, rows):
        if np.isscalar(rows):
            s, local = self.owner.locate(int(rows))
            return self.owner.shards[s].vectors[local]
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), self.shape[1]), dtype=np.float32)
        for s, shard in enumerate(self.owner.shards):
            here = self.owner.shard_of[rows] == s
            out[here] = shard.vectors[self.owner.local[rows[here]]]
        return out


class _Sentences:
    def __init__(self, owner: "ShardedIndexData"):
        self.owner = owner

    def __len__(self) -> int:
        return len(self.owner.shard_of)

    def group(self, passage: int) -> np.ndarray:
        s, local = self.owner.locate(int(passage))
        return self.owner.shards[s].sentences.group(local)

    def best(self, query: np.ndarray, passages: np.ndarray) -> np.ndarray:
        passages = np.asarray(passages, dtype=np.int64)
        out = np.zeros(len(passages), np.float32)
        for s, shard in enumerate(self.owner.shards):
            here = self.owner.shard_of[passages] == s
            out[here] = shard.sentences.best(query, self.owner.local[passages[here]])
        return out


class _Dense:
    """Top passages by cosine over all shards (searched here, one after another)."""

    def __init__(self, owner: "ShardedIndexData"):
        self.owner = owner
        self.kind = owner.shards[0].dense.kind

    def __len__(self) -> int:
        return len(self.owner.shard_of)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
               mask: np.ndarray | None = None):
        if mask is not None:
            allowed = np.flatnonzero(mask)
        ids, sims = [], []
        for s, shard in enumerate(self.owner.shards):
            mine = None if allowed is None else self.owner.local[allowed[self.owner.shard_of[allowed] == s]]
            i, d = shard.dense.search(query, k, mine)
            ids.append(self.owner.rows[s][i])
            sims.append(d)
        ids, sims = np.concatenate(ids), np.concatenate(sims)
        keep = best_first(ids, sims, k)
        return ids[keep], sims[keep]


class _Lexical:
    """BM25 over all shards (each holds the whole corpus's scores) and the global idf."""

    def __init__(self, owner: "ShardedIndexData", df: dict[str, int]):
        self.owner, self.df = owner, df
        self.n_docs = len(owner.shard_of)

    def idf(self, token: str) -> float:
        """As ``LexicalIndex.idf`` of the unsharded index: from the whole corpus."""
        if token not in self.df:
            return 0.0
        df = self.df[token]
        return float(np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)))

    def doc_freq(self, token: str) -> int:
        return self.df.get(token, 0)

    def postings(self, token: str) -> np.ndarray:
        """Numbers of the passages holding ``token`` (ascending)."""
        found = [rows[shard.lexical.postings(token)] for rows, shard in zip(self.owner.rows, self.owner.shards)]
        return np.sort(np.concatenate(found)) if found else np.zeros(0, np.int64)

    def scores(self, query_tokens: list[str], mask: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        for s, shard in enumerate(self.owner.shards):
            rows = self.owner.rows[s]
            out[rows] = shard.lexical.scores(query_tokens, None if mask is None else mask[rows])
        return out

    def top(self, query_tokens: list[str], n: int, mask: np.ndarray | None = None,
            pruned: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """As ``LexicalIndex.top`` of the unsharded index: the best of the shards' top lists."""
        ids, scores = [], []
        for rows, shard in zip(self.owner.rows, self.owner.shards):
            i, s = shard.lexical.top(query_tokens, n, None if mask is None else mask[rows], pruned)
            ids.append(rows[i])
            scores.append(s)
        ids, scores = np.concatenate(ids).astype(np.int64), np.concatenate(scores).astype(np.float32)
        keep = best_first(ids, scores, n)
        return ids[keep], scores[keep]


class ShardedIndexData(DocumentCatalog):
    """The catalog of a sharded index, in the unsharded index's passage numbering."""

    def __init__(self, path: Path, manifest: dict, names: list[str], shard_dirs: list[Path],
                 shards: list[IndexData], shard_of: np.ndarray, df: dict[str, int], order: list[str]):
        self.path, self.manifest, self.names, self.shard_dirs = path, manifest, names, shard_dirs
        self.shards, self.shard_of = shards, shard_of
        self.rows = [np.flatnonzero(shard_of == s) for s in range(len(shards))]
        self.local = np.zeros(len(shard_of), dtype=np.int64)
        for rows in self.rows:
            self.local[rows] = np.arange(len(rows))
        by_id = {d: doc for shard in shards for d, doc in shard.documents.items()}
        order = [d for d in order if d in by_id]          # the unsharded index's document order
        known = set(order)
        self.documents = {d: by_id[d] for d in order + [d for d in by_id if d not in known]}
        number = {d: i for i, d in enumerate(self.documents)}
        self.chunk_doc = np.zeros(len(shard_of), dtype=np.int32)
        for rows, shard in zip(self.rows, shards):
            to_global = np.array([number[d] for d in shard.documents], dtype=np.int32)
            self.chunk_doc[rows] = to_global[np.asarray(shard.chunk_doc)] if len(rows) else []
        self.chunks, self.tokens = _Rows(self, "chunks"), _Rows(self, "tokens")
        self.vectors, self.sentences = _Vectors(self), _Sentences(self)
        self.dense, self.lexical = _Dense(self), _Lexical(self, df)

    def locate(self, passage: int) -> tuple[int, int]:
        """(shard, passage number in it) of a passage of the whole index."""
        return int(self.shard_of[passage]), int(self.local[passage])



def is_sharded(index_dir: Path) -> bool:
    return sharded_version(index_dir) is not None


def load_sharded(index_dir: Path) -> ShardedIndexData:
    """Open a sharded index; a missing or damaged shard is one ``IndexOpenError`` line
    naming it."""
    version = sharded_version(index_dir)
    try:
        spec = json.loads((version / SHARDS_FILE).read_text(encoding="utf-8"))
        manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        terms = json.loads((version / TERMS_FILE).read_text(encoding="utf-8"))
        shard_of = np.load(version / SHARD_OF_FILE)
        entries = [(e["name"], int(e["passages"])) for e in spec["shards"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        where = getattr(exc, "filename", None) or version
        raise IndexOpenError(f"индекс в {index_dir} повреждён ({where}: {type(exc).__name__}); "
                             f"{repair_hint(index_dir)}") from None
    names = [name for name, _ in entries]
    dirs = [version / name for name in names]
    shards = []
    for (name, passages), folder in zip(entries, dirs):
        if not folder.is_dir() or not (folder / "CURRENT").exists():
            raise IndexOpenError(f"шард {name} индекса в {index_dir} отсутствует (нет {folder}); "
                                 f"{repair_hint(index_dir)}")
        try:
            shard = load_index(folder)
        except IndexOpenError as exc:
            raise IndexOpenError(f"шард {name} индекса в {index_dir} повреждён: {exc}") from None
        if len(shard.chunks) != passages or int((shard_of == len(shards)).sum()) != passages:
            raise IndexOpenError(f"шард {name} индекса в {index_dir} повреждён (в нём {len(shard.chunks)} "
                                 f"фрагментов, а не {passages}); {repair_hint(index_dir)}")
        shards.append(shard)
    return ShardedIndexData(version, manifest, names, dirs, shards, shard_of, terms.get("df", {}),
                            spec.get("document_order", []))


class ShardedRetriever(Retriever):
    """``Retriever`` whose default-system candidates come from shard workers in parallel."""

    def __init__(self, data: ShardedIndexData, embedder, pool: ShardPool | None = None):
        super().__init__(data, embedder)
        self.pool = pool or ShardPool(data.shard_dirs, data.names, data.path)

    def close(self) -> None:
        self.pool.close()

    def candidates(self, question: str, vec: np.ndarray, mask: np.ndarray | None, cfg):
        data, n = self.data, cfg.candidates
        toks = query_lemmas(question, cfg.gazetteer)
        groups = query_groups(question, cfg.gazetteer)
        wanted = set().union(*groups) if groups else set()
        replies = self.pool.map([("candidates", (vec, toks, wanted, n, None if mask is None else mask[rows]))
                                 for rows in data.rows])
        glob = [data.rows[s] for s in range(len(replies))]

        def gather(key: str, ids_key: str | None = None) -> np.ndarray:
            if ids_key:
                return np.concatenate([g[r[key]] for g, r in zip(glob, replies)]).astype(np.int64)
            return np.concatenate([np.asarray(r[key], dtype=np.float32) for r in replies])

        d_ids, d_sims = gather("dense_ids", "ids"), gather("dense_sims")
        keep = best_first(d_ids, d_sims, n)
        d_ids, d_sims = d_ids[keep], d_sims[keep]
        b_ids, b_top = gather("bm_ids", "ids"), gather("bm_top")
        keep = best_first(b_ids, b_top, n)
        b_ids, b_top = b_ids[keep], b_top[keep]
        cand = np.union1d(d_ids, b_ids)
        every = gather("cand", "ids")
        where = np.argsort(every)
        idx = where[np.searchsorted(every[where], cand)]
        held_all = [h for r in replies for h in r["held"]]
        return rank_inputs(question, cfg, cand, gather("cosine")[idx], d_ids, gather("best")[idx],
                           gather("bm25")[idx], b_top, [held_all[i] for i in idx], data.lexical.idf,
                           len(data.chunks))


def open_index(index_dir: Path) -> IndexData | ShardedIndexData:
    """The live index of ``index_dir``, sharded or not."""
    return load_sharded(index_dir) if is_sharded(index_dir) else load_index(index_dir)


def retriever_for(data, embedder) -> Retriever:
    return ShardedRetriever(data, embedder) if isinstance(data, ShardedIndexData) else Retriever(data, embedder)

