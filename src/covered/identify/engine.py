"""The identify layer built from a loaded registry: compiled signatures and the identifier, each built once.

The registry holds the records as data; compiling patterns and assembling the attribution engine happen here,
so ``covered.registry`` never imports ``covered.identify``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from covered.identify.attribute import Identifier
from covered.identify.enterprises import EnterpriseDatabase
from covered.identify.oui import OuiDatabase
from covered.identify.signatures import SignatureSet, compile_signatures

if TYPE_CHECKING:
    from covered.registry import Registry

__all__ = ["identifier_for", "signatures_for"]


def signatures_for(registry: Registry) -> SignatureSet:
    """The registry's signatures, compiled on first use and kept with the registry."""
    built = registry.derived.get("signature_set")
    if not isinstance(built, SignatureSet):
        built = registry.derived["signature_set"] = compile_signatures(registry.signatures)
    return built


def identifier_for(registry: Registry) -> Identifier:
    """The attribution engine over a registry's signatures, brands, vendors, OUI and enterprise registrants."""
    built = registry.derived.get("identifier")
    if not isinstance(built, Identifier):
        built = registry.derived["identifier"] = Identifier(
            signatures=signatures_for(registry),
            oui=OuiDatabase([located.record for located in registry.oui_registrants]),
            vendors=registry.vendors,
            brands=registry.brands,
            port_hints=[located.record for located in registry.port_hints],
            enterprises=EnterpriseDatabase([located.record for located in registry.enterprises]),
        )
    return built
