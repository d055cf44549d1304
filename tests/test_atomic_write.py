"""Caches and index files are written whole or not at all: a failed write keeps the old file
and leaves no temporary file behind (corpus.atomic)."""
import pytest

from muniqa.corpus.atomic import write_text_atomically


def test_replaces_whole_file(tmp_path):
    target = tmp_path / "memo.json"
    target.write_text("old", encoding="utf-8")
    write_text_atomically(target, "новое содержимое")
    assert target.read_text(encoding="utf-8") == "новое содержимое"
    assert [p.name for p in tmp_path.iterdir()] == ["memo.json"]


def test_failed_write_keeps_old_file_and_no_leftovers(tmp_path):
    target = tmp_path / "memo.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomically(target, "half \ud800 written")      # a lone surrogate cannot be UTF-8
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["memo.json"]
