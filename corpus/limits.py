"""Per-document limits, checked before the expensive work, so one hostile or runaway file
(a 428 KB DOCX that inflates to 120 MB of Word XML, a 200 MB text dump) is refused in
seconds instead of becoming a ten-hour job that fills memory.

The limits sit far above a real report: the longest report we have seen is about 1.5
million characters (500 pages), the largest ``word/document.xml`` about 15 MB. They can
be raised per run through the environment for an unusual archive.

* ``MUNIQA_MAX_CHARS`` — text of one document (default 10 million characters);
* ``MUNIQA_MAX_PASSAGES`` — passages of one document (default 20,000; checked by the index);
* ``MUNIQA_MAX_DOCX_XML_MB`` — Word XML of one DOCX, unpacked (default 64 MB).

For a DOCX the zip's declared sizes are checked first (``zipfile`` never inflates a member
beyond its declared size, so they are an upper bound); then ``word/document.xml`` is
streamed and its text counted, stopping as soon as the limit is passed.
"""
from __future__ import annotations

import os
import zipfile
import zlib
from xml.etree.ElementTree import ParseError, XMLPullParser

from .errors import CorpusError

MAX_CHARS = 10_000_000
MAX_PASSAGES = 20_000
MAX_DOCX_XML_MB = 64
_W_TEXT = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name}: ожидается число, получено «{raw}»") from None
    return value if value > 0 else default


def max_chars() -> int:
    return int(_env_number("MUNIQA_MAX_CHARS", MAX_CHARS))


def max_passages() -> int:
    return int(_env_number("MUNIQA_MAX_PASSAGES", MAX_PASSAGES))


def max_docx_xml_bytes() -> int:
    return int(_env_number("MUNIQA_MAX_DOCX_XML_MB", MAX_DOCX_XML_MB) * 2**20)


def too_long(chars: int, limit: int) -> str:
    return (f"документ слишком большой: больше {limit:,} символов текста (предел на документ; "
            f"поднять: MUNIQA_MAX_CHARS)").replace(",", " ")


def check_text_size(path: object, chars: int) -> None:
    """Refuse a document whose text is over the character limit."""
    limit = max_chars()
    if chars > limit:
        raise CorpusError(path, too_long(chars, limit))


def check_text_file(path: object, size_bytes: int) -> None:
    """A text file of more than 4 bytes per allowed character is over the limit whatever its
    encoding (UTF-8 needs at most 4): refused before it is read and decoded."""
    limit = max_chars()
    if size_bytes > 4 * limit:
        raise CorpusError(path, too_long(size_bytes // 4, limit))


def check_docx(path: object, zf: zipfile.ZipFile) -> None:
    """Refuse a DOCX whose Word XML is over the limit, by declared size, then by streaming
    ``word/document.xml`` and counting its text (without building the tree)."""
    xml_limit = max_docx_xml_bytes()
    xml_size = sum(i.file_size for i in zf.infolist() if i.filename.endswith((".xml", ".rels")))
    if xml_size > xml_limit:
        raise CorpusError(path, f"DOCX распаковывается в {xml_size / 2**20:.0f} МБ XML, больше предела "
                                f"{xml_limit / 2**20:.0f} МБ (поднять: MUNIQA_MAX_DOCX_XML_MB)")
    try:
        _count_docx_text(path, zf)
    except (zipfile.BadZipFile, zlib.error, ParseError, OSError, EOFError):
        return                                   # damage: the reader reports it in its words


def _count_docx_text(path: object, zf: zipfile.ZipFile) -> None:
    try:
        member = zf.open("word/document.xml")
    except KeyError:
        return                                   # the reader reports the missing part
    limit, chars = max_chars(), 0
    parser = XMLPullParser(events=("start", "end"))
    open_elements: list = []
    with member:
        while block := member.read(1 << 20):
            parser.feed(block)
            for event, el in parser.read_events():
                if event == "start":
                    open_elements.append(el)
                    continue
                open_elements.pop()
                if el.tag == _W_TEXT and el.text:
                    chars += len(el.text)
                if len(open_elements) == 2:          # a finished block of w:body: let it go
                    open_elements[-1].remove(el)
            if chars > limit:
                raise CorpusError(path, too_long(chars, limit))
