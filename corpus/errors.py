"""User-facing errors of ingestion: one line, naming the file and the problem."""


class CorpusError(Exception):
    """A file that cannot be read or indexed. ``str(err)`` is the one-line message."""

    def __init__(self, path: object, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
