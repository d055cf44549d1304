"""muniqa: semantic search and question answering over Russian municipal reports.

The stages live in the repository's top-level folders and install as subpackages of this one:
``muniqa.corpus`` → ``muniqa.index`` → ``muniqa.qa`` → ``muniqa.ui``, with ``muniqa.eval`` beside
them. The command line (``muniqa.cli``) sits above the stages it drives.
"""
