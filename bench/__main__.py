"""``python -m bench`` from the repository root; same as ``python -m zoo bench``."""

import sys

from .run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="python -m bench"))
