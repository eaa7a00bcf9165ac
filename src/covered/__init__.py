"""covered: find restricted-vendor surveillance and telecom equipment and the rules that make it a problem.

The public API is re-exported here; the CLI and (later) the web app import only from it.
"""

from covered.errors import CoveredError, DataError, UsageError
from covered.registry import (
    EventQuery,
    Registry,
    SearchHit,
    check_registry,
    load_registry,
)

__all__ = [
    "CoveredError",
    "DataError",
    "EventQuery",
    "Registry",
    "SearchHit",
    "UsageError",
    "check_registry",
    "load_registry",
]

__version__ = "0.1.0"
