"""The device half's core: from observations to attributions with evidence chains."""

from covered.identify.attribute import Identifier
from covered.identify.engine import identifier_for, signatures_for
from covered.identify.observations import ObservationReader, group_by_device, observations_from_flags
from covered.identify.oui import OuiDatabase, normalise_mac
from covered.identify.self_test import check_data
from covered.identify.signatures import SignatureSet, compile_signatures, load_signatures

__all__ = [
    "Identifier",
    "ObservationReader",
    "OuiDatabase",
    "SignatureSet",
    "check_data",
    "compile_signatures",
    "group_by_device",
    "identifier_for",
    "load_signatures",
    "normalise_mac",
    "observations_from_flags",
    "signatures_for",
]
