"""Everything `covered registry check` checks: the registry's records, then the signatures tested on their examples.

The record checks live in ``covered.registry.check``; matching examples needs the compiled matcher, so the
signature self-test (Recog's fingerprint self-test) runs here, one layer up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covered.identify.engine import signatures_for
from covered.identify.signatures import signature_problems
from covered.registry.check import check_registry

if TYPE_CHECKING:
    from covered.errors import Problem
    from covered.registry import Registry

__all__ = ["check_data"]


def check_data(registry: Registry) -> list[Problem]:
    """Every problem in the records and every signature whose examples fail, in file order; empty when sound."""
    problems = [
        *check_registry(registry),
        *signature_problems(signatures_for(registry), set(registry.vendors), set(registry.brands)),
    ]
    return sorted(problems, key=lambda p: (str(p.path), p.line or 0))
