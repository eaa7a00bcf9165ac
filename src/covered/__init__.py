"""covered: find restricted-vendor surveillance and telecom equipment and the rules that make it a problem.

The public API is re-exported here; the CLI and (later) the web app import only from it. Names are loaded on
first use (PEP 562 module ``__getattr__``): importing any ``covered.*`` module imports this package first, and the
registry and model would otherwise be loaded by every command, ``covered --help`` included.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from covered.errors import CoveredError, DataError, UsageError
    from covered.registry import EventQuery, Registry, SearchHit, check_registry, load_registry

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

_HOMES = {
    "CoveredError": "covered.errors",
    "DataError": "covered.errors",
    "UsageError": "covered.errors",
    "EventQuery": "covered.registry",
    "Registry": "covered.registry",
    "SearchHit": "covered.registry",
    "check_registry": "covered.registry",
    "load_registry": "covered.registry",
}


def __getattr__(name: str) -> Any:
    """Load a public name from the module that defines it, on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'covered' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
