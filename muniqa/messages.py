"""The readers' one-line problems in Russian, for the surfaces a user sees (CLI and app).

The readers keep their English problem strings (their tests and logs use them); the
command line and the app translate them here, at the surface, so each surface speaks one
language. An unknown problem passes through as it is rather than being hidden.
"""
from __future__ import annotations

import re

_PREFIXES = (
    ("no text left after cleaning", "после очистки не осталось текста (скан без текстового слоя?)"),
    ("no text layer (a scan", "в PDF нет текстового слоя (скан или испорченная кодировка шрифта), а OCR "
                              "недоступен: установите Tesseract с русской моделью: apt-get install "
                              "tesseract-ocr tesseract-ocr-rus (и pip install pytesseract)"),
    ("no text layer, and ocr found no text", "в PDF нет текстового слоя, и OCR не нашёл текста на его страницах"),
    ("no text layer", "в PDF нет текстового слоя: скан нужно сначала распознать (OCR)"),
    ("the file is empty", "файл пустой"),
    ("the document has no text", "в документе нет текста"),
    ("the page has no text", "на странице нет текста"),
    ("not text: the file holds binary data", "это не текстовый файл (двоичные данные)"),
    ("not text", "это не текстовый файл: ни одна кодировка не подходит"),
    ("not a pdf", "это не PDF (неверное расширение?)"),
    ("not a docx: an old word", "это не DOCX: старый .doc или DOCX с паролем (сохраните как DOCX без пароля)"),
    ("not a docx", "это не DOCX (повреждён или неверное расширение)"),
    ("not html", "это не HTML"),
    ("html nested too deeply", "HTML слишком глубоко вложен, прочитать нельзя"),
    ("encrypted pdf", "PDF зашифрован: нужен пароль"),
    ("corrupt or truncated pdf", "PDF повреждён или обрезан"),
    ("corrupt pdf", "PDF повреждён"),
    ("corrupt docx", "DOCX повреждён"),
    ("docx unpacks to over", "DOCX распаковывается в слишком большой объём: отказано"),
    ("corrupt", "файл повреждён"),
    ("unsupported file type", "тип файла не поддерживается"),
    ("permission denied: cannot list", "нет доступа к папке"),
    ("permission denied", "нет доступа к файлу"),
    ("no such file or folder", "нет такого файла или папки"),
    ("no such file", "нет такого файла"),
    ("not a regular file", "это не обычный файл"),
    ("cannot list the folder", "не удаётся прочитать папку"),
    ("cannot read the metadata file", "не читается файл метаданных"),
    ("cannot read", "не удаётся прочитать файл"),
    ("every entry needs a 'file' field", "в файле метаданных у каждой записи должно быть поле file"),
    ("reading ", "для этого формата не установлен модуль чтения"),
)
_SIZE = re.compile(r"the file is ([\d.]+) MB, over the ([\d.]+) MB limit")
_HINTS = {"save it as DOCX or HTML": "сохраните его как DOCX или HTML", "save it as DOCX": "сохраните его как DOCX",
          "save it as HTML": "сохраните его как HTML"}


def problem_ru(problem: str) -> str:
    """The reader's one-line problem in Russian where it is a known one (else as it is)."""
    if re.search(r"[а-яё]", problem, re.I) and not re.match(r"[a-z]", problem):
        return problem                              # already Russian (limits, uploads)
    size = _SIZE.search(problem)
    if size:
        return (f"файл {size.group(1)} МБ, больше предела {size.group(2)} МБ "
                f"(поднять: --max-mb или MUNIQA_MAX_MB)")
    low = problem.lower()
    for prefix, ru in _PREFIXES:
        if low.startswith(prefix):
            if prefix == "unsupported file type":
                suffix = problem.split()[3].rstrip(":") if len(problem.split()) > 3 else ""
                hint = next((v for k, v in _HINTS.items() if k in problem), "")
                return f"{ru}: {suffix}" + (f"; {hint}" if hint else "")
            if prefix == "reading ":
                return f"{ru} ({problem.split(': ', 1)[-1]})"
            return ru
    return problem


def error_line(err) -> str:
    """``путь: проблема`` for a ``CorpusError``."""
    return f"{err.path}: {problem_ru(err.problem)}"
