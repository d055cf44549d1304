"""``python -m muniqa``: the same as the ``muniqa`` command."""
from muniqa.cli import main

if __name__ == "__main__":
    main()
