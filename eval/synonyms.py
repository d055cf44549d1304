"""Synonyms of a lemma from an offline Russian thesaurus: users ask in other words.

«Кто руководит Госстроем?» is answered by «Председатель … возглавляет …», «По какому
договору …» by «… контракт …»: no lemma, no stem in common, and the embedders miss much
of it. Wiktionary's synonym sets relate such words (руководить ↔ возглавлять/управлять,
заканчивать ↔ завершать/оканчивать, соглашение ↔ договор/контракт, гостиница ↔ отель).
They ship offline in PyPI's ``wiki-ru-wordnet`` (MIT package; its data is derived from
Russian Wiktionary, CC BY-SA) as an SQLite file, ``database/wikiwordnet.db``, table
``synsets(synset_id, lemma, definition)``.

Read here directly rather than through the package's ``WikiWordnet`` object, which loads
every synset with its definitions and hypernyms into Python objects when it is made
(measured: 7.3 s and ~190 MB on the shared machine); an SQL look-up per lemma would scan
the 115 000-row table (no index on ``lemma``: ~50 ms a word). We need only the lemmas of
synsets with two or more of them (~18 000 rows): read once, on first use (0.35–1 s,
~16 MB), into a dictionary; each lemma's synonym set is then cached. ё is
folded to е as ``index.lemmas`` does, and multi-word entries are dropped (the index
stores single-word lemmas).

Measured as a ranking signal (``eval.synonym_trial``: a feature of either stage, or BM25
query expansion) and **not kept**: no variant lifted any set significantly, and the whole
thesaurus cost XQuAD passage significantly (README «Synonyms from a thesaurus»). Kept in
``eval`` with its optional dependency (``muniqa[thesaurus]``) so the trial can be repeated.
"""
from __future__ import annotations

import sqlite3
from functools import lru_cache
from importlib.resources import files

MAX_SYNSET = 0          # >0: only synsets of at most this many lemmas (tighter, fewer hubs)
_QUERY = ("SELECT synset_id, lemma FROM synsets WHERE synset_id IN "
          "(SELECT synset_id FROM synsets GROUP BY synset_id HAVING COUNT(DISTINCT lemma) > 1)")


def database_path() -> str:
    """The thesaurus file inside the installed ``wiki_ru_wordnet`` package."""
    return str(files("wiki_ru_wordnet") / "database" / "wikiwordnet.db")


@lru_cache(maxsize=1)
def _synsets() -> tuple[dict[str, tuple[int, ...]], dict[int, tuple[str, ...]]]:
    """lemma → its synset ids, synset id → its lemmas (single words, ё folded)."""
    con = sqlite3.connect(f"file:{database_path()}?mode=ro", uri=True)
    try:
        rows = con.execute(_QUERY).fetchall()
    finally:
        con.close()
    members: dict[int, set[str]] = {}
    for sid, word in rows:
        word = word.strip().lower().replace("ё", "е")
        if word and " " not in word and "-" != word[0]:
            members.setdefault(sid, set()).add(word)
    by_word: dict[str, list[int]] = {}
    sets = {sid: tuple(sorted(ws)) for sid, ws in members.items()
            if len(ws) > 1 and (not MAX_SYNSET or len(ws) <= MAX_SYNSET)}
    for sid, ws in sets.items():
        for w in ws:
            by_word.setdefault(w, []).append(sid)
    return {w: tuple(s) for w, s in by_word.items()}, sets


@lru_cache(maxsize=50_000)
def synonyms(lemma: str) -> frozenset[str]:
    """Every lemma sharing a synonym set with ``lemma`` (lowercase, ё→е), itself excluded."""
    by_word, sets = _synsets()
    out = {w for sid in by_word.get(lemma, ()) for w in sets[sid]}
    out.discard(lemma)
    return frozenset(out)
