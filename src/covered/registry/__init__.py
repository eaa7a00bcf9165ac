"""The knowledge half: curated vendors, brands, actors, sources, events, facts and rules, with their checks.

Names are loaded on first use (PEP 562 module ``__getattr__``), so importing one light submodule, such as
``covered.registry.vocabulary`` for the CLI's help, does not load the model and the whole registry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from covered.registry.check import Problem, check_registry
    from covered.registry.loader import default_data_dir
    from covered.registry.query import EventIndex, EventQuery
    from covered.registry.registry import Registry, load_registry
    from covered.registry.search import SearchHit, SearchIndex
    from covered.registry.vocabulary import GROUP_FIELDS, SEARCH_KINDS

__all__ = [
    "GROUP_FIELDS",
    "SEARCH_KINDS",
    "EventIndex",
    "EventQuery",
    "Problem",
    "Registry",
    "SearchHit",
    "SearchIndex",
    "check_registry",
    "default_data_dir",
    "load_registry",
]

_HOMES = {
    "GROUP_FIELDS": "covered.registry.vocabulary",
    "SEARCH_KINDS": "covered.registry.vocabulary",
    "EventIndex": "covered.registry.query",
    "EventQuery": "covered.registry.query",
    "Problem": "covered.registry.check",
    "Registry": "covered.registry.registry",
    "SearchHit": "covered.registry.search",
    "SearchIndex": "covered.registry.search",
    "check_registry": "covered.registry.check",
    "default_data_dir": "covered.registry.loader",
    "load_registry": "covered.registry.registry",
}


def __getattr__(name: str) -> Any:
    """Load a public name from the module that defines it, on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'covered.registry' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
