"""`python -m covered` runs the CLI."""

import sys

from covered.cli import main

sys.exit(main())
