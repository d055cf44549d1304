"""Questions in, cited passages out: hybrid retrieval over a muniqa index."""
from .api import Answer, Muniqa
from .filters import Filters
from .passages import Passage

__all__ = ["Muniqa", "Answer", "Filters", "Passage"]
