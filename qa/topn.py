"""Top-n lists (``index.topn``), re-exported where the query side has always imported them."""
from muniqa.index.topn import best_first, top_positive  # noqa: F401
