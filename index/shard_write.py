"""Write one shard's version folder straight from the columns of the whole index.

Going through ``write_index`` would turn every passage into a ``Chunk`` and a list of lemma
strings first: at a million passages that is tens of millions of Python objects and most
of the time of ``muniqa shard``. Here the shard's rows of each column (passage records,
text bytes, lemma ids, vectors, sentence vectors) are copied a block at a time into
``format3.VersionWriter``; lemma ids keep the whole index's vocabulary, heading strings are
renumbered. The result is the same format-3 folder ``write_index`` writes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .format3 import VersionWriter
from .store import IndexData, write_version_with

BLOCK = 50_000


def write_shard(folder: Path, manifest: dict, data: IndexData, doc_ids: list[str], rows: np.ndarray,
                lexical, dense) -> Path:
    """The version of ``folder`` holding passages ``rows`` (ascending) of ``data``."""
    dim = int(data.vectors.shape[1])
    table, tokens, sentences = data.chunks, data.tokens, data.sentences
    global_number = {d: i for i, d in enumerate(data.documents)}
    doc_local = np.full(len(data.documents), -1, dtype=np.int32)
    doc_local[[global_number[d] for d in doc_ids]] = np.arange(len(doc_ids), dtype=np.int32)
    chunk_doc = np.asarray(data.chunk_doc)
    tok_offsets = np.asarray(tokens.offsets)
    sent_offsets = np.asarray(sentences.offsets)

    def fill(tmp: Path) -> str:
        w = VersionWriter(tmp, len(rows), dim)
        w.documents([data.documents[d] for d in doc_ids])
        strings = [w.string_id(table.strings[i]) for i in range(len(table.strings))]
        string_map = np.asarray(strings, dtype=np.int32)
        for a in range(0, len(rows), BLOCK):
            block = rows[a:a + BLOCK]
            recs = np.array(table.rows[block], dtype=table.rows.dtype)
            recs["section"] = string_map[recs["section"]]
            recs["header"] = string_map[recs["header"]]
            spans = np.asarray(table.texts.spans[block], dtype=np.int64)
            texts = [table.texts.blob[int(s):int(e)].tobytes() for s, e in spans]
            sizes = np.array([len(t) for t in texts], dtype=np.int64)
            at = w.add_text_bytes(b"".join(texts))
            ends = at + np.cumsum(sizes)
            w.add_rows(recs, doc_local[chunk_doc[block]], np.stack([ends - sizes, ends], axis=1))
            starts, stops = tok_offsets[block], tok_offsets[block + 1]
            ids = [np.asarray(tokens.ids[int(s):int(e)]) for s, e in zip(starts, stops)]
            w.add_token_ids(np.concatenate(ids).astype(np.int32) if ids else np.zeros(0, np.int32),
                            (stops - starts).astype(np.int64))
            w.add_vectors(np.asarray(data.vectors[block], dtype=np.float32))
            s_starts, s_stops = sent_offsets[block], sent_offsets[block + 1]
            groups = [np.asarray(sentences.vectors[int(s):int(e)]) for s, e in zip(s_starts, s_stops)]
            w.add_sentences(np.concatenate(groups) if groups else np.zeros((0, dim), np.float16),
                            (s_stops - s_starts).astype(np.int64))
        vocab = [tokens.vocab[i] for i in range(len(tokens.vocab))]
        return w.finish(dim, vocab=vocab, lexical=lexical, dense=dense)

    return write_version_with(folder, manifest, fill, len(rows))
