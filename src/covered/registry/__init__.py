"""The knowledge half: curated vendors, brands, actors, sources, events, facts and rules, with their checks."""

from covered.registry.check import Problem, check_registry
from covered.registry.loader import default_data_dir
from covered.registry.query import GROUP_FIELDS, EventIndex, EventQuery
from covered.registry.registry import Registry, load_registry
from covered.registry.search import SEARCH_KINDS, SearchHit, SearchIndex

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
