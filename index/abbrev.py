"""Abbreviations a document defines for itself, and passage tokens that hold both forms.

Russian official documents name a body or a term once in full and then only by a short
form: «Государственный комитет Республики Башкортостан по строительству и архитектуре
(далее - Госстрой РБ)», «Российской инфраструктуры пространственных данных (РИПД)», «300
зачетных единиц (далее - з.е.)», or a glossary row «ПДн | Персональные данные». People ask
in either form («Кто руководит Госстроем Башкортостана?», «Сколько зачетных единиц…» of a
table that says «з.е.»), and BM25 and the coverage features saw unrelated words. So each
passage's lexical tokens also get, once, the other form of every definition its own
document makes: the long form's lemmas where the short form stands, the short form's where
the long form stands. Only the document's own definitions count, so «ПД» of one document
(«пространственные данные») does not become another's «персональные данные».

Why hand-written: no Russian abbreviation resolver is installable. On PyPI, ``abbreviations``
(0.2.5, 2019) is Schwartz–Hearst for English: letters matched anywhere in the long form
(which takes «в городе Шаньтоу (КНР)» in a bundled report for a definition), no «(далее -
X)», and it sets the root logger's level on import; ``abbr2words`` expands text-to-speech
forms («т. е.», «напр.»), no acronyms. pymorphy3 only tags «РФ», «МЧС» as ``Abbr`` and
lemmatises them to themselves, so it gives no long form either.

The finder is the Schwartz–Hearst idea (a parenthesised short form after its long form, the
short form's first letter starting the long form's first word), stricter: the short form's
capitals must start words of the long form, in order; with Russian's «(далее - X)» and
glossary rows. In other passages a long form is matched by the first letters of its lemmas,
because an inflected long form («персональных данных» against the definition's
«персональные данные») may get another lemma from pymorphy3. Ordinary words named by
«(далее - Правила)», «(далее - граждане)» are left alone: common nouns used everywhere in
their ordinary sense, which a long form would only blur.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .lemmas import lemmas

# Bump when what ``expand`` adds to passage tokens changes: an index written under another
# version gets its tokens made again (vectors reused: the embedded text did not change).
LEXICAL_TOKENS_VERSION = 3        # 1 (no field in the manifest): tokens without abbreviations; 2: a looser finder

MAX_LONG_WORDS = 12               # a long form is found among the 12 words before its short form
STEM = 5                          # long forms are matched by their lemmas' first letters
_BOUNDARY = re.compile(r"[.;:!?|()\n\[\]]")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_FUNCTION = frozenset("и в во на по о об от с со к ко для из или а также при за до".split())
_DEFINED = re.compile(r"\(\s*(?:далее\s+(?:также\s+|соответственно\s+)?[-–—]\s*)?([^()\n]{1,40}?)\s*\)")
_GLOSSARY = re.compile(r"^\s*([^\s|]{2,12})\s*(?:\||\s[-–—]\s)\s*([^|\n]{3,120}?)\s*$", re.M)
_DOTTED = re.compile(r"^(?:[а-яё]{1,4}\.){2,}$")


def _acronym(word: str) -> bool:
    """«РИПД», «ПДн», «РБ», «з.е.»: two capitals at least, or lowercase letters with dots."""
    return sum(c.isupper() for c in word) >= 2 or bool(_DOTTED.match(word))


def _short_form(text: str) -> str | None:
    """The short form if it looks like one: at most four words, no digits (laws «№ 152-ФЗ»
    are cited, not defined), one of them an acronym, Cyrillic."""
    text = text.strip(" *«»\"'")
    words = text.split()
    if (not 1 <= len(words) <= 4 or any(c.isdigit() or c in ",;" for c in text)
            or not re.search("[а-яё]", text, re.I) or not (text[0].isupper() or _DOTTED.match(text))):
        return None          # «военнослужащие МЧС России»: a group of people named, not an abbreviation
    return text if any(_acronym(w.strip("«»\"'")) for w in words) else None


def _key_letters(short: str) -> str:
    """The letters that must start words of the long form, in order: the capitals («гас»
    and «у» of «ГАС «Управление»», «пд» of «ПДн», «грб» of «Госстрой РБ»), or the letters of
    a dotted lowercase form («зе» of «з.е.»)."""
    caps = "".join(c for c in short if c.isupper())
    return (caps if len(caps) >= 2 else "".join(c for c in short if c.isalpha())).lower().replace("ё", "е")


def _initials_hold(letters: str, span: str) -> bool:
    """Do words of ``span`` (parts of hyphenated words apart: «Жилищно-коммунальное») start
    with ``letters`` in order? Stricter than Schwartz–Hearst's letters anywhere, which took
    «в городе Шаньтоу (КНР)» for a definition of «КНР»."""
    initials = (w[0] for w in re.split(r"[^\w]+|_", span.lower().replace("ё", "е")) if w)
    return all(c in initials for c in letters)


def _long_form(before: str, short: str, max_words: int) -> str | None:
    """The shortest run of at least two words just before the short form, within one
    clause and ``max_words``, whose first word starts with the short form's first key
    letter and whose words start with all its key letters in order."""
    cut = max((m.end() for m in _BOUNDARY.finditer(before)), default=0)
    words = [(m.start(), m.group()) for m in _WORDS.finditer(before, cut)][-max_words:]
    letters = _key_letters(short)
    if len(letters) < 2:
        return None
    for k in range(len(words) - 2, -1, -1):
        start, word = words[k]
        low = word.lower().replace("ё", "е")
        if low in _FUNCTION or low[0] != letters[0]:
            continue
        span = before[start:].strip(" «»\"',–—-")
        if _initials_hold(letters, span):
            return " ".join(span.split())
    return None


def find_definitions(text: str) -> dict[str, str]:
    """Short form -> long form, as ``text`` defines them (the first definition of each).
    A bare «(РИПД)» takes a long form of at most Schwartz–Hearst's min(|A| + 5, 2|A|)
    words; «(далее - Госстрой РБ)» says it defines, so up to ``MAX_LONG_WORDS``."""
    found: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        short = _short_form(m.group(1))
        if short and short not in found:
            n = len(_key_letters(short))
            limit = MAX_LONG_WORDS if m.group(0)[1:].lstrip().startswith("далее") else min(n + 5, 2 * n)
            long = _long_form(text[max(0, m.start() - 300):m.start()], short, limit)
            if long:
                found[short] = long
    for m in _GLOSSARY.finditer(text):
        short, long = _short_form(m.group(1)), " ".join(m.group(2).split()).rstrip(".")
        if short and short not in found and len(long.split()) <= MAX_LONG_WORDS \
                and long[:1].lower() == _key_letters(short)[:1] and _initials_hold(_key_letters(short), long):
            found[short] = long
    return found


def _stems(tokens: Sequence[str]) -> list[str]:
    return [t[:STEM] for t in tokens]


def _holds(seq: list[str], run: list[str]) -> bool:
    n = len(run)
    return n > 0 and any(seq[i:i + n] == run for i in range(len(seq) - n + 1))


def lemma_pairs(definitions: dict[str, str]) -> list[tuple[list[str], list[str]]]:
    """(short form's lemmas, long form's lemmas) of each definition whose two forms differ
    in lemmas (one that lemmatises to the same words adds nothing)."""
    out = []
    for short, long in definitions.items():
        s, l = lemmas(short), lemmas(long)
        if s and l and set(s) != set(l):
            out.append((s, l))
    return out


class Expander:
    """A document's definitions as token runs, to add each form's lemmas where the other stands."""

    def __init__(self, definitions: dict[str, str]):
        self.pairs = [(s, l, _stems(l)) for s, l in lemma_pairs(definitions)]

    def expand(self, tokens: list[str]) -> list[str]:
        """``tokens`` with, once each, the lemmas of the other form of every definition
        present that the passage does not already hold."""
        if not self.pairs:
            return tokens
        have, stems, added = set(tokens), _stems(tokens), []
        stem_set = set(stems)
        for short, long, long_stems in self.pairs:       # the set tests first: most pairs are absent
            if set(short) <= have and _holds(tokens, short):
                added += [t for t in long if t not in have]
            elif set(long_stems) <= stem_set and _holds(stems, long_stems):
                added += [t for t in short if t not in have]
            have.update(added)
        return tokens + added if added else tokens


def abbrev_tokens(tokens: list[list[str]], doc_ids: Sequence[str], definitions: dict[str, dict[str, str]]
                  ) -> list[list[str]]:
    """Each passage's tokens expanded by its own document's ``definitions`` (doc id -> map)."""
    expanders = {d: Expander(defs) for d, defs in definitions.items()}
    return [expanders[d].expand(toks) if d in expanders else toks for toks, d in zip(tokens, doc_ids)]


def stored_definitions(manifest: dict | None, fresh: dict[str, dict[str, str]], documents: Sequence[str]
                       ) -> dict[str, dict[str, str]]:
    """The manifest's ``abbreviations`` (doc id -> short form -> long form) for ``documents``:
    the fresh documents' maps, the kept ones' from the previous manifest. Kept in the
    manifest so the map is written, versioned and swapped in with the index it made, and a
    kept document is not searched again on every update."""
    old = (manifest or {}).get("abbreviations")
    old = old if isinstance(old, dict) else {}
    out = {}
    for doc_id in documents:
        defs = fresh[doc_id] if doc_id in fresh else old.get(doc_id)
        if isinstance(defs, dict) and defs:
            out[doc_id] = defs
    return out
