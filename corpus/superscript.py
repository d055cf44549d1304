"""Superscript digits: how muniqa writes a raised number (article 16¹, footnote mark²).

Russian codes number inserted articles and items with a raised digit (КАС РФ «Статья 16¹»,
«1¹)»): flattened into the line, «16¹» reads «161», another article. Readers keep the digit
raised as a Unicode superscript, so the passage shows what the page shows; the lemmatizer
reads ¹ as a word of its own, «1», so «статья 16.1» still finds «Статья 16¹».
"""
from __future__ import annotations

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_RAISE = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_LOWER = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")


def raised(text: str) -> str | None:
    """``text`` in superscript digits when it is a number (``"1"`` → ``"¹"``), else None."""
    stripped = text.strip()
    return stripped.translate(_RAISE) if stripped.isascii() and stripped.isdigit() else None


def lowered(text: str) -> str:
    """Superscript digits back to plain ones."""
    return text.translate(_LOWER)
