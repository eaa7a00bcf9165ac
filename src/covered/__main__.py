"""`python -m covered` runs the CLI."""

import sys

from covered.cli import main

if __name__ == "__main__":  # spawned worker processes import this module under another name
    sys.exit(main())
